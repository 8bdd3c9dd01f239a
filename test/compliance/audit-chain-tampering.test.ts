import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { ADMIN_TOKEN as ADMIN, type AuditContext } from '../../src/identity/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Someone with write access to the database goes around the application (and around the trigger
 * that keeps the audit log append-only) to edit, then to delete, an audit record. The verify route
 * names exactly the record that was changed, and the position where the deleted one was.
 */
let t: TestApp;
const context: AuditContext = { principal: ADMIN, ip: '10.0.0.7' };

beforeAll(async () => {
  t = await openTestApp();
  // Records of every shape: through the group-commit writer and inside a business transaction, with
  // and without before/after/details, with non-ASCII text, bigints and nested objects.
  for (let i = 0; i < 6; i++)
    await t.platform.identity.audit(context, {
      action: 'test.edited',
      subjectType: 'product',
      subjectId: `p-${i}`,
      before: { rate: '0.10', name: '个人贷' },
      after: { rate: '0.12', name: '个人贷', limits: [1n, 2n], nested: { b: 1, a: null } },
    });
  await inTransaction(t.platform.db, (trx) =>
    t.platform.identity.audit(context, { action: 'test.in_transaction', details: { n: 7 } }, trx),
  );
});
afterAll(() => t.close());

const verify = async () => {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/compliance/audit-chain/verify',
    headers: asAdmin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

/** Runs SQL as someone who can switch the append-only trigger off, as the table's owner can. */
async function behindTheApplication(statement: ReturnType<typeof sql>) {
  await inTransaction(t.platform.db, async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
}

const recordAt = async (position: number) =>
  (
    await sql<{ id: string; details: unknown; after: unknown }>`
      select id, details, after from audit_log where chain_position = ${position}`.execute(t.platform.db)
  ).rows[0]!;

describe('the audit chain under out-of-band changes', () => {
  it('is intact as the application wrote it, with its length and head', async () => {
    const report = await verify();
    expect(report).toMatchObject({ intact: true, records: 7, headPosition: 7 });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
    // The trigger still refuses a plain update: the chain is for those who get around it.
    await expect(sql`update audit_log set action = 'x'`.execute(t.platform.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('names exactly the edited record, and holds again once the edit is undone', async () => {
    const target = await recordAt(4);
    await behindTheApplication(
      sql`update audit_log set after = jsonb_set(after, '{rate}', '"0.08"') where id = ${target.id}::uuid`,
    );
    expect(await verify()).toMatchObject({
      intact: false,
      problem: 'record_altered',
      position: 4,
      recordId: target.id,
      records: 3,
    });
    await behindTheApplication(
      sql`update audit_log set after = ${JSON.stringify(target.after)}::jsonb where id = ${target.id}::uuid`,
    );
    expect(await verify()).toMatchObject({ intact: true, records: 7 });
  });

  it('finds a deleted last record by the head, and a deleted record in the middle by the gap it leaves', async () => {
    const last = await recordAt(7);
    expect(last.details).toEqual({ n: 7 });
    await behindTheApplication(sql`delete from audit_log where id = ${last.id}::uuid`);
    expect(await verify()).toMatchObject({
      intact: false,
      problem: 'record_missing',
      position: 7,
      records: 6,
    });

    const middle = await recordAt(3);
    await behindTheApplication(sql`delete from audit_log where id = ${middle.id}::uuid`);
    expect(await verify()).toMatchObject({
      intact: false,
      problem: 'record_missing',
      position: 3,
      records: 2,
    });
  });
});
