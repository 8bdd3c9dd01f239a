import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Col, Empty, Form, Row, Select, Skeleton, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { compareDecimal, progressPercent } from '../../money.ts';
import { ListingCard } from './ListingCard.tsx';
import type { Loan } from './lending.ts';

type Sort = 'newest' | 'rate_desc' | 'rate_asc' | 'amount_desc' | 'progress_desc' | 'ending';
const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'];
const MIN_RATES = ['0.06', '0.08', '0.10', '0.12', '0.15'];

const sorters: Record<Sort, ((a: Loan, b: Loan) => number) | null> = {
  newest: null,
  rate_desc: (a, b) => compareDecimal(b.annualRate, a.annualRate),
  rate_asc: (a, b) => compareDecimal(a.annualRate, b.annualRate),
  amount_desc: (a, b) => compareDecimal(b.amount.amount, a.amount.amount),
  // Display percentages (no money is computed from them).
  progress_desc: (a, b) =>
    (b.raised ? progressPercent(b.raised, b.amount) : 0) -
    (a.raised ? progressPercent(a.raised, a.amount) : 0),
  ending: (a, b) => a.expiresOn.localeCompare(b.expiresOn),
};

/** Open listings; filters and sorting work on the listings loaded so far (the API has neither). */
export function Market() {
  const { t } = useTranslation('invest');
  const [grade, setGrade] = useState<string | undefined>();
  const [term, setTerm] = useState<string | undefined>();
  const [minRate, setMinRate] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>('newest');
  const query = useInfiniteQuery({
    queryKey: ['lending', 'listings'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<{ items: Loan[]; nextBefore: string | null }>('/v1/lending/listings', {
        limit: 24,
        before: pageParam,
      }),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const loaded = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const terms = useMemo(
    () =>
      [...new Set(loaded.map((l) => `${l.term}:${l.termUnit}`))].sort(
        (a, b) => parseInt(a, 10) - parseInt(b, 10),
      ),
    [loaded],
  );
  const shown = useMemo(() => {
    const list = loaded.filter(
      (l) =>
        (!grade || l.grade.startsWith(grade)) &&
        (!term || `${l.term}:${l.termUnit}` === term) &&
        (!minRate || compareDecimal(l.annualRate, minRate) >= 0),
    );
    const sorter = sorters[sort];
    return sorter ? [...list].sort(sorter) : list;
  }, [loaded, grade, term, minRate, sort]);

  return (
    <>
      <PageTitle>{t('marketTitle')}</PageTitle>
      <Form layout="vertical">
        <Row gutter={12}>
          <Col xs={12} md={6}>
            <Form.Item label={t('filterGrade')} htmlFor="market-grade">
              <Select
                id="market-grade"
                allowClear
                placeholder={t('all')}
                value={grade}
                onChange={setGrade}
                options={GRADES.map((g) => ({ value: g, label: g }))}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('filterTerm')} htmlFor="market-term">
              <Select
                id="market-term"
                allowClear
                placeholder={t('all')}
                value={term}
                onChange={setTerm}
                options={terms.map((k) => {
                  const [n, unit] = k.split(':');
                  return {
                    value: k,
                    label: t(unit === 'day' ? 'termDays' : 'termMonths', { count: Number(n) }),
                  };
                })}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('filterMinRate')} htmlFor="market-rate">
              <Select
                id="market-rate"
                allowClear
                placeholder={t('all')}
                value={minRate}
                onChange={setMinRate}
                options={MIN_RATES.map((r) => ({ value: r, label: `≥ ${r.slice(2)}%` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('sortBy')} htmlFor="market-sort">
              <Select
                id="market-sort"
                value={sort}
                onChange={setSort}
                options={(Object.keys(sorters) as Sort[]).map((s) => ({ value: s, label: t(`sort.${s}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      <Alert type="info" showIcon title={t('clientSideNote')} style={{ marginBottom: 16 }} />
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : shown.length === 0 ? (
        <Empty description={loaded.length ? t('noMatch') : t('noListings')} />
      ) : (
        <Row gutter={[16, 16]}>
          {shown.map((loan) => (
            <Col key={loan.id} xs={24} md={12} xl={8}>
              <ListingCard loan={loan} />
            </Col>
          ))}
        </Row>
      )}
      {query.hasNextPage && (
        <Space style={{ width: '100%', justifyContent: 'center', marginTop: 16 }}>
          <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('common:state.more')}
          </Button>
        </Space>
      )}
    </>
  );
}
