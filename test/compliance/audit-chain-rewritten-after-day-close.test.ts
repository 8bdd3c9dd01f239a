import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { type ChainRow, storedRecordHash } from '../../src/identity/audit-chain.ts';
import { ADMIN_TOKEN as ADMIN, type AuditContext } from '../../src/identity/index.ts';
import { closeTo } from '../support/batch.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Day-close records the audit chain's head each day. Someone who knows the hashing rule rewrites a
 * record of the second day and recomputes every hash after it and the head, so that the chain on its
 * own holds; the head recorded at the second close no longer does, and verify says between which
 * positions the rewrite lies.
 */
let t: TestApp;
const context: AuditContext = { principal: ADMIN, ip: '10.0.0.9' };
const write = async (n: number, day: string) => {
  for (let i = 0; i < n; i++)
    await t.platform.identity.audit(context, { action: 'test.daily', details: { day, i } });
};
const get = async (url: string) => {
  const response = await t.app.inject({ method: 'GET', url, headers: asAdmin });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('an audit chain rewritten after the day-close recorded its head', () => {
  it('records each day’s head, readable by staff, matching the record at its position', async () => {
    const first = await t.platform.batch.businessDate();
    await write(2, first);
    await closeTo(t, first);
    const second = await t.platform.batch.businessDate();
    await write(3, second);
    await closeTo(t, second);

    const heads = (await get('/v1/compliance/audit-chain/heads')).items;
    expect(heads.map((h: { businessDate: string }) => h.businessDate)).toEqual([second, first]);
    const report = await get('/v1/compliance/audit-chain/verify');
    expect(report).toMatchObject({ intact: true, recordedHeads: 2 });
    expect(Number(heads[0].position)).toBeGreaterThanOrEqual(5);
    expect(Number(heads[0].position)).toBeLessThanOrEqual(report.headPosition);
  });

  it('finds a consistent rewrite by the recorded head it no longer reaches', async () => {
    const [secondHead, firstHead] = (await get('/v1/compliance/audit-chain/heads')).items;
    const target = Number(firstHead.position) + 1; // the second day's first record
    await inTransaction(t.platform.db, async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      const rows = await sql<RowForHash>`
        select id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details,
               chain_position, prev_hash
        from audit_log where chain_position >= ${target} order by chain_position`.execute(trx);
      let prevHash = rows.rows[0]!.prev_hash;
      for (const row of rows.rows) {
        const details = row.chain_position === BigInt(target) ? { rewritten: true } : row.details;
        const hash = storedRecordHash({ ...row, details }, prevHash);
        await sql`update audit_log set details = ${JSON.stringify(details)}::jsonb, prev_hash = ${prevHash}, hash = ${hash}
                  where id = ${row.id}::uuid`.execute(trx);
        prevHash = hash;
      }
      await sql`update audit_chain_head set hash = ${prevHash}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    // The chain by itself holds: only the recorded head tells.
    expect(await t.platform.identity.verifyAuditChain()).toMatchObject({ intact: true });
    expect(await get('/v1/compliance/audit-chain/verify')).toMatchObject({
      intact: false,
      problem: 'recorded_head_mismatch',
      position: Number(secondHead.position),
      records: Number(firstHead.position),
    });
  });
});

type RowForHash = Omit<ChainRow, 'hash'>;
