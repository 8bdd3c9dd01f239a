import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, type PlainDate, uuidv7 } from '../../src/kernel/index.ts';
import type { Holding } from '../../src/wealth/holdings.ts';
import { wealthAccount } from '../../src/wealth/index.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  balanceOf,
  expectedIncome,
  freezeUnits,
  holdUnits,
  incomeTransfersOf,
  moneyMarketFund,
  takeUnits,
} from '../support/wealth-income.ts';

/**
 * After random subscriptions, freezes (redemption requests), redemptions, income entries (in advance,
 * on the day, caught up, sometimes missing) and day-closes: each holding holds what an independent
 * model says (decimal.js, rounding down, compounding, frozen units earning nothing, a day caught up
 * paid on the units of that day, not of the day it is credited); Σ holders' units
 * = the fund's units outstanding (what came in + income distributed − what went out); each credited
 * date reconciles to the cent; the ledger verifies.
 */
let t: TestApp;
let staff: TestUser;

beforeAll(async () => {
  t = await openTestApp();
  staff = await staffMember(t, ['operations']);
});
afterAll(() => t.close());

type Op =
  | { kind: 'subscribe'; holder: number; cents: number }
  | { kind: 'freeze'; holder: number; share: number }
  | { kind: 'redeem'; holder: number; share: number }
  | { kind: 'income'; offset: number; tenThousandths: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('subscribe' as const),
    holder: fc.nat(5),
    cents: fc.integer({ min: 1, max: 50_000_000 }),
  }),
  fc.record({
    kind: fc.constant('freeze' as const),
    holder: fc.nat(5),
    share: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('redeem' as const),
    holder: fc.nat(5),
    share: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('income' as const),
    offset: fc.integer({ min: -2, max: 1 }),
    tenThousandths: fc.integer({ min: 0, max: 30_000 }),
  }),
  fc.record({
    kind: fc.constant('income' as const),
    offset: fc.constant(0),
    tenThousandths: fc.integer({ min: 5_000, max: 8_000 }),
  }),
);

const audit = () => ({
  principal: { kind: 'user' as const, userId: staff.userId, roles: ['operations' as const], sessionId: null },
  ip: null,
});

const text = (k: number) => `${Math.floor(k / 10_000)}.${String(k % 10_000).padStart(4, '0')}`;

it('keeps units, income and the ledger consistent through random days', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(op, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
      async (days) => {
        const productId = await moneyMarketFund(t);
        const holdings: (Holding | undefined)[] = [];
        const model = new Map<string, { units: bigint; frozen: bigint }>();
        const entries = new Map<PlainDate, string>();
        const credited = new Set<PlainDate>();
        // A date closed without its income: each holding's units available that day (what its income,
        // entered later, is paid on).
        const recorded = new Map<PlainDate, Map<string, bigint>>();
        let cameIn = 0n;
        let wentOut = 0n;
        for (const ops of days) {
          const today = await t.platform.batch.businessDate();
          for (const o of ops) {
            if (o.kind === 'subscribe') {
              const h = holdings[o.holder] ?? (await holdUnits(t, productId, uuidv7(), 0n));
              holdings[o.holder] = h;
              const m = model.get(h.accountId) ?? { units: 0n, frozen: 0n };
              await holdUnits(t, productId, h.userId, BigInt(o.cents));
              model.set(h.accountId, { ...m, units: m.units + BigInt(o.cents) });
              cameIn += BigInt(o.cents);
            } else if (o.kind === 'income') {
              const date = addDays(today, o.offset);
              // Through the service (a staff session would expire as the days go by).
              const entered = t.platform.wealth.income.enter(
                { date, per10k: text(o.tenThousandths), productId, confirmFar: true },
                audit(),
              );
              if (credited.has(date))
                await expect(entered).rejects.toMatchObject({ code: 'income_already_credited' });
              else {
                await entered;
                entries.set(date, text(o.tenThousandths));
              }
            } else {
              const h = holdings[o.holder];
              if (!h) continue;
              const m = model.get(h.accountId)!;
              const cents = ((m.units - m.frozen) * BigInt(o.share)) / 100n;
              if (cents === 0n) continue;
              if (o.kind === 'freeze') {
                await freezeUnits(t, h, cents);
                model.set(h.accountId, { ...m, frozen: m.frozen + cents });
              } else {
                await takeUnits(t, h, cents);
                model.set(h.accountId, { ...m, units: m.units - cents });
                wentOut += cents;
              }
            }
          }
          if (!entries.has(today) && holdings.some(Boolean))
            recorded.set(today, new Map([...model].map(([account, m]) => [account, m.units - m.frozen])));
          await closeTo(t, today);
          // The model credits every entered, uncredited date up to the closed one, oldest first: the
          // closed date on the units available now, an earlier one on the units recorded that day
          // (none recorded: the fund had no holdings then).
          const due = [...entries.keys()].filter((d) => d <= today && !credited.has(d)).sort();
          for (const date of due) {
            let eligible = 0n;
            let distributed = 0n;
            const ledger = await incomeTransfersOf(t, date);
            for (const [account, m] of model) {
              const units = date === today ? m.units - m.frozen : (recorded.get(date)?.get(account) ?? 0n);
              const income = expectedIncome(units, entries.get(date)!);
              expect(ledger.get(account) ?? 0n).toBe(income);
              eligible += units;
              distributed += income;
              model.set(account, { ...m, units: m.units + income });
            }
            const row = await sql<{
              fund_income: bigint;
              distributed: bigint;
              undistributed: bigint;
              eligible_units: bigint;
            }>`
            select fund_income, distributed, undistributed, eligible_units from wealth_mmf_income
            where product_id = ${productId} and date = ${date}`.execute(t.platform.db);
            expect(row.rows[0]).toEqual({
              fund_income: expectedIncome(eligible, entries.get(date)!),
              distributed,
              undistributed: expectedIncome(eligible, entries.get(date)!) - distributed,
              eligible_units: eligible,
            });
            expect(row.rows[0]!.undistributed).toBeGreaterThanOrEqual(0n);
            credited.add(date);
          }
        }
        // Σ holders' units = the fund's units outstanding, and each holding is what the model says.
        let sum = 0n;
        for (const [account, m] of model) {
          const b = await balanceOf(t, account);
          expect(b).toEqual({ posted: m.units, available: m.units - m.frozen });
          sum += b.posted;
        }
        const income = await t.platform.ledger.getAccount(wealthAccount.income(productId));
        const distributed = income ? income.debitsPosted - income.creditsPosted : 0n;
        expect(sum).toBe(cameIn + distributed - wentOut);
        const totals = await sql<{
          d: bigint | null;
        }>`select sum(distributed)::int8 as d from wealth_mmf_income
        where product_id = ${productId} and credited_at is not null`.execute(t.platform.db);
        expect(totals.rows[0]!.d ?? 0n).toBe(distributed);
      },
    ),
    { numRuns: 6, seed: 18, endOnFailure: true },
  );
  const report = await t.platform.ledger.verify();
  expect(report.problems).toEqual([]);
}, 120_000);
