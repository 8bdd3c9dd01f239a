import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CREDIT_FUNDING_ACCOUNT } from '../../src/credit/accounts.ts';
import { LendingCode, loanAccount, RESERVE_ACCOUNT } from '../../src/lending/index.ts';
import { cents, customerWithLine, getLine, type LineJson, post, staffMember } from '../support/credit.ts';
import { bid, checkInvariants, fund, investor, loanOf, openLendingApp, wallet } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A cash draw of 6,000.00 in 6 instalments on a product that allows assignment, assigned by staff to
 * marketplace investors as a listing, fully bid by two investors and disbursed: the customer's wallet
 * is not paid again, the loan's principal receivable takes over the line's unbilled debt, the
 * investors hold notes, the platform pays the reserve contribution, the line keeps the principal as
 * used; the customer pays the loan off through lending and the line's credit comes back.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let staff: TestUser;

beforeAll(async () => {
  t = await openLendingApp();
  ({ user, line } = await customerWithLine(t));
  staff = await staffMember(t, ['operations']);
});
afterAll(() => t.close());

const debit = async (id: string) => {
  const account = await t.platform.ledger.getAccount(id);
  return account ? account.debitsPosted - account.creditsPosted : 0n;
};

/** limit = available + used, and used = what the line is owed plus the assigned loans not yet closed. */
async function checkLine(assignedOutstanding: bigint) {
  const report = await t.platform.ledger.verify();
  expect(report.problems, JSON.stringify(report.problems.slice(0, 3))).toEqual([]);
  const b = await t.platform.credit.balances(line.id);
  expect(b.available + b.used).toBe(b.limit);
  expect(b.used).toBe(b.principal + b.unbilled + b.billedPrincipal + assignedOutstanding);
  return b;
}

let planId: string;
let loanId: string;
let walletBefore: bigint;

it('assigns only on a product that allows it, then lists the draw with its terms', async () => {
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, {
    amount: { amount: '6000.00', currency: 'CNY' },
    repayment: { months: 6, method: 'equal_installment' },
  });
  expect(drawn.statusCode, drawn.body).toBe(201);
  planId = drawn.json().plan.id;
  const plan = drawn.json().plan;
  walletBefore = cents((await wallet(t, user)).balance.amount);

  const assign = () => post(t, staff, `/v1/credit/staff/plans/${planId}/assign`, {});
  const notYet = await assign();
  expect(notYet.statusCode, notYet.body).toBe(422);
  expect(notYet.json().error.code).toBe('product_not_assignable');
  // The customer cannot assign their own draw.
  const byCustomer = await post(t, user, `/v1/credit/staff/plans/${planId}/assign`, {});
  expect(byCustomer.statusCode).toBe(403);

  const published = await post(t, staff, '/v1/credit/staff/products/everyday-credit/versions', {
    config: { billing: { assignable: true } },
  });
  expect(published.statusCode, published.body).toBe(201);

  const assigned = await assign();
  expect(assigned.statusCode, assigned.body).toBe(201);
  const body = assigned.json();
  loanId = body.loan.id;
  expect(body.plan.status).toBe('listing');
  const lineRow = await sql<{ grade: string }>`select grade from credit_lines where id = ${line.id}`.execute(
    t.platform.db,
  );
  expect(body.loan).toMatchObject({
    status: 'listing',
    amount: { amount: '6000.00' },
    term: 6,
    method: 'equal_installment',
    grade: lineRow.rows[0]!.grade,
  });
  expect(Number(body.loan.annualRate)).toBe(Number(plan.annualRate));
  // No new risk decision: the application records the line's decision.
  const application = await sql<{
    decision_id: string | null;
    credit_decision_id: string;
    credit_plan_id: string;
  }>`
    select a.decision_id, a.credit_decision_id, a.credit_plan_id from loan_applications a
    join loans l on l.application_id = a.id where l.id = ${loanId}`.execute(t.platform.db);
  const lineDecision = await sql<{
    decision_id: string;
  }>`select decision_id from credit_lines where id = ${line.id}`.execute(t.platform.db);
  expect(application.rows[0]).toEqual({
    decision_id: null,
    credit_decision_id: lineDecision.rows[0]!.decision_id,
    credit_plan_id: planId,
  });

  const again = await assign();
  expect(again.statusCode).toBe(422);
  expect(again.json().error.code).toBe('plan_not_active');
  await checkLine(0n);
});

