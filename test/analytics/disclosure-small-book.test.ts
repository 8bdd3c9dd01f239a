import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo, smallPortfolio } from '../support/batch.ts';
import { minor, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * The public disclosure over a small book known by construction (test/support/batch.ts): three loans
 * of 6,000.00, 3,000.00 and 2,000.00 to three borrowers, funded by 2 + 3 + 2 investors, the reserve
 * seeded with 50,000.00; one borrower pays, one never does, one pays part. Each figure is checked
 * against a count by hand or against the source that holds it (the ledger, each loan's own view); the
 * backfill of the dates gives what the closes gave; the page says nothing about anyone.
 */
describe('analytics: public disclosure on a small book', () => {
  let t: TestApp;
  let book: Awaited<ReturnType<typeof smallPortfolio>>;
  let start: PlainDate;
  const end = '2026-03-10' as PlainDate;

  beforeAll(async () => {
    t = await openLendingApp();
    start = t.clock.businessDate();
    book = await smallPortfolio(t);
    await closeTo(t, end);
  }, 600_000);
  afterAll(() => t?.close());

  const disclosure = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/disclosure' });
    expect(response.statusCode, response.body).toBe(200);
    return { body: response.body, json: response.json() };
  };

  it('publishes the last close to anyone, signed out, each figure as counted by hand', async () => {
    const { json: d } = await disclosure();
    expect(d.businessDate).toBe(end);
    const f = d.figures;
    // Counted by construction.
    expect(f.lentTotal).toEqual({ amount: '11000.00', currency: 'CNY' });
    expect(f.loansTotal).toBe(3);
    expect(f.borrowersTotal).toBe(3);
    expect(f.investorsTotal).toBe(7);
    expect(f.investorsCurrent).toBe(7);
    // Three borrowers: the ten largest hold it all.
    expect(f.top10Share).toBe('1.0000');
    // What each loan still owes, from its own view; it is also the ledger's (the public figures).
    // Days past due as the ageing step of the last close left them on each loan.
    const aged = await sql<{ id: string; dpd: number }>`select id, dpd from loans`.execute(t.platform.db);
    const dpdOf = new Map(aged.rows.map((r) => [r.id, r.dpd]));
    const views = await Promise.all(
      [book.payer, book.defaulter, book.partial].map(async (l) => ({
        ...(await t.platform.lending.loanView(l.loanId)),
        dpd: dpdOf.get(l.loanId)!,
      })),
    );
    const owed = views.reduce((sum, v) => sum + v.principalOutstanding, 0n);
    expect(minor(f.outstandingPrincipal.amount)).toBe(owed);
    const figures = await t.platform.lending.platformFigures();
    expect(minor(f.outstandingPrincipal.amount)).toBe(figures.outstandingPrincipal);
    expect(f.outstandingLoans).toBe(views.filter((v) => v.principalOutstanding > 0n).length);
    expect(f.borrowersCurrent).toBe(f.outstandingLoans);
    // The defaulter missed 2026-02-05: 33 days past due on 2026-03-10, in M2.
    expect(views[1]!.dpd).toBe(33);
    const byBucket = Object.fromEntries(
      f.overdue.buckets.map((b: { bucket: string; amount: { amount: string }; count: number }) => [
        b.bucket,
        b,
      ]),
    );
    const overdueViews = views.filter((v) => v.dpd > 0);
    const bucketOf = (dpd: number) => (dpd <= 30 ? 'M1' : dpd <= 60 ? 'M2' : dpd <= 90 ? 'M3' : 'M3+');
    for (const bucket of ['M1', 'M2', 'M3', 'M3+']) {
      const inBucket = overdueViews.filter((v) => bucketOf(v.dpd) === bucket);
      expect(byBucket[bucket].count, bucket).toBe(inBucket.length);
      expect(minor(byBucket[bucket].amount.amount), bucket).toBe(
        inBucket.reduce((s, v) => s + v.principalOutstanding, 0n),
      );
    }
    expect(byBucket.M2.count).toBeGreaterThanOrEqual(1);
    const overdue = overdueViews.reduce((s, v) => s + v.principalOutstanding, 0n);
    expect(minor(f.overdue.amount.amount)).toBe(overdue);
    expect(f.overdue.count).toBe(overdueViews.length);
    expect(minor(f.overdue.amount.amount)).toBe(figures.overduePrincipal);
    expect(f.overdue.rate).toBe(figures.overdueRate);
    // The reserve, from the ledger, and what it advanced, row by row.
    expect(minor(f.reserveBalance.amount)).toBe(figures.reserveBalance);
    expect(f.reserveCoverage).toBe(figures.reserveCoverageOfOverdue);
    const advances = await sql<{ principal: bigint; interest: bigint }>`
      select principal, interest from loan_advances`.execute(t.platform.db);
    expect(advances.rows.length).toBeGreaterThan(0);
    expect(minor(f.advancesTotal.amount)).toBe(
      advances.rows.reduce((s, r) => s + BigInt(r.principal) + BigInt(r.interest), 0n),
    );
  });

  it('says nothing about any one person: no name, phone, ID number or user id', async () => {
    const { body } = await disclosure();
    const people = [book.payer, book.defaulter, book.partial].flatMap((l) => [l.borrower, ...l.investors]);
    const users = await sql<{ id: string; display_name: string | null }>`
      select id, display_name from users where id = any(${people.map((p) => p.userId)}::uuid[])`.execute(
      t.platform.db,
    );
    expect(users.rows.length).toBe(people.length);
    for (const u of users.rows) {
      expect(body).not.toContain(u.id);
      if (u.display_name) expect(body).not.toContain(u.display_name);
    }
    for (const p of people) expect(body).not.toContain(p.phone);
    for (const loan of [book.payer, book.defaulter, book.partial]) expect(body).not.toContain(loan.loanId);
    // No more than the figures: no field beyond those published.
    expect(Object.keys(JSON.parse(body).figures).sort()).toEqual(
      [
        'advancesTotal',
        'borrowersCurrent',
        'borrowersTotal',
        'investorsCurrent',
        'investorsTotal',
        'lentTotal',
        'loansTotal',
        'outstandingLoans',
        'outstandingPrincipal',
        'overdue',
        'reserveBalance',
        'reserveCoverage',
        'top10Share',
      ].sort(),
    );
    expect(body).not.toMatch(/\d{17}[\dXx]/); // an ID number
  });

  it('backfills each date to what the closes wrote that night', async () => {
    const { db } = t.platform;
    const read = async () =>
      (
        await sql<{ metric: string; business_date: string; dimension: string; value: string }>`
          select metric, business_date::text, dimension, value::text from analytics_facts
          where area in ('disclosure', 'liquidity') order by 1, 2, 3`.execute(db)
      ).rows;
    const closed = await read();
    // Every date from the first close, both areas.
    const dates = new Set(closed.map((r) => r.business_date));
    expect(dates.size).toBe(Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1);
    // The first date is the loans' disbursement: a figure changes along the way.
    const lentOn = (date: string) =>
      closed.find((r) => r.metric === 'disclosure.outstanding_loans' && r.business_date === date)?.value;
    expect(lentOn(start)).toBe('3');
    await sql`delete from analytics_facts where area in ('disclosure', 'liquidity')`.execute(db);
    await sql`delete from analytics_days where area in ('disclosure', 'liquidity')`.execute(db);
    // The closes summed each date's book once (loan_book_day_rows); spoil those sums: a forced
    // backfill forgets them and sums the book again from lending's journals.
    const spoiled =
      await sql`update loan_book_day_rows set open_principal = open_principal + 1, open_loans = open_loans + 1
      where kind = 'cell' and open_loans > 0`.execute(db);
    expect(Number(spoiled.numAffectedRows)).toBeGreaterThan(0);
    const report = await t.platform.analytics.backfill({
      from: start,
      to: end,
      lastClosed: end,
      areas: ['disclosure', 'liquidity'],
      force: true,
    });
    expect(report.computed).toBe(2 * dates.size);
    expect(await read()).toEqual(closed);
    expect(addDays(start, dates.size - 1)).toBe(end);
  });
});
