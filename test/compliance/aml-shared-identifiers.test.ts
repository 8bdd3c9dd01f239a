import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/kernel/index.ts';
import { rulesFiredFor, scan } from '../support/aml.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Shared identifiers: three accounts that have bound one bank card (now or before) fire the rule,
 * each of them once; two accounts sharing a card do not. Addresses: three accounts signing in from
 * one client address fire it too; the loopback address (the platform's own) never counts.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

async function bound(userId: string, cardHash: string, status: 'active' | 'unbound') {
  await sql`insert into bank_cards (id, user_id, card_hash, card_enc, last4, bank_code, reserved_phone_enc, status, created_at)
            values (${uuidv7()}, ${userId}, ${cardHash}, 'x', '0000', 'ICBC', 'x', ${status}, ${t.clock.now()})`.execute(
    t.platform.db,
  );
}

describe('accounts sharing a card or an address', () => {
  it('fires for three accounts on one card, not for two, once per card', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const c = await signUp(t);
    const d = await signUp(t);
    const e = await signUp(t);
    await bound(a.userId, 'card-shared-by-three', 'unbound');
    await bound(b.userId, 'card-shared-by-three', 'unbound');
    await bound(c.userId, 'card-shared-by-three', 'active');
    await bound(d.userId, 'card-shared-by-two', 'unbound');
    await bound(e.userId, 'card-shared-by-two', 'active');

    const first = await scan(t, '2026-01-05');
    const fired = first.opened.filter((o) => o.rule === 'shared_identifier').map((o) => o.customerId);
    expect(fired.sort()).toEqual([a.userId, b.userId, c.userId].sort());
    for (const u of [d, e]) expect(await rulesFiredFor(t, u.userId)).toEqual([]);

    // A later day's scan does not raise the same card again.
    t.clock.advanceSeconds(86_400);
    const again = await scan(t, '2026-01-06');
    expect(again.opened.filter((o) => o.rule === 'shared_identifier')).toEqual([]);

    const alerts = await sql<{ evidence: any }>`
      select evidence from aml_alerts where customer_id = ${a.userId}::uuid`.execute(t.platform.db);
    expect(alerts.rows[0]!.evidence.sharedAccounts).toMatchObject({ kind: 'card' });
    expect(alerts.rows[0]!.evidence.sharedAccounts.userIds).toHaveLength(3);
  });

  it('counts client addresses of sessions, never the loopback address', async () => {
    const users = [await signUp(t), await signUp(t), await signUp(t)];
    for (const u of users) expect(await rulesFiredFor(t, u.userId)).toEqual([]); // all on 127.0.0.1
    for (const u of users) {
      const signedIn = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        remoteAddress: '203.0.113.77',
        payload: { phone: u.phone, password: u.password },
      });
      expect(signedIn.statusCode, signedIn.body).toBe(200);
    }
    const result = await scan(t, '2026-01-06');
    const fired = result.opened.filter((o) => o.rule === 'shared_identifier').map((o) => o.customerId);
    expect(fired.sort()).toEqual(users.map((u) => u.userId).sort());
  });
});
