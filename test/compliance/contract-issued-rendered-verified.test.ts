import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { termsDigest } from '../../src/compliance/contracts/deal-records.ts';
import { inTransaction } from '../../src/db/index.ts';
import { canonicalSha256 } from '../../src/kernel/index.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';
import { type IssuedLoan, issueLoan } from './contract-fixture.ts';

/**
 * A loan's contract is recorded in the deal's transaction, rendered to PDF in both languages after
 * the commit, downloaded by the borrower, and checked: the bytes are the ones recorded, the PDF
 * verifies, a copy with one byte changed does not, and rendering again gives the same bytes.
 */
let t: TestApp;
let loan: IssuedLoan;
const sha = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const textOf = async (bytes: Buffer) =>
  String((await extractText(new Uint8Array(bytes), { mergePages: true })).text);

beforeAll(async () => {
  t = await openTestApp();
  loan = await issueLoan(t);
}, 120_000);
afterAll(async () => t?.close());

describe('a loan contract issued, rendered, downloaded and verified', () => {
  it('is recorded once per deal, with a digest anyone can recompute', async () => {
    const { contracts } = t.platform.compliance;
    const repeated = await inTransaction(t.platform.db, (trx) =>
      contracts.issue(trx, {
        kind: 'loan',
        subjectType: 'loan',
        subjectId: loan.loanId,
        signedAt: t.clock.now(),
        businessDate: t.clock.businessDate(),
        terms: { ...loan.terms, amount: '1.00' },
        parties: [],
      }),
    );
    expect(repeated.contractId).toBe(loan.contractId);
    const view = await t.app.inject({
      url: `/v1/contracts/${loan.contractId}`,
      headers: loan.borrower.headers,
    });
    expect(view.statusCode, view.body).toBe(200);
    const body = view.json();
    expect(body.terms.amount).toBe('8800.00'); // the first issue stands
    expect(body.digestAlgorithm).toBe('sha256-jcs');
    expect(body.termsDigest).toBe(
      canonicalSha256({
        kind: body.kind,
        subjectId: body.subjectId,
        terms: body.terms,
        parties: body.parties,
      }),
    );
    expect(body.termsDigest).toBe(termsDigest(body));
    // Masked for display; the acceptances carry the hash of what each party was shown.
    const borrower = body.partyDetails.find((p: { role: string }) => p.role === 'borrower');
    expect(borrower.name).toBe('欧***');
    expect(body.acceptances.map((a: { role: string }) => a.role)).toEqual(['borrower', 'lender']);
    expect(body.acceptances[0].acceptedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.acceptances[0].templateVersion).toBe(1);
  });

  it('renders both languages after the commit, once', async () => {
    const before = await sql<{ n: number }>`
      select count(*)::int as n from contract_documents where contract_id = ${loan.contractId}::uuid`.execute(
      t.platform.db,
    );
    expect(before.rows[0]!.n).toBe(0); // nothing is rendered in the deal's transaction
    expect(await t.platform.compliance.contracts.renderPending(50)).toBe(2); // one document per language
    expect(await t.platform.compliance.contracts.renderPending(50)).toBe(0);
  });

  it('gives the borrower the PDF whose SHA-256 was recorded, with the real name and the amount', async () => {
    const zh = await t.app.inject({
      url: `/v1/contracts/${loan.contractId}/pdf?language=zh`,
      headers: loan.borrower.headers,
    });
    expect(zh.statusCode, zh.body).toBe(200);
    expect(zh.headers['content-type']).toBe('application/pdf');
    const view = (
      await t.app.inject({ url: `/v1/contracts/${loan.contractId}`, headers: loan.borrower.headers })
    ).json();
    expect(zh.headers['content-disposition']).toContain(`${view.number}-zh.pdf`);
    const recorded = view.documents.find((d: { language: string }) => d.language === 'zh');
    expect(sha(zh.rawPayload)).toBe(recorded.sha256);
    expect(zh.rawPayload.length).toBe(recorded.size);
    const text = await textOf(zh.rawPayload);
    expect(text).toContain('借款合同');
    expect(text).toContain('欧阳娜娜');
    expect(text).toContain(loan.borrower.idNumber);
    expect(text).toContain(loan.borrower.phone);
    expect(text).toContain('司马光');
    expect(text).toContain('8800.00');
    expect(text).toContain('10.8%'); // the nominal rate
    expect(text).toContain('12.97%'); // the APR
    expect(text).toContain(view.termsDigest.slice(0, 40));
    expect(text).toContain('198.51.100.23'); // the signature page lists the acceptances
    expect(text).toContain('本合同以中文文本为准');

    const en = await t.app.inject({
      url: `/v1/contracts/${loan.contractId}/pdf?language=en`,
      headers: loan.lender.headers,
    });
    expect(en.statusCode).toBe(200);
    const english = await textOf(en.rawPayload);
    expect(english).toContain('Loan Agreement');
    expect(english).toContain('the Chinese text governs');
    expect(english).toContain('8800.00');
    expect(sha(en.rawPayload)).toBe(
      view.documents.find((d: { language: string }) => d.language === 'en').sha256,
    );
  });

  it('verifies the downloaded PDF and refuses a copy with one byte changed', async () => {
    const pdf = (
      await t.app.inject({ url: `/v1/contracts/${loan.contractId}/pdf`, headers: loan.borrower.headers })
    ).rawPayload;
    const verify = (bytes: Buffer, headers = loan.borrower.headers) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/contracts/verify',
        headers: { ...headers, 'content-type': 'application/pdf' },
        payload: bytes,
      });
    const good = await verify(pdf);
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({
      match: true,
      contractId: loan.contractId,
      language: 'zh',
      kind: 'loan',
    });
    const changed = Buffer.from(pdf);
    changed[Math.floor(changed.length / 2)]! ^= 0x01;
    const bad = await verify(changed);
    expect(bad.json()).toEqual({ match: false, sha256: sha(changed) });
    // Someone who is no party learns that the document is genuine, but not which contract it is.
    const stranger = await signUp(t);
    const seen = await verify(pdf, stranger.headers);
    expect(seen.json().match).toBe(true);
    expect(seen.json().contractId).toBeUndefined();
    const byHash = await t.app.inject({
      url: `/v1/contracts/verify?sha256=${sha(pdf)}`,
      headers: stranger.headers,
    });
    expect(byHash.json()).toMatchObject({ match: true, number: good.json().number });
    const empty = await t.app.inject({
      method: 'POST',
      url: '/v1/contracts/verify',
      headers: { ...loan.borrower.headers, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('pdf_body_required');
  });

  it('renders again to the very bytes stored, from stored data only', async () => {
    const { documents } = t.platform.compliance.contracts;
    for (const language of ['zh', 'en'] as const) {
      const stored = await documents.bytes(loan.contractId, language);
      const again = await documents.rerender(loan.contractId, language);
      expect(again).not.toBeNull();
      expect(sha(again!)).toBe(sha(stored!));
    }
  });

  it('lists the contract among the borrower’s own, with the documents’ hashes', async () => {
    const mine = await t.app.inject({ url: '/v1/me/contracts', headers: loan.borrower.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    const items = mine.json().items;
    expect(items.map((c: { id: string }) => c.id)).toEqual([loan.contractId]);
    expect(items[0].roles).toEqual(['borrower']);
    expect(items[0].documents).toHaveLength(2);
  });
});
