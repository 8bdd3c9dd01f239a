import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { features } from '../../src/risk/features.ts';
import { NO_CONSENT } from '../../src/risk/index.ts';
import { type BureauReport, simulatedBureau } from '../../src/risk/sources.ts';
import { borrower } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * What a decision gathers about an applicant (facts, consent, the sources' cache, velocity, wallet),
 * checked against documents the test builds from what it set up: an unverified applicant, a refused
 * bureau consent, a source cache miss then a hit, velocity counts above zero and a wallet with money.
 * The answers are those the decisions gave before the gathering became one statement.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const DEVICE = 'gather-device-1';
const IP = '10.66.1.1';
const application = (applicantId: string) => ({
  applicantId,
  product: 'personal',
  amount: 2_000_000n,
  termMonths: 12,
  purpose: 'education',
  monthlyIncome: 1_500_000n,
  monthlyDebt: 100_000n,
  employmentYears: 6,
  device: DEVICE,
  ip: IP,
});

/** The application's part of the input document, as the test wrote it. */
const applicationDocument = {
  product: 'personal',
  amount: '20000.00',
  termMonths: 12,
  purpose: 'education',
  monthlyIncome: '15000.00',
  monthlyDebt: '1000.00',
  debtToIncome: 0.0667, // 1,000 / 15,000
  employmentYears: 6,
  device: DEVICE,
  ip: IP,
};
const NO_BUREAU = { phoneMatches: true, otherPlatformLoans: 0, otherPlatformOutstanding: '0.00' };

/** The input document a decision should have gathered (without the models and the request). */
async function expectedDocument(parts: {
  applicant: Record<string, unknown>;
  bureau: BureauReport | null;
  blacklist: Record<string, unknown>;
  velocity: { applications24h: number; deviceApplicants: number; ipApplicants: number };
  kycLevel: number;
}) {
  return {
    applicant: parts.applicant,
    application: applicationDocument,
    bureau: parts.bureau ?? NO_BUREAU,
    blacklist: parts.blacklist,
    velocity: parts.velocity,
    internal: { outstandingPrincipal: '0.00', overdueLoans: 0, repaidLoans: 0 },
    settings: await t.platform.risk.settings.policy(),
    features: features({
      amountYuan: '20000.00',
      termMonths: 12,
      monthlyIncomeYuan: '15000.00',
      employmentYears: 6,
      kycLevel: parts.kycLevel,
      bureau: parts.bureau,
    }),
  };
}

/** The logged decision's input document (without the pinned models and the request) and sources. */
async function logged(decisionId: string) {
  const row = (await t.platform.risk.decision(decisionId)) as unknown as {
    subject: string | null;
    input: Record<string, unknown>;
    sources: Record<string, unknown>;
  };
  const { _models, request, ...document } = row.input;
  expect(request).toEqual({ amount: '2000000', monthlyIncome: '1500000' });
  return { subject: row.subject, document, sources: row.sources };
}

/** The bureau's answer for a verified user, asked directly of the simulated source. */
async function bureauFor(user: TestUser): Promise<BureauReport> {
  const identity = await t.platform.identity.kyc.verifiedIdentity(user.userId);
  return simulatedBureau.fetch({ idNumber: identity!.idNumber, phone: user.phone, key: '' });
}
const lookupKeyOf = async (user: TestUser) =>
  t.platform.identity.vault.lookupHash(
    (await t.platform.identity.kyc.verifiedIdentity(user.userId))!.idNumber,
  );
const cachedSources = async (key: string) =>
  (
    await sql<{
      source: string;
    }>`select source from risk_source_cache where subject = ${key} order by source`.execute(t.platform.db)
  ).rows.map((r) => r.source);

// borrower(): born 1985-06-15 in district 110105; the test clock starts on 2026-01-05.
const verifiedApplicant = (walletBalance: string) => ({
  age: 40,
  kycLevel: 1,
  accountAgeDays: 0,
  region: '110105',
  walletBalance,
});

/** Runs a decision and says what the vault decrypted meanwhile (in clear: a test's own data). */
async function decrypting<T>(decide: () => Promise<T>): Promise<T & { decrypted: string[] }> {
  const vault = t.platform.identity.vault;
  const decrypted: string[] = [];
  const original = vault.decrypt;
  vault.decrypt = (sealed: string) => {
    const clear = original.call(vault, sealed);
    decrypted.push(clear);
    return clear;
  };
  try {
    return { ...(await decide()), decrypted };
  } finally {
    vault.decrypt = original;
  }
}

describe('a decision gathers the same input as before', () => {
  it('an unverified applicant: no source asked, both recorded as failed, declined', async () => {
    const user = await signUp(t);
    const decision = await t.platform.risk.decide(application(user.userId));
    expect(decision.outcome).toBe('decline');
    // Unverified, the applicant has no age: the rules say both.
    expect(decision.reasons).toEqual(['identity_not_verified', 'age_under_18']);
    const { subject, document, sources } = await logged(decision.decisionId);
    expect(subject).toBeNull();
    const failed = { status: 'failed', cached: false, response: null, error: 'identity not verified' };
    expect(sources).toEqual({ bureau: failed, blacklist: failed });
    expect(document).toEqual(
      await expectedDocument({
        applicant: { age: 0, kycLevel: 0, accountAgeDays: 0, region: null, walletBalance: '0.00' },
        bureau: null,
        blacklist: { hit: false },
        velocity: { applications24h: 0, deviceApplicants: 0, ipApplicants: 0 },
        kycLevel: 0,
      }),
    );
  });

  it('a refused bureau consent: the bureau neither asked nor read from the cache, the blacklist asked', async () => {
    const user = await borrower(t);
    const key = await lookupKeyOf(user);
    // A fresh bureau answer in the cache from before the refusal must not be used.
    await sql`insert into risk_source_cache (source, subject, response, fetched_at)
      values ('bureau', ${key}, ${JSON.stringify(await bureauFor(user))}::jsonb, ${t.clock.now()})`.execute(
      t.platform.db,
    );
    t.clock.advanceSeconds(60);
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/credit_bureau',
      headers: user.headers,
      payload: { granted: false },
    });
    expect(refused.statusCode, refused.body).toBe(200);
    t.clock.advanceSeconds(60);
    const decision = await t.platform.risk.decide(application(user.userId));
    expect(decision.outcome).toBe('refer');
    expect(decision.reasons).toEqual(['data_source_unavailable:bureau', 'data_source_not_consented:bureau']);
    const { subject, document, sources } = await logged(decision.decisionId);
    expect(subject).toBe(key);
    expect(sources).toEqual({
      blacklist: { status: 'ok', cached: false, response: { hit: false, list: null } },
      bureau: { status: 'failed', cached: false, response: null, error: NO_CONSENT },
    });
    expect(document).toEqual(
      await expectedDocument({
        applicant: verifiedApplicant('0.00'),
        bureau: null,
        blacklist: { hit: false, list: null },
        // The unverified applicant above used the same device and address.
        velocity: { applications24h: 0, deviceApplicants: 1, ipApplicants: 1 },
        kycLevel: 1,
      }),
    );
    expect(await cachedSources(key)).toEqual(['blacklist', 'bureau']);
  });

  it('a cache miss asks the sources and caches their answers under the identity number’s keyed hash; the next decision reads them', async () => {
    const user = await borrower(t, '1234.56');
    const key = await lookupKeyOf(user);
    expect(await cachedSources(key)).toEqual([]);
    const identity = await t.platform.identity.kyc.verifiedIdentity(user.userId);
    const bureau = await bureauFor(user);
    const blacklist = { hit: false, list: null };
    const first = await decrypting(() => t.platform.risk.decide(application(user.userId)));
    // A miss decrypts what the sources are asked with, the identity number and the phone, never the name.
    expect(first.decrypted.sort()).toEqual([user.phone, identity!.idNumber].sort());
    expect(first.outcome).toBe('approve');
    expect(first.reasons).toEqual([]);
    const miss = await logged(first.decisionId);
    expect(miss.subject).toBe(key);
    expect(miss.sources).toEqual({
      bureau: { status: 'ok', cached: false, response: bureau },
      blacklist: { status: 'ok', cached: false, response: blacklist },
    });
    expect(await cachedSources(key)).toEqual(['blacklist', 'bureau']);
    const expected = (applications24h: number) =>
      expectedDocument({
        applicant: verifiedApplicant('1234.56'),
        bureau,
        blacklist,
        // The two applicants before on this device and address; the applicant's own decisions count
        // in applications24h only.
        velocity: { applications24h, deviceApplicants: 2, ipApplicants: 2 },
        kycLevel: 1,
      });
    expect(miss.document).toEqual(await expected(0));

    t.clock.advanceSeconds(60);
    const second = await decrypting(() => t.platform.risk.decide(application(user.userId)));
    // A hit decrypts nothing: the cache's key is the hash stored at verification.
    expect(second.decrypted).toEqual([]);
    expect(second.outcome).toBe('approve');
    expect(second.reasons).toEqual([]);
    const hit = await logged(second.decisionId);
    expect(hit.subject).toBe(key);
    expect(hit.sources).toEqual({
      bureau: { status: 'ok', cached: true, response: bureau },
      blacklist: { status: 'ok', cached: true, response: blacklist },
    });
    expect(hit.document).toEqual(await expected(1));
    const { decisionId: _first, decrypted: _missed, ...firstAnswer } = first;
    const { decisionId: _second, decrypted: _hit, ...secondAnswer } = second;
    expect(secondAnswer).toEqual(firstAnswer);

    // A day later the cache is stale: the sources are asked again (and the first decisions no longer count).
    t.clock.advanceSeconds(86_400);
    const third = await t.platform.risk.decide(application(user.userId));
    const stale = await logged(third.decisionId);
    expect(stale.sources).toEqual(miss.sources);
    expect(stale.document).toEqual({
      ...(await expected(0)),
      applicant: { ...verifiedApplicant('1234.56'), accountAgeDays: 1 },
    });
  });

  it('a user that does not exist is a 404, not a decision', async () => {
    await expect(
      t.platform.risk.decide(application('00000000-0000-7000-8000-000000000001')),
    ).rejects.toMatchObject({ code: 'user_not_found' });
  });
});
