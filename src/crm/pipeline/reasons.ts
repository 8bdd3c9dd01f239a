import { sql } from 'kysely';
import type { PlainDate } from '../../kernel/index.ts';
import type { PipelineContext } from './context.ts';
import { loadSettings } from './settings.ts';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/**
 * The "definitely not" reasons for the product teams: every move to "definitely not" whose business
 * date lies in [from, to], counted by reason, by period (day, ISO week from Monday, or month) and by
 * the product the prospect was interested in (as it was at the change). Reasons carry their labels in
 * both languages; a code no longer configured keeps its code as its label.
 */
export async function reasonsReport(
  context: PipelineContext,
  range: { from: PlainDate; to: PlainDate; period: Period },
) {
  const settings = await loadSettings(context.db);
  const rows = await sql<{ period: PlainDate; product: string | null; reason: string; count: number }>`
    select date_trunc(${range.period}::text, business_date::timestamp)::date::text as period, product_interest as product,
           reason_code as reason, count(*)::int as count
    from crm_stage_changes
    where to_stage = 'definitely_not' and business_date between ${range.from}::date and ${range.to}::date
    group by 1, 2, 3 order by 1, 3, 2`.execute(context.db);
  const sum = (key: (r: (typeof rows.rows)[number]) => string) => {
    const totals = new Map<string, number>();
    for (const r of rows.rows) totals.set(key(r), (totals.get(key(r)) ?? 0) + r.count);
    return totals;
  };
  const labels = new Map(settings.reasons.map((r) => [r.code, r.label]));
  const byReason = [...sum((r) => r.reason)]
    .map(([code, count]) => ({ code, label: labels.get(code) ?? { en: code, zh: code }, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const nested = (key: (r: (typeof rows.rows)[number]) => string) => {
    const groups = new Map<string, Map<string, number>>();
    for (const r of rows.rows) {
      const group = groups.get(key(r)) ?? new Map<string, number>();
      group.set(r.reason, (group.get(r.reason) ?? 0) + r.count);
      groups.set(key(r), group);
    }
    return [...groups].map(([k, reasons]) => ({
      key: k,
      total: [...reasons.values()].reduce((a, b) => a + b, 0),
      reasons: Object.fromEntries([...reasons].sort(([a], [b]) => a.localeCompare(b))),
    }));
  };
  return {
    from: range.from,
    to: range.to,
    period: range.period,
    total: rows.rows.reduce((a, r) => a + r.count, 0),
    byReason,
    byPeriod: nested((r) => r.period).map(({ key, ...rest }) => ({ period: key, ...rest })),
    byProduct: nested((r) => r.product ?? 'none').map(({ key, ...rest }) => ({ product: key, ...rest })),
    reasons: settings.reasons,
    products: settings.products,
  };
}
