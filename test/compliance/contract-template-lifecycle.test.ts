import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Legal writes a new version of the English loan template, a colleague approves it, and the
 * version before is retired; approved versions never change and every step is audited.
 */
let t: TestApp;
let author: TestUser;
let colleague: TestUser;

beforeAll(async () => {
  t = await openTestApp();
  author = await staffMember(t, ['legal']);
  colleague = await staffMember(t, ['legal']);
}, 120_000);
afterAll(async () => t?.close());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: TestUser, payload?: object) =>
  t.app.inject({
    method,
    url: `/v1${url}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload }),
  });

describe('the contract template lifecycle', () => {
  it('seeds approved templates for every kind in both languages, approved by system', async () => {
    const list = await call('GET', '/contract-templates?status=approved', author);
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items as { kind: string; language: string; approvedBy: string }[];
    expect(items.map((i) => `${i.kind}/${i.language}`).sort()).toEqual(
      ['credit_line', 'loan', 'note_transfer', 'wealth_product']
        .flatMap((k) => [`${k}/en`, `${k}/zh`])
        .sort(),
    );
    expect(new Set(items.map((i) => i.approvedBy))).toEqual(new Set(['system']));
  });

  it('drafts, refuses unknown placeholders, needs a second approver and retires the version before', async () => {
    const [v1] = (await call('GET', '/contract-templates?kind=loan&language=en', author)).json().items;
    const draft = await call('POST', '/contract-templates', author, { copyFrom: v1.id });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ kind: 'loan', language: 'en', version: 2, status: 'draft' });
    const id = draft.json().id;

    const unknown = await call('PUT', `/contract-templates/${id}`, author, {
      body: [{ kind: 'paragraph', text: 'Borrower {{borrower.nickname}} owes {{terms.amount}}.' }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('template_placeholder_unknown');
    expect(unknown.json().error.message).toContain('borrower.nickname');
    const badColumn = await call('PUT', `/contract-templates/${id}`, author, {
      body: [{ kind: 'table', source: 'installments', columns: [{ header: 'x', field: 'balloon' }] }],
    });
    expect(badColumn.json().error.code).toBe('template_placeholder_unknown');

    const edited = await call('PUT', `/contract-templates/${id}`, author, {
      title: 'Loan Agreement v2 (English translation)',
      body: [...v1.body, { kind: 'paragraph', text: 'Version two for {{borrower.name}}.' }],
    });
    expect(edited.statusCode, edited.body).toBe(200);

    const preview = await call('POST', `/contract-templates/${id}/preview`, author);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(preview.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    // Replayed under its Idempotency-Key, the preview is the same bytes, not text decoded from them.
    const previewAgain = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/contract-templates/${id}/preview`,
        headers: { ...author.headers, 'idempotency-key': `preview-${id}` },
      });
    const first = await previewAgain();
    const replayed = await previewAgain();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(replayed.rawPayload, first.rawPayload)).toBe(0);

    // Whoever edited the draft is one of its writers: they cannot approve it either.
    const editor = await staffMember(t, ['legal']);
    const touched = await call('PUT', `/contract-templates/${id}`, editor, {
      title: 'Loan Agreement v2 (English translation)',
    });
    expect(touched.statusCode, touched.body).toBe(200);
    const byEditor = await call('POST', `/contract-templates/${id}/approve`, editor);
    expect(byEditor.statusCode).toBe(409);
    expect(byEditor.json().error.code).toBe('second_approver_required');

    const self = await call('POST', `/contract-templates/${id}/approve`, author);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('second_approver_required');

    const approved = await call('POST', `/contract-templates/${id}/approve`, colleague);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedBy: colleague.userId });
    const old = (await call('GET', `/contract-templates/${v1.id}`, author)).json();
    expect(old.status).toBe('retired');
    expect(old.retiredAt).not.toBeNull();

    for (const target of [id, v1.id]) {
      const change = await call('PUT', `/contract-templates/${target}`, author, { title: 'changed' });
      expect(change.statusCode).toBe(409);
      expect(change.json().error.code).toBe('template_not_draft');
    }
    expect((await call('GET', `/contract-templates/${id}`, author)).json().title).toBe(
      'Loan Agreement v2 (English translation)',
    );

    const audited = await sql<{ action: string; actor_id: string }>`
      select action, actor_id from audit_log where subject_type = 'contract_template' and subject_id = ${id}
      order by chain_position`.execute(t.platform.db);
    expect(audited.rows.map((r) => r.action)).toEqual([
      'contracts.template_drafted',
      'contracts.template_edited',
      'contracts.template_edited',
      'contracts.template_approved',
    ]);
    expect(audited.rows[2]!.actor_id).toBe(editor.userId);
    expect(audited.rows[3]!.actor_id).toBe(colleague.userId);
  });

  it('lets only contracts:manage write and contracts:read read', async () => {
    const operations = await staffMember(t, ['operations']);
    expect((await call('GET', '/contract-templates', operations)).statusCode).toBe(200);
    const refused = await call('POST', '/contract-templates', operations, { kind: 'loan', language: 'zh' });
    expect(refused.statusCode).toBe(403);
    const collector = await staffMember(t, ['collector']);
    expect((await call('GET', '/contract-templates', collector)).statusCode).toBe(403);
  });
});
