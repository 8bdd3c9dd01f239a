import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, quoteIdent } from '../../src/db/index.ts';

/**
 * `netfin start` on a fresh database writes the demo (src/app/demo.ts, demo-crowd.ts): a platform
 * that has lived, with a crowd beside the named accounts. Runs the real command, then counts what it
 * wrote in the database and verifies the ledger with the CLI.
 */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/netfin.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'netfin-demo-'));
const schema = `demo_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
    await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
    await admin.close();
  }
});

const env = {
  NETFIN_DB_SCHEMA: schema,
  ...process.env,
  NETFIN_DATA_DIR: dataDir,
  PORT: '0',
  NETFIN_GATEWAY_SIM_PORT: '0',
  // Requests are logged at info: the demo's own (its API calls, the gateway's callbacks) must not be.
  LOG_LEVEL: 'info',
  NETFIN_LOG_FORMAT: 'json',
  NETFIN_DATA_KEY: Buffer.alloc(32, 5).toString('base64'),
  NETFIN_DEMO: '1',
  NETFIN_DEMO_CROWD: '100',
  NETFIN_WEB: '0',
};

/** Starts netfin and waits until the demo is written (or could not be). */
function startWithDemo(): Promise<{ proc: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('netfin: demo data ready')) resolve({ proc, output: () => output });
      if (output.includes('the demo data could not be written')) reject(new Error(output.slice(-3000)));
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`netfin exited with ${code}: ${output.slice(-3000)}`)));
  });
}

function stop(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}

// The full demo takes minutes: it runs once, on the embedded database that `npm start` uses.
describe.skipIf(Boolean(process.env.DATABASE_URL))('the demo data', () => {
  it('is a crowd with a history: investors, loans in every state, listings raising, cases in every stage; the ledger verifies', async () => {
    const { proc, output } = await startWithDemo();
    expect(output()).toMatch(/demo: ledger verified/);
    expect(output()).not.toMatch(/incoming request|request completed/);
    expect(await stop(proc)).toBe(0);

    const verify = spawnSync(process.execPath, [bin, 'ledger', 'verify'], { env, encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('ledger verified: no differences');

    const database = await openDatabase({
      url: process.env.DATABASE_URL,
      dataDir,
      memory: false,
      poolSize: 1,
      schema,
    });
    try {
      const count = async (query: ReturnType<typeof sql>) =>
        Number(((await query.execute(database.db)).rows[0] as { n: number | string }).n);
      // People: a crowd of investors (with money, assessed at several risk classes) and borrowers.
      const investors = await count(sql`
        select count(*)::int as n from investor_assessments`);
      expect(investors).toBeGreaterThanOrEqual(100);
      const classes = await count(sql`
        select count(distinct level)::int as n from investor_assessments`);
      expect(classes).toBeGreaterThanOrEqual(3);
      const regions = await count(sql`select count(distinct region_code)::int as n from users`);
      expect(regions).toBeGreaterThanOrEqual(8);
      // Loans in every state, over grades and terms.
      const statuses = (
        await sql<{ status: string; n: number }>`
          select status, count(*)::int as n from loans group by status`.execute(database.db)
      ).rows;
      const byStatus = Object.fromEntries(statuses.map((r) => [r.status, r.n]));
      expect(byStatus.active ?? 0).toBeGreaterThanOrEqual(50);
      expect(byStatus.repaid ?? 0).toBeGreaterThanOrEqual(3);
      expect(await count(sql`select count(distinct grade)::int as n from loans`)).toBeGreaterThanOrEqual(3);
      expect(await count(sql`select count(distinct term)::int as n from loans`)).toBeGreaterThanOrEqual(4);
      // Dozens of listings raising today, at different stages (nothing yet, some, most).
      const progress = (
        await sql<{ raised: string; amount: string }>`
          select l.amount::text as amount, coalesce(sum(b.amount), 0)::text as raised
          from loans l left join loan_bids b on b.loan_id = l.id and b.status = 'frozen'
          where l.status = 'listing' group by l.id, l.amount`.execute(database.db)
      ).rows.map((r) => Number((BigInt(r.raised) * 100n) / BigInt(r.amount)));
      expect(progress.length).toBeGreaterThanOrEqual(20);
      expect(progress.some((p) => p === 0)).toBe(true);
      expect(progress.some((p) => p > 0 && p < 50)).toBe(true);
      expect(progress.some((p) => p >= 50 && p < 100)).toBe(true);
      // Collections: open cases in at least three stages; applications waiting for review; notes on sale.
      const stages = await count(sql`
        select count(distinct stage)::int as n from collection_cases where status = 'open'`);
      expect(stages).toBeGreaterThanOrEqual(3);
      expect(
        await count(sql`select count(*)::int as n from loan_applications where status = 'referred'`),
      ).toBeGreaterThanOrEqual(2);
      expect(
        await count(sql`select count(*)::int as n from note_listings where status = 'open'`),
      ).toBeGreaterThanOrEqual(3);
      expect(
        await count(sql`
          select count(*)::int as n from payment_orders where kind = 'merchant_payment' and status = 'succeeded'`),
      ).toBeGreaterThanOrEqual(10);
      // Crowdfunding: a project in every state, the settled ones decided by the day-close.
      const projects = (
        await sql<{ status: string; live: boolean; progress: number; held: number }>`
          select p.status, (p.status = 'scheduled' and p.launch_at <= now() and p.deadline_at > now()) as live,
            (p.pledged * 100 / p.target)::int as progress,
            (select count(*)::int from crowdfunding_backings b where b.project_id = p.id and b.status = 'held') as held
          from crowdfunding_projects p`.execute(database.db)
      ).rows;
      const inState = (status: string) => projects.filter((p) => p.status === status);
      for (const status of ['draft', 'submitted', 'changes_requested', 'succeeded', 'failed'])
        expect(inState(status).length, status).toBeGreaterThanOrEqual(1);
      const live = projects.filter((p) => p.live);
      expect(live.length).toBeGreaterThanOrEqual(3);
      expect(live.some((p) => p.progress < 50)).toBe(true);
      expect(live.some((p) => p.progress >= 50 && p.progress < 100)).toBe(true);
      expect(live.some((p) => p.progress >= 100)).toBe(true);
      expect(projects.some((p) => p.status === 'scheduled' && !p.live)).toBe(true);
      // Settled: nothing still held; the failed one's backings all released, to the cent.
      expect(inState('succeeded').every((p) => p.held === 0 && p.progress >= 100)).toBe(true);
      expect(inState('failed').every((p) => p.held === 0 && p.progress < 100)).toBe(true);
      expect(
        await count(sql`select count(*)::int as n from crowdfunding_backings b join crowdfunding_projects p
          on p.id = b.project_id where p.status = 'failed' and b.status not in ('released', 'cancelled')`),
      ).toBe(0);
      const milestones = (
        await sql<{
          status: string;
        }>`select m.status from crowdfunding_milestones m join crowdfunding_projects p
          on p.id = m.project_id where p.status = 'succeeded'`.execute(database.db)
      ).rows.map((m) => m.status);
      expect(milestones).toContain('paid');
      expect(milestones).toContain('submitted');
      expect(
        await count(sql`select count(*)::int as n from crowdfunding_refunds where complaint_id is not null`),
      ).toBeGreaterThanOrEqual(1);
      expect(output()).toMatch(/demo: crowdfunding: .* written in \d+ ms/);
    } finally {
      await database.close();
    }
  }, 900_000);
});
