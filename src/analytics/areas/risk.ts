import { readBusinessDate } from '../../batch/index.ts';
import { loanCasesOpenAtStartOf } from '../../collections/index.ts';
import { addDays, dateParts, type PlainDate } from '../../kernel/index.ts';
import {
  forgetLoanBookDays,
  loanBookAsOf,
  RESERVE_ACCOUNT,
  repaidOn,
  reserveDay,
} from '../../lending/index.ts';
import { decisionsOn } from '../../risk/index.ts';
import type { AnalyticsArea, Fact } from '../area.ts';
import { encodeDimension } from '../dimensions.ts';
import { defineMetrics } from '../metrics.ts';
import { breakdowns, ratioOf } from './decimals.ts';
import type { AnalyticsSources } from './sources.ts';

const BOOK = 'at the end of the date, recomputed from the journals for a past date';
const CURRENT_ONLY =
  "the ledger's balance when the date is the latest closed one; a backfill of an older date cannot recompute it and writes none";

export const RISK_METRICS = defineMetrics('risk', [
  {
    name: 'decisions',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['product', 'graph_version', 'outcome'],
    description: 'Credit decisions of the date (champion graph), by product, graph version and outcome',
  },
  {
    name: 'approved',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['product', 'graph_version'],
    description: 'Decisions of the date that approved',
  },
  {
    name: 'approval_rate',
    unit: 'ratio',
    rollup: 'last',
    dimensions: ['product'],
    description: 'Approved / decided over the 30 days to the date',
  },
  {
    name: 'outstanding_principal',
    unit: 'money',
    rollup: 'last',
    dimensions: ['bucket'],
    description: `Principal owed on the active loans by delinquency bucket (current, M1, M2, M3, M3+), ${BOOK}`,
  },
  {
    name: 'overdue_principal',
    unit: 'money',
    rollup: 'last',
    dimensions: [],
    description: `Principal owed on the active loans more than 0 days past due (all of it, due or not), ${BOOK}`,
  },
  {
    name: 'delinquency_rate',
    unit: 'ratio',
    rollup: 'last',
    dimensions: [],
    description: 'overdue_principal / outstanding_principal',
  },
  {
    name: 'vintage_principal',
    unit: 'money',
    rollup: 'last',
    dimensions: ['vintage'],
    description: 'Principal originated in each month (vintage YYYY-MM of the start date) up to the date',
  },
  {
    name: 'vintage_dpd30_share',
    unit: 'ratio',
    rollup: 'last',
    dimensions: ['vintage', 'mob'],
    description:
      "Share of the vintage's originated principal 30+ days past due (or written off) at the date, mob = months on book (0: the origination month); the last date of a month is its month end",
  },
  {
    name: 'vintage_dpd90_share',
    unit: 'ratio',
    rollup: 'last',
    dimensions: ['vintage', 'mob'],
    description:
      "Share of the vintage's originated principal 90+ days past due (or written off) at the date, mob = months on book",
  },
  {
    name: 'roll_rate',
    unit: 'ratio',
    rollup: 'last',
    dimensions: ['from', 'to'],
    description:
      'Of the loans active in bucket "from" at the previous month end, the share in "to" (a bucket, repaid or written_off) at the date: month end to month end on the last day of a month',
  },
  {
    name: 'reserve_balance',
    unit: 'money',
    rollup: 'last',
    dimensions: [],
    description: `The risk reserve fund's balance: ${CURRENT_ONLY}`,
  },
  {
    name: 'reserve_advances',
    unit: 'money',
    rollup: 'sum',
    dimensions: [],
    description: 'Principal and interest the reserve advanced to investors on the date',
  },
  {
    name: 'reserve_recoveries',
    unit: 'money',
    rollup: 'sum',
    dimensions: [],
    description: 'Repayments of the date allocated to the reserve (what it had advanced, recovered)',
  },
  {
    name: 'reserve_coverage',
    unit: 'ratio',
    rollup: 'last',
    dimensions: [],
    description: `reserve_balance / overdue_principal (${CURRENT_ONLY})`,
  },
  {
    name: 'write_offs',
    unit: 'money',
    rollup: 'sum',
    dimensions: [],
    description: 'Principal written off on the date',
  },
  {
    name: 'recoveries',
    unit: 'money',
    rollup: 'sum',
    dimensions: [],
    description: 'Recovery payments received on the date on loans written off',
  },
  {
    name: 'collections_recovered',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['stage'],
    description:
      'Repayments of the date on loans whose collection case was open at the start of the date, by the stage it was in',
  },
]);

/** Months on book: 0 in the month of origination, 1 in the next, ... */
export function monthsOnBook(vintage: string, date: PlainDate): number {
  const { year, month } = dateParts(date);
  return (year - Number(vintage.slice(0, 4))) * 12 + (month - Number(vintage.slice(5, 7)));
}

/**
 * Risk: decisions and approval rates (risk's decision log), the loan book by delinquency bucket and
 * vintage, roll rates from the previous month end (lending, recomputed as of the date), the reserve
 * and its flows, write-offs and recoveries (lending), and collections' recoveries by stage.
 */
