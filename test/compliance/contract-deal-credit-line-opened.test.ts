import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { cny, post, staffMember } from '../support/credit.ts';
import { borrower, nextAddress } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';
import { acceptancesFor, as, contractOf, contractsFor, myContracts } from './contract-deal-support.ts';

/**
 * A credit line's contract: applying is the customer's acceptance; the line's opening issues the
 * contract (customer and platform) with the line's terms. A line a risk officer approves with an
 * amount and a rate of their own is issued with those terms as deviations, for legal review.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

async function reviewOf(contractId: string) {
  const rows = await sql<{
    review_status: string;
    deviations: { term: string; expected: string; actual: string }[];
  }>`
    select review_status, deviations from contracts where id = ${contractId}::uuid`.execute(t.platform.db);
  return rows.rows[0]!;
}

describe('a credit line contract', () => {
  it('is issued when the line opens, with the applicant acceptance and the line terms', async () => {
    const customer = await borrower(t);
    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/credit/lines',
      headers: as(customer, 'LineBrowser/1'),
      remoteAddress: '10.55.0.1',
      payload: { monthlyIncome: cny('20000.00'), monthlyDebt: cny('500.00'), employmentYears: 6 },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const line = applied.json().line;
    expect(line.status).toBe('active');

    const contracts = await contractsFor(t, 'credit_line', line.id);
    expect(contracts).toHaveLength(1);
    expect(contracts[0]!.parties.map((p) => `${p.role}:${p.userId}`).sort()).toEqual(
      [`customer:${customer.userId}`, 'platform:null'].sort(),
    );
    expect(
      (await acceptancesFor(t, 'credit_line', line.id)).map((a) => [a.user_id, a.role, a.ip, a.user_agent]),
    ).toEqual([[customer.userId, 'customer', '10.55.0.1', 'LineBrowser/1']]);
    const view = await contractOf(t, customer.headers, contracts[0]!.id);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().terms).toMatchObject({
      limit: line.limit.amount,
      dailyRate: line.pricing.dailyRate,
      currency: 'CNY',
    });
    expect((await myContracts(t, customer)).map((c) => c.id)).toEqual([contracts[0]!.id]);
    expect((await reviewOf(contracts[0]!.id)).review_status).toBe('not_required');
  });

  it('sends a line opened on terms a risk officer set to legal review, naming the deviations', async () => {
    const user = await signUp(t);
    const kyc = await t.app.inject({
      method: 'POST',
      url: '/v1/me/kyc',
      headers: user.headers,
      // An identity the credit bureau does not answer for: the engine refers the application.
      payload: { realName: '李雷', idNumber: withCheckCharacter('11010519900315994') },
    });
    expect(kyc.statusCode, kyc.body).toBe(200);
    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/credit/lines',
      headers: as(user, 'LineBrowser/2'),
      remoteAddress: nextAddress(),
      payload: { monthlyIncome: cny('30000.00'), monthlyDebt: cny('0.00') },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const { line, decision } = applied.json();
    expect(decision.outcome).toBe('refer');
    // Referred: accepted when applying, no contract until the line opens.
    expect(await acceptancesFor(t, 'credit_line', line.id)).toHaveLength(1);
    expect(await contractsFor(t, 'credit_line', line.id)).toEqual([]);

    const officer = await staffMember(t, ['risk_officer']);
    const approved = await post(t, officer, `/v1/risk/reviews/${decision.decisionId}/approve`, {
      amount: cny('20000.00'),
      annualRate: '0.1095',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const contracts = await contractsFor(t, 'credit_line', line.id);
    expect(contracts).toHaveLength(1);
    const review = await reviewOf(contracts[0]!.id);
    expect(review.review_status).toBe('pending');
    const terms = Object.fromEntries(review.deviations.map((d) => [d.term, d]));
    expect(terms.limit).toMatchObject({ actual: '20000.00' });
    expect(terms.limit!.expected).not.toBe('20000.00');
    expect(terms.annualRate).toMatchObject({ actual: '0.1095' });
  });
});
