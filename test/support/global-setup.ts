import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder the browser test files of this run share: the web build and the demo written once (test/web/netfin-server.ts). */
    netfinWebRoot: string;
  }
}

/** Says which database the suite runs on, so that CI output shows both runs. */
export default function setup(project: TestProject): () => void {
  const url = process.env.DATABASE_URL;
  const target = url ? `PostgreSQL (${url.replace(/\/\/[^@/]*@/, '//***@')})` : 'embedded PGlite';
  console.log(`\nnetfin test suite on ${target}\n`);
  // Empty unless a browser test file runs: they write into it what they need, the first one that does.
  const webRoot = mkdtempSync(path.join(tmpdir(), 'netfin-web-run-'));
  project.provide('netfinWebRoot', webRoot);
  return () => rmSync(webRoot, { recursive: true, force: true });
}
