import { sql } from 'kysely';
import { CNY, Decimal, formatAmount, type PlainDate } from '../kernel/index.ts';
import type { CollectionsContext } from './steps.ts';

/**
 * Collections analysis over a period of business dates: roll rates between buckets, recovery by
 * bucket and by month a case opened, the promise-kept rate, each collector's results, and the amount
 * overdue now by region and by product. Ratios are exact decimals (4 places), amounts minor units.
 */
const ratio = (part: number | bigint, whole: number | bigint) =>
  BigInt(whole) === 0n ? null : new Decimal(String(part)).div(String(whole)).toFixed(4);

export async function analysis(context: CollectionsContext, period: { from: PlainDate; to: PlainDate }) {
  const db = context.db;
  // Roll rate X → Y: of the cases that were in stage X during the period, the share that moved to Y in it.
  const rolls = await sql<{ from_stage: string; to_stage: string; n: number }>`
    select from_stage, to_stage, count(*)::int as n from collection_stage_history
    where business_date between ${period.from} and ${period.to} and from_stage is not null
    group by from_stage, to_stage`.execute(db);
  const inStage = await sql<{ stage: string; n: number }>`
    select h.to_stage as stage, count(distinct h.case_id)::int as n from collection_stage_history h
    where h.to_stage <> 'closed' and h.business_date <= ${period.to}
      and not exists (select 1 from collection_stage_history later where later.case_id = h.case_id
                        and later.business_date > h.business_date and later.business_date < ${period.from})
    group by h.to_stage`.execute(db);
  const stageCount = new Map(inStage.rows.map((r) => [r.stage, r.n]));
  const rollRates = rolls.rows
    .map((r) => ({
      from: r.from_stage,
      to: r.to_stage,
      cases: r.n,
      rate: ratio(r.n, stageCount.get(r.from_stage) ?? 0),
    }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));

  // Recovery by the worst bucket a case reached: of the cases that reached it, the share cured.
  const recovery = await sql<{
    stage: string;
    cases: number;
    cured: number;
    amount: bigint;
    cured_amount: bigint;
  }>`
    select c.max_stage as stage, count(*)::int as cases,
           count(*) filter (where c.status = 'closed')::int as cured,
           coalesce(sum(o.amount), 0)::int8 as amount,
           coalesce(sum(o.amount) filter (where c.status = 'closed'), 0)::int8 as cured_amount
    from collection_cases c
    left join lateral (select max(h.overdue_amount) as amount from collection_stage_history h where h.case_id = c.id) o on true
    where c.opened_on between ${period.from} and ${period.to}
    group by c.max_stage order by c.max_stage`.execute(db);
  const byMonth = await sql<{ month: string; cases: number; cured: number }>`
    select to_char(opened_on, 'YYYY-MM') as month, count(*)::int as cases, count(*) filter (where status = 'closed')::int as cured
    from collection_cases where opened_on between ${period.from} and ${period.to} group by 1 order by 1`.execute(
    db,
  );

  const promises = await sql<{ collector_id: string | null; kept: number; broken: number; pending: number }>`
    select k.collector_id, count(*) filter (where p.status = 'kept')::int as kept,
           count(*) filter (where p.status = 'broken')::int as broken, count(*) filter (where p.status = 'pending')::int as pending
    from collection_promises p join collection_contacts k on k.id = p.contact_id
    where p.made_on between ${period.from} and ${period.to} group by k.collector_id`.execute(db);
  const kept = promises.rows.reduce((a, r) => a + r.kept, 0);
  const broken = promises.rows.reduce((a, r) => a + r.broken, 0);

  const collectors = await sql<{
    user_id: string;
    tier: string;
    contacts: number;
    cases: number;
    cured: number;
  }>`
    select k.user_id, k.tier,
      (select count(*)::int from collection_contacts x where x.collector_id = k.user_id and x.business_date between ${period.from} and ${period.to} and x.call_id is null) as contacts,
      (select count(*)::int from collection_cases c where c.assigned_to = k.user_id and c.status = 'open') as cases,
      (select count(*)::int from collection_cases c where c.assigned_to = k.user_id and c.status = 'closed' and c.closed_on between ${period.from} and ${period.to}) as cured
    from collectors k order by k.user_id`.execute(db);
  const promisesOf = new Map(promises.rows.map((r) => [r.collector_id, r]));

  const byRegion = await sql<{ key: string | null; cases: number; amount: bigint }>`
    select region as key, count(*)::int as cases, sum(overdue_amount)::int8 as amount from collection_cases
    where status = 'open' group by region order by amount desc`.execute(db);
  const byProduct = await sql<{ key: string; cases: number; amount: bigint }>`
    select product_id as key, count(*)::int as cases, sum(overdue_amount)::int8 as amount from collection_cases
    where status = 'open' group by product_id order by amount desc`.execute(db);

  return {
    period,
    rollRates,
    recoveryByBucket: recovery.rows.map((r) => ({
      bucket: r.stage,
      cases: r.cases,
      cured: r.cured,
      rate: ratio(r.cured, r.cases),
      overdueAmount: r.amount,
      curedAmount: r.cured_amount,
      amountRate: ratio(r.cured_amount, r.amount),
    })),
    recoveryByMonth: byMonth.rows.map((r) => ({
      month: r.month,
      cases: r.cases,
      cured: r.cured,
      rate: ratio(r.cured, r.cases),
    })),
    promises: { kept, broken, keptRate: ratio(kept, kept + broken) },
    collectors: collectors.rows.map((r) => {
      const p = promisesOf.get(r.user_id);
      return {
        userId: r.user_id,
        tier: r.tier,
        contacts: r.contacts,
        openCases: r.cases,
        cured: r.cured,
        promisesKept: p?.kept ?? 0,
        promisesBroken: p?.broken ?? 0,
        keptRate: p ? ratio(p.kept, p.kept + p.broken) : null,
      };
    }),
    overdueByRegion: byRegion.rows.map((r) => ({ region: r.key, cases: r.cases, amount: r.amount })),
    overdueByProduct: byProduct.rows.map((r) => ({ productId: r.key, cases: r.cases, amount: r.amount })),
  };
}

