import { sql } from 'kysely';
import { drawsOn, firstDrawDates } from '../../credit/index.ts';
import type { Executor } from '../../db/index.ts';
import {
  activeUsers,
  cardBindings,
  cohortActivity,
  signedUpBy,
  signUpsOn,
  type VerifiedGroup,
  verifiedGroups,
} from '../../identity/index.ts';
import { addDays, type PlainDate } from '../../kernel/index.ts';
import { firstLoanDates, firstNoteDates, loansDisbursedOn, noteInvestmentsOn } from '../../lending/index.ts';
import { firstPaymentDates, paymentsOn } from '../../payments/index.ts';
import { firstWealthDates, wealthInvestmentsOn } from '../../wealth/index.ts';
import type { AnalyticsArea, Fact } from '../area.ts';
import { defineMetrics } from '../metrics.ts';
import type { AnalyticsSources } from './sources.ts';

/** The weeks after its sign-up week at which a cohort's retention is counted. */
export const RETENTION_WEEKS = [1, 2, 4, 8, 12] as const;

const BREAKDOWN = ['region', 'city', 'age_band', 'sex'] as const;

const metrics = defineMetrics('users', [
  {
    name: 'signups',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['channel'],
    description: 'Customers who signed up that day, by channel of origin (organic when none was given).',
  },
  {
    name: 'verified',
    unit: 'count',
    rollup: 'sum',
    dimensions: [...BREAKDOWN],
    description:
      'Customers who verified their real name that day, by province (2-digit code), city (4-digit code), age band (age that day) and sex (m/f).',
  },
  {
    name: 'card_bound',
    unit: 'count',
    rollup: 'sum',
    dimensions: [],
    description: 'Customers who bound their first bank card that day.',
  },
  {
    name: 'first_investment',
    unit: 'count',
    rollup: 'sum',
    dimensions: [],
    description:
      'Customers whose first investment was that day: a loan note acquired (bid settled, or bought on the secondary market) or a wealth order placed.',
  },
  {
    name: 'first_loan',
    unit: 'count',
    rollup: 'sum',
    dimensions: [],
    description:
      'Customers whose first loan was disbursed that day: a marketplace loan or a credit line cash draw.',
  },
  {
    name: 'first_payment',
    unit: 'count',
    rollup: 'sum',
    dimensions: [],
    description:
      'Customers whose first payment succeeded that day: a merchant payment or a transfer to another user.',
  },
  {
    name: 'dau',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers active that day (signed up, signed in or used the app with their session).',
  },
  {
    name: 'wau',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers active on at least one of the 7 days to that day.',
  },
  {
    name: 'mau',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers active on at least one of the 30 days to that day.',
  },
  {
    name: 'cohort_size',
    unit: 'count',
    rollup: 'last',
    dimensions: ['cohort'],
    description:
      'Customers who signed up in the week starting on the cohort Monday; written on the Sundays its retention is counted.',
  },
  {
    name: 'retained',
    unit: 'count',
    rollup: 'last',
    dimensions: ['cohort', 'week'],
    description:
      'Of a sign-up week cohort, customers active in its week k (1, 2, 4, 8, 12) after the sign-up week; written on the Sunday that week ends.',
  },
  {
    name: 'signed_up_total',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers signed up by the end of the day (the funnel, step 1).',
  },
  {
    name: 'verified_total',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers with a verified real name by the end of the day (the funnel, step 2).',
  },
  {
    name: 'card_bound_total',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description: 'Customers who had bound a bank card by the end of the day (the funnel, step 3).',
  },
  {
    name: 'transacted_total',
    unit: 'count',
    rollup: 'last',
    dimensions: [],
    description:
      'Customers with an investment, a loan or a payment by the end of the day (the funnel, step 4).',
  },
  {
    name: 'investment_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['product'],
    description:
      'Amount invested that day: notes (principal acquired), mmf and fund subscriptions, fixed-term purchases.',
  },
  {
    name: 'investment_count',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['product'],
    description:
      'Investments made that day (notes acquired, wealth orders placed): amount / count is the average order.',
  },
  {
    name: 'payment_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['product'],
    description: 'Amount paid that day: merchant payments and transfers to other users that succeeded.',
  },
  {
    name: 'payment_count',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['product'],
    description: 'Payments that day (merchant, transfer): amount / count is the average order.',
  },
  {
    name: 'loan_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['product'],
    description:
      'Principal lent that day: marketplace loans disbursed (loan) and credit line cash draws (credit_draw).',
  },
  {
    name: 'loan_count',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['product'],
    description: 'Loans disbursed and cash draws that day: amount / count is the average loan.',
  },
  {
    name: 'verified_by',
    unit: 'count',
    rollup: 'last',
    dimensions: [...BREAKDOWN],
    description:
      'Customers verified by the end of the day, by province, city, age band (age that day) and sex: the distribution of the verified base.',
  },
]);

