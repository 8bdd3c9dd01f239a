import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  applyFor,
  bid,
  borrower,
  cny,
  investor,
  openLendingApp,
  resetBorrowerSequence,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * The marketplace area over three listings opened on 2026-01-05 at 10:00 in Shanghai, their fill
 * times known by construction (the test's clock moves only when told):
 * - A (2,000.00, 3 months): 1,000.00 at once, the other 1,000.00 two hours later: filled in 2 h by 2 investors;
 * - B (3,000.00, 6 months): 1,000.00 at once, 2,000.00 from two more investors four hours later:
 *   filled in 4 h by 3 investors;
 * - C (6,000.00, 3 months): two bids of 3,000.00 at once: filled in 0 h by 2 investors.
 * Fill days 0, 1/12, 1/6: median 1/12 = 0.0833, p90 (linear between ranks) 0.15; investors per
 * loan 7 / 3. Every bid is manual and posted at disbursement: 11,000.00 invested, none by auto-invest.
 */
let t: TestApp;
const DAY = '2026-01-05' as PlainDate;
const LAST = '2026-01-07' as PlainDate;
type Row = { metric: string; business_date: string; dimension: string; value: string };
let incremental: Row[];

async function facts(): Promise<Row[]> {
  const rows = await sql<Row>`
    select metric, business_date::text, dimension, value::text from analytics_facts where area = 'marketplace'
    order by business_date, metric, dimension`.execute(t.platform.db);
  return rows.rows;
}
const at = (date: string, metric: string, dimension = '') =>
  incremental.find(
    (r) => r.business_date === date && r.metric === `marketplace.${metric}` && r.dimension === dimension,
  )?.value;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await openLendingApp();
  resetBorrowerSequence();
  // People first (signing up moves the clock), then the listings, at one instant.
  const people = await Promise.all([investor(t), investor(t), investor(t), investor(t)]);
  const borrowers = [await borrower(t), await borrower(t), await borrower(t)];
  const a = await applyFor(t, borrowers[0]!, { amount: cny('2000.00'), term: 3 });
  const b = await applyFor(t, borrowers[1]!, { amount: cny('3000.00'), term: 6 });
  const c = await applyFor(t, borrowers[2]!, { amount: cny('6000.00'), term: 3 });
  expect((await bid(t, people[2]!, c.loanId, '3000.00')).statusCode).toBe(201);
  expect((await bid(t, people[3]!, c.loanId, '3000.00')).statusCode).toBe(201);
  expect((await bid(t, people[0]!, a.loanId, '1000.00')).statusCode).toBe(201);
  expect((await bid(t, people[1]!, b.loanId, '1000.00')).statusCode).toBe(201);
  t.clock.advanceMs(2 * HOUR);
  expect((await bid(t, people[2]!, a.loanId, '1000.00')).statusCode).toBe(201);
  t.clock.advanceMs(2 * HOUR);
  expect((await bid(t, people[3]!, b.loanId, '1000.00')).statusCode).toBe(201);
  expect((await bid(t, people[0]!, b.loanId, '1000.00')).statusCode).toBe(201);
  await closeTo(t, LAST);
  incremental = await facts();
}, 120_000);
afterAll(() => t?.close());

describe('marketplace analytics', () => {
  it('counts the listings opened, filled and disbursed, by grade and term', async () => {
    expect(at(DAY, 'listings_opened')).toBe('3');
    expect(at(DAY, 'listings_filled')).toBe('3');
    expect(at(DAY, 'listings_opened', 'term=3')).toBe('2');
    expect(at(DAY, 'listings_opened', 'term=6')).toBe('1');
    expect(at(DAY, 'disbursed_count')).toBe('3');
    expect(at(DAY, 'disbursed_amount')).toBe('1100000');
    expect(at(DAY, 'disbursed_amount', 'term=3')).toBe('800000');
    expect(at(DAY, 'invested_amount')).toBe('1100000');
    expect(at(DAY, 'invested_auto_amount')).toBe('0');
    expect(at('2026-01-06', 'listings_opened')).toBe('0');
    expect(at('2026-01-06', 'disbursed_amount')).toBe('0');
    // By grade: what the loans table says each grade was lent, each grade with and without its terms.
    const grades = await sql<{ grade: string; term: number; amount: bigint }>`
      select grade, term, amount from loans`.execute(t.platform.db);
    const byGrade = new Map<string, bigint>();
    for (const l of grades.rows) byGrade.set(l.grade, (byGrade.get(l.grade) ?? 0n) + BigInt(l.amount));
    for (const [grade, amount] of byGrade) {
      expect(at(DAY, 'disbursed_amount', `grade=${grade}`)).toBe(String(amount));
      expect(at(DAY, 'invested_amount', `grade=${grade}`)).toBe(String(amount));
    }
    for (const l of grades.rows)
      expect(Number(at(DAY, 'disbursed_count', `grade=${l.grade};term=${l.term}`))).toBeGreaterThan(0);
  });

  it('measures the time to fill and the investors per loan over 30 days', () => {
    expect(at(DAY, 'fill_days_median')).toBe('0.0833');
    expect(at(DAY, 'fill_days_p90')).toBe('0.1500');
    // Term 3: A (2 h) and C (0 h): median 1 h; term 6: B alone, 4 h.
    expect(at(DAY, 'fill_days_median', 'term=3')).toBe('0.0417');
    expect(at(DAY, 'fill_days_median', 'term=6')).toBe('0.1667');
    expect(at(DAY, 'investors_per_loan')).toBe('2.3333');
    // Still within the 30 days two days later.
    expect(at(LAST, 'fill_days_p90')).toBe('0.1500');
    expect(at(LAST, 'investors_per_loan')).toBe('2.3333');
  });

  it('weights the yield by principal', async () => {
    const loans = await sql<{ amount: bigint; rate: string }>`
      select amount, annual_rate::text as rate from loans`.execute(t.platform.db);
    // Σ amount × rate (rates have 6 places) / Σ amount, to 6 places, half up.
    const micro = loans.rows.reduce((s, l) => s + BigInt(l.amount) * BigInt(l.rate.replace('.', '')), 0n);
    const total = loans.rows.reduce((s, l) => s + BigInt(l.amount), 0n);
    const q = (micro * 2n + total) / (2n * total);
    expect(at(DAY, 'yield_weighted')).toBe(`0.${String(q).padStart(6, '0')}`);
    expect(at(LAST, 'yield_weighted')).toBe(at(DAY, 'yield_weighted'));
  });

  it('has no secondary-market trade to show', () => {
    expect(at(DAY, 'secondary_trades')).toBe('0');
    expect(at(DAY, 'secondary_volume')).toBe('0');
    expect(at(DAY, 'secondary_discount')).toBeUndefined();
  });

  it('backfills exactly what the closes wrote', async () => {
    await sql`delete from analytics_facts where area = 'marketplace'`.execute(t.platform.db);
    await sql`delete from analytics_days where area = 'marketplace'`.execute(t.platform.db);
    const report = await t.platform.analytics.backfill({
      from: DAY,
      to: LAST,
      lastClosed: LAST,
      areas: ['marketplace'],
    });
    expect(report.computed).toBe(3);
    expect(await facts()).toEqual(incremental);
  });
});
