import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  checkLines,
  cny,
  customerWithLine,
  dayInterest,
  type LineJson,
  post,
  signInAgain,
  yuanText,
} from '../support/credit.ts';
import { drain } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Reminders before a statement's due date, through the notification outbox: three customers draw
 * 3,000.00 in cash on 2026-01-05; the statement of 02-01 bills its interest, due 02-10. One leaves it
 * unpaid with auto-debit on and an empty wallet: reminded 3 days and 1 day before (the product's
 * reminderDays), once each even if the step runs again, and told on the due date that auto-debit
 * did not cover the minimum. One has auto-debit and the money: reminded, never told of a shortfall.
 * One pays the statement on 02-02 and hears nothing.
 */
let t: TestApp;
let late: { user: TestUser; line: LineJson };
let auto: { user: TestUser; line: LineJson };
let payer: { user: TestUser; line: LineJson };
const DRAWN = 300_000n;
/** The interest billed on 02-01: 28 closes of a day's interest at the line's own rate. */
const billedOf = (line: LineJson) => 28n * dayInterest(DRAWN, line.pricing.dailyRate);
let billed: bigint;

const creditMessages = async (user: TestUser) =>
  (await t.platform.identity.notifier.inbox(user.phone, 50))
    .filter((m) => m.template.startsWith('credit.'))
    .reverse();

async function runReminders(date: string) {
  const step = t.platform.credit.daySteps().find((s) => s.name === 'credit.reminders')!;
  return inTransaction(t.platform.db, (trx) => step.run(trx, date as PlainDate, { from: null, to: null }));
}

beforeAll(async () => {
  t = await openTestApp();
  late = await customerWithLine(t);
  auto = await customerWithLine(t);
  payer = await customerWithLine(t);
  for (const c of [late, auto, payer])
    expect(
      (await post(t, c.user, `/v1/credit/lines/${c.line.id}/draws`, { amount: cny(yuanText(DRAWN)) }))
        .statusCode,
    ).toBe(201);
  // The late customer spends the money; two of them opt in to auto-debit.
  await drain(t, late.user.userId);
  for (const c of [late, auto]) {
    const set = await post(t, c.user, `/v1/credit/lines/${c.line.id}/billing`, { autoDebit: true });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().billing.autoDebit).toBe(true);
  }
  billed = billedOf(late.line);
});
afterAll(() => t.close());

it('bills the interest on 02-01; the payer pays it on 02-02', async () => {
  await closeTo(t, '2026-02-01');
  payer.user = await signInAgain(t, payer.user);
  const repaid = await post(t, payer.user, `/v1/credit/lines/${payer.line.id}/repayments`, {
    amount: cny(yuanText(billedOf(payer.line))),
  });
  expect(repaid.statusCode, repaid.body).toBe(201);
  await closeTo(t, '2026-02-06');
  expect(await creditMessages(late.user)).toEqual([]);
  await checkLines(t);
});

it('reminds 3 days before the due date, once, while the statement is unpaid', async () => {
  await closeTo(t, '2026-02-07');
  const messages = await creditMessages(late.user);
  expect(messages.map((m) => m.template)).toEqual(['credit.reminder']);
  // What is unpaid and the minimum (both the interest billed), and the due date.
  expect(messages[0]!.body).toContain(`${yuanText(billed)} 元（最低还款 ${yuanText(billed)} 元）`);
  expect(messages[0]!.body).toContain('2026-02-10');
  // The step run again for the same date sends nothing more.
  expect(await runReminders('2026-02-07')).toBe(0);
  expect(await creditMessages(late.user)).toHaveLength(1);
  await closeTo(t, '2026-02-08');
  expect(await creditMessages(late.user)).toHaveLength(1);
});

it('reminds again 1 day before, and on the due date says auto-debit fell short of the minimum', async () => {
  await closeTo(t, '2026-02-09');
  expect((await creditMessages(late.user)).map((m) => m.template)).toEqual([
    'credit.reminder',
    'credit.reminder',
  ]);
  expect(await runReminders('2026-02-09')).toBe(0);
  await closeTo(t, '2026-02-10');
  const messages = await creditMessages(late.user);
  expect(messages.map((m) => m.template)).toEqual([
    'credit.reminder',
    'credit.reminder',
    'credit.auto_debit_short',
  ]);
  expect(messages[2]!.body).toContain(`尚差 ${yuanText(billed)} 元`);
  expect(await runReminders('2026-02-10')).toBe(0);
  // The customer whose wallet covered the minimum was reminded, never told of a shortfall; the one
  // who paid heard nothing.
  expect((await creditMessages(auto.user)).map((m) => m.template)).toEqual([
    'credit.reminder',
    'credit.reminder',
  ]);
  expect(await creditMessages(payer.user)).toEqual([]);
  await checkLines(t);
});
