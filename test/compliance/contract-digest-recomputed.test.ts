import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/kernel/index.ts';
import { fundedLoan, openLendingApp } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * A disbursed loan's contract, fetched through the API as any party would, has a digest that can be
 * recomputed from the JSON received: SHA-256 over the RFC 8785 canonical form of { loanId, terms,
 * parties }, whatever order the keys arrived in.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('a contract digest recomputed from the API', () => {
  it('matches SHA-256 over the canonical JSON of what the API returns, and names its algorithm', async () => {
    const { loanId } = await fundedLoan(t, { amount: '5000.00', term: 6, investors: 2 });
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/lending/loans/${loanId}/contract`,
      headers: asAdmin,
    });
    expect(response.statusCode, response.body).toBe(200);
    const contract = JSON.parse(response.body);
    expect(contract).toMatchObject({ loanId, digestAlgorithm: 'sha256-jcs', signedAt: expect.any(String) });
    expect(contract.terms.installments).toHaveLength(6);

    const canonical = canonicalJson({
      loanId: contract.loanId,
      terms: contract.terms,
      parties: contract.parties,
    });
    expect(createHash('sha256').update(canonical, 'utf8').digest('hex')).toBe(contract.digest);
    // The point of a canonical form: the API's own key order (the database's jsonb order) is not the
    // canonical one, and a digest over the text as received would not match.
    const asReceived = JSON.stringify({
      loanId: contract.loanId,
      terms: contract.terms,
      parties: contract.parties,
    });
    expect(asReceived).not.toBe(canonical);
    expect(createHash('sha256').update(asReceived).digest('hex')).not.toBe(contract.digest);

    // A changed term no longer matches.
    const altered = { ...contract.terms, annualRate: '0.99' };
    const alteredDigest = createHash('sha256')
      .update(canonicalJson({ loanId, terms: altered, parties: contract.parties }))
      .digest('hex');
    expect(alteredDigest).not.toBe(contract.digest);
  });

  it('keeps a contract signed before canonical digests with its recorded digest, labelled with the old algorithm', async () => {
    const { loanId } = await fundedLoan(t, { amount: '5000.00', term: 6, investors: 2 });
    // What the migration did to contracts already signed: their algorithm is the old one.
    await sql`update loan_contracts set digest_algorithm = 'sha256-json-source-order', digest = ${'a'.repeat(64)}
              where loan_id = ${loanId}::uuid`.execute(t.platform.db);
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/lending/loans/${loanId}/contract`,
      headers: asAdmin,
    });
    expect(response.json()).toMatchObject({
      digestAlgorithm: 'sha256-json-source-order',
      digest: 'a'.repeat(64),
    });
  });
});
