import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../../src/db/index.ts';
import { onPostgres } from '../support/platform.ts';

/**
 * SIGKILL a process in the middle of a large batch, restart, and check that the batch is wholly
 * applied or wholly absent and that verification finds nothing wrong.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'netfin-crash-'));
const schema = onPostgres ? `crash_${randomBytes(5).toString('hex')}` : undefined;
const child = path.join(import.meta.dirname, 'crash-child.ts');

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (schema) {
    const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
    await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
    await admin.close();
  }
});

function runChild(prefix: string, killAfterMs: number | null): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child], {
      env: {
        ...process.env,
        CRASH_PREFIX: prefix,
        CRASH_DATA_DIR: dataDir,
        ...(schema ? { CRASH_SCHEMA: schema } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (killAfterMs !== null && output.includes('batch\n')) {
        setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', output }));
  });
}

describe(`a process killed in the middle of a batch (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('leaves the batch wholly applied or wholly absent, and the ledger verified', async () => {
    const outcomes: string[] = [];
    for (const [i, delay] of [5, 40, 150, 400, null].entries()) {
      const prefix = `crash${i}:`;
      const { killed, output } = await runChild(prefix, delay);
      const platform = await openPlatform(
        loadConfig(process.env, { dataDir, logLevel: 'silent', dataKey: Buffer.alloc(32, 5) }),
        schema ? { schema } : {},
      );
      try {
        const count = await sql<{ n: bigint }>`
          select count(*)::int8 as n from ledger_transfers where id like ${`${prefix}%`}`.execute(
          platform.db,
        );
        const n = count.rows[0]!.n;
        expect([0n, 8190n], `after ${killed ? 'SIGKILL' : 'exit'}: ${output}`).toContain(n);
        if (!killed) expect(n).toBe(8190n);
        outcomes.push(
          `${killed ? `killed after ${delay} ms` : 'finished'}: ${n === 0n ? 'absent' : 'applied'}`,
        );
        const report = await platform.ledger.verify();
        expect(report.problems).toEqual([]);
      } finally {
        await platform.close();
      }
    }
    // At least one kill must have landed before the commit, or the test proved nothing.
    expect(
      outcomes.some((o) => o.includes('absent')),
      outcomes.join('; '),
    ).toBe(true);
    console.log(`crash outcomes: ${outcomes.join('; ')}`);
  }, 180_000);
});
