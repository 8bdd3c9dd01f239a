import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Skeleton, Switch, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { minorOf, yuan } from './calc.ts';
import { Repay } from './Repay.tsx';
import { type Line, type StatementSummary, useHas, useStatements } from './types.ts';

export function StatementStatus({ status }: { status: string }) {
  const { t } = useTranslation('credit');
  const colour =
    status === 'paid' ? 'green' : status === 'overdue' ? 'red' : status === 'open' ? 'gold' : 'default';
  return <Tag color={colour}>{t(`statementStatus.${status}`, { defaultValue: t('status.other') })}</Tag>;
}

export function StatementTable({
  items,
  link,
}: {
  items: StatementSummary[];
  link?: (id: string) => string;
}) {
  const { t } = useTranslation('credit');
  return (
    <Table<StatementSummary>
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={{ pageSize: 12, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      aria-label={t('statement.list')}
      columns={[
        {
          key: 'date',
          title: t('statement.date'),
          render: (_, s) =>
            link ? <Link to={link(s.id)}>{formatDate(s.statementDate)}</Link> : formatDate(s.statementDate),
        },
        { key: 'due', title: t('statement.dueOn'), render: (_, s) => formatDate(s.dueOn) },
        {
          key: 'total',
          title: t('statement.total'),
          align: 'right',
          render: (_, s) => <Amount value={s.total} />,
        },
        {
          key: 'min',
          title: t('statement.minPayment'),
          align: 'right',
          render: (_, s) => <Amount value={s.minPayment} />,
        },
        {
          key: 'unpaid',
          title: t('statement.unpaid'),
          align: 'right',
          render: (_, s) => <Amount value={s.unpaid} />,
        },
        {
          key: 'status',
          title: t('statement.status'),
          render: (_, s) => <StatementStatus status={s.status} />,
        },
      ]}
    />
  );
}

/** The statement day, the grace days to the due date, and auto-debit from the wallet (opt-in). */
function BillingSettings({ line }: { line: Line }) {
  const { t } = useTranslation('credit');
  const { message } = App.useApp();
  const [form] = Form.useForm<{ statementDay: number; graceDays: number; autoDebit: boolean }>();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const save = useMutation({
    mutationFn: (v: { statementDay: number; graceDays: number; autoDebit: boolean }) =>
      api.post<Line>(`/v1/credit/lines/${line.id}/billing`, v, key),
    onSuccess: () => {
      renew();
      void message.success(t('billing.saved'));
      void client.invalidateQueries({ queryKey: ['credit'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  if (!line.billing) return null;
  return (
    <Card title={t('billing.title')}>
      <Form
        name="billing"
        form={form}
        layout="vertical"
        initialValues={line.billing}
        onFinish={(v) => save.mutate(v)}
        style={{ maxWidth: 420 }}
      >
        <Form.Item
          name="statementDay"
          label={t('billing.statementDay')}
          extra={t('billing.statementDayHint')}
        >
          <InputNumber min={1} max={28} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="graceDays" label={t('billing.graceDays')} extra={t('billing.graceDaysHint')}>
          <InputNumber min={1} max={31} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="autoDebit"
          label={t('billing.autoDebit')}
          valuePropName="checked"
          extra={t('billing.autoDebitHint')}
        >
          <Switch />
        </Form.Item>
        {save.isError && <ErrorAlert error={save.error} />}
        <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 12 }}>
          {t('common:action.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** What of a statement's minimum payment is still due: the minimum less what was paid, at most what is unpaid. */
export function minimumDue(s: StatementSummary) {
  const left = minorOf(s.minPayment) - minorOf(s.paid);
  const unpaid = minorOf(s.unpaid);
  return yuan(left < 0n ? 0n : left > unpaid ? unpaid : left);
}

/** Statements newest first, repayment with the minimum and full shortcuts, and billing settings. */
export function Statements({ line }: { line: Line }) {
  const { t } = useTranslation('credit');
  const statements = useStatements(line.id);
  const canSetBilling = useHas('POST /v1/credit/lines/{id}/billing');
  // The minimum still due: the newest statement with something unpaid (a converted one may still owe its fees).
  const due = statements.data?.find((s) => s.status !== 'paid' && minorOf(s.unpaid) > 0n);
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card title={t('statement.list')}>
          {statements.isPending ? (
            <Skeleton active />
          ) : statements.isError ? (
            <ErrorAlert error={statements.error} />
          ) : statements.data === null ? (
            <Alert type="info" showIcon title={t('statement.notYet')} />
          ) : (
            <StatementTable items={statements.data} link={(id) => `/credit/statements/${id}`} />
          )}
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Repay line={line} minimum={due ? minimumDue(due) : null} />
      </Col>
      {canSetBilling && (
        <Col xs={24} xl={12}>
          <BillingSettings line={line} />
        </Col>
      )}
    </Row>
  );
}
