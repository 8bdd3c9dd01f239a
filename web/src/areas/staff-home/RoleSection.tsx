import { useQuery } from '@tanstack/react-query';
import { Card, Col, type ColProps, Flex, Row, Statistic, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import type { Me } from '../../session.tsx';
import type { StaffHomeKey } from './messages.ts';

/** What every role's section is given by the dashboard. */
export interface SectionProps {
  readonly me: Me;
  /** The business date, once known. */
  readonly today: string | undefined;
  /** Whether a day-close is running now. */
  readonly closing: boolean;
}

/** The most a list endpoint returns at once: a count of a full page reads "200+". */
export const PAGE = 200;

/**
 * A figure's value and how it is shown. Every kind stands at the statistic's own size, so that money
 * is never smaller than a percentage beside it; only a list of lines and a sentence are smaller.
 */
export type FigureValue =
  | { readonly kind: 'money'; readonly money: Money | undefined; readonly danger?: boolean }
  | { readonly kind: 'percent'; readonly rate: string | null | undefined }
  | { readonly kind: 'count'; readonly count: number | undefined; readonly full?: boolean }
  | { readonly kind: 'age'; readonly since: string | undefined; readonly none: string }
  | { readonly kind: 'lines'; readonly lines: readonly string[]; readonly empty: string }
  | { readonly kind: 'text'; readonly text: string };

export const money = (value: Money | undefined, danger?: boolean): FigureValue => ({
  kind: 'money',
  money: value,
  danger,
});
export const percent = (rate: string | null | undefined): FigureValue => ({ kind: 'percent', rate });
/** A count; `full` when it is a whole page of a list, so that there may be more ("200+"). */
export const count = (value: number | undefined, full?: boolean): FigureValue => ({
  kind: 'count',
  count: value,
  full,
});
/** How long ago `since` was, or `none` when there is nothing. */
export const age = (since: string | undefined, none: string): FigureValue => ({ kind: 'age', since, none });
export const lines = (list: readonly string[], empty: string): FigureValue => ({
  kind: 'lines',
  lines: list,
  empty,
});
export const text = (words: string): FigureValue => ({ kind: 'text', text: words });

/** One row of a section's table: one card. */
export interface FigureRow {
  readonly title: StaffHomeKey;
  readonly value: FigureValue;
  /** Whether its query is still loading, when not the section's. */
  readonly loading?: boolean;
  /** A line under the value, already in words. */
  readonly note?: string | undefined;
  /** The page that works this figure, with its label's message key. */
  readonly link?: { readonly to: string; readonly label: StaffHomeKey };
  readonly testId?: string;
}

/** A query whose failure the section shows above its figures. */
interface Watched {
  readonly isError: boolean;
  readonly error: unknown;
  refetch: () => unknown;
}

/** How many items a list endpoint has (up to a page), and whether there may be more. */
export function useCount(key: string, url: string, params: Record<string, string | number>, paged = true) {
  const query = useQuery({
    queryKey: ['staff-home', key, params],
    queryFn: () => api.get<{ items: unknown[] }>(url, paged ? { ...params, limit: PAGE } : params),
  });
  return { query, count: query.data?.items.length, full: (query.data?.items.length ?? 0) >= PAGE };
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

function ageText(since: string, t: Translate): string {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 60_000));
  const hours = Math.floor(minutes / 60);
  if (hours < 1) return t('age.minutes', { count: minutes });
  return hours < 48 ? t('age.hours', { count: hours }) : t('age.days', { count: Math.floor(hours / 24) });
}

function shown(value: FigureValue, t: Translate): ReactNode {
  switch (value.kind) {
    case 'money':
      return <Amount value={value.money} strong type={value.danger ? 'danger' : undefined} />;
    case 'percent':
      return value.rate ? <Rate value={value.rate} /> : '—';
    case 'count':
      if (value.count === undefined) return '—';
      return value.full ? t('atLeast', { count: value.count }) : value.count;
    case 'age':
      return value.since ? ageText(value.since, t) : value.none;
    case 'lines':
      return (
        <Flex vertical gap={2} style={{ fontSize: 14 }}>
          {value.lines.length > 0 ? value.lines.map((line) => <span key={line}>{line}</span>) : value.empty}
        </Flex>
      );
    case 'text':
      return <span style={{ fontSize: 18 }}>{value.text}</span>;
  }
}

function FigureCard({ row, loading }: { row: FigureRow; loading: boolean }) {
  const { t } = useTranslation('staffHome');
  return (
    <Card size="small" loading={loading} style={{ height: '100%' }} data-testid={row.testId}>
      <Statistic title={t(row.title)} valueRender={() => shown(row.value, t)} />
      {row.note ? (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {row.note}
        </Typography.Paragraph>
      ) : null}
      {row.link ? (
        <Link to={row.link.to} style={{ display: 'inline-block', marginTop: 8 }}>
          {t(row.link.label)}
        </Link>
      ) : null}
    </Card>
  );
}

const WIDTHS = {
  quarter: { xs: 24, md: 12, lg: 6 },
  third: { xs: 24, md: 8 },
  half: { xs: 24, md: 12 },
} as const satisfies Record<string, ColProps>;

/**
 * A role's part of the dashboard: a heading and a card for each row of its table of figures, after
 * the error of the first of its watched queries that failed, with a retry.
 */
export function RoleSection({
  title,
  figures,
  watched,
  loading = false,
  width,
}: {
  title: StaffHomeKey;
  figures: readonly FigureRow[];
  watched: readonly Watched[];
  /** Whether the section's query is still loading, for the rows that say nothing of their own. */
  loading?: boolean;
  /** How wide each card is on a wide screen (a whole row on a phone). */
  width: keyof typeof WIDTHS;
}) {
  const { t } = useTranslation('staffHome');
  const failed = watched.find((q) => q.isError);
  return (
    <section aria-label={t(title)} style={{ marginTop: 24 }}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t(title)}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {failed && (
          <Col span={24}>
            <ErrorAlert error={failed.error} onRetry={() => void failed.refetch()} />
          </Col>
        )}
        {figures.map((row) => (
          <Col key={row.title} {...WIDTHS[width]}>
            <FigureCard row={row} loading={row.loading ?? loading} />
          </Col>
        ))}
      </Row>
    </section>
  );
}
