import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { type IssuedLoan, issueLoan } from './contract-fixture.ts';

/**
 * A contract whose rate an officer changed by hand goes to legal's review queue; only its parties
 * and contract staff see it (anyone else gets the same 404 as for a contract that does not exist);
 * staff find it by party phone, loan id and review status, and a staff download is audited.
 */
let t: TestApp;
let plain: IssuedLoan;
let deviating: IssuedLoan;
let legal: TestUser;
const MISSING = '00000000-0000-7000-8000-000000000000';

beforeAll(async () => {
  t = await openTestApp();
  plain = await issueLoan(t);
  deviating = await issueLoan(t, {
    amount: '5000.00',
    deviations: [{ term: 'annualRate', expected: '0.12', actual: '0.108', by: null }],
  });
  legal = await staffMember(t, ['legal']);
}, 120_000);
afterAll(async () => t?.close());

const get = (url: string, who: TestUser) => t.app.inject({ url: `/v1${url}`, headers: who.headers });

describe('who sees a contract, and legal’s review of deviations', () => {
  it('answers 404 to anyone but the parties and contract staff, as for no contract at all', async () => {
    const stranger = await signUp(t);
    for (const url of [
      `/contracts/${plain.contractId}`,
      `/contracts/${plain.contractId}/pdf`,
      `/contracts/${MISSING}`,
    ]) {
      const response = await get(url, stranger);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('contract_not_found');
    }
    // A party of one contract is a stranger to another.
    const other = await get(`/contracts/${deviating.contractId}`, plain.borrower);
    expect(other.statusCode).toBe(404);
    expect((await get(`/contracts/${plain.contractId}`, plain.lender)).statusCode).toBe(200);
    expect((await get('/me/contracts', stranger)).json().items).toEqual([]);

    const collector = await staffMember(t, ['collector']);
    expect((await get('/contracts', collector)).statusCode).toBe(403);
    expect((await get('/contract-reviews', collector)).statusCode).toBe(403);
    expect((await get(`/contracts/${plain.contractId}`, collector)).statusCode).toBe(404);
  });

  it('lets contract staff find contracts and audits their downloads', async () => {
    const operations = await staffMember(t, ['operations']);
    const byPhone = await get(`/contracts?phone=${deviating.borrower.phone}`, operations);
    expect(byPhone.statusCode, byPhone.body).toBe(200);
    expect(byPhone.json().items.map((c: { id: string }) => c.id)).toEqual([deviating.contractId]);
    const byLoan = await get(`/contracts?subjectId=${plain.loanId}&kind=loan`, operations);
    expect(byLoan.json().items.map((c: { id: string }) => c.id)).toEqual([plain.contractId]);
    const byUser = await get(`/contracts?userId=${plain.lender.userId}`, operations);
    expect(byUser.json().items).toHaveLength(1);
    const pending = await get('/contracts?reviewStatus=pending', operations);
    expect(pending.json().items.map((c: { id: string }) => c.id)).toEqual([deviating.contractId]);
    const all = await get(
      `/contracts?from=${t.clock.businessDate()}&to=${t.clock.businessDate()}`,
      operations,
    );
    expect(all.json().items).toHaveLength(2);

    const pdf = await get(`/contracts/${plain.contractId}/pdf?language=en`, operations);
    expect(pdf.statusCode).toBe(200); // rendered on demand: nothing rendered it before
    await get(`/contracts/${plain.contractId}/pdf?language=zh`, plain.borrower);
    const reads = await sql<{ actor_id: string }>`
      select actor_id from audit_log where action = 'contracts.document_read' and subject_id = ${plain.contractId}`.execute(
      t.platform.db,
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // group commit of the audit writer
    const after = await sql<{ actor_id: string }>`
      select actor_id from audit_log where action = 'contracts.document_read' and subject_id = ${plain.contractId}`.execute(
      t.platform.db,
    );
    expect([...reads.rows, ...after.rows].map((r) => r.actor_id)).toContain(operations.userId);
    expect(after.rows.map((r) => r.actor_id)).not.toContain(plain.borrower.userId);
  });

  it('queues the deviating contract for legal, who decides it once', async () => {
    const queue = await get('/contract-reviews', legal);
    expect(queue.statusCode, queue.body).toBe(200);
    const [first] = queue.json().items;
    expect(first).toMatchObject({ id: deviating.contractId, reviewStatus: 'pending' });
    expect(first.deviations).toEqual([{ term: 'annualRate', expected: '0.12', actual: '0.108', by: null }]);

    const decide = (decision: string, who = legal) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/contracts/${deviating.contractId}/review`,
        headers: who.headers,
        payload: { decision, note: 'rate agreed by the credit committee' },
      });
    const decided = await decide('accepted');
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ reviewStatus: 'accepted', review: { by: legal.userId } });
    const again = await decide('remediate');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('review_not_pending');
    const plainReview = await t.app.inject({
      method: 'POST',
      url: `/v1/contracts/${plain.contractId}/review`,
      headers: legal.headers,
      payload: { decision: 'accepted', note: 'x' },
    });
    expect(plainReview.json().error.code).toBe('review_not_pending');
    expect((await get('/contract-reviews?status=pending', legal)).json().items).toEqual([]);
    const audited = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'contracts.reviewed' and subject_id = ${deviating.contractId}`.execute(
      t.platform.db,
    );
    expect(audited.rows[0]!.n).toBe(1);
  });

  it('renders at day-close what was not rendered yet, once', async () => {
    const step = t.platform.compliance.daySteps().find((s) => s.name === 'compliance.contract-render')!;
    expect(step.transactional).toBe(false);
    const date = t.clock.businessDate();
    // The plain contract was rendered on download; the deviating one was not rendered at all.
    expect(await step.run(t.platform.db, date, {})).toBe(2);
    expect(await step.run(t.platform.db, date, {})).toBe(0);
    const docs = await sql<{ n: number }>`
      select count(*)::int as n from contract_documents where contract_id = ${deviating.contractId}::uuid`.execute(
      t.platform.db,
    );
    expect(docs.rows[0]!.n).toBe(2);
  });
});
