import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wealthAccount } from '../../src/wealth/index.ts';
import { investor } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  buy,
  creditBalance,
  fixedTerms,
  minor,
  opsTeam,
  publishFixed,
  walletCents,
} from '../support/wealth-fixed.ts';

/**
 * The caps under 30 concurrent purchases: ten investors each send three purchases of 1,000.00 at
 * once to a product capped at 2,000.00 per investor and 15,000.00 in total. Exactly fifteen succeed
 * (the total cap binds), no investor gets more than two, every refusal is a 422 with its cap's code,
 * and the raising account holds exactly what the successful purchases took from the wallets.
 */
describe('fixed-term: caps per investor and in total hold under 30 concurrent purchases', () => {
  let t: TestApp;
  let investors: TestUser[];
  let productId: string;
  const balance = '10000.00';

  beforeAll(async () => {
    t = await openTestApp();
    const team = await opsTeam(t);
    investors = [];
    for (let i = 0; i < 10; i++) investors.push(await investor(t, balance));
    const start = await t.platform.batch.businessDate();
    productId = (
      await publishFixed(
        t,
        team,
        fixedTerms(start, { minTotal: '1000.00', maxTotal: '15000.00', perInvestorCap: '2000.00' }),
      )
    ).id;
  });
  afterAll(() => t?.close());

  it('never lets a cap be passed', async () => {
    const requests = investors.flatMap((user) => [0, 1, 2].map(() => ({ user })));
    const responses = await Promise.all(requests.map(({ user }) => buy(t, user, productId, '1000.00')));
    const outcomes = responses.map((r, i) => ({
      user: requests[i]!.user.userId,
      status: r.statusCode,
      code: r.statusCode === 201 ? null : (r.json().error?.code as string),
    }));
    for (const o of outcomes) {
      if (o.status === 201) continue;
      expect([o.status, ['per_investor_cap_exceeded', 'raise_cap_exceeded'].includes(o.code!)]).toEqual([
        422,
        true,
      ]);
    }
    const ok = outcomes.filter((o) => o.status === 201);
    expect(ok.length).toBe(15);
    for (const user of investors) {
      const bought = ok.filter((o) => o.user === user.userId).length;
      expect(bought).toBeLessThanOrEqual(2);
      expect(await walletCents(t, user)).toBe(minor(balance) - BigInt(bought) * minor('1000.00'));
    }
    expect(await creditBalance(t, wealthAccount.raising(productId))).toBe(minor('15000.00'));
    const rows = await sql<{ n: number; total: bigint }>`
      select count(*)::int as n, sum(amount)::int8 as total from wealth_fixed_purchases where product_id = ${productId}`.execute(
      t.platform.db,
    );
    expect(rows.rows[0]).toEqual({ n: 15, total: minor('15000.00') });
    const offer = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/fixed/${productId}`,
      headers: investors[0]!.headers,
    });
    expect(offer.json().raise).toMatchObject({
      raised: { amount: '15000.00' },
      left: { amount: '0.00' },
      progress: '100.00',
    });
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
