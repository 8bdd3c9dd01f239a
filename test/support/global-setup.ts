import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/index.ts';
import { PGliteDialect } from '../../src/db/pglite-dialect.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder the browser test files of this run share: the web build and the demo written once (test/web/netfin-server.ts). */
    netfinWebRoot: string;
    /** On PGlite, a migrated data directory (a tarball) every test's database starts from; '' on PostgreSQL. */
    netfinPgliteImage: string;
  }
}

/** Says which database the suite runs on, so that CI output shows both runs. */
export default async function setup(project: TestProject): Promise<() => void> {
  const url = process.env.DATABASE_URL;
  const target = url ? `PostgreSQL (${url.replace(/\/\/[^@/]*@/, '//***@')})` : 'embedded PGlite';
  console.log(`\nnetfin test suite on ${target}\n`);
  // Empty unless a browser test file runs: they write into it what they need, the first one that does.
  const webRoot = mkdtempSync(path.join(tmpdir(), 'netfin-web-run-'));
  project.provide('netfinWebRoot', webRoot);
  const imageDir = mkdtempSync(path.join(tmpdir(), 'netfin-pglite-run-'));
  const removeAll = () => {
    rmSync(webRoot, { recursive: true, force: true });
    rmSync(imageDir, { recursive: true, force: true });
  };
  try {
    project.provide('netfinPgliteImage', url ? '' : await writePgliteImage(imageDir));
  } catch (error) {
    removeAll();
    throw error;
  }
  return removeAll;
}

/**
 * Most of the cost of opening a PGlite database is initdb making its empty cluster (seconds, in
 * wasm). The run makes one, migrated by the real migrate(), and dumps its data directory; each test's
 * database then starts from its own copy of it (test/support/platform.ts), and openPlatform's migrate
 * finds nothing left to do. Nothing is seeded here: seeds take the test's clock, ids and keys.
 */
async function writePgliteImage(dir: string): Promise<string> {
  const pglite = new PGlite();
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  try {
    await migrate(db);
    // Written to the data files now, so that a copy starts without replaying the migrations' WAL.
    await pglite.exec('checkpoint');
    const image = await pglite.dumpDataDir('none');
    const file = path.join(dir, 'migrated.tar');
    writeFileSync(file, new Uint8Array(await image.arrayBuffer()));
    return file;
  } finally {
    await db.destroy();
  }
}
