import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Large cash-like movements: top-ups and withdrawals in one business day reaching 50,000.00 fire the
 * rule; 49,999.99 does not (compared in integer cents, never as a float).
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('large cash-like movements in a day', () => {
  it('fires at 50,000.00 and not at 49,999.99', async () => {
    const over = await signUp(t);
    const under = await signUp(t);
    await movement(t, {
      userId: over.userId,
      kind: 'top_up',
      amount: '30000.00',
      at: '2026-01-05T01:00:00Z',
    });
    await movement(t, {
      userId: over.userId,
      kind: 'withdrawal',
      amount: '20000.00',
      at: '2026-01-05T09:00:00Z',
    });
    await movement(t, {
      userId: under.userId,
      kind: 'top_up',
      amount: '30000.00',
      at: '2026-01-05T01:00:00Z',
    });
    await movement(t, {
      userId: under.userId,
      kind: 'withdrawal',
      amount: '19999.99',
      at: '2026-01-05T09:00:00Z',
    });
    // The day before does not count towards the day.
    await movement(t, {
      userId: under.userId,
      kind: 'top_up',
      amount: '40000.00',
      at: '2026-01-04T09:00:00Z',
    });

    const result = await scan(t, '2026-01-05');
    expect(result.opened.filter((o) => o.rule === 'large_cash').map((o) => o.customerId)).toEqual([
      over.userId,
    ]);
    expect(await rulesFiredFor(t, over.userId)).toContain('large_cash');
    expect(await rulesFiredFor(t, under.userId)).not.toContain('large_cash');
  });
});
