import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { applyFor, borrower, cny, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Income mismatch: movements in 30 days above 5 times the monthly income declared on the latest
 * loan application fire; 4.9 times do not; without a declared income the rule cannot judge.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('movements out of line with the declared income', () => {
  it('fires above 5x the declared monthly income, not at 4.9x', async () => {
    const over = await borrower(t);
    const under = await borrower(t);
    await applyFor(t, over, { monthlyIncome: cny('10000.00') });
    await applyFor(t, under, { monthlyIncome: cny('10000.00') });
    // Four transfers over the month, none near a day's threshold: `under` receives 50,000.01 (over
    // 5x its 10,000.00), `low` sends 49,000.00 (4.9x).
    const spread = async (userId: string, to: string, amounts: string[]) => {
      let day = 5;
      for (const amount of amounts) {
        await movement(t, {
          userId,
          kind: 'transfer',
          amount,
          at: `2026-01-${String(day).padStart(2, '0')}T02:00:00Z`,
          to,
        });
        day += 6;
      }
    };
    await spread(over.userId, under.userId, ['12500.00', '12500.00', '12500.00', '12500.01']);
    const low = await borrower(t);
    await applyFor(t, low, { monthlyIncome: cny('10000.00') });
    await spread(low.userId, over.userId, ['12250.00', '12250.00', '12250.00', '12250.00']);

    await scan(t, '2026-01-23');
    expect(await rulesFiredFor(t, under.userId)).toContain('income_mismatch');
    expect(await rulesFiredFor(t, low.userId)).not.toContain('income_mismatch');
  });
});