it('disburses the full listing into notes, taking over the line’s debt instead of paying the wallet', async () => {
  const reserveBefore = -(await debit(RESERVE_ACCOUNT));
  const fundingBefore = await debit(CREDIT_FUNDING_ACCOUNT);
  const a = await investor(t, '10000.00');
  const b = await investor(t, '10000.00');
  expect((await bid(t, a, loanId, '3000.00')).statusCode).toBe(201);
  expect((await bid(t, b, loanId, '3000.00')).statusCode).toBe(201);

  const loan = await loanOf(t, user, loanId);
  expect(loan.loan.status).toBe('active');
  const borrower = await sql<{
    borrower_id: string;
  }>`select borrower_id from loans where id = ${loanId}`.execute(t.platform.db);
  expect(borrower.rows[0]!.borrower_id).toBe(user.userId);
  // The customer had the money at the draw: the wallet is not paid again.
  expect(cents((await wallet(t, user)).balance.amount)).toBe(walletBefore);
  // The investors paid 3,000.00 each and hold notes of 3,000.00.
  for (const person of [a, b]) expect(cents((await wallet(t, person)).balance.amount)).toBe(700_000n);
  const notes = await sql<{ holder_id: string; original_principal: bigint }>`
    select holder_id, original_principal from loan_notes where loan_id = ${loanId} and kind = 'investor' order by holder_id`.execute(
    t.platform.db,
  );
  expect(notes.rows.map((n) => [n.holder_id, n.original_principal])).toEqual(
    [a.userId, b.userId].sort().map((id) => [id, 300_000n]),
  );
  // One posting: the loan's principal receivable takes over the line's unbilled principal.
  const takeover = await sql<{ amount: bigint }>`select amount from ledger_transfers
    where debit_account_id = ${loanAccount.principal(loanId)} and credit_account_id = ${`line:${line.id}:unbilled`}`.execute(
    t.platform.db,
  );
  expect(takeover.rows.map((r) => r.amount)).toEqual([600_000n]);
  expect(await debit(loanAccount.principal(loanId))).toBe(600_000n);
  // The reserve's 2% contribution is paid by the platform's credit funding, not the customer.
  const contribution = (600_000n * 2n) / 100n;
  expect(-(await debit(RESERVE_ACCOUNT)) - reserveBefore).toBe(contribution);
  expect((await debit(CREDIT_FUNDING_ACCOUNT)) - fundingBefore).toBe(contribution);
  const contributions = await sql<{ n: bigint }>`select count(*)::bigint as n from ledger_transfers
    where code = ${LendingCode.reserveContribution} and user_data = ${loanId}`.execute(t.platform.db);
  expect(contributions.rows[0]!.n).toBe(1n);

  // The line: nothing unbilled, the principal still used, limit = available + used.
  const balances = await checkLine(600_000n);
  expect(balances.unbilled).toBe(0n);
  expect(balances.used).toBe(600_000n);
  const after = await getLine(t, user, line.id);
  expect(cents(after.available.amount)).toBe(cents(line.limit.amount) - 600_000n);
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  const plan = plans.json().items.find((p: { id: string }) => p.id === planId);
  expect(plan.status).toBe('assigned');
  expect(plan.schedule.every((i: { cancelled: boolean }) => i.cancelled)).toBe(true);
  // The loan is among the customer's loans.
  const mine = await t.app.inject({ method: 'GET', url: '/v1/me/loans', headers: user.headers });
  expect(JSON.stringify(mine.json())).toContain(loanId);
  await checkInvariants(t);
});

it('gives the line its credit back when the loan is paid off through lending', async () => {
  await fund(t, user.userId, '500.00');
  const walletBeforePayoff = cents((await wallet(t, user)).balance.amount);
  const paid = await post(t, user, `/v1/me/loans/${loanId}/payoff`, {});
  expect(paid.statusCode, paid.body).toBe(200);
  const quote = paid.json().quote;
  expect(cents(quote.principal)).toBe(600_000n);
  expect(walletBeforePayoff - cents((await wallet(t, user)).balance.amount)).toBe(cents(quote.total));
  expect(paid.json().loanStatus).toBe('repaid');

  const balances = await checkLine(0n);
  expect(balances.used).toBe(0n);
  expect(balances.available).toBe(balances.limit);
  expect(balances.limit).toBe(cents(line.limit.amount));
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const kinds = (history.json().items as { kind: string }[]).map((e) => e.kind);
  expect(kinds.slice(0, 3)).toEqual(['assigned_loan_repaid', 'assigned', 'assignment_listed']);
  await checkInvariants(t);
});
