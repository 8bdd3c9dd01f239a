import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Input, Select, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { classColor, type PortraitSummary } from './types.ts';

const TAG = /^[a-z0-9_-]{1,40}$/;

/** Customers by class and tag, from the portraits of the last close, personal data masked; keyset pages. */
export function Customers() {
  const { t } = useTranslation('staffCrm');
  const [params, setParams] = useSearchParams();
  const cls = params.get('class') ?? '';
  const tag = params.get('tag') ?? '';
  const [tagText, setTagText] = useState(tag);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const list = useInfiniteQuery({
    queryKey: ['crm', 'portraits', cls, tag],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.get<{ items: PortraitSummary[]; next: string | null }>('/v1/crm/portraits', {
        ...(cls ? { class: cls } : {}),
        ...(tag ? { tag } : {}),
        ...(pageParam ? { after: pageParam } : {}),
        limit: 50,
      }),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<PortraitSummary> = [
    {
      title: t('customer'),
      render: (_v, p) => p.who?.realName ?? p.who?.displayName ?? p.who?.phone ?? p.userId,
    },
    {
      title: t('class'),
      dataIndex: 'class',
      render: (v: string | null) =>
        v ? <Tag color={classColor[v]}>{t(`classes.${v}`)}</Tag> : t('classes.unclassed'),
    },
    { title: t('aum'), render: (_v, p) => <Amount value={p.aum} />, align: 'right' },
    { title: t('contribution'), render: (_v, p) => <Amount value={p.contribution} />, align: 'right' },
    { title: t('riskClass'), dataIndex: 'riskClass', render: (v: string | null) => v ?? t('none') },
    {
      title: t('tags'),
      render: (_v, p) => (
        <Space size={4} wrap>
          {[...p.tags.rules, ...p.tags.staff].map((x) => (
            <Tag key={x}>{x}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: '',
      dataIndex: 'userId',
      render: (id: string) => (
        <Link to={`/staff/crm/customers/${id}`} aria-label={`${t('open')} ${id}`}>
          {t('open')}
        </Link>
      ),
    },
  ];
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            <Select
              aria-label={t('class')}
              style={{ minWidth: 140 }}
              value={cls}
              onChange={(v) => set('class', v)}
              options={[
                { value: '', label: t('all') },
                ...['A', 'B', 'C'].map((c) => ({ value: c, label: t(`classes.${c}`) })),
              ]}
            />
            <Input.Search
              aria-label={t('tag')}
              placeholder={t('tagPlaceholder')}
              value={tagText}
              allowClear
              onChange={(e) => setTagText(e.target.value)}
              onSearch={(v) => set('tag', TAG.test(v.trim()) ? v.trim() : '')}
              style={{ width: 220 }}
            />
          </Space>
        }
      >
        {t('customersTitle')}
      </PageTitle>
      <Card>
        {list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            <ResponsiveTable<PortraitSummary>
              label={t('customersTitle')}
              actionKeys={['userId']}
              rowKey="userId"
              size="small"
              columns={columns}
              dataSource={rows}
              loading={list.isPending}
              pagination={false}
            />
            {list.hasNextPage && (
              <Button
                style={{ marginTop: 12 }}
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {t('more')}
              </Button>
            )}
          </>
        )}
      </Card>
    </>
  );
}
