import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Modal, Result, Row, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { minorOf, purchaseOptionsOf } from './calc.ts';
import { describeItem } from './describe.ts';
import { OptionsTable } from './Options.tsx';
import { Repay } from './Repay.tsx';
import { minimumDue, StatementStatus } from './Statements.tsx';
import { currentLine, type StatementDetail as Detail, type Line, useHas, useLines } from './types.ts';

/** Convert a statement into 3, 6 or 12 instalments: each option's fee, instalments and APR first. */
function Convert({ line, statement }: { line: Line; statement: Detail }) {
  const { t } = useTranslation('credit');
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const [open, setOpen] = useState(false);
  const [months, setMonths] = useState<number | null>(null);
  // A statement's unpaid principal is what is converted (fees, interest and penalty stay due).
  const principal = statement.unpaidParts?.principal ?? statement.unpaid;
  const options = purchaseOptionsOf(minorOf(principal), line.pricing).filter((o) => o.instalments > 1);
  const convert = useMutation({
    mutationFn: (n: number) =>
      api.post(`/v1/credit/lines/${line.id}/statements/${statement.id}/convert`, { months: n }, key),
    onSuccess: () => {
      renew();
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['credit'] });
    },
    onError: renewAfter,
  });
  if (convert.isSuccess)
    return (
      <Result
        status="success"
        title={t('convert.done')}
        extra={<Link to="/credit?tab=plans">{t('tab.plans')}</Link>}
      />
    );
  const chosen = options.find((o) => o.instalments === months);
  return (
    <Card title={t('convert.title')}>
      <Typography.Paragraph type="secondary">{t('convert.hint')}</Typography.Paragraph>
      <OptionsTable options={options} value={months} onChange={setMonths} label={t('convert.title')} />
      {convert.isError && <ErrorAlert error={convert.error} />}
      <Button type="primary" disabled={!chosen} style={{ marginTop: 12 }} onClick={() => setOpen(true)}>
        {t('convert.review')}
      </Button>
      <Modal
        open={open && !!chosen}
        title={t('convert.confirmTitle')}
        okText={t('convert.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={convert.isPending}
        onOk={() => chosen && convert.mutate(chosen.instalments)}
        onCancel={() => setOpen(false)}
      >
        {chosen && (
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'amount', label: t('convert.principal'), children: <Amount value={principal} /> },
              {
                key: 'months',
                label: t('pricing.months'),
                children: t('months', { count: chosen.instalments }),
              },
              { key: 'fee', label: t('checkout.fee'), children: <Amount value={chosen.fee} /> },
              { key: 'total', label: t('checkout.total'), children: <Amount value={chosen.total} strong /> },
              { key: 'apr', label: t('apr'), children: <Rate value={chosen.apr} /> },
            ]}
          />
        )}
      </Modal>
    </Card>
  );
}

function StatementView({ line, statement }: { line: Line; statement: Detail }) {
  const { t } = useTranslation('credit');
  const canConvert = useHas('POST /v1/credit/lines/{id}/statements/{statementId}/convert');
  const b = statement.billed;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card
          title={
            <span>
              {t('statement.title', { date: formatDate(statement.statementDate) })}{' '}
              <StatementStatus status={statement.status} />
            </span>
          }
        >
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2 }}
            items={[
              {
                key: 'period',
                label: t('statement.period'),
                children: `${formatDate(statement.periodStart)} – ${formatDate(statement.statementDate)}`,
              },
              { key: 'due', label: t('statement.dueOn'), children: formatDate(statement.dueOn) },
              { key: 'principal', label: t('part.principal'), children: <Amount value={b.principal} /> },
              { key: 'fees', label: t('part.fees'), children: <Amount value={b.fees} /> },
              { key: 'interest', label: t('part.interest'), children: <Amount value={b.interest} /> },
              { key: 'penalty', label: t('part.penalty'), children: <Amount value={b.penalty} /> },
              {
                key: 'total',
                label: t('statement.total'),
                children: <Amount value={statement.total} strong />,
              },
              {
                key: 'min',
                label: t('statement.minPayment'),
                children: <Amount value={statement.minPayment} strong />,
              },
              { key: 'paid', label: t('statement.paid'), children: <Amount value={statement.paid} /> },
              {
                key: 'unpaid',
                label: t('statement.unpaid'),
                children: (
                  <Amount
                    value={statement.unpaid}
                    type={minorOf(statement.unpaid) > 0n ? 'danger' : undefined}
                  />
                ),
              },
              ...(statement.cashDrawBalance
                ? [
                    {
                      key: 'cash',
                      label: t('statement.cashDrawBalance'),
                      children: <Amount value={statement.cashDrawBalance} />,
                    },
                  ]
                : []),
            ]}
          />
          <Table
            rowKey={(_, i) => String(i)}
            size="small"
            style={{ marginTop: 16 }}
            pagination={false}
            aria-label={t('statement.items')}
            dataSource={statement.items}
            scroll={{ x: 'max-content' }}
            columns={[
              { key: 'date', title: t('history.date'), render: (_, i) => formatDate(i.date) },
              {
                key: 'kind',
                title: t('history.event'),
                render: (_, i) => t(`item.${i.kind}`, { defaultValue: t('event.other') }),
              },
              {
                key: 'description',
                title: t('statement.description'),
                render: (_, i) => describeItem(t, i.description),
              },
              {
                key: 'amount',
                title: t('history.amount'),
                align: 'right',
                render: (_, i) => <Amount value={i.amount} />,
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Row gutter={[16, 16]}>
          {minorOf(statement.unpaid) > 0n && (
            <Col span={24}>
              <Repay line={line} minimum={minimumDue(statement)} />
            </Col>
          )}
          {statement.convertible && canConvert && (
            <Col span={24}>
              <Convert line={line} statement={statement} />
            </Col>
          )}
        </Row>
      </Col>
    </Row>
  );
}

export function StatementPage() {
  const { t } = useTranslation('credit');
  const { id = '' } = useParams();
  const lines = useLines();
  const line = currentLine(lines.data);
  const statement = useQuery({
    queryKey: ['credit', 'statement', line?.id, id],
    enabled: !!line,
    queryFn: () => api.get<Detail>(`/v1/credit/lines/${line!.id}/statements/${id}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/credit?tab=statements">{t('statement.back')}</Link>}>
        {t('statement.page')}
      </PageTitle>
      {lines.isSuccess && !line ? (
        <Alert type="info" showIcon title={t('noLine')} />
      ) : (
        <QueryView query={statement}>{(s) => <StatementView line={line!} statement={s} />}</QueryView>
      )}
    </>
  );
}
