import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Structuring: three or more movements within three days, each just below the 50,000.00 threshold
 * (from 90% up to but not reaching it), fire; two such, or three of which one is at the threshold,
 * do not. The same deposits seen again on the next day do not open a second alert.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('structuring just below the threshold', () => {
  it('fires on three within three days, not on two', async () => {
    const three = await signUp(t);
    const two = await signUp(t);
    const oneAtThreshold = await signUp(t);
    const deposit = (userId: string, amount: string, at: string) =>
      movement(t, { userId, kind: 'top_up', amount, at });
    await deposit(three.userId, '45000.00', '2026-01-05T02:00:00Z');
    await deposit(three.userId, '49999.99', '2026-01-06T02:00:00Z');
    await deposit(three.userId, '48000.00', '2026-01-07T02:00:00Z');
    await deposit(two.userId, '47000.00', '2026-01-05T02:00:00Z');
    await deposit(two.userId, '48000.00', '2026-01-07T02:00:00Z');
    await deposit(two.userId, '44999.99', '2026-01-07T03:00:00Z'); // just outside the band
    await deposit(oneAtThreshold.userId, '46000.00', '2026-01-05T02:00:00Z');
    await deposit(oneAtThreshold.userId, '46000.00', '2026-01-06T02:00:00Z');
    await deposit(oneAtThreshold.userId, '50000.00', '2026-01-07T02:00:00Z');

    for (const date of ['2026-01-05', '2026-01-06']) await scan(t, date);
    expect(await rulesFiredFor(t, three.userId)).not.toContain('structuring');
    const result = await scan(t, '2026-01-07');
    expect(result.opened.filter((o) => o.rule === 'structuring').map((o) => o.customerId)).toEqual([
      three.userId,
    ]);
    expect(await rulesFiredFor(t, two.userId)).not.toContain('structuring');
    expect(await rulesFiredFor(t, oneAtThreshold.userId)).not.toContain('structuring');

    // A further deposit the next day: the same cluster, still one alert.
    await deposit(three.userId, '46000.00', '2026-01-08T02:00:00Z');
    await scan(t, '2026-01-08');
    expect((await rulesFiredFor(t, three.userId)).filter((r) => r === 'structuring')).toHaveLength(1);
  });
});
