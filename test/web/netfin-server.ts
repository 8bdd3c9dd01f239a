import type { ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { ensureWebBuild } from '../../src/cli/web-build.ts';
import { type NetfinRun, runNetfin } from '../support/cli.ts';

/**
 * `netfin start` for the browser tests, on a demo database written once per test run.
 *
 * Writing the demo is most of a browser file's time (minutes on a busy machine, the day-closes
 * most), and every file wrote the same one. Now the first file that needs a demo of a given crowd
 * size writes it into a template folder shared by the run (test/support/global-setup.ts provides it),
 * with the server stopped cleanly; each file then starts netfin on its own copy of that folder, where
 * the demo is found present and not written again. A file still gets a database of its own to change.
 * The files of one run coordinate through the file system: the first to create `<name>.lock` writes,
 * the others wait for `<name>` (or `<name>.failed`, with the reason). The web app is built the same
 * way, once, before any server starts: two servers building it at once would each empty the other's
 * output folder.
 */

/** Set when the file ends: nothing waits any longer. */
let ending = false;

/** A folder of this file's own when the run provides none (a config without the global setup). */
let ownRoot: string | undefined;

/** The run's shared folder. */
function sharedRoot(): string {
  const provided = inject('netfinWebRoot');
  if (provided) return provided;
  ownRoot ??= mkdtempSync(path.join(tmpdir(), 'netfin-web-run-'));
  return ownRoot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes `<root>/<name>` once for the whole run: the first caller runs `produce` into a folder that is
 * renamed into place when it succeeds; every caller gets the finished folder's path.
 */
async function once(name: string, produce: (dir: string) => Promise<void>): Promise<string> {
  const root = sharedRoot();
  const done = path.join(root, name);
  const failed = `${done}.failed`;
  let mine = false;
  try {
    mkdirSync(`${done}.lock`);
    mine = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (mine) {
    const work = `${done}.writing`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    try {
      await produce(work);
      renameSync(work, done);
    } catch (error) {
      writeFileSync(failed, (error as Error).message);
      throw error;
    }
    return done;
  }
  // Another file is writing it. The hook's timeout fails the file first; the wait itself ends when the
  // file ends (cleanUp), so that no timer keeps its worker alive.
  while (!ending) {
    if (existsSync(done)) return done;
    if (existsSync(failed))
      throw new Error(`${name} could not be prepared by another file:\n${readFileSync(failed, 'utf8')}`);
    await sleep(250);
  }
  throw new Error(`the file ended while waiting for ${name}`);
}

/** The web app built once for the run (when missing or older than its sources). */
export function webApp(): Promise<string> {
  return once('web-build', async () => {
    const lines: string[] = [];
    const dist = await ensureWebBuild((line) => lines.push(line));
    if (!dist) throw new Error(`the web app could not be built:\n${lines.join('\n')}`);
  });
}

export interface RunningNetfin {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

interface Launched {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<NetfinRun>;
}

/** Children still running when a file ends (a template being written when its hook timed out). */
const children = new Set<ChildProcess>();

/** Stops whatever this file started and did not stop, and removes a folder of its own. */
export function cleanUp(): void {
  ending = true;
  for (const child of children) child.kill('SIGTERM');
  children.clear();
  if (ownRoot) rmSync(ownRoot, { recursive: true, force: true });
  ownRoot = undefined;
}

/**
 * `netfin start` on `dataDir` and a free port; resolves when the demo data is ready (written, or
 * found present in a copied template).
 */
async function launch(dataDir: string, crowdPercent: number): Promise<Launched> {
  let proc: ChildProcess | undefined;
  let output = '';
  let url: string | undefined;
  let settle: ((value: string) => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const exited = runNetfin(
    ['start'],
    {
      NETFIN_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      NETFIN_WEB: '1',
      DATABASE_URL: '',
      // Every visitor of these tests comes from 127.0.0.1: one address must be able to sign up
      // several people within a minute.
      NETFIN_SMS_INTERVAL_SECONDS: '0',
      NETFIN_DEMO_CROWD: String(crowdPercent),
    },
    (text, child) => {
      if (!proc) children.add(child);
      proc = child;
      output = text;
      url ??= /netfin listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (url && text.includes('netfin: demo data ready')) settle?.(url);
      if (text.includes('the demo data could not be written'))
        fail?.(new Error(`demo data failed:\n${text}`));
    },
  );
  void exited.then((run) => {
    if (proc) children.delete(proc);
    fail?.(new Error(`netfin start exited with ${run.code}:\n${run.out}\n${run.err}`));
  });
  const stop = async () => {
    proc?.kill('SIGTERM');
    const run = await exited;
    if (proc) children.delete(proc);
    return run;
  };
  let address: string;
  try {
    address = await ready;
  } catch (error) {
    // A start that failed (demo data refused, say) must not leave its process running.
    await stop();
    throw error;
  }
  // From here on an exit is the test's doing, or shows in the failing step's server output.
  fail = undefined;
  return { url: address.replace('localhost', '127.0.0.1'), output: () => output, stop };
}

/** The demo with a crowd of `crowdPercent` (NETFIN_DEMO_CROWD), written once for the run, server stopped. */
function demoTemplate(crowdPercent: number): Promise<string> {
  return once(`demo-crowd-${crowdPercent}`, async (dir) => {
    const writer = await launch(dir, crowdPercent);
    // Copied only once it is closed: a live PGlite folder is no consistent copy.
    const run = await writer.stop();
    if (run.code !== 0 || existsSync(path.join(dir, 'netfin.lock')))
      throw new Error(
        `the demo's server did not stop cleanly (${run.code}):\n${writer.output().slice(-4000)}`,
      );
  });
}

/**
 * `netfin start` on a copy of the run's demo (with a crowd of `crowdPercent`) and a free port;
 * resolves when the server is ready. `stop` ends it and deletes the copy.
 */
export async function startNetfin(crowdPercent: number): Promise<RunningNetfin> {
  const began = Date.now();
  await webApp();
  const template = await demoTemplate(crowdPercent);
  const demoReady = Date.now();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netfin-web-'));
  cpSync(template, dataDir, { recursive: true });
  let server: Launched;
  try {
    server = await launch(dataDir, crowdPercent);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // Where a browser file's time goes, in CI's log.
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `netfin for the browser tests: the demo (crowd ${crowdPercent}%) ready after ${seconds(demoReady - began)}, ` +
      `netfin on its copy after ${seconds(Date.now() - demoReady)} more`,
  );
  return {
    url: server.url,
    output: server.output,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
