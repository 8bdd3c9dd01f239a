import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { wealthAccount } from '../../src/wealth/index.ts';
import { closeTo } from '../support/batch.ts';
import { signInAgain } from '../support/credit.ts';
import { investor } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  buy,
  creditBalance,
  fixedTerms,
  interestHalfUp,
  minor,
  opsTeam,
  positions,
  publishFixed,
  walletCents,
} from '../support/wealth-fixed.ts';

/**
 * A fixed-term product from raising to maturity with two investors: 12,300.00 and 50,000.00 (two
 * purchases) at 3.85% a year, ACT/365, valued on 7 January, maturing on 14 January (7 days).
 * The raise passes its minimum and is valued in the close of its last day; principal and interest
 * reach the wallets in the close of 13 January, recomputed here independently, half-up to the cent.
 */
describe('fixed-term: raising, value date, maturity with two investors', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let productId: string;
  let start: PlainDate;
  const startBalance = minor('100000.00');

  beforeAll(async () => {
    t = await openTestApp();
    start = await t.platform.batch.businessDate();
    const team = await opsTeam(t);
    alice = await investor(t);
    bob = await investor(t);
    productId = (await publishFixed(t, team, fixedTerms(start, {}, 2, 7))).id;
  });
  afterAll(() => t?.close());

  it('takes purchases within the rules, values the raise, and pays principal and interest at maturity', async () => {
    // A purchase off the step, below the minimum, or above the cap is refused; nothing moves.
    for (const [amount, code] of [
      ['1050.00', 'purchase_amount_invalid'],
      ['900.00', 'purchase_amount_invalid'],
      ['50100.00', 'per_investor_cap_exceeded'],
    ] as const) {
      const refused = await buy(t, alice, productId, amount);
      expect([amount, refused.statusCode, refused.json().error?.code]).toEqual([amount, 422, code]);
    }
    expect(await walletCents(t, alice)).toBe(startBalance);

    const a = await buy(t, alice, productId, '12300.00');
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ status: 'raising', businessDate: start, holdingId: null });
    expect((await buy(t, bob, productId, '30000.00')).statusCode).toBe(201);
    t.clock.advanceSeconds(3600);
    const more = await buy(t, bob, productId, '20100.00');
    expect([more.statusCode, more.json().error?.code]).toEqual([422, 'per_investor_cap_exceeded']);
    expect((await buy(t, bob, productId, '20000.00')).statusCode).toBe(201);

    const offer = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/fixed/${productId}`,
      headers: bob.headers,
    });
    expect(offer.json()).toMatchObject({
      raise: { state: 'raising', open: true, raised: { amount: '62300.00' }, left: { amount: '37700.00' } },
      yours: { amount: '50000.00' },
      yoursLeft: { amount: '0.00' },
    });
    expect(offer.json().raise.progress).toBe('62.30');
    expect(await walletCents(t, alice)).toBe(startBalance - minor('12300.00'));
    expect(await creditBalance(t, wealthAccount.raising(productId))).toBe(minor('62300.00'));

    // The close of the last raising day values the raise: one holding per investor.
    await closeTo(t, (fixedTerms(start, {}, 2, 7) as { raiseEnd: string }).raiseEnd);
    const late = await buy(t, alice, productId, '1000.00');
    expect([late.statusCode, late.json().error?.code]).toEqual([422, 'raise_closed']);
    expect(await creditBalance(t, wealthAccount.raising(productId))).toBe(0n);
    const [bobs] = await positions(t, bob);
    expect(bobs).toMatchObject({ raiseState: 'valued', principal: { amount: '50000.00' }, settlement: null });
    expect(bobs!.purchases.map((p) => p.status)).toEqual(['holding', 'holding']);
    const holding = await sql<{
      account_id: string;
    }>`select account_id from wealth_holdings where id = ${bobs!.holdingId}`.execute(t.platform.db);
    expect(await creditBalance(t, holding.rows[0]!.account_id)).toBe(minor('50000.00'));

    // Interest for 7 → 14 January: 7 days at 3.85% over 365, half-up, on each holding.
    const interestA = interestHalfUp(minor('12300.00'), 385n, 7);
    const interestB = interestHalfUp(minor('50000.00'), 385n, 7);
    expect([interestA, interestB]).toEqual([908n, 3692n]); // 9.0818… → 9.08; 36.9178… → 36.92 (down would give 36.91)
    expect(bobs!.expectedInterest.amount).toBe('36.92');

    await closeTo(t, '2026-01-12');
    expect(await walletCents(t, bob)).toBe(startBalance - minor('50000.00'));
    await closeTo(t, '2026-01-13');
    expect(await t.platform.batch.businessDate()).toBe('2026-01-14');
    expect(await walletCents(t, alice)).toBe(startBalance + interestA);
    expect(await walletCents(t, bob)).toBe(startBalance + interestB);
    expect(await creditBalance(t, holding.rows[0]!.account_id)).toBe(0n);
    // The product's interest account paid exactly the two investors' interest.
    expect(-(await creditBalance(t, wealthAccount.interest(productId)))).toBe(interestA + interestB);

    // Sessions last a week: the investor signs in again after nine days.
    alice = await signInAgain(t, alice);
    const [settled] = await positions(t, alice);
    expect(settled).toMatchObject({
      raiseState: 'matured',
      principal: { amount: '0.00' },
      settlement: {
        kind: 'maturity',
        principal: { amount: '12300.00' },
        interest: { amount: '9.08' },
        fee: { amount: '0.00' },
        net: { amount: '12309.08' },
        days: 7,
        businessDate: '2026-01-13',
      },
    });
    expect(settled!.purchases[0]).toMatchObject({ status: 'matured', settledOn: '2026-01-13' });

    // Nothing is left in it: the product may close now. The ledger verifies.
    const team = await opsTeam(t);
    const closed = await t.app.inject({
      method: 'POST',
      url: `/v1/wealth/ops/products/${productId}/close`,
      headers: team.writer.headers,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const report = await t.platform.ledger.verify();
    expect(report.problems).toEqual([]);
  });
});
