import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** The app's sources, its build settings, what it imports from src/, and the installed packages. */
function sourcesChangedAt(): number {
  return Math.max(
    newest(join(WEB, 'src')),
    newest(join(WEB, 'index.html')),
    newest(join(WEB, 'vite.config.ts')),
    newest(join(ROOT, 'src/identity/roles.ts')),
    newest(join(ROOT, 'package-lock.json')),
  );
}

export function webBuildIsStale(dist = join(WEB, 'dist')): boolean {
  const index = join(dist, 'index.html');
  return !existsSync(index) || statSync(index).mtimeMs < sourcesChangedAt();
}

/**
 * Builds the web app when its build is missing or older than its sources, so that `npm start` on a
 * fresh clone serves it with no other command. Returns the folder to serve, or undefined when the
 * sources are absent (an install without web/).
 */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<string | undefined> {
  const dist = join(WEB, 'dist');
  if (!existsSync(join(WEB, 'index.html'))) return undefined;
  if (!webBuildIsStale(dist)) return dist;
  log('netfin: building the web app (web/ changed or was never built)');
  const started = Date.now();
  try {
    const { build } = await import('vite');
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  } catch (error) {
    // A read-only install, say: the API still starts, with the build there is (if any).
    log(`netfin: the web app could not be built (${(error as Error).message.split('\n')[0]})`);
    return existsSync(join(dist, 'index.html')) ? dist : undefined;
  }
  log(`netfin: web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dist;
}

/** The web app to serve: its folder, and whether (once known) a build is there to serve. */
export interface WebApp {
  readonly dir: string;
  /** Resolves when a build running in the background ends: true when there is one to serve. */
  readonly ready: Promise<boolean>;
}

/**
 * Like `ensureWebBuild`, but a stale build is rebuilt in a child process, on another core, while
 * the server starts and the demo is written; until it ends, the app's pages say that it is being
 * built. Returns undefined when the sources are absent.
 */
export function startWebBuild(log: (line: string) => void = console.log): WebApp | undefined {
  const dist = join(WEB, 'dist');
  if (!existsSync(join(WEB, 'index.html'))) return undefined;
  if (!webBuildIsStale(dist)) return { dir: dist, ready: Promise.resolve(true) };
  log('netfin: building the web app in the background (web/ changed or was never built)');
  const started = Date.now();
  const script = `const { build } = await import('vite');
await build({ configFile: ${JSON.stringify(join(WEB, 'vite.config.ts'))}, logLevel: 'warn' });`;
  const ready = new Promise<boolean>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stop = () => child.kill();
    process.once('exit', stop);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const built = existsSync(join(dist, 'index.html'));
    child.on('error', (error) => {
      log(`netfin: the web app could not be built (${error.message})`);
      resolve(built);
    });
    child.on('exit', (code) => {
      process.off('exit', stop);
      if (code === 0) {
        log(`netfin: web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        resolve(true);
        return;
      }
      // A read-only install, say: the API still serves, with the build there is (if any).
      const reason = errors.trim().split('\n')[0] || `exit code ${code}`;
      log(`netfin: the web app could not be built (${reason})`);
      resolve(existsSync(join(dist, 'index.html')));
    });
  });
  return { dir: dist, ready };
}
