import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { cny, investor } from '../support/lending.ts';
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
 * Early redemption, valued 7 January, maturing 11 January: one product at a reduced rate of 1.00%
 * (10,000.00 held), one at the stated 3.85% less a fee of 0.50% (20,000.00 held), one that does not
 * allow it. The quote is shown first; a confirmation carrying a figure that is no longer the quote
 * (the business date moved) is refused with 409 quote_changed; at maturity the redeemed holdings
 * are paid nothing more.
 */
describe('fixed-term: early redemption with its penalty, quoted before it is confirmed', () => {
  let t: TestApp;
  let erin: TestUser;
  let frank: TestUser;
  let start: PlainDate;
  const ids = { reduced: '', fee: '', none: '' };

  beforeAll(async () => {
    t = await openTestApp();
    start = await t.platform.batch.businessDate();
    const team = await opsTeam(t);
    erin = await investor(t);
    frank = await investor(t);
    const base = { minTotal: '1000.00' };
    ids.reduced = (
      await publishFixed(
        t,
        team,
        fixedTerms(start, { ...base, earlyRedemption: { mode: 'reduced_rate', rate: '0.0100' } }, 2, 4),
      )
    ).id;
    ids.fee = (
      await publishFixed(
        t,
        team,
        fixedTerms(start, { ...base, earlyRedemption: { mode: 'fee', feeRate: '0.005' } }, 2, 4),
      )
    ).id;
    ids.none = (await publishFixed(t, team, fixedTerms(start, base, 2, 4))).id;
  });
  afterAll(() => t?.close());

  const quote = (user: TestUser, holdingId: string) =>
    t.app.inject({
      method: 'GET',
      url: `/v1/me/wealth/fixed/${holdingId}/early-redemption`,
      headers: user.headers,
    });
  const redeem = (user: TestUser, holdingId: string, net: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/me/wealth/fixed/${holdingId}/early-redemption`,
      headers: user.headers,
      payload: { net: cny(net) },
    });

  it('quotes, refuses a stale figure, redeems at the quoted one, and pays nothing more at maturity', async () => {
    for (const [id, amount] of [
      [ids.reduced, '10000.00'],
      [ids.fee, '20000.00'],
      [ids.none, '5000.00'],
    ] as const)
      expect((await buy(t, erin, id, amount)).statusCode).toBe(201);
    expect((await buy(t, frank, ids.none, '5000.00')).statusCode).toBe(201);
    const afterBuying = minor('100000.00') - minor('35000.00');
    await closeTo(t, fixedTerms(start).raiseEnd as string);
    const holdingOf = async (user: TestUser, productId: string) =>
      (await positions(t, user)).find((p) => p.product.id === productId)!.holdingId!;
    const reduced = await holdingOf(erin, ids.reduced);
    const fee = await holdingOf(erin, ids.fee);
    const none = await holdingOf(erin, ids.none);

    // On the value date no day has earned interest: the quote is the principal (less any fee).
    const onValueDate = await quote(erin, reduced);
    expect(onValueDate.json()).toMatchObject({
      days: 0,
      interest: { amount: '0.00' },
      net: { amount: '10000.00' },
    });
    const notAllowed = await quote(erin, none);
    expect([notAllowed.statusCode, notAllowed.json().error?.code]).toEqual([
      422,
      'early_redemption_not_allowed',
    ]);
    const notYours = await quote(frank, reduced);
    expect([notYours.statusCode, notYours.json().error?.code]).toEqual([404, 'holding_not_found']);

    await closeTo(t, '2026-01-07');
    // On 8 January: 1 day held (7 → 8 January).
    const stale = await quote(erin, reduced);
    expect(stale.json()).toMatchObject({
      businessDate: '2026-01-08',
      days: 1,
      mode: 'reduced_rate',
      rate: '0.01',
    });
    await closeTo(t, '2026-01-08');
    const refused = await redeem(erin, reduced, stale.json().net.amount);
    expect([refused.statusCode, refused.json().error?.code]).toEqual([409, 'quote_changed']);
    expect(await walletCents(t, erin)).toBe(afterBuying);

    // On 9 January: 2 days. Reduced rate: 10,000.00 × 1.00% × 2 / 365 = 0.5479… → 0.55, no fee.
    const reducedInterest = interestHalfUp(minor('10000.00'), 100n, 2);
    expect(reducedInterest).toBe(55n);
    const fresh = await quote(erin, reduced);
    expect(fresh.json()).toMatchObject({
      days: 2,
      principal: { amount: '10000.00' },
      interest: { amount: '0.55' },
      fee: { amount: '0.00' },
      net: { amount: '10000.55' },
      interestAtMaturity: { amount: '4.22' }, // 10,000.00 × 3.85% × 4 / 365 = 4.219…
    });
    const done = await redeem(erin, reduced, '10000.55');
    expect(done.statusCode, done.body).toBe(200);
    expect(await walletCents(t, erin)).toBe(afterBuying + minor('10000.00') + reducedInterest);
    const twice = await redeem(erin, reduced, '10000.55');
    expect([twice.statusCode, twice.json().error?.code]).toEqual([409, 'holding_not_active']);

    // Fee: interest at the stated 3.85% for 2 days (4.2191… → 4.22), less 0.50% of 20,000.00 = 100.00.
    const feeIncome = t.platform.payments.feeIncomeAccount;
    const feeIncomeBefore = (await t.platform.ledger.getAccount(feeIncome))
      ? await creditBalance(t, feeIncome)
      : 0n;
    const feeInterest = interestHalfUp(minor('20000.00'), 385n, 2);
    const feeNet = minor('20000.00') + feeInterest - minor('100.00');
    const feeQuote = await quote(erin, fee);
    expect(feeQuote.json()).toMatchObject({
      mode: 'fee',
      rate: '0.0385',
      feeRate: '0.005',
      interest: { amount: '4.22' },
      fee: { amount: '100.00' },
      net: { amount: '19904.22' },
    });
    expect(feeNet).toBe(minor('19904.22'));
    expect((await redeem(erin, fee, '19904.22')).statusCode).toBe(200);
    expect(await creditBalance(t, feeIncome)).toBe(feeIncomeBefore + minor('100.00'));
    expect(await walletCents(t, erin)).toBe(afterBuying + minor('10000.00') + reducedInterest + feeNet);

    const mine = await positions(t, erin);
    expect(mine.find((p) => p.product.id === ids.fee)).toMatchObject({
      principal: { amount: '0.00' },
      settlement: { kind: 'early', days: 2, interest: { amount: '4.22' }, fee: { amount: '100.00' } },
    });

    // Maturity (11 January, paid in the close of the 10th): only the holding still held is paid.
    const beforeMaturity = await walletCents(t, erin);
    await closeTo(t, '2026-01-10');
    const noneInterest = interestHalfUp(minor('5000.00'), 385n, 4);
    expect(await walletCents(t, erin)).toBe(beforeMaturity + minor('5000.00') + noneInterest);
    expect(await walletCents(t, frank)).toBe(minor('100000.00') + noneInterest);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
