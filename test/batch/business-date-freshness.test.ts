import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import { businessDateIn, readBusinessDate } from '../../src/batch/index.ts';
import { addDays, ManualClock, type PlainDate } from '../../src/kernel/index.ts';
import { fundedLoan, openLendingApp } from '../support/lending.ts';
import { onPostgres, type TestApp } from '../support/platform.ts';

/**
 * A new business date reaches every process the moment the close that moved it commits, and money
 * is never booked on a closed date: a process that has not heard of the close yet still books on the
 * new date, because each booking reads the date, and holds it, inside its own transaction.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

async function waitUntil(check: () => boolean, withinMs: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

describe('a process whose business date is stale', () => {
  it('quotes and books a payoff on the open date, never on the closed one', async () => {
    const { loanId, borrower } = await fundedLoan(t, {
      amount: '6000.00',
      term: 3,
      investors: 2,
      borrowerBalance: '1000.00',
    });
    const closed = await t.platform.batch.businessDate();
    await t.platform.batch.close('test', { date: closed });
    const open = addDays(closed, 1);
    // The cache goes back to the closed date, as another process's is until it hears of the close.
    t.clock.setBusinessDate(closed);
    const quoted = await t.app.inject({
      method: 'GET',
      url: `/v1/me/loans/${loanId}/payoff`,
      headers: borrower.headers,
    });
    expect(quoted.statusCode, quoted.body).toBe(200);
    expect(quoted.json().asOf).toBe(open);
    t.clock.setBusinessDate(closed);
    const paid = await t.app.inject({
      method: 'POST',
      url: `/v1/me/loans/${loanId}/payoff`,
      headers: borrower.headers,
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json().quote.asOf).toBe(open);
    const booked = await sql<{ business_date: PlainDate }>`
      select business_date from loan_repayments where loan_id = ${loanId}::uuid`.execute(t.platform.db);
    expect(booked.rows).toEqual([{ business_date: open }]);
    // The investors' payouts are dated the same, and the process now knows the date.
    const payouts = await sql<{ business_date: PlainDate; n: number }>`
      select d.business_date, count(*)::int as n from ledger_transfers x
        join investor_flow_blocks d on d.block = x.timestamp - x.timestamp % 65536
      where x.code in (213, 214) and x.user_data in (select id::text from loan_notes where loan_id = ${loanId}::uuid)
      group by d.business_date`.execute(t.platform.db);
    expect(payouts.rows).toEqual([{ business_date: open, n: 4 }]);
    expect(t.clock.businessDate()).toBe(open);
  });
});

// Skipped on PGlite: it is one process, so no other process can close a day or hold the date.
describe.skipIf(!onPostgres)('two processes on PostgreSQL', () => {
  let other: Platform;
  let otherClock: ManualClock;
  let schema: string;

  beforeAll(async () => {
    schema = (await sql<{ s: string }>`select current_schema() as s`.execute(t.platform.db)).rows[0]!.s;
    // A clock of its own: only the notification (never a shared object) can tell it of a close.
    otherClock = new ManualClock(t.clock.now(), await t.platform.batch.businessDate());
    other = await openPlatform(
      loadConfig(process.env, { logLevel: 'silent', dataKey: Buffer.alloc(32, 7) }),
      {
        schema,
        clock: otherClock,
        migrate: false,
        log: () => {},
        applicationName: `netfin-test-${schema}`,
      },
    );
  });
  afterAll(() => other?.close());

  it('learns of a close on the other as soon as it commits', async () => {
    const { loanId } = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 2 });
    const closing = await t.platform.batch.businessDate();
    expect(otherClock.businessDate()).toBe(closing);
    await t.platform.batch.close('test', { date: closing });
    const next = addDays(closing, 1);
    // Well under the 5 seconds a poll of the calendar would take, and nothing but the notification
    // moves this clock (the quote below would: it reads the calendar too).
    const ms = await waitUntil(() => otherClock.businessDate() === next, 1_000);
    expect(ms).toBeLessThan(1_000);
    const quote = await other.lending.payoffQuote(null, loanId);
    expect(quote.asOf).toBe(next);
  });

  it('holds the date while a booking is open: the close moves it only after the booking commits', async () => {
    const date = await t.platform.batch.businessDate();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let booked: PlainDate | null = null;
    const booking = other.db.transaction().execute(async (trx) => {
      booked = await businessDateIn(trx, otherClock);
      await gate;
    });
    await waitUntil(() => booked !== null, 5_000);
    expect(booked).toBe(date);
    const close = t.platform.batch.close('test', { date });
    // The close runs its steps, then waits to move the date until the booking has committed.
    const waiting = async () => {
      const rows = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query like 'update business_calendar%'`.execute(t.platform.db);
      return rows.rows[0]!.n > 0;
    };
    for (let i = 0; i < 1_000 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBe(true);
    expect(await readBusinessDate(t.platform.db)).toBe(date);
    release();
    await booking;
    expect((await close).nextBusinessDate).toBe(addDays(date, 1));
  });

  it('reads the date again when its listening connection comes back', async () => {
    const before = await t.platform.batch.businessDate();
    await waitUntil(() => otherClock.businessDate() === before, 1_000);
    const listener = await sql<{ pid: number }>`select pid from pg_stat_activity
      where application_name = ${`netfin-test-${schema}:listen`}`.execute(t.platform.db);
    expect(listener.rows).toHaveLength(1);
    // The date moves without a notification while the listening connection is cut: only the read
    // after reconnecting can tell the other process.
    await t.platform.db.transaction().execute(async (trx) => {
      await sql`update business_calendar set business_date = business_date + 1`.execute(trx);
      await sql`select pg_terminate_backend(${listener.rows[0]!.pid}::int)`.execute(trx);
    });
    await waitUntil(() => otherClock.businessDate() === addDays(before, 1), 3_000);
  });
});