type FirstKind = 'investment' | 'loan' | 'payment';
type FirstDates = (db: Executor, on?: PlainDate) => Promise<{ userId: string; firstOn: PlainDate }[]>;

const FIRST_SOURCES: Record<FirstKind, readonly FirstDates[]> = {
  investment: [firstNoteDates, firstWealthDates],
  loan: [firstLoanDates, firstDrawDates],
  payment: [firstPaymentDates],
};

/**
 * Keeps analytics_user_firsts: each user's first investment, loan and payment, as the owning
 * contexts say (the true first date, over all history). The first time (no row of a kind) it is
 * filled from the whole history; afterwards each date adds the users who transacted on it. Rows
 * after `date` do no harm: every count below reads first_on ≤ date.
 */
async function refreshFirsts(trx: Executor, date: PlainDate): Promise<void> {
  for (const kind of Object.keys(FIRST_SOURCES) as FirstKind[]) {
    const any = await sql`select 1 from analytics_user_firsts where kind = ${kind} limit 1`.execute(trx);
    const on = any.rows.length > 0 ? date : undefined;
    // A user may be first in two sources of a kind (a note and a fund order): one row each, the earlier.
    const rows: { userId: string; firstOn: PlainDate }[] = [];
    for (const source of FIRST_SOURCES[kind]) rows.push(...(await source(trx, on)));
    if (rows.length === 0) continue;
    await sql`insert into analytics_user_firsts (user_id, kind, first_on)
      select u, ${kind}, min(d) from unnest(${rows.map((r) => r.userId)}::uuid[], ${rows.map((r) => r.firstOn)}::date[]) as t(u, d)
      group by u
      on conflict (user_id, kind) do update set first_on = least(analytics_user_firsts.first_on, excluded.first_on)`.execute(
      trx,
    );
  }
}

async function firstsOf(
  trx: Executor,
  date: PlainDate,
): Promise<{ on: Record<FirstKind, number>; transacted: number }> {
  const rows = await sql<{ kind: string; n: bigint }>`
    select kind, count(*)::int8 as n from analytics_user_firsts where first_on = ${date}::date group by kind
    union all
    select 'any', count(distinct user_id)::int8 from analytics_user_firsts where first_on <= ${date}::date`.execute(
    trx,
  );
  const of = (kind: string) => Number(rows.rows.find((r) => r.kind === kind)?.n ?? 0n);
  return {
    on: { investment: of('investment'), loan: of('loan'), payment: of('payment') },
    transacted: of('any'),
  };
}

/** The total of groups and its breakdown by each dimension alone (never the combinations). */
function breakdown(metric: string, groups: readonly VerifiedGroup[]): Fact[] {
  const facts: Fact[] = [{ metric, value: groups.reduce((sum, g) => sum + g.count, 0) }];
  const keyOf = { region: 'region', city: 'city', age_band: 'ageBand', sex: 'sex' } as const;
  for (const dimension of BREAKDOWN) {
    const counts = new Map<string, number>();
    for (const g of groups) counts.set(g[keyOf[dimension]], (counts.get(g[keyOf[dimension]]) ?? 0) + g.count);
    for (const [value, count] of counts)
      facts.push({ metric, dimension: { [dimension]: value }, value: count });
  }
  return facts;
}

