import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { staffMember } from '../support/credit.ts';
import { cny, investor, nextAddress, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';
import { acceptancesFor, as, contractsFor } from './contract-deal-support.ts';

/**
 * A loan application the engine refers, which a risk officer approves for less than was asked and at
 * a rate of their own: the borrower's acceptance is recorded when applying (on the application, as
 * no loan exists yet), and the loan's contract is issued with the officer's amount and rate as
 * deviations, pending legal review.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('a loan on terms a risk officer set', () => {
  it('is issued with the deviations and waits for legal review', async () => {
    const user = await signUp(t);
    const kyc = await t.app.inject({
      method: 'POST',
      url: '/v1/me/kyc',
      headers: user.headers,
      // An identity the credit bureau does not answer for: the engine refers the application.
      payload: { realName: '李雷', idNumber: withCheckCharacter('11010519900415994') },
    });
    expect(kyc.statusCode, kyc.body).toBe(200);
    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/applications',
      headers: as(user, 'ReferredBrowser/1'),
      remoteAddress: nextAddress(),
      payload: {
        productId: 'personal',
        amount: cny('10000.00'),
        term: 6,
        method: 'equal_installment',
        purpose: 'education',
        monthlyIncome: cny('30000.00'),
        monthlyDebt: cny('0.00'),
        employmentYears: 6,
      },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const { application, decision } = applied.json();
    expect(decision.outcome).toBe('refer');
    const accepted = await acceptancesFor(t, 'loan', application.id);
    expect(accepted.map((a) => [a.user_id, a.role, a.user_agent])).toEqual([
      [user.userId, 'borrower', 'ReferredBrowser/1'],
    ]);

    const officer = await staffMember(t, ['risk_officer']);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/v1/risk/reviews/${application.decisionId}/approve`,
      headers: officer.headers,
      payload: { amount: cny('6000.00'), annualRate: '0.1500' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const listed = await sql<{ loan_id: string | null; status: string }>`
      select loan_id, status from loan_applications where id = ${application.id}::uuid`.execute(
      t.platform.db,
    );
    expect(listed.rows[0]!.status).toBe('listed');
    const loanId = listed.rows[0]!.loan_id!;

    for (const person of [await investor(t), await investor(t)]) {
      const bid = await t.app.inject({
        method: 'POST',
        url: `/v1/lending/listings/${loanId}/bids`,
        headers: person.headers,
        payload: { amount: cny('3000.00') },
      });
      expect(bid.statusCode, bid.body).toBe(201);
    }
    const contracts = await contractsFor(t, 'loan', loanId);
    expect(contracts).toHaveLength(1);
    const review = await sql<{
      review_status: string;
      deviations: { term: string; expected: string; actual: string; by: string | null }[];
    }>`select review_status, deviations from contracts where id = ${contracts[0]!.id}::uuid`.execute(
      t.platform.db,
    );
    expect(review.rows[0]!.review_status).toBe('pending');
    const byTerm = Object.fromEntries(review.rows[0]!.deviations.map((d) => [d.term, d]));
    expect(byTerm.amount).toEqual({
      term: 'amount',
      expected: '10000.00',
      actual: '6000.00',
      by: officer.userId,
    });
    expect(byTerm.annualRate).toMatchObject({ actual: '0.15', by: officer.userId });
  });
});
