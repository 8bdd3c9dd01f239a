import { useQuery } from '@tanstack/react-query';
import {
  Card,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Row,
  Skeleton,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { IncomeChart, YieldChart } from './Charts.tsx';
import { Redeem, Subscribe } from './MmfOrders.tsx';
import {
  type MmfHolding,
  type MmfOrder,
  type MmfOverview,
  type MmfStatement,
  nameOf,
  useHolderIncome,
  useMmf,
  useMmfHolding,
  useYields,
  type Yields,
} from './types.ts';

const percent = (value: string | null | undefined) => (value ? `${value}%` : '—');

/** The fund's yield in the definition it states first, the other beside it, and the last 万份收益. */
function YieldCard({ yields, overview }: { yields: Yields; overview: MmfOverview }) {
  const { t, i18n } = useTranslation('wealth');
  const first = yields.definition;
  const other = first === 'compounded' ? 'simple' : 'compounded';
  const value = (d: 'compounded' | 'simple') =>
    d === 'compounded' ? yields.latest?.sevenDayCompounded : yields.latest?.sevenDaySimple;
  const lastIncome = [...yields.days].reverse().find((d) => d.per10k !== null);
  return (
    <Card
      title={
        <Flex gap={8} align="center" wrap>
          <span>{nameOf(overview.product, i18n.language)}</span>
          <Tag>{t('risk', { level: overview.product.riskLevel })}</Tag>
        </Flex>
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={8}>
          <div data-testid="mmf-yield">
            <Statistic
              title={`${t('mmf.yield')}（${t(`mmf.${first}`)}）`}
              value={value(first) ? percent(value(first)) : t('mmf.noYield')}
            />
          </div>
        </Col>
        <Col xs={12} sm={8}>
          <Statistic title={`${t('mmf.yield')}（${t(`mmf.${other}`)}）`} value={percent(value(other))} />
        </Col>
        <Col xs={12} sm={8}>
          <Statistic
            title={`${t('mmf.per10k')}${lastIncome ? `（${t('mmf.per10kOn', { date: formatDate(lastIncome.date) })}）` : ''}`}
            value={lastIncome?.per10k ?? '—'}
          />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('mmf.inUse', {
          definition: t(`mmf.definition.${first}`),
          formula: yields.formula[first],
        })}{' '}
        {t('mmf.nav', { nav: overview.nav })}
      </Typography.Paragraph>
      <div style={{ marginTop: 12 }}>
        <YieldChart yields={yields} />
      </div>
    </Card>
  );
}

function HoldingCard({ holding }: { holding: MmfHolding }) {
  const { t } = useTranslation('wealth');
  const income = useHolderIncome();
  return (
    <Card title={t('mmf.holding')}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <div data-testid="mmf-units">
            <Statistic title={t('mmf.units')} value={formatMoney(holding.units)} />
          </div>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('mmf.available')} value={formatMoney(holding.available)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={`${t('mmf.yesterday')}${income.data ? `（${formatDate(income.data.yesterday.date)}）` : ''}`}
            value={income.data ? formatMoney(income.data.yesterday.amount) : '—'}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('mmf.cumulative')}
            value={income.data ? formatMoney(income.data.cumulative) : '—'}
          />
        </Col>
      </Row>
      {income.data && income.data.days.length > 0 && (
        <div style={{ marginTop: 12 }}>
          <IncomeChart income={income.data} />
        </div>
      )}
    </Card>
  );
}

/** When an order placed now trades, is confirmed, earns from (or is paid): shown before confirming. */
export function OrdersTable({ orders, label }: { orders: MmfOrder[]; label: string }) {
  const { t } = useTranslation('wealth');
  return (
    <Table<MmfOrder>
      rowKey="id"
      size="small"
      pagination={false}
      scroll={{ x: true }}
      aria-label={label}
      dataSource={orders}
      columns={[
        { key: 'date', title: t('mmf.date'), render: (_, o) => formatDate(o.businessDate) },
        {
          key: 'order',
          title: t('mmf.order'),
          render: (_, o) =>
            [
              t(`mmf.kind.${o.kind}`),
              o.mode ? t(`mmf.modeName.${o.mode}`) : '',
              o.purpose === 'wallet' ? '' : t(`mmf.purpose.${o.purpose}`),
            ]
              .filter(Boolean)
              .join(' · '),
        },
        { key: 'amount', title: t('mmf.amount'), render: (_, o) => <Amount value={o.amount} /> },
        { key: 'trade', title: t('mmf.tradeDate'), render: (_, o) => formatDate(o.tradeDate) },
        {
          key: 'settles',
          title: t('mmf.settles'),
          render: (_, o) => formatDate(o.confirmDate ?? o.payDate),
        },
        {
          key: 'status',
          title: t('holdings.state'),
          render: (_, o) => (
            <Tag color={o.status === 'pending' ? 'processing' : 'success'}>{t(`mmf.status.${o.status}`)}</Tag>
          ),
        },
      ]}
    />
  );
}

