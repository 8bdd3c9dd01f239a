import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CNY, Decimal, plainDate } from '../../src/kernel/index.ts';
import { buildSchedule } from '../../src/lending/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  customerWithLine,
  type LineJson,
  post,
  setBilling,
  staffMember,
  statementsOf,
} from '../support/credit.ts';
import { bid, checkInvariants, investor, openLendingApp, wallet } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A draw of 6,000.00 in 6 instalments assigned to investors whose listing raises 5,500.00 (over the
 * 90% at which an ordinary listing is disbursed for what it raised) and expires: an assigned draw is
 * the customer's whole debt, so the listing fails, the bids are released, and the plan, which the
 * statement drawn up while it was listed did not bill, goes back to the line and is billed on the
 * next statement as it would have been.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let staff: TestUser;

beforeAll(async () => {
  t = await openLendingApp();
  ({ user, line } = await customerWithLine(t));
  staff = await staffMember(t, ['risk_officer']);
});
afterAll(() => t.close());

let planId: string;
let loanId: string;
let investors: TestUser[];
const drawnOn = () => t.platform.batch.businessDate();

it('lists the draw and takes bids short of the whole amount', async () => {
  await setBilling(t, user, line.id, { statementDay: 10 });
  const published = await post(t, staff, '/v1/credit/staff/products/everyday-credit/versions', {
    config: { billing: { assignable: true } },
  });
  expect(published.statusCode, published.body).toBe(201);
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, {
    amount: { amount: '6000.00', currency: 'CNY' },
    repayment: { months: 6, method: 'equal_installment' },
  });
  expect(drawn.statusCode, drawn.body).toBe(201);
  planId = drawn.json().plan.id;
  const assigned = await post(t, staff, `/v1/credit/staff/plans/${planId}/assign`, {});
  expect(assigned.statusCode, assigned.body).toBe(201);
  loanId = assigned.json().loan.id;
  expect(assigned.json().loan.expiresOn).toBe('2026-01-12');
  investors = [await investor(t, '10000.00'), await investor(t, '10000.00')];
  expect((await bid(t, investors[0]!, loanId, '3000.00')).statusCode).toBe(201);
  expect((await bid(t, investors[1]!, loanId, '2500.00')).statusCode).toBe(201);
  expect(cents((await wallet(t, investors[1]!)).frozen.amount)).toBe(250_000n);
});

it('does not bill the plan while it is listed', async () => {
  expect(await drawnOn()).toBe('2026-01-05');
  await closeTo(t, '2026-01-10');
  const [statement] = await statementsOf(t, user, line.id);
  expect(statement?.statementDate).toBe('2026-01-10');
  expect(cents(statement!.billed.principal.amount)).toBe(0n);
  expect(cents(statement!.billed.interest.amount)).toBe(0n);
  const b = await t.platform.credit.balances(line.id);
  expect(b.unbilled).toBe(600_000n);
  await checkLines(t);
});

it('fails at expiry although 90% was raised: bids released, the plan back on the line', async () => {
  await closeTo(t, '2026-01-13');
  const loan = await sql<{ status: string }>`select status from loans where id = ${loanId}`.execute(
    t.platform.db,
  );
  expect(loan.rows[0]!.status).toBe('failed');
  for (const person of investors) {
    const w = await wallet(t, person);
    expect(cents(w.balance.amount)).toBe(1_000_000n);
    expect(cents(w.frozen.amount)).toBe(0n);
  }
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  const plan = plans.json().items.find((p: { id: string }) => p.id === planId);
  expect(plan.status).toBe('active');
  expect(plan.schedule.some((i: { cancelled: boolean }) => i.cancelled)).toBe(false);
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  expect((history.json().items as { kind: string }[]).map((e) => e.kind)).toContain('assignment_failed');
  await checkLines(t);
  await checkInvariants(t);
});

it('bills the plan’s first instalment on the first statement due on or after its own due date', async () => {
  // Drawn on 2026-01-05, its first instalment falls due on 2026-02-05: a statement on the 14th (due
  // the 23rd) would ask for a month's interest early and leaves it alone; the one on the 28th (due
  // 2026-02-06) bills it.
  await setBilling(t, user, line.id, { statementDay: 14 });
  await closeTo(t, '2026-01-14');
  const [early] = await statementsOf(t, user, line.id);
  expect(early).toMatchObject({ statementDate: '2026-01-14', status: 'paid' });
  expect(early!.billed.principal.amount).toBe('0.00');
  expect(early!.billed.interest.amount).toBe('0.00');
  expect((await t.platform.credit.balances(line.id)).unbilled).toBe(600_000n);
  await setBilling(t, user, line.id, { statementDay: 28 });
  await closeTo(t, '2026-01-28');
  const [statement] = await statementsOf(t, user, line.id);
  expect(statement?.statementDate).toBe('2026-01-28');
  expect(statement?.dueOn).toBe('2026-02-06');
  // The draw's schedule, recomputed: lending's calculator at the line's daily rate × 365 from the draw.
  const schedule = buildSchedule({
    principal: 600_000n,
    annualRate: new Decimal(line.pricing.dailyRate).times(365),
    termMonths: 6,
    method: 'equal_installment',
    dayCount: 'actual/365',
    startDate: plainDate('2026-01-05'),
    rounding: 'half_up',
    currency: CNY,
  });
  const first = schedule.installments[0]!;
  expect(cents(statement!.billed.principal.amount)).toBe(first.principal);
  expect(cents(statement!.billed.interest.amount)).toBe(first.interest);
  const b = await t.platform.credit.balances(line.id);
  expect(b.unbilled).toBe(600_000n - first.principal);
  expect(b.billedPrincipal).toBe(first.principal);
  await checkLines(t);
});
