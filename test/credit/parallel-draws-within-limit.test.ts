import { afterAll, beforeAll, expect, it } from 'vitest';
import { DomainError } from '../../src/kernel/index.ts';
import { cents, checkLines, customerWithLine, type LineJson } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * 100 cash draws against one line at once, together worth 2.5 times its limit: on PostgreSQL they
 * run on as many connections side by side. No more than the limit is ever drawn, every refusal is
 * exceeds_available_credit and changes nothing, and the ledger verifies.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

it('never draws beyond the limit', async () => {
  const limit = cents(line.limit.amount);
  const each = limit / 40n;
  const results = await Promise.allSettled(
    Array.from({ length: 100 }, () => t.platform.credit.draw(user.userId, line.id, each)),
  );
  const drawn = results.filter((r) => r.status === 'fulfilled').length;
  const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  for (const e of refusals) expect((e as DomainError).code, String(e)).toBe('exceeds_available_credit');
  expect(refusals.every((e) => e instanceof DomainError)).toBe(true);
  expect(drawn).toBe(40);
  const balances = await t.platform.credit.balances(line.id);
  expect(balances.used).toBe(each * 40n);
  expect(balances.available).toBe(limit - each * 40n);
  const wallet = await t.platform.payments.wallet(user.userId);
  expect(wallet.balance).toBe(each * 40n);
  await checkLines(t);
});
