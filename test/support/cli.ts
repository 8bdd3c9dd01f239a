import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, quoteIdent } from '../../src/db/index.ts';

const BIN = path.join(import.meta.dirname, '../../bin/netfin.js');

export interface NetfinRun {
  readonly code: number | null;
  readonly killed: boolean;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `netfin <args>` as a child process with `env` added to the test's environment. `onOutput`
 * sees everything written so far (stdout and stderr) each time more arrives, with the process, so a
 * test can kill it at a moment of its choosing.
 */
export function runNetfin(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onOutput?: (output: string, proc: ChildProcess) => void,
): Promise<NetfinRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      onOutput?.(out + err, proc);
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      onOutput?.(out + err, proc);
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, killed: signal === 'SIGKILL', out, err }));
  });
}

/**
 * A database that this test process and the `netfin` commands it runs share: a data directory of
 * its own (PGlite) or a schema of its own (PostgreSQL). `env` opens it; `remove` deletes it.
 */
export function sharedCliDatabase(prefix: string): {
  env: NodeJS.ProcessEnv;
  /** The data directory, also a place for the test's own files. */
  dir: string;
  remove: () => Promise<void>;
} {
  const dataDir = mkdtempSync(path.join(tmpdir(), `netfin-${prefix}-`));
  const schema = `cli_${randomBytes(4).toString('hex')}`;
  return {
    dir: dataDir,
    env: {
      NETFIN_DB_SCHEMA: schema,
      ...process.env,
      NETFIN_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NETFIN_DATA_KEY: Buffer.alloc(32, 5).toString('base64'),
      NETFIN_DEMO: '0',
    },
    remove: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (process.env.DATABASE_URL) {
        const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
        await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
        await admin.close();
      }
    },
  };
}