export type Analysis = Awaited<ReturnType<typeof analysis>>;

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** The analysis as one CSV: a section column, then the figures of each row. */
export function analysisCsv(a: Analysis): string {
  const lines: unknown[][] = [['section', 'key', 'subkey', 'cases', 'count', 'rate', 'amount']];
  for (const r of a.rollRates) lines.push(['roll_rate', r.from, r.to, r.cases, '', r.rate, '']);
  for (const r of a.recoveryByBucket)
    lines.push([
      'recovery_by_bucket',
      r.bucket,
      '',
      r.cases,
      r.cured,
      r.rate,
      formatAmount(r.curedAmount, CNY),
    ]);
  for (const r of a.recoveryByMonth)
    lines.push(['recovery_by_month', r.month, '', r.cases, r.cured, r.rate, '']);
  lines.push(['promises', 'kept', '', '', a.promises.kept, a.promises.keptRate, '']);
  lines.push(['promises', 'broken', '', '', a.promises.broken, '', '']);
  for (const r of a.collectors)
    lines.push(['collector', r.userId, r.tier, r.openCases, r.contacts, r.keptRate, '']);
  for (const r of a.overdueByRegion)
    lines.push([
      'overdue_by_region',
      r.region ?? 'unknown',
      '',
      r.cases,
      '',
      '',
      formatAmount(r.amount, CNY),
    ]);
  for (const r of a.overdueByProduct)
    lines.push(['overdue_by_product', r.productId, '', r.cases, '', '', formatAmount(r.amount, CNY)]);
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\n')}\n`;
}
