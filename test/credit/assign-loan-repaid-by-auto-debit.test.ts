import { afterAll, beforeAll, expect, it } from 'vitest';
import { loanAccount } from '../../src/lending/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  customerWithLine,
  type LineJson,
  post,
  staffMember,
  statementsOf,
} from '../support/credit.ts';
import { bid, checkInvariants, fund, investor, loanOf, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * An assigned draw of 3,000.00 in 3 instalments, repaid the ordinary lending way: the day-close
 * charges each instalment on its due date and collects it from the customer's wallet, and the close
 * that collects the last one (the servicing chunk's deferred plan) closes the loan as repaid, which
 * gives the line its credit back in the same transaction. Meanwhile the line's statements bill
 * nothing of the plan.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let loanId: string;
let planId: string;

beforeAll(async () => {
  t = await openLendingApp();
  ({ user, line } = await customerWithLine(t));
  const staff = await staffMember(t, ['operations']);
  const published = await post(t, staff, '/v1/credit/staff/products/everyday-credit/versions', {
    config: { billing: { assignable: true } },
  });
  expect(published.statusCode, published.body).toBe(201);
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, {
    amount: { amount: '3000.00', currency: 'CNY' },
    repayment: { months: 3, method: 'equal_principal' },
  });
  expect(drawn.statusCode, drawn.body).toBe(201);
  planId = drawn.json().plan.id;
  const assigned = await post(t, staff, `/v1/credit/staff/plans/${planId}/assign`, {});
  expect(assigned.statusCode, assigned.body).toBe(201);
  loanId = assigned.json().loan.id;
  for (const person of [await investor(t, '5000.00'), await investor(t, '5000.00')])
    expect((await bid(t, person, loanId, '1500.00')).statusCode).toBe(201);
});
afterAll(() => t.close());

it('is repaid by auto-debit over three months and the last close restores the line', async () => {
  const disbursed = await loanOf(t, user, loanId);
  expect(disbursed.loan.status).toBe('active');
  const used = await t.platform.credit.balances(line.id);
  expect(used.used).toBe(300_000n);
  expect(used.unbilled).toBe(0n);
  // The draw is in the wallet; the interest comes on top.
  await fund(t, user.userId, '200.00');

  await closeTo(t, '2026-04-05');

  const loan = await loanOf(t, user, loanId);
  expect(loan.loan.status).toBe('repaid');
  const principal = await t.platform.ledger.getAccount(loanAccount.principal(loanId));
  expect(principal!.debitsPosted).toBe(300_000n);
  expect(principal!.creditsPosted).toBe(300_000n);
  const b = await t.platform.credit.balances(line.id);
  expect(b.used).toBe(0n);
  expect(b.available).toBe(b.limit);
  expect(b.limit).toBe(cents(line.limit.amount));
  // No statement billed the plan (the line owed nothing else, so none was drawn up at all).
  for (const s of await statementsOf(t, user, line.id)) expect(cents(s.billed.principal.amount)).toBe(0n);
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  expect(plans.json().items.find((p: { id: string }) => p.id === planId).status).toBe('completed');
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const repaid = (history.json().items as { kind: string; businessDate?: string }[]).filter(
    (e) => e.kind === 'assigned_loan_repaid',
  );
  expect(repaid).toHaveLength(1);
  const report = await t.platform.ledger.verify();
  expect(report.problems).toEqual([]);
  await checkInvariants(t);
});
