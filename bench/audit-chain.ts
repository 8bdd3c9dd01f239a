import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform } from '../src/app/platform.ts';
import { inTransaction, openDatabase, quoteIdent } from '../src/db/index.ts';
import { ADMIN_TOKEN as ADMIN } from '../src/identity/index.ts';
import { uuidv7 } from '../src/kernel/index.ts';
import { fmt, machine, writeSection } from './lib.ts';

/**
 * The cost of the audit hash chain: audit records written each in its own transaction by concurrent
 * callers, through the chain (a lock of the head, hashes, one insert) beside the same rows inserted
 * into a copy of the table without the chain, in one run; and the group-commit writer's throughput.
 */
const CALLERS = 16;

async function concurrently(total: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      for (let i = next++; i < total; i = next++) await fn(i);
    }),
  );
  return (performance.now() - start) / 1000;
}

export async function run(): Promise<void> {
  const onServer = Boolean(process.env.DATABASE_URL);
  const schema = `bench_audit_${Date.now()}`;
  const config = loadConfig(process.env, {
    memory: !onServer,
    poolSize: CALLERS + 4,
    logLevel: 'silent',
    dataKey: Buffer.alloc(32, 9),
    demo: false,
  });
  const target = onServer ? 'PostgreSQL' : 'PGlite (in memory)';
  const platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
  const total = onServer ? 4000 : 2000;
  const context = { principal: ADMIN, ip: '10.0.0.1' };
  const entry = (i: number) => ({
    action: 'bench.audit',
    subjectType: 'product',
    subjectId: `p-${i}`,
    before: { rate: '0.10' },
    after: { rate: '0.12', name: '个人贷' },
  });
  try {
    const { db, identity } = platform;
    await sql`create table audit_bare (like audit_log)`.execute(db);
    const bare = await concurrently(total, (i) =>
      inTransaction(db, async (trx) => {
        const e = entry(i);
        await sql`insert into audit_bare (id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details)
                  values (${uuidv7()}, ${new Date()}, 'admin-token', ${['admin']}::text[], ${e.action}, ${e.subjectType},
                          ${e.subjectId}, ${context.ip}, ${JSON.stringify(e.before)}::jsonb, ${JSON.stringify(e.after)}::jsonb, null)`.execute(
          trx,
        );
      }),
    );
    const chained = await concurrently(total, (i) =>
      inTransaction(db, (trx) => identity.audit(context, entry(i), trx)),
    );
    const writer = await concurrently(total, (i) => identity.audit(context, entry(i)));
    const report = await platform.compliance.verifyAuditChain();
    if (!report.intact) throw new Error(`the chain broke under the benchmark: ${JSON.stringify(report)}`);
    const verifyStart = performance.now();
    await platform.compliance.verifyAuditChain();
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    const lines = [
      `## Audit hash chain (${target})`,
      '',
      `${new Date().toISOString().slice(0, 10)}, ${machine()}. ${total} audit records per row, ${CALLERS} concurrent callers.`,
      '',
      '| writing | records/s | ratio to bare |',
      '| --- | ---: | ---: |',
      `| bare insert, a transaction each (no chain) | ${fmt(total / bare)} | 100% |`,
      `| chained, a transaction each (head locked FOR UPDATE) | ${fmt(total / chained)} | ${fmt((100 * bare) / chained)}% |`,
      `| chained, group-commit writer | ${fmt(total / writer)} | ${fmt((100 * bare) / writer)}% |`,
      '',
      `Verifying the chain of ${report.records} records: ${fmt(verifySeconds, 2)} s (${fmt(report.records / verifySeconds)} records/s).`,
    ];
    console.log(lines.join('\n'));
    writeSection(`audit-chain-${onServer ? 'postgres' : 'pglite'}`, lines.join('\n'));
  } finally {
    await platform.close();
    if (onServer) {
      const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    }
  }
}
