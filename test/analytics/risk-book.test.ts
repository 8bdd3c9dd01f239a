import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo, smallPortfolio } from '../support/batch.ts';
import { fund, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * The risk area over the small portfolio (test/support/batch.ts), every date closed by the batch
 * from 2026-01-05 to 2026-04-30. The book is known by construction: all three loans start on
 * 2026-01-05 (vintage 2026-01, 11,000.00 originated), due on the 5th of February, March and April:
 * - the payer (6,000.00, equal instalments) pays every instalment: principal 1,977.67 then 1,999.92
 *   then 2,022.41, repaid on 2026-04-05;
 * - the defaulter (3,000.00) pays nothing: past due since 2026-02-05;
 * - the partial payer (2,000.00, interest first, 20.00 a month) pays February's 20.00 and 5.00 of
 *   March's: past due since 2026-03-05. On 2026-04-14 it receives 10.00, which the close of
 *   2026-04-15 collects while its case is in stage M2.
 * The reserve advances the defaulter's February instalment (988.01 + 36.25) on 2026-03-07 and its
 * March instalment (999.95 + 24.31) with 15.00 of the partial payer's March interest on 2026-04-04.
 */
let t: TestApp;
const END = '2026-04-30' as PlainDate;

type Row = { metric: string; business_date: string; dimension: string; value: string };
async function riskFacts(): Promise<Row[]> {
  const rows = await sql<Row>`
    select metric, business_date::text, dimension, value::text from analytics_facts where area = 'risk'
    order by business_date, metric, dimension`.execute(t.platform.db);
  return rows.rows;
}
const at = (rows: Row[], date: string, metric: string, dimension = '') =>
  rows.find((r) => r.business_date === date && r.metric === `risk.${metric}` && r.dimension === dimension)
    ?.value;

let incremental: Row[];

beforeAll(async () => {
  t = await openLendingApp();
  await smallPortfolio(t);
  await closeTo(t, '2026-04-14');
  const partial = await sql<{ borrower_id: string }>`
    select borrower_id from loans where amount = 200000`.execute(t.platform.db);
  await fund(t, partial.rows[0]!.borrower_id, '10.00');
  await closeTo(t, END);
  incremental = await riskFacts();
}, 240_000);
afterAll(() => t?.close());

describe('risk analytics over a small portfolio', () => {
  it('counts the decisions and the approval rate', () => {
    expect(at(incremental, '2026-01-05', 'decisions')).toBe('3');
    expect(
      at(incremental, '2026-01-05', 'decisions', 'graph_version=1;outcome=approve;product=personal'),
    ).toBe('3');
    expect(at(incremental, '2026-01-05', 'approved', 'product=personal')).toBe('3');
    expect(at(incremental, '2026-01-06', 'decisions')).toBe('0');
    expect(at(incremental, '2026-02-03', 'approval_rate')).toBe('1.0000');
    // 30 days after the only decisions, nothing is decided any more: no rate.
    expect(at(incremental, '2026-02-04', 'approval_rate')).toBeUndefined();
  });

  it('buckets the principal by days past due as of each date, by hand', () => {
    // 28 Feb: payer 6,000.00 − 1,977.67 current, the partial payer current, the defaulter 23 days late.
    expect(at(incremental, '2026-02-28', 'outstanding_principal', 'bucket=current')).toBe(
      String(600000 - 197767 + 200000),
    );
    expect(at(incremental, '2026-02-28', 'outstanding_principal', 'bucket=M1')).toBe('300000');
    expect(at(incremental, '2026-02-28', 'overdue_principal')).toBe('300000');
    expect(at(incremental, '2026-02-28', 'delinquency_rate')).toBe('0.3325'); // 300000 / 902233
    // 31 Mar: the defaulter 54 days late (M2), the partial payer 26 (M1), the payer 2,022.41 left.
    expect(at(incremental, '2026-03-31', 'outstanding_principal', 'bucket=current')).toBe('202241');
    expect(at(incremental, '2026-03-31', 'outstanding_principal', 'bucket=M1')).toBe('200000');
    expect(at(incremental, '2026-03-31', 'outstanding_principal', 'bucket=M2')).toBe('300000');
    expect(at(incremental, '2026-03-31', 'outstanding_principal')).toBe('702241');
    // 30 Apr: the payer has repaid; 84 days (M3) and 56 days (M2) late.
    expect(at(incremental, END, 'outstanding_principal', 'bucket=M3')).toBe('300000');
    expect(at(incremental, END, 'outstanding_principal', 'bucket=M2')).toBe('200000');
    expect(at(incremental, END, 'outstanding_principal', 'bucket=current')).toBe('0');
    expect(at(incremental, END, 'delinquency_rate')).toBe('1.0000');
  });

  it('agrees, date by date, with the ledger: the snapshot sums the principal accounts by bucket', async () => {
    const snapshots = await sql<{ business_date: string; dimension: string; value: string }>`
      select business_date::text, dimension, value::text from daily_snapshots
      where metric = 'loans.outstanding_principal'`.execute(t.platform.db);
    expect(snapshots.rows.length).toBeGreaterThan(100);
    for (const s of snapshots.rows)
      expect(
        at(incremental, s.business_date, 'outstanding_principal', `bucket=${s.dimension}`),
        `${s.business_date} ${s.dimension}`,
      ).toBe(String(BigInt(s.value.split('.')[0]!)));
  });

  it('follows the vintage 2026-01 month by month, and the rolls between month ends', () => {
    expect(at(incremental, END, 'vintage_principal', 'vintage=2026-01')).toBe('1100000');
    expect(at(incremental, '2026-01-31', 'vintage_dpd30_share', 'mob=0;vintage=2026-01')).toBe('0.0000');
    // 28 Feb: the defaulter is 23 days late, not yet 30.
    expect(at(incremental, '2026-02-28', 'vintage_dpd30_share', 'mob=1;vintage=2026-01')).toBe('0.0000');
    expect(at(incremental, '2026-03-31', 'vintage_dpd30_share', 'mob=2;vintage=2026-01')).toBe('0.2727');
    expect(at(incremental, END, 'vintage_dpd30_share', 'mob=3;vintage=2026-01')).toBe('0.4545');
    expect(at(incremental, END, 'vintage_dpd90_share', 'mob=3;vintage=2026-01')).toBe('0.0000');
    // Month-to-date on a date within a month: mob 3 from 1 April.
    expect(at(incremental, '2026-04-10', 'vintage_dpd30_share', 'mob=3;vintage=2026-01')).toBe('0.4545');
    // Feb → Mar: the partial payer went current → M1, the defaulter M1 → M2, the payer stayed current.
    expect(at(incremental, '2026-03-31', 'roll_rate', 'from=current;to=M1')).toBe('0.5000');
    expect(at(incremental, '2026-03-31', 'roll_rate', 'from=current;to=current')).toBe('0.5000');
    expect(at(incremental, '2026-03-31', 'roll_rate', 'from=M1;to=M2')).toBe('1.0000');
    expect(at(incremental, END, 'roll_rate', 'from=current;to=repaid')).toBe('1.0000');
    expect(at(incremental, END, 'roll_rate', 'from=M2;to=M3')).toBe('1.0000');
  });

  it("counts the reserve's advances and balance, and what collections recovered", () => {
    expect(at(incremental, '2026-03-07', 'reserve_advances')).toBe(String(98801 + 3625));
    expect(at(incremental, '2026-04-04', 'reserve_advances')).toBe(String(99995 + 2431 + 1500));
    const before = BigInt(at(incremental, '2026-03-06', 'reserve_balance')!);
    expect(BigInt(at(incremental, '2026-03-07', 'reserve_balance')!)).toBe(before - 102426n);
    expect(at(incremental, '2026-03-31', 'reserve_coverage')).toBe(
      (Number(at(incremental, '2026-03-31', 'reserve_balance')) / 500000).toFixed(4),
    );
    expect(at(incremental, '2026-04-15', 'collections_recovered', 'stage=M2')).toBe('1000');
    expect(at(incremental, '2026-04-15', 'collections_recovered')).toBe('1000');
    expect(at(incremental, '2026-04-16', 'collections_recovered')).toBe('0');
    expect(at(incremental, END, 'write_offs')).toBe('0');
  });

  it("keeps each month end's book once, for the next month's roll rates", async () => {
    const kept = await sql<{ month_end: string; loans: number }>`
      select b.month_end::text, count(k.loan_id)::int as loans from loan_month_end_books b
      left join loan_month_end_buckets k on k.month_end = b.month_end group by 1 order by 1`.execute(
      t.platform.db,
    );
    // The first close (2026-01-05) reads the end of December (no loan then); every month end after
    // is kept by its own close.
    expect(kept.rows).toEqual([
      { month_end: '2025-12-31', loans: 0 },
      { month_end: '2026-01-31', loans: 3 },
      { month_end: '2026-02-28', loans: 3 },
      { month_end: '2026-03-31', loans: 3 },
      { month_end: '2026-04-30', loans: 2 },
    ]);
    const march = await sql<{ amount: string; bucket: string }>`
      select l.amount::text, k.bucket from loan_month_end_buckets k join loans l on l.id = k.loan_id
      where k.month_end = '2026-03-31' order by l.amount`.execute(t.platform.db);
    expect(march.rows).toEqual([
      { amount: '200000', bucket: 'M1' },
      { amount: '300000', bucket: 'M2' },
      { amount: '600000', bucket: 'current' },
    ]);
  });

  it('backfills what the closes wrote, but the reserve balance of past dates', async () => {
    await sql`delete from analytics_facts where area = 'risk'`.execute(t.platform.db);
    await sql`delete from analytics_days where area = 'risk'`.execute(t.platform.db);
    // The month ends' books too: the backfill keeps them again, rebuilt from the journals.
    await sql`delete from loan_month_end_buckets`.execute(t.platform.db);
    await sql`delete from loan_month_end_books`.execute(t.platform.db);
    // And each date's sums of the book (shared with the disclosure), summed again likewise.
    await sql`delete from loan_book_days`.execute(t.platform.db);
    const report = await t.platform.analytics.backfill({
      from: '2026-01-05' as PlainDate,
      to: END,
      lastClosed: END,
      areas: ['risk'],
    });
    expect(report.computed).toBe(116);
    const backfilled = await riskFacts();
    // The ledger dates no transfer by business date: the reserve's balance (and coverage) is
    // written for the latest closed date only.
    const pastReserve = (r: Row) =>
      (r.metric === 'risk.reserve_balance' || r.metric === 'risk.reserve_coverage') &&
      r.business_date !== END;
    expect(backfilled.filter(pastReserve)).toEqual([]);
    expect(backfilled).toEqual(incremental.filter((r) => !pastReserve(r)));
    const kept = await sql<{ n: number }>`select count(*)::int as n from loan_month_end_buckets`.execute(
      t.platform.db,
    );
    expect(kept.rows[0]!.n).toBe(11);
  }, 120_000);
});
