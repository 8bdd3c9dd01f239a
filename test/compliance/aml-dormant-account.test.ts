import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * A dormant account suddenly active: no movement for 180 days, then 10,000.00 or more in a day,
 * fires; after 179 days it does not.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('a dormant account suddenly active', () => {
  it('fires after 180 idle days, not after 179', async () => {
    const asleep = await signUp(t);
    const napping = await signUp(t);
    await movement(t, {
      userId: asleep.userId,
      kind: 'top_up',
      amount: '100.00',
      at: '2026-01-05T02:00:00Z',
    });
    await movement(t, {
      userId: napping.userId,
      kind: 'top_up',
      amount: '100.00',
      at: '2026-01-06T02:00:00Z',
    });
    // 2026-07-04 is 180 days after 2026-01-05 and 179 after 2026-01-06.
    t.clock.advanceSeconds(180 * 86_400);
    await movement(t, {
      userId: asleep.userId,
      kind: 'top_up',
      amount: '10000.00',
      at: '2026-07-04T02:00:00Z',
    });
    await movement(t, {
      userId: napping.userId,
      kind: 'top_up',
      amount: '30000.00',
      at: '2026-07-04T02:00:00Z',
    });
    const result = await scan(t, '2026-07-04');
    expect(result.opened.filter((o) => o.rule === 'dormant_reactivated').map((o) => o.customerId)).toEqual([
      asleep.userId,
    ]);
    expect(await rulesFiredFor(t, napping.userId)).not.toContain('dormant_reactivated');
  });
});