/** A flow of orders by product, with its total. */
function orders(
  name: 'investment' | 'payment' | 'loan',
  parts: readonly { product: string; count: number; amount: bigint }[],
): Fact[] {
  const facts: Fact[] = [
    { metric: `users.${name}_amount`, value: parts.reduce((sum, p) => sum + p.amount, 0n) },
    { metric: `users.${name}_count`, value: parts.reduce((sum, p) => sum + p.count, 0) },
  ];
  for (const p of parts) {
    facts.push({ metric: `users.${name}_amount`, dimension: { product: p.product }, value: p.amount });
    facts.push({ metric: `users.${name}_count`, dimension: { product: p.product }, value: p.count });
  }
  return facts;
}

const isSunday = (date: PlainDate) => new Date(`${date}T00:00:00Z`).getUTCDay() === 0;

/**
 * On a Sunday: the cohorts whose week k (k = 1, 2, 4, 8, 12) ends that day, each with its size and
 * how many of it were active in that week; and the cohort of the week that ends, with its size.
 */
async function retention(trx: Executor, sunday: PlainDate): Promise<Fact[]> {
  const facts: Fact[] = [];
  for (const k of [0, ...RETENTION_WEEKS]) {
    const monday = addDays(sunday, -6 - 7 * k);
    const cohort = await cohortActivity(trx, monday, [k]);
    if (cohort.size === 0) continue;
    facts.push({ metric: 'users.cohort_size', dimension: { cohort: monday }, value: cohort.size });
    if (k > 0)
      facts.push({
        metric: 'users.retained',
        dimension: { cohort: monday, week: String(k) },
        value: cohort.active.get(k) ?? 0,
      });
  }
  return facts;
}

/**
 * Users: sign-ups by channel, verification by province, age band and sex, card binding, first
 * transactions, active users, retention by sign-up week, the funnel, and the average order of
 * investments, payments and loans. See docs/analytics.md, "Users".
 */
export function usersArea(_sources: AnalyticsSources): AnalyticsArea {
  return {
    name: 'users',
    metrics,
    async collect(trx, date) {
      const facts: Fact[] = [];
      const signUps = await signUpsOn(trx, date);
      facts.push({ metric: 'users.signups', value: signUps.reduce((sum, s) => sum + s.count, 0) });
      for (const s of signUps)
        facts.push({ metric: 'users.signups', dimension: { channel: s.channel }, value: s.count });
      facts.push(...breakdown('users.verified', await verifiedGroups(trx, date, 'on')));
      const verifiedBase = await verifiedGroups(trx, date, 'by');
      facts.push(...breakdown('users.verified_by', verifiedBase));
      const cards = await cardBindings(trx, date);
      facts.push({ metric: 'users.card_bound', value: cards.on });

      await refreshFirsts(trx, date);
      const firsts = await firstsOf(trx, date);
      facts.push(
        { metric: 'users.first_investment', value: firsts.on.investment },
        { metric: 'users.first_loan', value: firsts.on.loan },
        { metric: 'users.first_payment', value: firsts.on.payment },
      );

      facts.push(
        { metric: 'users.dau', value: await activeUsers(trx, date, date) },
        { metric: 'users.wau', value: await activeUsers(trx, addDays(date, -6), date) },
        { metric: 'users.mau', value: await activeUsers(trx, addDays(date, -29), date) },
      );
      if (isSunday(date)) facts.push(...(await retention(trx, date)));

      facts.push(
        { metric: 'users.signed_up_total', value: await signedUpBy(trx, date) },
        { metric: 'users.verified_total', value: verifiedBase.reduce((sum, g) => sum + g.count, 0) },
        { metric: 'users.card_bound_total', value: cards.by },
        { metric: 'users.transacted_total', value: firsts.transacted },
      );

      const notes = await noteInvestmentsOn(trx, date);
      const wealth = await wealthInvestmentsOn(trx, date);
      facts.push(...orders('investment', [{ product: 'notes', ...notes }, ...wealth]));
      const payments = await paymentsOn(trx, date);
      facts.push(
        ...orders(
          'payment',
          payments.map((p) => ({ product: p.kind, count: p.count, amount: p.amount })),
        ),
      );
      const loans = await loansDisbursedOn(trx, date);
      const draws = await drawsOn(trx, date);
      facts.push(
        ...orders('loan', [
          { product: 'loan', ...loans },
          { product: 'credit_draw', ...draws },
        ]),
      );
      return facts;
    },
  };
}