/** The month of the business date by default (a statement is of business dates, not the wall clock). */
function Statement({ businessDate }: { businessDate: string }) {
  const { t } = useTranslation('wealth');
  const [month, setMonth] = useState<Dayjs>(dayjs(businessDate));
  const text = month.format('YYYY-MM');
  const statement = useQuery({
    queryKey: ['wealth', 'statement', text],
    queryFn: () => api.get<MmfStatement>(`/v1/me/wealth/mmf/statements/${text}`),
  });
  const m = (v: Money) => <Amount value={v} />;
  return (
    <Card
      title={t('mmf.statement')}
      extra={
        <DatePicker
          picker="month"
          aria-label={t('mmf.month')}
          value={month}
          allowClear={false}
          onChange={(value) => value && setMonth(value)}
        />
      }
    >
      <QueryView query={statement}>
        {(s) => (
          <>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2, md: 5 }}
              items={[
                { key: 'o', label: t('mmf.opening'), children: m(s.opening) },
                { key: 's', label: t('mmf.subscriptions'), children: m(s.subscriptions) },
                { key: 'i', label: t('mmf.income'), children: m(s.income) },
                { key: 'r', label: t('mmf.redemptions'), children: m(s.redemptions) },
                { key: 'c', label: t('mmf.closing'), children: <Amount value={s.closing} strong /> },
              ]}
            />
            <Table
              rowKey={(l) => `${l.bookedOn}-${l.kind}-${l.incomeDate ?? ''}-${l.amount.amount}`}
              size="small"
              style={{ marginTop: 12 }}
              scroll={{ x: true }}
              aria-label={t('mmf.movements')}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={s.lines}
              columns={[
                { key: 'd', title: t('mmf.date'), render: (_, l) => formatDate(l.bookedOn) },
                {
                  key: 'k',
                  title: t('mmf.order'),
                  render: (_, l) =>
                    l.incomeDate
                      ? `${t(`mmf.movement.${l.kind}`)}（${t('mmf.incomeOf', { date: formatDate(l.incomeDate) })}）`
                      : t(`mmf.movement.${l.kind}`),
                },
                {
                  key: 'a',
                  title: t('mmf.amount'),
                  render: (_, l) => (
                    <Amount value={l.amount} type={l.kind === 'redemption' ? 'danger' : undefined} />
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryView>
    </Card>
  );
}

/** The money-market fund: yield, holding and income, subscribe and redeem, orders, statement. */
export function MoneyMarket() {
  const { t } = useTranslation('wealth');
  const overview = useMmf();
  const holding = useMmfHolding();
  const yields = useYields(30);
  if (overview.isPending || holding.isPending || yields.isPending) return <Skeleton active />;
  if (overview.isError) return <ErrorAlert error={overview.error} onRetry={() => void overview.refetch()} />;
  if (holding.isError) return <ErrorAlert error={holding.error} onRetry={() => void holding.refetch()} />;
  if (yields.isError) return <ErrorAlert error={yields.error} onRetry={() => void yields.refetch()} />;
  const h = holding.data;
  const pending = [...h.pendingSubscriptions, ...h.pendingRedemptions];
  return (
    <Flex vertical gap={16}>
      <YieldCard yields={yields.data} overview={overview.data} />
      <HoldingCard holding={h} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Subscribe overview={overview.data} />
        </Col>
        <Col xs={24} lg={12}>
          <Redeem overview={overview.data} holding={h} />
        </Col>
      </Row>
      {pending.length > 0 && (
        <Card title={t('mmf.pending')}>
          <OrdersTable orders={pending} label={t('mmf.pending')} />
        </Card>
      )}
      <Card title={t('mmf.orders')}>
        <OrdersTable orders={h.orders.slice(0, 20)} label={t('mmf.orders')} />
      </Card>
      <Statement businessDate={overview.data.businessDate} />
    </Flex>
  );
}
