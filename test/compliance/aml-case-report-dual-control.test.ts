import { sql } from 'kysely';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, scan } from '../support/aml.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * A case from alert to report: two alerts of one customer open one case; an officer notes, takes the
 * case, proposes a report; the same officer cannot approve it (409 second_approver_required), a
 * second officer does. The report exports as CSV (BOM, the name with a comma and a quote escaped,
 * the identity in clear) and as PDF (its Chinese extracts); each export is audited.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const call = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

describe('a case reported under dual control', () => {
  it('takes two officers, and exports a report', async () => {
    const first = await staffMember(t, ['compliance']);
    const second = await staffMember(t, ['compliance']);
    const customer = await signUp(t);
    const name = 'Zhang, "Wei" 张伟';
    await sql`update users set real_name_enc = ${t.platform.identity.vault.encrypt(name)}, id_number_enc = ${t.platform.identity.vault.encrypt('110105199001011234')},
              region_code = '110000', kyc_level = 1 where id = ${customer.userId}::uuid`.execute(
      t.platform.db,
    );
    // Large cash (60,000.00 in the day) and rapid in and out (all of it out within hours).
    const topUp = await movement(t, {
      userId: customer.userId,
      kind: 'top_up',
      amount: '30000.00',
      at: '2026-01-05T01:00:00Z',
    });
    await movement(t, {
      userId: customer.userId,
      kind: 'withdrawal',
      amount: '30000.00',
      at: '2026-01-05T04:00:00Z',
    });
    const scanned = await scan(t, '2026-01-05', first.headers);
    expect(scanned.opened.map((o) => o.rule).sort()).toEqual(['large_cash', 'rapid_in_out']);
    const caseId = scanned.opened[0]!.caseId;
    expect(new Set(scanned.opened.map((o) => o.caseId)).size).toBe(1);

    const queue = await call(first, 'GET', '/v1/aml/cases?status=open');
    expect(queue.json().items.map((c: any) => c.id)).toContain(caseId);
    const detail = await call(first, 'GET', `/v1/aml/cases/${caseId}`);
    expect(detail.json().portrait).toMatchObject({
      maskedName: expect.stringMatching(/^Z\*+/),
      kycLevel: 1,
      regionCode: '110000',
    });
    expect(detail.json().portrait.maskedName).not.toContain('Wei');
    expect(detail.json().alerts).toHaveLength(2);

    expect(
      (await call(first, 'POST', `/v1/aml/cases/${caseId}/notes`, { body: 'Called the customer.' }))
        .statusCode,
    ).toBe(201);
    const assigned = await call(first, 'POST', `/v1/aml/cases/${caseId}/assign`, {});
    expect(assigned.json().assignedTo).toBe(first.userId);
    const toCustomer = await call(first, 'POST', `/v1/aml/cases/${caseId}/assign`, {
      assignee: customer.userId,
    });
    expect(toCustomer.statusCode).toBe(422);
    expect(toCustomer.json().error.code).toBe('assignee_not_officer');

    // No report before one is proposed.
    expect((await call(first, 'GET', `/v1/aml/cases/${caseId}/report.csv`)).json().error.code).toBe(
      'report_not_proposed',
    );
    // A proposal the second officer refuses is withdrawn: the case is back in work, with a note why.
    const firstProposal = await call(first, 'POST', `/v1/aml/cases/${caseId}/decision`, {
      decision: 'report',
      reason: 'Large cash deposit',
    });
    expect(firstProposal.json()).toMatchObject({ reportProposedBy: first.userId });
    const selfRefusal = await call(first, 'POST', `/v1/aml/cases/${caseId}/reject-report`, {
      reason: 'not mine to refuse',
    });
    expect(selfRefusal.json().error.code).toBe('second_approver_required');
    const refused = await call(second, 'POST', `/v1/aml/cases/${caseId}/reject-report`, {
      reason: 'The deposit matches the declared sale of a flat',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'open', reportProposedBy: null });
    const notes = (await call(second, 'GET', `/v1/aml/cases/${caseId}`)).json().notes as { body: string }[];
    expect(notes.some((n) => n.body.includes('The deposit matches the declared sale of a flat'))).toBe(true);
    expect(
      (await call(second, 'POST', `/v1/aml/cases/${caseId}/reject-report`, { reason: 'again' })).json().error
        .code,
    ).toBe('report_not_proposed');

    const proposed = await call(first, 'POST', `/v1/aml/cases/${caseId}/decision`, {
      decision: 'report',
      reason: 'Cash in and straight out, no other activity',
    });
    expect(proposed.statusCode, proposed.body).toBe(200);
    expect(proposed.json()).toMatchObject({ status: 'open', reportProposedBy: first.userId });
    const self = await call(first, 'POST', `/v1/aml/cases/${caseId}/approve-report`);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('second_approver_required');
    const approved = await call(second, 'POST', `/v1/aml/cases/${caseId}/approve-report`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      status: 'reported',
      reportApprovedBy: second.userId,
      decision: 'report',
    });
    const again = await call(second, 'POST', `/v1/aml/cases/${caseId}/decision`, {
      decision: 'dismiss',
      reason: 'changed my mind',
    });
    expect(again.json().error.code).toBe('case_closed');

    const csv = await call(second, 'GET', `/v1/aml/cases/${caseId}/report.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3); // the header and the two transactions
    expect(lines[1]).toContain('"Zhang, ""Wei"" 张伟",110105199001011234');
    expect(lines[1]).toContain(`${topUp},top_up,in,30000.00,CNY`);

    const pdf = await call(second, 'GET', `/v1/aml/cases/${caseId}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { text } = await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true });
    for (const expected of ['可疑交易报告', '交易明细', '单日大额现金类交易', '快进快出', '张伟', '30000.00'])
      expect(text).toContain(expected);

    const exported = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'aml.report_exported' and subject_id = ${caseId}`.execute(
      t.platform.db,
    );
    expect(exported.rows[0]!.n).toBe(2);
    const actions = await sql<{ action: string }>`
      select action from audit_log where subject_id = ${caseId} order by at`.execute(t.platform.db);
    expect(actions.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'aml.case_noted',
        'aml.case_assigned',
        'aml.case_report_proposed',
        'aml.case_reported',
      ]),
    );
  });
});
