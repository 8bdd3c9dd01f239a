import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  api,
  at,
  cents,
  closeTo,
  ledgerVerifies,
  mmfHolder,
  mmfHolding,
  operationsStaff,
  redeemMmf,
  topUpLiquidity,
  walletCents,
} from '../support/wealth.ts';

/**
 * Redemptions of the money-market fund. Normal: the units are frozen at the request and the money is
 * in the wallet when the next trading day after the trade date opens. Quick: in the wallet at once,
 * drawing on the fund's liquidity, which operations top up and the day-close gives back.
 * Monday 2026-01-05: an investor subscribes 5,000.00, confirmed by Monday's day-close.
 */
let t: TestApp;
let holder: TestUser;
let staff: TestUser;

beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  holder = await mmfHolder(t, '5000.00');
  staff = await operationsStaff(t);
  await closeTo(t, '2026-01-05');
});
afterAll(() => t?.close());

const holding = async () => {
  const h = await mmfHolding(t, holder);
  return {
    units: cents(h.units.amount),
    available: cents(h.available.amount),
    frozen: cents(h.frozen.amount),
  };
};

describe('a normal redemption', () => {
  it('freezes the units at once and pays on the next trading day', async () => {
    at(t, '2026-01-06 11:00');
    const wallet = await walletCents(t, holder);
    const response = await redeemMmf(t, holder, '1200.00', 'normal');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      kind: 'redemption',
      mode: 'normal',
      status: 'pending',
      tradeDate: '2026-01-06',
      payDate: '2026-01-07',
    });
    expect(await holding()).toEqual({ units: 500000n, available: 380000n, frozen: 120000n });
    expect(await walletCents(t, holder)).toBe(wallet);
    // What is frozen cannot be redeemed again.
    const again = await redeemMmf(t, holder, '3800.01', 'normal');
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('insufficient_holding');

    await closeTo(t, '2026-01-06');
    expect(await holding()).toEqual({ units: 380000n, available: 380000n, frozen: 0n });
    expect(await walletCents(t, holder)).toBe(wallet + 120000n);
    expect((await mmfHolding(t, holder)).pendingRedemptions).toEqual([]);
  });

  it('after the cut-off on Friday trades Monday and pays Tuesday', async () => {
    await closeTo(t, '2026-01-08');
    at(t, '2026-01-09 15:01');
    const wallet = await walletCents(t, holder);
    const response = await redeemMmf(t, holder, '800.00', 'normal');
    expect(response.json()).toMatchObject({ tradeDate: '2026-01-12', payDate: '2026-01-13' });
    await closeTo(t, '2026-01-11');
    expect(await walletCents(t, holder)).toBe(wallet);
    expect((await holding()).frozen).toBe(80000n);
    await closeTo(t, '2026-01-12');
    expect(await walletCents(t, holder)).toBe(wallet + 80000n);
    expect(await holding()).toEqual({ units: 300000n, available: 300000n, frozen: 0n });
  });
});

describe('a quick redemption', () => {
  it('is refused while the fund has no liquidity, and customers cannot top it up', async () => {
    at(t, '2026-01-13 10:00');
    const refused = await redeemMmf(t, holder, '100.00', 'quick');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('fund_liquidity_exhausted');
    expect((await holding()).units).toBe(300000n);
    const forbidden = await api(t, holder).post('/v1/wealth/ops/mmf/liquidity/top-up', {
      amount: { amount: '1.00', currency: 'CNY' },
      reason: 'me',
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('pays at once from the liquidity that operations topped up, and day-close gives it back', async () => {
    const topped = await topUpLiquidity(t, staff, '2000.00', 'opening float');
    expect(topped.available.amount).toBe('2000.00');
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log
      where action = 'wealth.mmf_liquidity_topped_up'`.execute(t.platform.db);
    expect(audit.rows[0]!.n).toBe(1);

    const wallet = await walletCents(t, holder);
    const quick = await redeemMmf(t, holder, '1500.00', 'quick');
    expect(quick.statusCode, quick.body).toBe(201);
    expect(quick.json()).toMatchObject({ mode: 'quick', status: 'completed', payDate: '2026-01-13' });
    expect(await walletCents(t, holder)).toBe(wallet + 150000n);
    expect(await holding()).toEqual({ units: 150000n, available: 150000n, frozen: 0n });

    const liquidity = await api(t, staff).get('/v1/wealth/ops/mmf/liquidity');
    expect(liquidity.json()).toMatchObject({
      available: { amount: '500.00' },
      drawnNotRestored: { amount: '1500.00' },
      usedToday: { amount: '1500.00' },
    });
    // More than the liquidity left: refused, nothing moved.
    const tooMuch = await redeemMmf(t, holder, '500.01', 'quick');
    expect(tooMuch.json().error.code).toBe('fund_liquidity_exhausted');
    expect((await holding()).units).toBe(150000n);

    const form = await api(t, holder).get('/v1/wealth/mmf');
    expect(form.json().quick).toEqual({
      investorLeft: { amount: '8500.00', currency: 'CNY' },
      fundLeft: { amount: '4998500.00', currency: 'CNY' },
      left: { amount: '500.00', currency: 'CNY' },
    });

    const day = await api(t, staff).get('/v1/wealth/ops/mmf/day?date=2026-01-13');
    expect(day.statusCode, day.body).toBe(200);
    expect(day.json().totals.quickRedemptions).toEqual({
      count: 1,
      amount: { amount: '1500.00', currency: 'CNY' },
    });

    await closeTo(t, '2026-01-13');
    // The close gives the liquidity back; the caps still count the 13th until midnight.
    const after = await api(t, staff).get('/v1/wealth/ops/mmf/liquidity');
    expect(after.json()).toMatchObject({
      businessDate: '2026-01-14',
      quotaDay: '2026-01-13',
      available: { amount: '2000.00' },
      drawnNotRestored: { amount: '0.00' },
      usedToday: { amount: '1500.00' },
    });
    at(t, '2026-01-14 09:00');
    const morning = await api(t, staff).get('/v1/wealth/ops/mmf/liquidity');
    expect(morning.json()).toMatchObject({ quotaDay: '2026-01-14', usedToday: { amount: '0.00' } });
    await ledgerVerifies(t);
  });
});
