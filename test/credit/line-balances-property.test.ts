import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lineRanges } from '../../src/credit/day-steps.ts';
import type { DomainError } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { checkLines, customerWithLine, dayInterest } from '../support/credit.ts';
import { fund } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Random draws, repayments and day-closes on a line. After every step the ledger verifies, used +
 * available = limit, and the debt agrees with a model kept apart from the code: interest of each
 * closed day is principal × daily rate rounded half up, and a repayment pays interest before
 * principal, so every cent the customer paid is in the one or the other.
 */
let t: TestApp;

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

type Step = { kind: 'draw'; cents: number } | { kind: 'repay'; cents: number } | { kind: 'close' };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('draw' as const), cents: fc.integer({ min: 10_000, max: 3_000_000 }) }),
  fc.record({ kind: fc.constant('repay' as const), cents: fc.integer({ min: 1, max: 2_000_000 }) }),
  fc.record({ kind: fc.constant('close' as const) }),
);

it('keeps used + available = limit and the debt as the model says', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 10 }), async (steps) => {
      const { user, line } = await customerWithLine(t);
      const { credit } = t.platform;
      await fund(t, user.userId, '50000.00');
      const limit = (await credit.balances(line.id)).limit;
      let principal = 0n;
      let interest = 0n;
      for (const s of steps) {
        if (s.kind === 'close') {
          await closeTo(t, await t.platform.batch.businessDate());
          interest += dayInterest(principal, line.pricing.dailyRate);
        } else if (s.kind === 'draw') {
          const amount = BigInt(s.cents);
          const fits = amount <= limit - principal;
          const result = await credit.draw(user.userId, line.id, amount).catch((e: unknown) => e);
          if (fits) principal += amount;
          else expect((result as DomainError).code).toBe('exceeds_available_credit');
        } else {
          const amount = BigInt(s.cents);
          const result = await credit.repay(user.userId, line.id, amount).catch((e: unknown) => e);
          if (amount > principal + interest)
            expect((result as DomainError).code).toBe('repayment_exceeds_debt');
          else {
            const toInterest = amount < interest ? amount : interest;
            interest -= toInterest;
            principal -= amount - toInterest;
          }
        }
        const b = await credit.balances(line.id);
        expect([b.principal, b.interest]).toEqual([principal, interest]);
        expect(b.available + b.used).toBe(limit);
        await checkLines(t);
      }
    }),
    { numRuns: 3 },
  );
});

it('plans the interest step in key ranges that cover every line once', async () => {
  await customerWithLine(t);
  await customerWithLine(t);
  const lines = await sql<{ id: string }>`
    select id from credit_lines where status in ('active', 'frozen') order by id`.execute(t.platform.db);
  expect(lines.rows.length).toBeGreaterThanOrEqual(2);
  const ranges = await lineRanges(t.platform.db, 1);
  expect(ranges).toHaveLength(lines.rows.length);
  expect(ranges[0]!.from).toBeNull();
  expect(ranges.at(-1)!.to).toBeNull();
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBe(ranges[i - 1]!.to);
  expect(await lineRanges(t.platform.db)).toEqual([{ from: null, to: null }]);
});