export function riskArea(sources: AnalyticsSources): AnalyticsArea {
  return {
    name: 'risk',
    metrics: RISK_METRICS,
    forget: forgetLoanBookDays,
    async collect(trx, date) {
      const facts: Fact[] = [];
      const r = (what: string) => `risk.${what}`;
      const push = (metric: string, dimension: Record<string, string>, value: bigint | number | string) =>
        facts.push({
          metric: r(metric),
          ...(Object.keys(dimension).length > 0 ? { dimension } : {}),
          value,
        });

      // Decisions: every breakdown of product, graph version and outcome, the total among them.
      const decisions = await decisionsOn(trx, date);
      const counts = new Map<string, { metric: string; dimension: Record<string, string>; n: number }>();
      const count = (metric: string, dimension: Record<string, string>, n: number) => {
        for (const d of breakdowns(dimension)) {
          const key = `${metric}\u0000${encodeDimension(d)}`;
          const cell = counts.get(key) ?? { metric, dimension: d, n: 0 };
          cell.n += n;
          counts.set(key, cell);
        }
      };
      count('decisions', {}, 0);
      count('approved', {}, 0);
      for (const d of decisions.day) {
        count(
          'decisions',
          { product: d.product, graph_version: d.graphVersion, outcome: d.outcome },
          d.decisions,
        );
        if (d.outcome === 'approve')
          count('approved', { product: d.product, graph_version: d.graphVersion }, d.decisions);
      }
      for (const c of counts.values()) push(c.metric, c.dimension, c.n);
      let decided = 0;
      let approved = 0;
      for (const p of decisions.last30) {
        decided += p.decided;
        approved += p.approved;
        const rate = ratioOf(p.approved, p.decided);
        if (rate !== null) push('approval_rate', { product: p.product }, rate);
      }
      const rate = ratioOf(approved, decided);
      if (rate !== null) push('approval_rate', {}, rate);

      // The book at the end of the date.
      const book = await loanBookAsOf(trx, date);
      const byBucket = new Map<string, bigint>(['current', 'M1', 'M2', 'M3', 'M3+'].map((b) => [b, 0n]));
      let outstanding = 0n;
      let overdue = 0n;
      const bad30 = new Map<string, bigint>();
      const bad90 = new Map<string, bigint>();
      for (const c of book.cells) {
        if (c.state === 'active') {
          byBucket.set(c.bucket, (byBucket.get(c.bucket) ?? 0n) + c.principal);
          outstanding += c.principal;
          if (c.bucket !== 'current') overdue += c.principal;
        }
        const writtenOff = c.state === 'written_off';
        if ((c.state === 'active' && c.dpd30) || writtenOff)
          bad30.set(c.vintage, (bad30.get(c.vintage) ?? 0n) + c.principal);
        if ((c.state === 'active' && c.dpd90) || writtenOff)
          bad90.set(c.vintage, (bad90.get(c.vintage) ?? 0n) + c.principal);
      }
      for (const [bucket, principal] of byBucket) push('outstanding_principal', { bucket }, principal);
      push('outstanding_principal', {}, outstanding);
      push('overdue_principal', {}, overdue);
      const delinquency = ratioOf(overdue, outstanding);
      if (delinquency !== null) push('delinquency_rate', {}, delinquency);
      for (const v of book.vintages) {
        push('vintage_principal', { vintage: v.vintage }, v.originated);
        const mob = String(monthsOnBook(v.vintage, date));
        const s30 = ratioOf(bad30.get(v.vintage) ?? 0n, v.originated);
        const s90 = ratioOf(bad90.get(v.vintage) ?? 0n, v.originated);
        if (s30 !== null) push('vintage_dpd30_share', { vintage: v.vintage, mob }, s30);
        if (s90 !== null) push('vintage_dpd90_share', { vintage: v.vintage, mob }, s90);
      }

      // Roll rates: the loans active at the previous month end, where they are now.
      const rolls = book.rolls;
      const fromTotals = new Map<string, number>();
      for (const roll of rolls) fromTotals.set(roll.from, (fromTotals.get(roll.from) ?? 0) + roll.loans);
      for (const roll of rolls)
        push('roll_rate', { from: roll.from, to: roll.to }, ratioOf(roll.loans, fromTotals.get(roll.from)!)!);

      // The reserve: its balance only as of the latest closed date (the ledger dates no transfer by
      // business date); its flows by their business date.
      const calendar = await readBusinessDate(trx);
      if (calendar === null || date >= addDays(calendar, -1)) {
        const account = await sources.ledger.getAccount(RESERVE_ACCOUNT, { tx: trx });
        const balance = account ? account.creditsPosted - account.debitsPosted : 0n;
        push('reserve_balance', {}, balance);
        const coverage = ratioOf(balance, overdue);
        if (coverage !== null) push('reserve_coverage', {}, coverage);
      }
      const flows = await reserveDay(trx, date);
      push('reserve_advances', {}, flows.advances);
      push('reserve_recoveries', {}, flows.reserveRecoveries);
      push('write_offs', {}, flows.writeOffs);
      push('recoveries', {}, flows.recoveries);

      // Collections: what loans in collection repaid on the date, by the case's stage.
      const cases = await loanCasesOpenAtStartOf(trx, date);
      const repaid = await repaidOn(
        trx,
        cases.map((c) => c.loanId),
        date,
      );
      const byStage = new Map<string, bigint>();
      let recovered = 0n;
      for (const c of cases) {
        const amount = repaid.get(c.loanId) ?? 0n;
        byStage.set(c.stage, (byStage.get(c.stage) ?? 0n) + amount);
        recovered += amount;
      }
      for (const [stage, amount] of byStage) push('collections_recovered', { stage }, amount);
      push('collections_recovered', {}, recovered);
      return facts;
    },
  };
}
