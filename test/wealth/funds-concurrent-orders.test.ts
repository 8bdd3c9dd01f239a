import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investor, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  at,
  closeThrough,
  createFund,
  enterNav,
  hundredths,
  myFunds,
  redeemFrom,
  subscribeTo,
  text2,
} from '../support/wealth-funds.ts';

/**
 * Thirty subscriptions at once against a wallet that pays for twenty, then thirty redemptions at once
 * against units that cover twenty-four: the wallet and the units are never overdrawn (on
 * PostgreSQL the requests really run in parallel), and the ledger verifies.
 */
let t: TestApp;
let user: TestUser;
const FUND = '660066';

beforeAll(async () => {
  t = await openTestApp();
  await createFund(t, FUND);
  user = await investor(t, '10000.00');
}, 60_000);
afterAll(() => t.close());

describe('parallel orders', () => {
  it('subscriptions: exactly what the wallet pays for', async () => {
    at(t, '2026-01-05', '10:30');
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => subscribeTo(t, user, FUND, '500.00')),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(20);
    expect(responses.filter((r) => r.statusCode === 422).map((r) => r.json().error.code)).toEqual(
      Array(10).fill('insufficient_funds'),
    );
    expect((await wallet(t, user)).balance.amount).toBe('0.00');
  });

  it('redemptions: never more units than held', async () => {
    await enterNav(t, FUND, '2026-01-05', '1.0000');
    await closeThrough(t, '2026-01-05');
    at(t, '2026-01-06', '10:00');
    // 500.00 − 0.75 fee (500 × 0.0015 ÷ 1.0015 = 0.7488… → 0.75) = 499.25 units each.
    const held = 20n * hundredths('499.25');
    expect(hundredths((await myFunds(t, user)).holdings[0]!.units)).toBe(held);
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => redeemFrom(t, user, FUND, '400.00')),
    );
    const ok = responses.filter((r) => r.statusCode === 201).length;
    expect(ok).toBe(Number(held / hundredths('400.00')));
    expect(
      responses
        .filter((r) => r.statusCode !== 201)
        .every((r) => r.json().error.code === 'insufficient_holding'),
    ).toBe(true);
    const mine = await myFunds(t, user);
    expect(mine.holdings[0]!.available).toBe(text2(held - BigInt(ok) * hundredths('400.00')));
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
