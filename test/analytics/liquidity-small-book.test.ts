import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { ChartOfAccounts } from '../../src/ledger/index.ts';
import { closeTo, smallPortfolio } from '../support/batch.ts';
import { minor, openLendingApp } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * Liquidity over the small book (three loans of 6,000.00, 3,000.00 and 2,000.00 over three months,
 * disbursed on the first business date, the reserve seeded with 50,000.00) and 1,234.56 at a payment
 * channel: what falls due within 7, 30 and 90 days, counted by hand from the schedules, against the
 * cash held, and the gap.
 */
describe('analytics: liquidity on a small book', () => {
  let t: TestApp;
  let start: PlainDate;

  beforeAll(async () => {
    t = await openLendingApp();
    start = t.clock.businessDate();
    await smallPortfolio(t);
    const { ledger, db } = t.platform;
    await inTransaction(db, async (trx) => {
      await ledger.createAccounts(
        [
          { id: 'test:external:CNY', ledger: 'CNY', code: ChartOfAccounts.external.code },
          { id: 'channel:test:cash:CNY', ledger: 'CNY', code: ChartOfAccounts.channelCash.code },
        ],
        { tx: trx },
      );
      const [r] = await ledger.createTransfers(
        [
          {
            id: 'liquidity:channel-cash',
            debitAccountId: 'channel:test:cash:CNY',
            creditAccountId: 'test:external:CNY',
            amount: 123_456n,
            ledger: 'CNY',
            code: 1,
          },
        ],
        { tx: trx },
      );
      expect(r!.result).toBe('ok');
    });
    await closeTo(t, addDays(start, 1));
  }, 300_000);
  afterAll(() => t?.close());

  const series = async (date: PlainDate) => {
    const get = async (query: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/v1/analytics/series?${query}&from=${date}&to=${date}`,
        headers: asAdmin,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    };
    const items = [
      ...(await get('metrics=liquidity.due_to_platform,liquidity.due_to_investors,liquidity.gap&by=horizon')),
      ...(await get('metrics=liquidity.held')),
    ];
    const out = new Map<string, string>();
    for (const s of items as {
      metric: string;
      currency: string;
      points: { dimension: { horizon?: string }; value: string }[];
    }[]) {
      expect(s.currency).toBe('CNY');
      for (const p of s.points) out.set(`${s.metric}:${p.dimension.horizon ?? ''}`, p.value);
    }
    return out;
  };

  it('counts the instalments due within each horizon against the cash held', async () => {
    // The schedules, by hand: first due dates 2026-02-05, then 03-05 and 04-05.
    const rows = await sql<{ due_date: string; principal: bigint; interest: bigint; fee: bigint }>`
      select due_date::text, principal, interest, fee from loan_installments`.execute(t.platform.db);
    expect(rows.rows.map((r) => r.due_date).sort()[0]).toBe('2026-02-05');
    const reserve = (await t.platform.lending.platformFigures()).reserveBalance;
    expect(reserve).toBeGreaterThanOrEqual(minor('50000.00'));
    const held = reserve + 123_456n;
    for (const date of [start, addDays(start, 1)]) {
      const figures = await series(date);
      expect(minor(figures.get('liquidity.held:')!)).toBe(held);
      for (const h of [7, 30, 90]) {
        const within = rows.rows.filter((r) => r.due_date > date && r.due_date <= addDays(date, h));
        const toPlatform = within.reduce(
          (s, r) => s + BigInt(r.principal) + BigInt(r.interest) + BigInt(r.fee),
          0n,
        );
        const toInvestors = within.reduce((s, r) => s + BigInt(r.principal) + BigInt(r.interest), 0n);
        expect(minor(figures.get(`liquidity.due_to_platform:${h}`)!), `${date} ${h}`).toBe(toPlatform);
        expect(minor(figures.get(`liquidity.due_to_investors:${h}`)!), `${date} ${h}`).toBe(toInvestors);
        expect(minor(figures.get(`liquidity.gap:${h}`)!)).toBe(held + toPlatform - toInvestors);
      }
    }
    // On 2026-01-05 the first instalments are 31 days away: nothing within 30 days; all three
    // periods within 90 (2026-04-05 is the 90th day).
    const first = await series(start);
    expect(first.get('liquidity.due_to_platform:30')).toBe('0.00');
    const all = rows.rows.reduce((s, r) => s + BigInt(r.principal) + BigInt(r.interest) + BigInt(r.fee), 0n);
    expect(minor(first.get('liquidity.due_to_platform:90')!)).toBe(all);
    // The principal of the three loans passes through to their investors within 90 days.
    const principal = rows.rows.reduce((s, r) => s + BigInt(r.principal), 0n);
    expect(principal).toBe(minor('11000.00'));
  });
});
