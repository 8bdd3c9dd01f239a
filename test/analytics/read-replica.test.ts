import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsArea, defineMetrics } from '../../src/analytics/index.ts';
import type { Executor } from '../../src/db/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { eveningOf } from '../support/batch.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Reports on a streaming replica (docs/scaling.md): with NETFIN_READ_DATABASE_URL, analytics reads a
 * hot standby while the day-close writes the primary. The replica test needs a real one:
 * `scripts/pg-replica.sh run -- npx vitest run test/analytics/read-replica.test.ts` with DATABASE_URL
 * set (CI runs the suite so, .ci/run). A probe area's fact of a closed day is the row that travels.
 */
const REPLICA_URL = process.env.NETFIN_TEST_REPLICA_URL;

const probe: AnalyticsArea = {
  name: 'probe',
  metrics: defineMetrics('probe', [
    { name: 'closes', unit: 'count', rollup: 'sum', dimensions: [], description: 'the day of the month' },
  ]),
  collect: async (_trx, date) => [{ metric: 'probe.closes', value: Number(date.slice(8)) }],
};

async function series(t: TestApp, date: PlainDate) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/analytics/series?metrics=probe.closes&from=${date}&to=${date}`,
    headers: asAdmin,
  });
  expect(response.statusCode).toBe(200);
  return response.json().items[0].points as { period: string; value: string }[];
}

async function source(t: TestApp) {
  const response = await t.app.inject({ method: 'GET', url: '/v1/analytics/source', headers: asAdmin });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function factsOf(db: Executor, date: PlainDate): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*)::text as n from analytics_facts where business_date = ${date}`.execute(db);
  return Number(rows[0]!.n);
}

describe('reports on the primary (no NETFIN_READ_DATABASE_URL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp({ analyticsAreas: [probe] });
  });
  afterAll(() => t?.close());

  it('read the one database, and say so with no lag', async () => {
    expect(t.platform.readSource).toBe('primary');
    expect(t.platform.readDb).toBe(t.platform.db);
    expect(await source(t)).toEqual({
      source: 'primary',
      inRecovery: false,
      replayedAt: null,
      lagSeconds: null,
      replayLsn: null,
      primaryLsn: null,
      behindBytes: null,
    });
  });
});

describe.skipIf(!REPLICA_URL || !process.env.DATABASE_URL)('reports on a streaming replica', () => {
  let t: TestApp;

  /** The primary's WAL position now: what the replica must replay to show everything written so far. */
  const primaryLsn = async () =>
    (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(t.platform.db)).rows[0]!
      .lsn;
  const replayed = async (target: string) =>
    (
      await sql<{ done: boolean }>`
        select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${target}::pg_lsn) >= 0 as done`.execute(
        t.platform.readDb,
      )
    ).rows[0]!.done;
  /** Polls (bounded) until the replica has replayed up to `target`. */
  const replayTo = async (target: string) => {
    for (let i = 0; i < 600; i++) {
      if (await replayed(target)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the replica did not replay up to ${target} in 30 s`);
  };
  const replayState = async () =>
    (await sql<{ state: string }>`select pg_get_wal_replay_pause_state() as state`.execute(t.platform.readDb))
      .rows[0]!.state;

  beforeAll(async () => {
    t = await openTestApp({ readDatabaseUrl: REPLICA_URL!, analyticsAreas: [probe] });
    // The test's schema and tables, made on the primary, reach the replica by replication.
    await replayTo(await primaryLsn());
  });
  afterAll(async () => {
    // Never leave the replica paused, whatever happened.
    if (t) await sql`select pg_wal_replay_resume()`.execute(t.platform.readDb).catch(() => {});
    await t?.close();
  });

  it('is a hot standby that refuses writes', async () => {
    expect(t.platform.readSource).toBe('replica');
    const state = await source(t);
    expect(state).toMatchObject({ source: 'replica', inRecovery: true });
    await expect(
      sql`insert into analytics_facts (business_date, metric, dimension, area, value) values ('2026-01-01', 'x', '', 'x', 1)`.execute(
        t.platform.readDb,
      ),
    ).rejects.toThrow(/read-only/);
  });

  it('shows a closed day only once the replica has replayed it, with the lag on the page', async () => {
    // Replay paused: what the primary writes from now on cannot be on the replica yet.
    await sql`select pg_wal_replay_pause()`.execute(t.platform.readDb);
    for (let i = 0; i < 600 && (await replayState()) !== 'paused'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await replayState()).toBe('paused');

    const date = await t.platform.batch.businessDate();
    eveningOf(t, date);
    await t.platform.batch.close('test');
    const written = await primaryLsn();
    expect(await factsOf(t.platform.db, date)).toBe(1);

    // The pages read the replica: the day is not there yet, and the page says how far behind it is.
    expect(await factsOf(t.platform.readDb, date)).toBe(0);
    expect(await series(t, date)).toEqual([]);
    const behind = await source(t);
    expect(behind.source).toBe('replica');
    expect(BigInt(behind.behindBytes)).toBeGreaterThan(0n);
    expect(behind.lagSeconds).toMatch(/^\d+\.\d{3}$/);
    expect(behind.replayedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(behind.replayLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

    await sql`select pg_wal_replay_resume()`.execute(t.platform.readDb);
    await replayTo(written);
    expect(await factsOf(t.platform.readDb, date)).toBe(1);
    expect(await series(t, date)).toEqual([
      { period: date, dimension: {}, value: String(Number(date.slice(8))) },
    ]);
    const after = await source(t);
    expect(after.source).toBe('replica');
    // Caught up with at least the day's write (other work on the primary may have moved it on since).
    const caughtUp = await sql<{ ok: boolean }>`
      select pg_wal_lsn_diff(${after.replayLsn}::pg_lsn, ${written}::pg_lsn) >= 0 as ok`.execute(
      t.platform.db,
    );
    expect(caughtUp.rows[0]!.ok).toBe(true);
  });
});
