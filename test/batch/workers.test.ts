import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import type { BatchStep } from '../../src/batch/index.ts';
import { runNetfin } from '../support/cli.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Two workers (two platforms, each with its own connection pool) on one PostgreSQL database share
 * the chunks of a day-close: each chunk is done exactly once, by one of them, and both do some.
 */
let main: TestPlatform;
let helper: Platform;
let schema: string;

const hits = (kind: string, worker: string): BatchStep => ({
  name: `test.${kind}`,
  owner: 'test',
  position: kind === 'locked' ? 960 : 970,
  description: 'records which worker did each chunk',
  transactional: kind === 'locked',
  plan: async () => Array.from({ length: 40 }, (_, i) => ({ n: i })),
  async run(db, _date, bounds) {
    await sql`select pg_sleep(0.005)`.execute(db);
    await sql`insert into test_chunk_hits (kind, chunk, worker) values (${kind}, ${bounds.n as number}, ${worker})`.execute(
      db,
    );
    return 1;
  },
});

beforeAll(async () => {
  if (!onPostgres) return;
  main = await openTestPlatform();
  schema = (await sql<{ s: string }>`select current_schema() as s`.execute(main.platform.db)).rows[0]!.s;
  helper = await openPlatform(loadConfig(process.env, { logLevel: 'silent', dataKey: Buffer.alloc(32, 7) }), {
    schema,
    clock: main.clock,
    migrate: false,
    log: () => {},
  });
  await sql`create table test_chunk_hits (kind text not null, chunk int not null, worker text not null)`.execute(
    main.platform.db,
  );
  for (const kind of ['locked', 'leased']) {
    main.platform.batch.register(hits(kind, 'main'));
    helper.batch.register(hits(kind, 'helper'));
  }
});
afterAll(async () => {
  await helper?.close();
  await main?.close();
});

describe.skipIf(!onPostgres)('two workers on PostgreSQL', () => {
  it('never process a chunk twice, and share the work', async () => {
    const date = await main.platform.batch.businessDate();
    const closing = main.platform.batch.close('main');
    // The helper joins once the run is written, as `netfin worker` does.
    let helped = 0;
    for (let i = 0; i < 100 && helped === 0; i++) {
      helped = await helper.batch.work('helper', { untilIdle: true });
      if (helped === 0) await new Promise((r) => setTimeout(r, 20));
    }
    const result = await closing;
    expect(result).toMatchObject({ date, alreadyClosed: false });
    const rows = await sql<{ kind: string; chunk: number; n: number; workers: string }>`
      select kind, chunk, count(*)::int as n, string_agg(worker, ',') as workers from test_chunk_hits group by kind, chunk order by kind, chunk`.execute(
      main.platform.db,
    );
    expect(rows.rows).toHaveLength(80);
    for (const row of rows.rows) expect(row.n, `${row.kind} chunk ${row.chunk}: ${row.workers}`).toBe(1);
    const byWorker = await sql<{ worker: string; n: number }>`
      select worker, count(*)::int as n from test_chunk_hits group by worker order by worker`.execute(
      main.platform.db,
    );
    expect(byWorker.rows.map((r) => r.worker)).toEqual(['helper', 'main']);
    const done = await sql<{ done_by: string; n: number }>`
      select done_by, count(*)::int as n from batch_chunks where step like 'test.%' and status = 'done' group by done_by`.execute(
      main.platform.db,
    );
    expect(done.rows.reduce((a, r) => a + r.n, 0)).toBe(80);
    expect(await main.platform.batch.businessDate()).not.toBe(date);
  });

  it('`netfin day-close --workers 2` starts a helper process beside it and waits for it', {
    timeout: 120_000,
  }, async () => {
    const before = await main.platform.batch.businessDate();
    const run = await runNetfin(['day-close', '--workers', '2'], {
      NETFIN_DB_SCHEMA: schema,
      NETFIN_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(run.code, run.err).toBe(0);
    expect(run.out, run.err).toContain(`closed ${before}`);
    // The helper reported before it left; the coordinator waited for it.
    expect(run.err).toMatch(/worker \S+: helped with \d+ run\(s\), peak memory \d+ MB/);
    const report = await main.platform.batch.run(before);
    expect(report).toMatchObject({ status: 'done', workers: 2 });
    expect(await main.platform.batch.refresh()).not.toBe(before);
  });
});
