import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import { copySchema, openDatabase, quoteIdent } from '../../src/db/index.ts';
import { addDays, ManualClock, type PlainDate } from '../../src/kernel/index.ts';
import { fingerprint, smallPortfolio } from '../support/batch.ts';
import { runNetfin } from '../support/cli.ts';
import { ADMIN_TOKEN, onPostgres, type TestApp } from '../support/platform.ts';

/**
 * `netfin day-close --to D` SIGKILLed again and again at random moments, then run to the end, ends
 * in the same state as the same command run once without interruption on a copy of the same
 * database: no posting missing or doubled, every chunk done once, the ledger verified.
 */
const root = mkdtempSync(path.join(tmpdir(), 'netfin-dayclose-'));
const KEY = Buffer.alloc(32, 7);
const tag = randomBytes(4).toString('hex');
const places = {
  killed: onPostgres ? { schema: `dc_killed_${tag}` } : { dataDir: path.join(root, 'killed') },
  straight: onPostgres ? { schema: `dc_straight_${tag}` } : { dataDir: path.join(root, 'straight') },
};

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (onPostgres) {
    const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
    for (const p of Object.values(places))
      await sql
        .raw(`drop schema if exists ${quoteIdent((p as { schema: string }).schema)} cascade`)
        .execute(admin.db);
    await admin.close();
  }
});

function configFor(place: { schema?: string; dataDir?: string }) {
  const base = loadConfig(process.env, {
    logLevel: 'silent',
    dataKey: KEY,
    adminToken: ADMIN_TOKEN,
    demo: true,
    ...(place.dataDir ? { dataDir: place.dataDir } : {}),
  });
  // Every sign-up of the scenario comes from one address.
  return {
    ...base,
    identity: {
      ...base.identity,
      smsPerIpPerMinute: 1_000_000,
      smsPerIpPerDay: 1_000_000,
      sessionTtlHours: 24 * 3650,
    },
  };
}

async function open(place: { schema?: string; dataDir?: string }, clock?: ManualClock): Promise<Platform> {
  return openPlatform(configFor(place), {
    log: () => {},
    ...(clock ? { clock } : {}),
    ...(place.schema ? { schema: place.schema } : {}),
  });
}

async function copySchemaOnServer(from: string, to: string) {
  const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
  try {
    await copySchema(admin.db, from, to);
  } finally {
    await admin.close();
  }
}

async function dayClose(
  place: { schema?: string; dataDir?: string },
  to: PlainDate,
  killAfterMs: number | null,
): Promise<{ killed: boolean; code: number | null; output: string }> {
  let timer: NodeJS.Timeout | undefined;
  const run = await runNetfin(
    [...(place.dataDir ? ['--data-dir', place.dataDir] : []), 'day-close', '--to', to],
    { NETFIN_DATA_KEY: KEY.toString('base64'), ...(place.schema ? { NETFIN_DB_SCHEMA: place.schema } : {}) },
    (output, proc) => {
      // Kill only once the run is under way (the first date closed), at a random moment after.
      if (killAfterMs !== null && !timer && output.includes('closed '))
        timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    },
  );
  clearTimeout(timer);
  return { killed: run.killed, code: run.code, output: run.out + run.err };
}

describe(`a day-close killed and resumed (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('ends in the same state as an uninterrupted one', { timeout: 300_000 }, async () => {
    // The portfolio, made through the API on the first database.
    const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
    const platform = await open(places.killed, clock);
    const app = await buildApp(platform);
    await app.ready();
    const t = { platform, clock, app, close: async () => {} } as TestApp;
    await smallPortfolio(t);
    const start = await platform.batch.businessDate();
    await app.close();
    await platform.close();
    const end = addDays(start, 75);
    // An identical copy for the uninterrupted run.
    if (onPostgres) await copySchemaOnServer(places.killed.schema!, places.straight.schema!);
    else cpSync(places.killed.dataDir!, places.straight.dataDir!, { recursive: true });

    const began = performance.now();
    const straight = await dayClose(places.straight, end, null);
    console.log(`uninterrupted: ${Math.round(performance.now() - began)} ms`);
    expect(straight.code, straight.output).toBe(0);

    const kills: string[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const delay = attempt < 5 ? 50 + Math.floor(Math.random() * 1500) : null;
      const run = await dayClose(places.killed, end, delay);
      if (!run.killed) {
        expect(run.code, run.output).toBe(0);
        break;
      }
      kills.push(`${delay} ms`);
    }
    console.log(`killed after ${kills.join(', ')}`);
    expect(kills.length, 'the run was killed at least once').toBeGreaterThan(0);

    const [a, b] = [await open(places.killed), await open(places.straight)];
    try {
      expect(await a.batch.businessDate()).toBe(addDays(end, 1));
      expect(await b.batch.businessDate()).toBe(addDays(end, 1));
      expect(await fingerprint(a)).toEqual(await fingerprint(b));
      expect((await a.ledger.verify()).problems).toEqual([]);
      const steps = async (p: Platform) =>
        (
          await sql<{ d: string; step: string; status: string; rows: string }>`
            select business_date::text as d, step, status, rows::text from batch_steps order by 1, 2`.execute(
            p.db,
          )
        ).rows;
      expect(await steps(a)).toEqual(await steps(b));
      const cases = async (p: Platform) =>
        (
          await sql<{ loan_id: string; stage: string; status: string; dpd: number }>`
            select loan_id, stage, status, dpd from collection_cases order by loan_id, opened_on`.execute(
            p.db,
          )
        ).rows;
      expect(await cases(a)).toEqual(await cases(b));
      const chunks = await sql<{
        n: number;
      }>`select count(*)::int as n from batch_chunks where status <> 'done'`.execute(a.db);
      expect(chunks.rows[0]!.n).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
