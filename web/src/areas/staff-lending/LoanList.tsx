import { DownloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { LoanDrawer } from './LoanDrawer.tsx';

export interface StaffLoanRow {
  id: string;
  product: string;
  grade: string;
  amount: Money;
  annualRate: string;
  term: number;
  termUnit: 'month' | 'day';
  status: string;
  listedAt: string;
  startDate: string | null;
  principalOutstanding: Money | null;
  dpd: number;
  bucket: string;
  investors: number;
  fillSeconds: number | null;
  advanced: boolean;
  borrower: { id: string; name: string | null };
}

interface Page {
  items: StaffLoanRow[];
  next: string | null;
  total: number;
  totalCapped: boolean;
}

const STATUSES = ['listing', 'full', 'failed', 'active', 'repaid', 'written_off'] as const;
const BUCKETS = ['current', 'M1', 'M2', 'M3', 'M3+'] as const;
/** The list's filters, as the address and the API name them. */
export const LOAN_FILTERS = [
  'status',
  'grade',
  'product',
  'vintage',
  'bucket',
  'minDpd',
  'advanced',
  'disbursedFrom',
  'disbursedTo',
  'listedFrom',
  'listedTo',
] as const;
type FilterKey = (typeof LOAN_FILTERS)[number];

const hours = (seconds: number) => (Math.round(seconds / 360) / 10).toString();

/**
 * The staff list of loans: every filter kept in the address (so that a chart's figure can link to
 * the loans behind it), newest first, more on demand, a loan's row opening its schedule in a drawer.
 */
export function LoanList() {
  const { t } = useTranslation('staffLending');
  const [params, setParams] = useSearchParams();
  const filters: Partial<Record<FilterKey, string>> = {};
  for (const key of LOAN_FILTERS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const opened = params.get('loan');
  const change = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  const loans = useInfiniteQuery({
    queryKey: ['lending', 'staff-loans', filters],
    queryFn: ({ pageParam }) =>
      api.get<Page>('/v1/lending/staff/loans', { ...filters, limit: 50, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const items = loans.data?.pages.flatMap((p) => p.items) ?? [];
  const first = loans.data?.pages[0];
  const csv = `/v1/lending/staff/loans.csv?${new URLSearchParams(filters as Record<string, string>).toString()}`;
  const listOf = (key: 'status' | 'bucket') => (filters[key] ? filters[key].split(',') : []);
  const columns: ColumnsType<StaffLoanRow> = [
    {
      title: t('loanId'),
      dataIndex: 'id',
      key: 'open',
      render: (id: string) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => change({ loan: id })}
          aria-label={t('openLoan', { id: id.slice(-8) })}
        >
          {id.slice(-8)}
        </Button>
      ),
    },
    { title: t('product'), dataIndex: 'product' },
    { title: t('grade'), dataIndex: 'grade' },
    { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: Money) => <Amount value={v} /> },
    { title: t('rate'), dataIndex: 'annualRate', render: (v: string) => <Rate value={v} /> },
    { title: t('term'), dataIndex: 'term', render: (v: number, l) => t(`units.${l.termUnit}`, { count: v }) },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => <Tag>{t(`loanStatuses.${v}`, { defaultValue: v })}</Tag>,
    },
    {
      title: t('startDate'),
      dataIndex: 'startDate',
      render: (v: string | null) => (v ? formatDate(v) : '—'),
    },
    {
      title: t('outstanding'),
      dataIndex: 'principalOutstanding',
      align: 'right',
      render: (v: Money | null) => (v ? <Amount value={v} /> : '—'),
    },
    {
      title: t('dpd'),
      dataIndex: 'dpd',
      align: 'right',
      render: (v: number, l) => (v > 0 ? `${v} (${l.bucket})` : '0'),
    },
    { title: t('investors'), dataIndex: 'investors', align: 'right' },
    {
      title: t('fillTime'),
      dataIndex: 'fillSeconds',
      align: 'right',
      render: (v: number | null) => (v === null ? '—' : t('fillHours', { hours: hours(v) })),
    },
    { title: t('advanced'), dataIndex: 'advanced', render: (v: boolean) => (v ? t('yes') : t('no')) },
    { title: t('borrower'), dataIndex: ['borrower', 'name'], render: (v: string | null) => v ?? '—' },
  ];
  return (
    <>
      <PageTitle
        extra={
          <Button icon={<DownloadOutlined />} href={csv} download>
            {t('exportCsv')}
          </Button>
        }
      >
        {t('loansTitle')}
      </PageTitle>
      <Card style={{ marginBottom: 16 }}>
        <Form layout="vertical" component="div">
          <Flex wrap gap={12} align="end">
            <Form.Item label={t('filterStatus')} style={{ minWidth: 200, marginBottom: 0 }}>
              <Select
                mode="multiple"
                allowClear
                aria-label={t('filterStatus')}
                value={listOf('status')}
                onChange={(v: string[]) => change({ status: v.join(',') })}
                options={STATUSES.map((s) => ({ value: s, label: t(`loanStatuses.${s}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('filterBucket')} style={{ minWidth: 200, marginBottom: 0 }}>
              <Select
                mode="multiple"
                allowClear
                aria-label={t('filterBucket')}
                value={listOf('bucket')}
                onChange={(v: string[]) => change({ bucket: v.join(',') })}
                options={BUCKETS.map((b) => ({ value: b, label: b }))}
              />
            </Form.Item>
            <Form.Item label={t('filterGrade')} style={{ marginBottom: 0 }}>
              <Input
                key={`grade-${filters.grade ?? ''}`}
                style={{ width: 90 }}
                defaultValue={filters.grade}
                onBlur={(e) => change({ grade: e.target.value.trim().toUpperCase() })}
                onPressEnter={(e) => change({ grade: e.currentTarget.value.trim().toUpperCase() })}
              />
            </Form.Item>
            <Form.Item label={t('filterProduct')} style={{ marginBottom: 0 }}>
              <Input
                key={`product-${filters.product ?? ''}`}
                style={{ width: 130 }}
                defaultValue={filters.product}
                onBlur={(e) => change({ product: e.target.value.trim() })}
                onPressEnter={(e) => change({ product: e.currentTarget.value.trim() })}
              />
            </Form.Item>
            <Form.Item label={t('filterVintage')} style={{ marginBottom: 0 }}>
              <Input
                key={`vintage-${filters.vintage ?? ''}`}
                type="month"
                style={{ width: 160 }}
                defaultValue={filters.vintage}
                onChange={(e) => change({ vintage: e.target.value })}
              />
            </Form.Item>
            <Form.Item label={t('filterMinDpd')} style={{ marginBottom: 0 }}>
              <InputNumber
                min={0}
                precision={0}
                style={{ width: 110 }}
                value={filters.minDpd ? Number(filters.minDpd) : null}
                onChange={(v) => change({ minDpd: v === null ? undefined : String(v) })}
              />
            </Form.Item>
            <Form.Item label={t('filterAdvanced')} style={{ minWidth: 150, marginBottom: 0 }}>
              <Select
                allowClear
                aria-label={t('filterAdvanced')}
                value={filters.advanced}
                onChange={(v: string | undefined) => change({ advanced: v })}
                options={[
                  { value: 'true', label: t('advancedYes') },
                  { value: 'false', label: t('advancedNo') },
                ]}
              />
            </Form.Item>
            {(['disbursedFrom', 'disbursedTo', 'listedFrom', 'listedTo'] as const).map((key) => (
              <Form.Item key={key} label={t(key)} style={{ marginBottom: 0 }}>
                <Input
                  type="date"
                  style={{ width: 160 }}
                  value={filters[key] ?? ''}
                  onChange={(e) => change({ [key]: e.target.value })}
                />
              </Form.Item>
            ))}
            <Button
              onClick={() => change(Object.fromEntries(LOAN_FILTERS.map((k) => [k, undefined])))}
              disabled={Object.keys(filters).length === 0}
            >
              {t('clearFilters')}
            </Button>
          </Flex>
        </Form>
      </Card>
      <Card>
        {loans.isError ? (
          <ErrorAlert error={loans.error} onRetry={() => void loans.refetch()} />
        ) : (
          <>
            {first && (
              <Typography.Paragraph type="secondary" data-testid="loans-total">
                {first.totalCapped
                  ? t('loansTotalCapped', { count: first.total })
                  : t('loansTotal', { count: first.total })}
              </Typography.Paragraph>
            )}
            <ResponsiveTable<StaffLoanRow>
              label={t('loansTitle')}
              rowKey="id"
              size="small"
              scroll={{ x: true }}
              columns={columns}
              dataSource={items}
              loading={loans.isPending}
              pagination={false}
            />
            {loans.hasNextPage && (
              <Button
                block
                style={{ marginTop: 12 }}
                loading={loans.isFetchingNextPage}
                onClick={() => void loans.fetchNextPage()}
              >
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
      <LoanDrawer id={opened} onClose={() => change({ loan: undefined })} />
    </>
  );
}
