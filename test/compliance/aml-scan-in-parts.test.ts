import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { movement, openDate } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Day-close scans a busy date in chunks, each a part of the customers by a hash of their id: the
 * parts together alert every customer exactly once, as one scan of the whole date would.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('a scan in parts', () => {
  it('alerts each customer once across the parts', async () => {
    const customers = [];
    for (let i = 0; i < 8; i++) customers.push(await signUp(t));
    for (const c of customers)
      await movement(t, { userId: c.userId, kind: 'top_up', amount: '50000.00', at: '2026-01-05T02:00:00Z' });
    openDate(t, '2026-01-05');
    const opened: string[] = [];
    for (let index = 0; index < 3; index++) {
      const result = await t.platform.compliance.aml.scan('2026-01-05' as PlainDate, undefined, {
        index,
        of: 3,
      });
      opened.push(...result.opened.map((o) => o.customerId));
    }
    expect(opened.sort()).toEqual(customers.map((c) => c.userId).sort());
    const whole = await t.platform.compliance.aml.scan('2026-01-05' as PlainDate);
    expect(whole.opened).toEqual([]);
    const alerts = await sql<{ n: number }>`select count(*)::int as n from aml_alerts`.execute(t.platform.db);
    expect(alerts.rows[0]!.n).toBe(8);
  });
});
