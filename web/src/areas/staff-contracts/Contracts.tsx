import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, Select, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import type { ContractSummary } from '../contracts/types.ts';
import { KINDS, REVIEW_STATUSES } from './types.ts';

const PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Filter {
  party?: string;
  subjectId?: string;
  kind?: string;
  reviewStatus?: string;
  dates?: [Dayjs | null, Dayjs | null] | null;
}

/** The review status of a contract, coloured by what legal has to do. */
export function ReviewTag({ status }: { status: string }) {
  const { t } = useTranslation('staffContracts');
  const color =
    status === 'pending'
      ? 'gold'
      : status === 'remediate'
        ? 'red'
        : status === 'accepted'
          ? 'green'
          : undefined;
  return <Tag color={color}>{t(`reviewStatus.${status}`, { defaultValue: status })}</Tag>;
}

/** Contract search: by a party (user id or phone), the deal (a loan id), kind, date and review status. */
export function Contracts() {
  const { t } = useTranslation('staffContracts');
  const [filter, setFilter] = useState<Filter>({});
  const party = filter.party?.trim();
  const query = {
    userId: party && UUID.test(party) ? party : undefined,
    phone: party && !UUID.test(party) ? party : undefined,
    subjectId: filter.subjectId?.trim() || undefined,
    kind: filter.kind,
    reviewStatus: filter.reviewStatus,
    from: filter.dates?.[0]?.format('YYYY-MM-DD'),
    to: filter.dates?.[1]?.format('YYYY-MM-DD'),
  };
  const contracts = useInfiniteQuery({
    queryKey: ['contracts', 'search', query],
    queryFn: ({ pageParam }) =>
      api.get<{ items: ContractSummary[] }>('/v1/contracts', { ...query, limit: PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (last.items.length === PAGE ? pages.length * PAGE : undefined),
  });
  const items = contracts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageTitle>{t('search.title')}</PageTitle>
      <Card>
        <Form<Filter> layout="inline" onFinish={setFilter} style={{ marginBottom: 16, rowGap: 8 }}>
          <Form.Item name="party" label={t('search.party')}>
            <Input allowClear placeholder={t('search.partyHint')} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="subjectId" label={t('search.subject')}>
            <Input allowClear style={{ width: 300 }} />
          </Form.Item>
          <Form.Item name="kind" label={t('field.kind')}>
            <Select
              allowClear
              style={{ width: 160 }}
              options={KINDS.map((k) => ({ value: k, label: t(`contracts:kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="reviewStatus" label={t('field.review')}>
            <Select
              allowClear
              style={{ width: 140 }}
              options={REVIEW_STATUSES.map((s) => ({ value: s, label: t(`reviewStatus.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="dates" label={t('search.dates')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('search.submit')}
            </Button>
          </Form.Item>
        </Form>
        {contracts.isError && <ErrorAlert error={contracts.error} onRetry={() => void contracts.refetch()} />}
        <Table<ContractSummary>
          rowKey="id"
          size="small"
          loading={contracts.isPending}
          dataSource={items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          aria-label={t('search.title')}
          columns={[
            {
              key: 'number',
              title: t('contracts:field.number'),
              render: (_, c) => <Link to={`/staff/contracts/${c.id}`}>{c.number}</Link>,
            },
            {
              key: 'kind',
              title: t('field.kind'),
              render: (_, c) => t(`contracts:kind.${c.kind}`, { defaultValue: c.kind }),
            },
            { key: 'subject', title: t('field.subject'), render: (_, c) => <code>{c.subjectId}</code> },
            { key: 'signed', title: t('contracts:field.signedAt'), render: (_, c) => formatDate(c.signedAt) },
            {
              key: 'review',
              title: t('field.review'),
              render: (_, c) => <ReviewTag status={c.reviewStatus} />,
            },
          ]}
        />
        {contracts.hasNextPage && (
          <Button
            style={{ marginTop: 12 }}
            loading={contracts.isFetchingNextPage}
            onClick={() => void contracts.fetchNextPage()}
          >
            {t('common:state.more')}
          </Button>
        )}
      </Card>
    </>
  );
}
