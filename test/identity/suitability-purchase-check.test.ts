import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { PurchaseCheck } from '../../src/identity/index.ts';
import { addDays, DomainError } from '../../src/kernel/index.ts';
import { borrower, goTo } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { ANSWERS, assessed } from '../support/wealth-suitability.ts';

/**
 * The purchase check wealth calls inside each purchase's transaction: refusals with lending's codes,
 * the warning naming both levels for a product that allows an override, the acknowledgement recorded
 * in the caller's transaction, and the lowest risk tolerance that no acknowledgement overrides.
 */
let t: TestApp;
let c2: TestUser;
let c1: TestUser;
let lowest: TestUser;
beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 * 3 } });
  c2 = await borrower(t);
  await assessed(t, c2, ANSWERS.c2NoLoss);
  c1 = await borrower(t);
  await assessed(t, c1, ANSWERS.c1);
  lowest = await borrower(t);
  await assessed(t, lowest, ANSWERS.lowestNoLoss);
});
afterAll(async () => {
  await t?.close();
});

const check = (user: TestUser, overrides: Partial<PurchaseCheck>) =>
  inTransaction(t.platform.db, (trx) =>
    t.platform.identity.suitability.checkPurchase(trx, user.userId, {
      productRef: 'wealth_product:test',
      productLevel: 1,
      allowOverride: false,
      acknowledged: false,
      ...overrides,
    }),
  );

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function acknowledgements(user: TestUser): Promise<number> {
  const rows = await sql<{ n: string }>`
    select count(*)::text as n from suitability_acknowledgements where user_id = ${user.userId}`.execute(
    t.platform.db,
  );
  return Number(rows.rows[0]!.n);
}

describe('checkPurchase', () => {
  it('asks for identity and an assessment first', async () => {
    const stranger = await signUp(t);
    const noKyc = await refusal(check(stranger, {}));
    expect([noKyc.kind, noKyc.code]).toEqual(['rule', 'kyc_required']);
    const unassessed = await borrower(t);
    const noAssessment = await refusal(check(unassessed, {}));
    expect([noAssessment.kind, noAssessment.code]).toEqual(['rule', 'risk_assessment_required']);
  });

  it('lets an investor buy up to their class with no acknowledgement', async () => {
    for (const level of [1, 2])
      expect(await check(c2, { productLevel: level, allowOverride: true, acknowledged: true })).toEqual({
        investorClass: 2,
        lowest: false,
        acknowledgementId: null,
      });
    expect(await acknowledgements(c2)).toBe(0);
  });

  it('refuses above the class when the product allows no override, acknowledged or not', async () => {
    const refused = await refusal(check(c2, { productLevel: 4, acknowledged: true }));
    expect([refused.kind, refused.code]).toEqual(['rule', 'not_suitable']);
    expect(refused.details).toMatchObject({ investorRiskClass: 'C2', productRiskLevel: 'R4', lowest: false });
    expect(await acknowledgements(c2)).toBe(0);
  });

  it('warns with both levels named, then records the acknowledgement in the caller’s transaction', async () => {
    const warned = await refusal(check(c2, { productLevel: 4, allowOverride: true }));
    expect([warned.kind, warned.code]).toEqual(['conflict', 'suitability_warning']);
    const details = warned.details as { investorRiskClass: string; productRiskLevel: string; warning: any };
    expect(details).toMatchObject({ investorRiskClass: 'C2', productRiskLevel: 'R4' });
    for (const text of [details.warning.zh, details.warning.en]) {
      expect(text).toContain('R4');
      expect(text).toContain('C2');
    }
    expect(details.warning.zh).toMatch(/风险/);
    expect(await acknowledgements(c2)).toBe(0);

    // Acknowledged, but the purchase's transaction rolls back: no acknowledgement is left behind.
    const rolledBack = await inTransaction(t.platform.db, async (trx) => {
      await t.platform.identity.suitability.checkPurchase(trx, c2.userId, {
        productRef: 'wealth_product:rolled-back',
        productLevel: 4,
        allowOverride: true,
        acknowledged: true,
      });
      throw new Error('the purchase failed after the check');
    }).catch((e: Error) => e.message);
    expect(rolledBack).toBe('the purchase failed after the check');
    expect(await acknowledgements(c2)).toBe(0);

    const at = t.clock.now();
    const standing = await check(c2, {
      productRef: 'wealth_product:fund-r4',
      productLevel: 4,
      allowOverride: true,
      acknowledged: true,
      language: 'en',
    });
    expect(standing).toMatchObject({ investorClass: 2, lowest: false });
    expect(standing.acknowledgementId).toMatch(/^[0-9a-f-]{36}$/);
    const recorded = await t.platform.identity.suitability.acknowledgement(standing.acknowledgementId!);
    expect(recorded).toMatchObject({
      userId: c2.userId,
      productRef: 'wealth_product:fund-r4',
      investorRiskClass: 'C2',
      productRiskLevel: 'R4',
      language: 'en',
      text: details.warning.en,
    });
    expect(recorded!.acknowledgedAt.getTime()).toBe(at.getTime());

    // Chinese by default: the text recorded is the one that was shown.
    const zh = await check(c2, { productLevel: 3, allowOverride: true, acknowledged: true });
    const zhRecorded = await t.platform.identity.suitability.acknowledgement(zh.acknowledgementId!);
    expect(zhRecorded).toMatchObject({ language: 'zh', investorRiskClass: 'C2', productRiskLevel: 'R3' });
    expect(zhRecorded!.text).toContain('R3');
    expect(zhRecorded!.text).toContain('C2');
    expect(zhRecorded!.text).toMatch(/[\u4e00-\u9fff]/);
    expect(await acknowledgements(c2)).toBe(2);
  });

  it('lets an ordinary C1 override, but never the lowest tolerance, who may buy R1 only', async () => {
    const ordinary = await check(c1, { productLevel: 2, allowOverride: true, acknowledged: true });
    expect(ordinary).toMatchObject({ investorClass: 1, lowest: false });
    expect(ordinary.acknowledgementId).not.toBeNull();

    expect(await check(lowest, { productLevel: 1 })).toEqual({
      investorClass: 1,
      lowest: true,
      acknowledgementId: null,
    });
    for (const level of [2, 5]) {
      for (const acknowledged of [false, true]) {
        const refused = await refusal(
          check(lowest, { productLevel: level, allowOverride: true, acknowledged }),
        );
        expect([refused.kind, refused.code]).toEqual(['rule', 'not_suitable']);
        expect(refused.details).toMatchObject({
          investorRiskClass: 'C1',
          productRiskLevel: `R${level}`,
          lowest: true,
        });
      }
    }
    expect(await acknowledgements(lowest)).toBe(0);
  });

  it('asks for a new assessment once the last has expired (two years)', async () => {
    goTo(t, addDays(t.clock.businessDate(), 731));
    const expired = await refusal(check(c2, { productLevel: 1 }));
    expect(expired.code).toBe('risk_assessment_required');
  });
});
