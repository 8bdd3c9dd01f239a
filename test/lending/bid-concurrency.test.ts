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
async function quickInvestor(balance = '10000.00'): Promise<TestUser> {
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
  await fund(t, user.userId, balance);
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
      expect(r.json().error.code).toBe('listing_closed');
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

  it('answers each of many concurrent bids on its own: wallets that run short refuse some, the rest freeze exactly', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, {
      amount: cny('20000.00'),
      term: 12,
      monthlyIncome: cny('30000.00'),
    });
    // 30 investors with 600.00 each (18,000.00 in all, less than the 20,000.00 listed): 12 bids of
    // 100.00 apiece is more than any of them holds.
    const investors: TestUser[] = [];
    for (let i = 0; i < 30; i++) investors.push(await quickInvestor('600.00'));
    const responses = await Promise.all(
      Array.from({ length: 360 }, (_, k) =>
        t.app.inject({
          method: 'POST',
          url: `/v1/lending/listings/${loanId}/bids`,
          headers: investors[k % 30]!.headers,
          payload: { amount: cny('100.00') },
        }),
      ),
    );
    const accepted = new Map<string, bigint>();
    const codes = new Map<string, number>();
    responses.forEach((r, k) => {
      if (r.statusCode === 201) {
        const who = investors[k % 30]!.userId;
        accepted.set(who, (accepted.get(who) ?? 0n) + minor(r.json().bid.amount.amount));
        return;
      }
      expect(r.statusCode, r.body).toBe(422);
      const code = r.json().error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    });
    // Exactly 6 bids per investor succeed, whichever arrive first.
    expect([...codes.keys()]).toEqual(['insufficient_funds']);
    expect(codes.get('insufficient_funds')).toBe(180);
    for (const person of investors) {
      expect(accepted.get(person.userId)).toBe(60000n);
      const w = await wallet(t, person);
      expect(w.frozen.amount).toBe('600.00');
      expect(w.available.amount).toBe('0.00');
    }
    const listing = (await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` })).json();
    expect(listing.loan.status).toBe('listing');
    await checkInvariants(t);
  }, 120_000);
});
