import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Rapid in and out: money in, and 90% or more of it out again within 24 hours with little else,
 * fires; the same money out after 25 hours does not, nor 89.99% within the day.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('rapid in and out', () => {
  it('fires within 24 hours, not after 25, not below 90%', async () => {
    const quick = await signUp(t);
    const slow = await signUp(t);
    const partial = await signUp(t);
    const friend = await signUp(t);
    // In by a transfer from a friend, out by withdrawal 23 hours later.
    await movement(t, {
      userId: friend.userId,
      kind: 'transfer',
      amount: '20000.00',
      at: '2026-01-05T02:00:00Z',
      to: quick.userId,
    });
    await movement(t, {
      userId: quick.userId,
      kind: 'withdrawal',
      amount: '19000.00',
      at: '2026-01-06T01:00:00Z',
    });
    // In by top-up, out 25 hours later.
    await movement(t, {
      userId: slow.userId,
      kind: 'top_up',
      amount: '20000.00',
      at: '2026-01-05T02:00:00Z',
    });
    await movement(t, {
      userId: slow.userId,
      kind: 'withdrawal',
      amount: '20000.00',
      at: '2026-01-06T03:00:00Z',
    });
    // In, and 89.99% out within hours.
    await movement(t, {
      userId: partial.userId,
      kind: 'top_up',
      amount: '10000.00',
      at: '2026-01-05T02:00:00Z',
    });
    await movement(t, {
      userId: partial.userId,
      kind: 'withdrawal',
      amount: '8999.00',
      at: '2026-01-05T05:00:00Z',
    });

    await scan(t, '2026-01-05');
    await scan(t, '2026-01-06');
    expect(await rulesFiredFor(t, quick.userId)).toContain('rapid_in_out');
    expect(await rulesFiredFor(t, slow.userId)).not.toContain('rapid_in_out');
    expect(await rulesFiredFor(t, partial.userId)).not.toContain('rapid_in_out');

    // The alert's evidence names the money in and the money out.
    const alerts = await t.app.inject({
      method: 'GET',
      url: '/v1/aml/alerts',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
    });
    const alert = alerts
      .json()
      .items.find((a: any) => a.customerId === quick.userId && a.ruleCode === 'rapid_in_out');
    expect(alert.evidence.transactions.map((x: any) => [x.kind, x.amount.amount])).toEqual([
      ['transfer_in', '20000.00'],
      ['withdrawal', '19000.00'],
    ]);
    expect(alert.facts).toMatchObject({ rapidOutBp: 9500, rapidInCents: 2_000_000 });
  });
});
