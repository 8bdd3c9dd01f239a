import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import {
  applyFor,
  borrower,
  checkInvariants,
  cny,
  fund,
  minor,
  openLendingApp,
  wallet,
  yuan,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * 1,000 bids from 100 investors fired at one listing at once (on PostgreSQL, over a pool of
 * connections): the listing fills exactly, never more; what was frozen is what was accepted; the
 * refused bids froze nothing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

let sequence = 0;
async function quickInvestor(): Promise<TestUser> {
  const user = await signUp(t);
  sequence++;
  const idNumber = withCheckCharacter(`11010819800101${String(100 + sequence).padStart(3, '0')}`);
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '李四', idNumber },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  const assessed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
    payload: { answers: [4, 4, 4, 4, 4, 4, 4, 4] },
  });
  expect(assessed.statusCode).toBe(200);
  await fund(t, user.userId, '10000.00');
  return user;
}

describe('a hot listing', () => {
  it('takes 1,000 concurrent bids from 100 investors and fills exactly', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, {
      amount: cny('50000.00'),
      term: 12,
      monthlyIncome: cny('30000.00'),
    });
    const investors: TestUser[] = [];
    for (let i = 0; i < 100; i++) investors.push(await quickInvestor());
    const amounts = Array.from({ length: 1000 }, (_, k) => 50 * (1 + (k % 10))); // 50.00 to 500.00
    const responses = await Promise.all(
      amounts.map((amount, k) =>
        t.app.inject({
          method: 'POST',
          url: `/v1/lending/listings/${loanId}/bids`,
          headers: investors[k % 100]!.headers,
          payload: { amount: cny(`${amount}.00`) },
        }),
      ),
    );
    const accepted = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode !== 201);
    for (const r of refused) {
      expect(r.statusCode, r.body).toBe(409);
      expect(['listing_full', 'listing_closed']).toContain(r.json().error.code);
    }
    const total = accepted.reduce((sum, r) => sum + minor(r.json().bid.amount.amount), 0n);
    expect(yuan(total)).toBe('50000.00');
    expect(accepted.filter((r) => r.json().listingFull)).toHaveLength(1);
    expect(accepted.length + refused.length).toBe(1000);
    // Each investor paid exactly what was accepted from them; nothing is left frozen.
    const perInvestor = new Map<string, bigint>();
    const rows = await sql<{
      investor_id: string;
      s: bigint;
    }>`select investor_id, sum(amount)::bigint as s from loan_bids
      where loan_id = ${loanId} and status = 'posted' group by investor_id`.execute(t.platform.db);
    for (const row of rows.rows) perInvestor.set(row.investor_id, row.s);
    for (const person of investors) {
      const w = await wallet(t, person);
      expect(w.frozen.amount).toBe('0.00');
      expect(minor('10000.00') - minor(w.balance.amount)).toBe(perInvestor.get(person.userId) ?? 0n);
    }
    const released = await sql<{
      n: bigint;
    }>`select count(*)::bigint as n from loan_bids where loan_id = ${loanId} and status <> 'posted'`.execute(
      t.platform.db,
    );
    expect(released.rows[0]!.n).toBe(0n);
    await checkInvariants(t);
  }, 120_000);
});
