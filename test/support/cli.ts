import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

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
