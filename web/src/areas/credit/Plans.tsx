import { Alert, Card, Collapse, Descriptions, Empty, Skeleton, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount, ErrorAlert } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { type Plan, type PlanInstalment, usePlans } from './types.ts';

function InstalmentState({ row }: { row: PlanInstalment }) {
  const { t } = useTranslation('credit');
  if (row.cancelled) return <Tag>{t('plan.cancelled')}</Tag>;
  return row.billed ? (
    <Tag color="blue">{t('plan.billed')}</Tag>
  ) : (
    <Tag color="gold">{t('plan.unbilled')}</Tag>
  );
}

export function PlanSchedule({ plan }: { plan: Plan }) {
  const { t } = useTranslation('credit');
  return (
    <Table<PlanInstalment>
      rowKey="seq"
      size="small"
      pagination={false}
      aria-label={t('plan.schedule')}
      dataSource={plan.schedule}
      columns={[
        { key: 'seq', title: t('plan.seq'), render: (_, r) => t('plan.nth', { n: r.seq }) },
        {
          key: 'principal',
          title: t('part.principal'),
          align: 'right',
          render: (_, r) => <Amount value={r.principal} />,
        },
        {
          key: 'charge',
          title: t('plan.charge'),
          align: 'right',
          render: (_, r) => <Amount value={r.charge} />,
        },
        { key: 'state', title: t('statement.status'), render: (_, r) => <InstalmentState row={r} /> },
      ]}
    />
  );
}

/** My instalment plans (purchases, cash draws, converted statements) with their schedules. */
export function Plans({ lineId, staff = false }: { lineId: string; staff?: boolean }) {
  const { t } = useTranslation('credit');
  const plans = usePlans(lineId, staff);
  if (plans.isPending) return <Skeleton active />;
  if (plans.isError) return <ErrorAlert error={plans.error} />;
  if (plans.data === null) return <Alert type="info" showIcon title={t('plan.notYet')} />;
  if (plans.data.length === 0) return <Empty description={t('plan.none')} />;
  return (
    <Card title={staff ? t('plan.staffTitle') : t('plan.title')}>
      <Collapse
        items={plans.data.map((plan) => ({
          key: plan.id,
          label: (
            <span>
              {t(`planKind.${plan.kind}`, { defaultValue: t('event.other') })}
              {plan.merchantName ? ` · ${plan.merchantName}` : ''} · {formatDate(plan.createdOn)} ·{' '}
              <Amount value={plan.principal} />
            </span>
          ),
          extra: <Tag>{t(`planStatus.${plan.status}`, { defaultValue: t('status.other') })}</Tag>,
          children: (
            <>
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 3 }}
                style={{ marginBottom: 12 }}
                items={[
                  {
                    key: 'principal',
                    label: t('part.principal'),
                    children: <Amount value={plan.principal} />,
                  },
                  { key: 'charge', label: t('plan.charge'), children: <Amount value={plan.charge} /> },
                  {
                    key: 'n',
                    label: t('pricing.months'),
                    children: t('instalmentsCount', { count: plan.instalments }),
                  },
                ]}
              />
              <PlanSchedule plan={plan} />
            </>
          ),
        }))}
      />
    </Card>
  );
}
