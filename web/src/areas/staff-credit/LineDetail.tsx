import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Skeleton, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { AmountInput, ErrorAlert, PageTitle, QueryView, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { can, useMe } from '../../session.tsx';
import { LineHistory } from '../credit/History.tsx';
import { LineBalancesCard, PricingCard } from '../credit/Overview.tsx';
import { Plans } from '../credit/Plans.tsx';
import { StatementTable } from '../credit/Statements.tsx';
import { type Line, type LineEvent, useStatements } from '../credit/types.ts';
import { lineRef } from './Lines.tsx';

type Action = 'freeze' | 'unfreeze' | 'raise' | 'close';

interface ActionValues {
  reason: string;
  amount?: string;
  endsOn?: Dayjs;
}

/** Freeze, unfreeze, raise (with an end date) or close a line, each with a reason. */
function ActionModal({ line, action, onClose }: { line: Line; action: Action; onClose: () => void }) {
  const { t } = useTranslation('staffCredit');
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionValues>();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const amountRules = useAmountRules();
  const act = useMutation({
    mutationFn: (v: ActionValues) =>
      api.post<Line>(
        `/v1/credit/staff/lines/${line.id}/${action}`,
        action === 'raise'
          ? {
              amount: { amount: v.amount, currency: 'CNY' },
              endsOn: v.endsOn?.format('YYYY-MM-DD'),
              reason: v.reason.trim(),
            }
          : { reason: v.reason.trim() },
        key,
      ),
    onSuccess: () => {
      renew();
      void message.success(t(`done.${action}`));
      void client.invalidateQueries({ queryKey: ['credit'] });
      onClose();
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Modal
      open
      title={t(`action.${action}`)}
      okText={t(`action.${action}`)}
      okButtonProps={{ danger: action === 'freeze' || action === 'close', htmlType: 'submit' }}
      cancelText={t('common:action.cancel')}
      confirmLoading={act.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<ActionValues>
        name={`line-${action}`}
        form={form}
        layout="vertical"
        onFinish={(v) => act.mutate(v)}
      >
        {action === 'raise' && (
          <>
            <Form.Item name="amount" label={t('raise.amount')} rules={amountRules}>
              <AmountInput />
            </Form.Item>
            <Form.Item
              name="endsOn"
              label={t('raise.endsOn')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="reason"
          label={t('reason')}
          rules={[
            { required: true, whitespace: true, message: t('common:validation.required') },
            { max: 200, message: t('reasonTooLong') },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} />
        </Form.Item>
        {act.isError && <ErrorAlert error={act.error} />}
      </Form>
    </Modal>
  );
}

function LineView({ line, history }: { line: Line; history: LineEvent[] }) {
  const { t } = useTranslation('staffCredit');
  const me = useMe();
  const manage = can(me.data, 'credit:manage');
  const [action, setAction] = useState<Action | null>(null);
  const statements = useStatements(line.id, true);
  const open = line.status === 'active' || line.status === 'frozen';
  return (
    <Row gutter={[16, 16]}>
      {manage && open && (
        <Col span={24}>
          <Space wrap>
            {line.status === 'active' ? (
              <Button danger onClick={() => setAction('freeze')}>
                {t('action.freeze')}
              </Button>
            ) : (
              <Button onClick={() => setAction('unfreeze')}>{t('action.unfreeze')}</Button>
            )}
            <Button onClick={() => setAction('raise')} disabled={line.status !== 'active'}>
              {t('action.raise')}
            </Button>
            <Button onClick={() => setAction('close')}>{t('action.close')}</Button>
          </Space>
          {action && <ActionModal line={line} action={action} onClose={() => setAction(null)} />}
        </Col>
      )}
      <Col xs={24} xl={14}>
        <LineBalancesCard line={line} title={t('lines.balances', { grade: line.grade ?? '—' })} />
      </Col>
      <Col xs={24} xl={10}>
        <PricingCard pricing={line.pricing} />
      </Col>
      <Col span={24}>
        <Card title={t('credit:statement.list')}>
          {statements.isPending ? (
            <Skeleton active />
          ) : statements.isError ? (
            <ErrorAlert error={statements.error} />
          ) : statements.data === null ? (
            <Alert type="info" showIcon title={t('credit:statement.notYet')} />
          ) : (
            <StatementTable items={statements.data} />
          )}
        </Card>
      </Col>
      <Col span={24}>
        <Plans lineId={line.id} staff />
      </Col>
      <Col span={24}>
        <Card title={t('credit:history.title')}>
          <LineHistory events={history} customerId={line.customerId} />
        </Card>
      </Col>
    </Row>
  );
}

export function LineDetail() {
  const { t } = useTranslation('staffCredit');
  const { id = '' } = useParams();
  const line = useQuery({
    queryKey: ['credit', 'staff-line', id],
    queryFn: () => api.get<{ line: Line; history: LineEvent[] }>(`/v1/credit/staff/lines/${id}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/staff/credit">{t('lines.back')}</Link>}>
        {t('lines.detail', { ref: lineRef(id) })}
      </PageTitle>
      <QueryView query={line}>{(data) => <LineView line={data.line} history={data.history} />}</QueryView>
    </>
  );
}
