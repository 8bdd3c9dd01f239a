import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investor } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { buy, fixedTerms, minor, opsTeam, publishFixed, walletCents } from '../support/wealth-fixed.ts';

/**
 * Suitability at a fixed-term purchase: a cautious investor is refused an R4 product that allows no
 * override (nothing written); one that allows it answers with the warning naming both levels, and
 * buys only once the warning is acknowledged, the acknowledgement kept on the purchase.
 */
describe('fixed-term: suitability refusal and acknowledged override', () => {
  let t: TestApp;
  let cautious: TestUser;
  let strict: string;
  let lenient: string;

  beforeAll(async () => {
    t = await openTestApp();
    const team = await opsTeam(t);
    cautious = await investor(t, '10000.00', [2, 2, 2, 2, 2, 2, 2, 2]);
    const start = await t.platform.batch.businessDate();
    strict = (await publishFixed(t, team, fixedTerms(start), { riskLevel: 4 })).id;
    lenient = (await publishFixed(t, team, fixedTerms(start), { riskLevel: 4, allowOverride: true })).id;
  });
  afterAll(() => t?.close());

  it('refuses, warns, then records the acknowledgement', async () => {
    const assessed = await t.app.inject({
      method: 'GET',
      url: '/v1/me/risk-assessment',
      headers: cautious.headers,
    });
    const investorClass = assessed.json().riskClass as string;
    expect(['C1', 'C2', 'C3']).toContain(investorClass);

    const refused = await buy(t, cautious, strict, '1000.00', { acknowledgeRisk: true });
    expect([refused.statusCode, refused.json().error?.code]).toEqual([422, 'not_suitable']);

    const warned = await buy(t, cautious, lenient, '1000.00', { language: 'en' });
    expect([warned.statusCode, warned.json().error?.code]).toEqual([409, 'suitability_warning']);
    const warning = JSON.stringify(warned.json().error.details);
    expect(warning).toContain('R4');
    expect(warning).toContain(investorClass);
    expect(await walletCents(t, cautious)).toBe(minor('10000.00'));
    const none = await sql<{ n: number }>`select count(*)::int as n from wealth_fixed_purchases`.execute(
      t.platform.db,
    );
    expect(none.rows[0]!.n).toBe(0);

    const bought = await buy(t, cautious, lenient, '1000.00', { acknowledgeRisk: true, language: 'en' });
    expect(bought.statusCode, bought.body).toBe(201);
    const acknowledgementId = bought.json().acknowledgementId as string;
    expect(acknowledgementId).toMatch(/^[0-9a-f-]{36}$/);
    const recorded = await sql<{ product_ref: string; product_level: number }>`
      select product_ref, product_level from suitability_acknowledgements where id = ${acknowledgementId}`.execute(
      t.platform.db,
    );
    expect(recorded.rows).toEqual([{ product_ref: `wealth_product:${lenient}`, product_level: 4 }]);
    expect(await walletCents(t, cautious)).toBe(minor('9000.00'));
  });
});
