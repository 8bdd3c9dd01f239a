import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, addMonths, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  customerWithLine,
  getLine,
  halfUp,
  type LineJson,
  minimumPayment,
  repayCents,
  setBilling,
  signInAgain,
  statementsOf,
  yuanText,
} from '../support/credit.ts';
import { openShop, orderOf, payWithCredit, setPaymentPassword } from '../support/credit-purchases.ts';
import { drain, fund, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A line from application to a purchase at a merchant's checkout of 6,001.23 in 6 instalments at 4.5%: one instalment (principal and fee
 * split equally, the remainder in the first) billed on each of six monthly statements, each paid in
 * full by its due date (the first three by hand, the last three by auto-debit from the wallet, the
 * last one short of money and completed by hand the next day). No interest, no penalty; the fee is
 * earned as it is billed; the credit comes back as principal is repaid.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
const PRINCIPAL = 600_123n;
const FEE_RATE = '0.045';

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

/** The split, computed apart from the code: equal parts rounded down, the remainder first. */
function split(total: bigint, n: bigint): bigint[] {
  const each = total / n;
  return Array.from({ length: Number(n) }, (_, k) => (k === 0 ? total - each * (n - 1n) : each));
}

it('bills one instalment per statement for six months, all paid on time: no interest, no penalty', {
  timeout: 600_000,
}, async () => {
  const fee = halfUp(PRINCIPAL, FEE_RATE);
  expect(fee).toBe(27_006n);
  const principals = split(PRINCIPAL, 6n);
  const fees = split(fee, 6n);
  await setBilling(t, user, line.id, { statementDay: 6, graceDays: 9 });
  // Bought at a merchant's checkout, paid with the line in 6 instalments.
  const shop = await openShop(t);
  await setPaymentPassword(t, user);
  const paid = await payWithCredit(t, user, line.id, await orderOf(t, shop, '6001.23', 'Laptop'), 6);
  expect(paid.statusCode, paid.body).toBe(201);
  const plan = paid.json().plan as { schedule: { principal: { amount: string } }[] };
  expect(plan.schedule.map((i) => cents(i.principal.amount))).toEqual(principals);
  const limit = cents(line.limit.amount);
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(limit - PRINCIPAL);
  await fund(t, user.userId, '10000.00');

  let repaid = 0n;
  for (let k = 0; k < 6; k++) {
    const date = addMonths('2026-01-06' as PlainDate, k);
    await closeTo(t, date);
    user = await signInAgain(t, user);
    const statements = await statementsOf(t, user, line.id);
    expect(statements).toHaveLength(k + 1);
    const s = statements[0]!;
    expect(s.statementDate).toBe(date);
    expect(s.dueOn).toBe(addDays(date, 9));
    expect(cents(s.billed.principal.amount)).toBe(principals[k]);
    expect(cents(s.billed.fees.amount)).toBe(fees[k]);
    expect(s.billed.interest.amount).toBe('0.00');
    // Every earlier statement was paid: nothing carried.
    expect(s.carried.amount).toBe('0.00');
    expect(cents(s.minPayment.amount)).toBe(
      minimumPayment('0.10', { principal: principals[k]!, fees: fees[k]!, interest: 0n }, 0n),
    );
    const due = principals[k]! + fees[k]!;
    expect(cents(s.total.amount)).toBe(due);
    if (k < 3) {
      const paid = await repayCents(t, user, line.id, due);
      expect(cents(paid.allocation.fees)).toBe(fees[k]);
      expect(cents(paid.allocation.principal)).toBe(principals[k]);
    } else {
      if (k === 3) await setBilling(t, user, line.id, { autoDebit: true });
      // The last month the wallet is 10.00 short; auto-debit takes what is there.
      const held = cents((await wallet(t, user)).balance.amount);
      if (k === 5) await drainTo(held, due - 1000n);
      const walletBefore = cents((await wallet(t, user)).balance.amount);
      await closeTo(t, s.dueOn);
      user = await signInAgain(t, user);
      const [debited] = await statementsOf(t, user, line.id);
      const taken = walletBefore - cents((await wallet(t, user)).balance.amount);
      if (k < 5) {
        expect(taken).toBe(due);
        expect(debited).toMatchObject({ status: 'paid', settledOn: s.dueOn });
      } else {
        expect(taken).toBe(due - 1000n);
        expect(cents(debited!.unpaid.amount)).toBe(1000n);
        await fund(t, user.userId, '10.00');
        await repayCents(t, user, line.id, 1000n);
      }
    }
    repaid += principals[k]!;
    const now = await getLine(t, user, line.id);
    expect(cents(now.available.amount)).toBe(limit - PRINCIPAL + repaid);
    await checkLines(t);
  }

  // After the last due date: every statement paid, no penalty, no interest, the plan completed.
  await closeTo(t, '2026-06-20');
  user = await signInAgain(t, user);
  const statements = await statementsOf(t, user, line.id);
  expect(statements.map((s) => s.status)).toEqual(Array(6).fill('paid'));
  expect(statements.every((s) => s.billed.penalty.amount === '0.00')).toBe(true);
  const plans = await sql<{ status: string }>`select status from credit_plans`.execute(t.platform.db);
  expect(plans.rows).toEqual([{ status: 'completed' }]);
  const { ledger } = t.platform;
  const feeIncome = await ledger.getAccount('platform:credit-fee-income:CNY');
  expect(feeIncome!.creditsPosted - feeIncome!.debitsPosted).toBe(fee);
  for (const income of ['platform:credit-penalty-income:CNY', 'platform:credit-interest-income:CNY'])
    expect((await ledger.getAccount(income))?.creditsPosted ?? 0n, income).toBe(0n);
  const after = await getLine(t, user, line.id);
  expect(after.available).toEqual(after.limit);
  await checkLines(t);
});

/** Leaves exactly `target` in the wallet (moves the rest out to the outside world). */
async function drainTo(held: bigint, target: bigint) {
  expect(held).toBeGreaterThan(target);
  await drain(t, user.userId);
  await fund(t, user.userId, yuanText(target));
}
