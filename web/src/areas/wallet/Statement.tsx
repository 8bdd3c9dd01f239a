import { DownloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { STATEMENT_KINDS } from '../../../../src/payments/statement-lists.ts';
import { api, type Money } from '../../api.ts';
import { Amount, QueryView } from '../../components/ui.tsx';
import { currentLanguage, formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

/** One movement of the wallet (GET /v1/me/wallet/statement, WalletStatementLine). */
export interface StatementLine {
  readonly id: string;
  readonly createdAt: string;
  readonly businessDate: string;
  readonly kind: (typeof STATEMENT_KINDS)[number];
  readonly direction: 'in' | 'out';
  readonly amount: Money;
  readonly balanceAfter: Money;
  readonly counterpart: { readonly kind: string; readonly name: string | null };
  readonly reference: { readonly type: 'order' | 'loan' | 'credit_line'; readonly id: string } | null;
}

interface Filters {
  kind?: string[];
  direction?: 'in' | 'out';
  from?: string;
  to?: string;
}

/** Kinds of a borrower's own loan: its reference opens the borrower's loan page, others the listing. */
const BORROWER_KINDS = new Set(['loan_disbursement', 'loan_repayment', 'prepayment_fee']);

const queryOf = (filters: Filters) => ({
  kind: filters.kind && filters.kind.length > 0 ? filters.kind.join(',') : undefined,
  direction: filters.direction,
  from: filters.from,
  to: filters.to,
});

/**
 * The wallet's statement from the ledger: every movement of the balance, newest first, in words,
 * with whom it was, the amount signed and the balance after it; filters, more on demand, and the
 * whole statement (as filtered) as a CSV file.
 */
export function Statement() {
  const { t } = useTranslation('wallet');
  const [filters, setFilters] = useState<Filters>({});
  const query = useInfiniteQuery({
    queryKey: ['wallet-statement', filters],
    queryFn: ({ pageParam }) =>
      api.get<{ items: StatementLine[]; nextBefore: string | null }>('/v1/me/wallet/statement', {
        ...queryOf(filters),
        limit: 20,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const onDates = (range: [Dayjs | null, Dayjs | null] | null) =>
    setFilters((f) => ({
      ...f,
      from: range?.[0]?.format('YYYY-MM-DD'),
      to: range?.[1]?.format('YYYY-MM-DD'),
    }));
  const csvQuery = new URLSearchParams(
    Object.entries({ ...queryOf(filters), language: currentLanguage() }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  ).toString();

  const counterpart = (row: StatementLine) => {
    const words = t(`statement.counterparts.${row.counterpart.kind}`, {
      defaultValue: t('statement.counterparts.platform'),
    });
    const named = row.counterpart.name ? `${words} ${row.counterpart.name}` : words;
    if (row.reference?.type !== 'loan') return named;
    const to = BORROWER_KINDS.has(row.kind) ? `/loans/${row.reference.id}` : `/market/${row.reference.id}`;
    return (
      <Link to={to} aria-label={t('statement.openLoan', { what: named })}>
        {named}
      </Link>
    );
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          mode="multiple"
          allowClear
          aria-label={t('kind')}
          placeholder={t('allKinds')}
          style={{ minWidth: 200 }}
          value={filters.kind ?? []}
          onChange={(kind: string[]) => setFilters((f) => ({ ...f, kind }))}
          options={STATEMENT_KINDS.map((kind) => ({ value: kind, label: t(`statement.kinds.${kind}`) }))}
          optionFilterProp="label"
        />
        <Select
          aria-label={t('statement.direction')}
          style={{ minWidth: 120 }}
          value={filters.direction ?? ''}
          onChange={(direction: string) =>
            setFilters((f) => ({ ...f, direction: (direction || undefined) as Filters['direction'] }))
          }
          options={[
            { value: '', label: t('statement.bothDirections') },
            { value: 'in', label: t('direction.in') },
            { value: 'out', label: t('direction.out') },
          ]}
        />
        <DatePicker.RangePicker
          aria-label={t('statement.dates')}
          onChange={onDates}
          allowEmpty={[true, true]}
        />
        <Button icon={<DownloadOutlined />} href={`/v1/me/wallet/statement.csv?${csvQuery}`} download>
          {t('statement.exportCsv')}
        </Button>
      </Space>
      <QueryView query={query} empty={(data) => data.pages[0]?.items.length === 0}>
        {(data) => (
          <>
            <ResponsiveTable<StatementLine>
              label={t('statement.title')}
              rowKey="id"
              size="small"
              pagination={false}
              dense
              dataSource={data.pages.flatMap((p) => p.items)}
              columns={[
                {
                  key: 'createdAt',
                  title: t('statement.time'),
                  dataIndex: 'createdAt',
                  render: (value: string) => formatDate(value),
                },
                {
                  key: 'kind',
                  title: t('kind'),
                  dataIndex: 'kind',
                  render: (kind: string) => t(`statement.kinds.${kind}`),
                },
                {
                  key: 'counterpart',
                  title: t('statement.counterpart'),
                  render: (_value, row) => counterpart(row),
                },
                {
                  key: 'amount',
                  title: t('common:field.amount'),
                  align: 'right',
                  render: (_value, row) => (
                    <span style={{ whiteSpace: 'nowrap' }} data-testid="statement-amount">
                      {row.direction === 'in' ? '+' : '−'}
                      <Amount value={row.amount} type={row.direction === 'in' ? 'success' : undefined} />
                      <span className="visually-hidden"> {t(`direction.${row.direction}`)}</span>
                    </span>
                  ),
                },
                {
                  key: 'balanceAfter',
                  title: t('statement.balanceAfter'),
                  align: 'right',
                  render: (_value, row) => <Amount value={row.balanceAfter} />,
                },
                {
                  key: 'businessDate',
                  title: t('statement.businessDate'),
                  dataIndex: 'businessDate',
                  render: (value: string) => formatDate(value),
                },
              ]}
            />
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              {query.hasNextPage ? (
                <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
                  {t('common:state.more')}
                </Button>
              ) : (
                <Typography.Text type="secondary">{t('statement.end')}</Typography.Text>
              )}
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}
