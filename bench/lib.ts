import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Platform } from '../src/app/platform.ts';
import type { Executor } from '../src/db/index.ts';
import { ChartOfAccounts } from '../src/ledger/index.ts';
import { ensureWallet } from '../src/payments/wallet.ts';

/** Deterministic pseudo-random numbers (mulberry32), so every run draws the same traffic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s: hot accounts, as real traffic has. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Measurement {
  readonly name: string;
  readonly operations: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  /** Percentiles measured elsewhere (by wrk), used instead of latenciesMs. */
  readonly percentilesMs?: { readonly p50: number; readonly p99: number };
}

export function summarize(m: Measurement) {
  const sorted = [...m.latenciesMs].sort((a, b) => a - b);
  return {
    perSecond: m.operations / m.seconds,
    p50: m.percentilesMs?.p50 ?? percentile(sorted, 50),
    p99: m.percentilesMs?.p99 ?? percentile(sorted, 99),
  };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memory = Math.round(os.totalmem() / 2 ** 30);
  let pg = '';
  try {
    pg = execSync('postgres --version 2>/dev/null || ls /usr/lib/postgresql 2>/dev/null', {
      encoding: 'utf8',
    }).trim();
  } catch {
    // no local server binary
  }
  return `${os.cpus().length} × ${cpu}, ${memory} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}${pg ? `, ${pg}` : ''}`;
}

const RESULTS = path.join(import.meta.dirname, 'RESULTS.md');

/** Clock ticks of a process's CPU (utime + stime of /proc/<pid>/stat, all its threads), or 0. */
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export interface CpuUse {
  /** This process, every thread (ms). */
  readonly node: number;
  /** Other processes named by `pids` (a server this bench started), ms. */
  readonly others: number;
  /** The PostgreSQL server's processes when it runs on this machine, else null (ms). */
  readonly server: number | null;
}

/**
 * CPU milliseconds of the machine's work for a phase: this process (every thread: the main one,
 * workers, native pools), the processes `pids` (a server this bench spawned), and, when `db` is a
 * PostgreSQL server on this machine, its processes (the postmaster and its children: backends, WAL
 * writer, checkpointer). Null where there is no /proc. Start it, run the phase, call the result.
 */
export async function cpuMeter(
  db: Executor | null,
  pids: readonly number[] = [],
): Promise<(() => CpuUse) | null> {
  if (process.platform !== 'linux') return null;
  let postmaster: number | null = null;
  if (db) {
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
      postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      postmaster = null; // PGlite, or a server on another machine
    }
  }
  const serverTicks = (): number | null => {
    if (postmaster === null) return null;
    let ticks = ticksOf(postmaster);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
          ticks += ticksOf(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks;
  };
  const othersTicks = () => pids.reduce((sum, pid) => sum + ticksOf(pid), 0);
  const node0 = process.cpuUsage();
  const others0 = othersTicks();
  const server0 = serverTicks();
  return () => {
    const node = process.cpuUsage(node0);
    const server = serverTicks();
    return {
      node: (node.user + node.system) / 1000,
      others: (othersTicks() - others0) * 10,
      server: server === null || server0 === null ? null : (server - server0) * 10,
    };
  };
}

/** Replaces the section for `suite` in bench/RESULTS.md (creating the file if needed), keeping the others. */
export function writeSection(suite: string, body: string): void {
  const header =
    '# Benchmark results\n\nWritten by `npm run bench`. Each suite rewrites its own section; figures are from the machine and date shown in the section.\n';
  const existing = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : header;
  const start = `<!-- suite:${suite} -->`;
  const end = `<!-- /suite:${suite} -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  const next = pattern.test(existing)
    ? existing.replace(pattern, section)
    : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next.endsWith('\n') ? next : `${next}\n`);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Starts `netfin start` on a free port in a child process; resolves when it is listening. */
export function startServer(env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; port: number }> {
  const bin = path.resolve(import.meta.dirname, '../bin/netfin.js');
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'start'], {
      env: { ...env, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (match) resolve({ proc, port: Number(match[1]) });
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/**
 * Open-loop load: starts `send` at a steady `rate` per second for `seconds`, whether or not earlier
 * calls have answered, and measures each call's latency from the moment it was due to start, not
 * from when it actually started. So a server that falls behind shows it in the latency, rather than
 * slowing the load down (wrk's closed loop does that, and its percentiles then say little about
 * latency). Any failed call fails the measurement.
 */
export async function openLoop(
  name: string,
  rate: number,
  seconds: number,
  send: (i: number) => Promise<void>,
): Promise<Measurement> {
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const calls: Promise<void>[] = [];
  const start = performance.now();
  let failure: unknown = null;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      send(i).then(
        () => {
          latencies.push(performance.now() - due);
        },
        (error: unknown) => {
          failure ??= error;
        },
      ),
    );
  }
  await Promise.all(calls);
  if (failure) throw failure;
  return { name, operations: total, seconds: (performance.now() - start) / 1000, latenciesMs: latencies };
}

/**
 * Funds each user's wallet with `amount` from outside, in one transaction (a benchmark shortcut: real
 * money comes in through channels).
 */
export async function fundWallets(
  platform: Platform,
  userIds: readonly string[],
  amount: bigint,
): Promise<void> {
  await platform.db.transaction().execute(async (trx) => {
    await platform.ledger.createAccounts(
      [{ id: 'bench:outside', ledger: 'CNY', code: ChartOfAccounts.external.code }],
      { tx: trx },
    );
    for (const id of userIds) await ensureWallet(platform.payments.context, trx, id);
    await platform.ledger.createTransfers(
      userIds.map((id) => ({
        id: `bench:fund:${id}`,
        debitAccountId: 'bench:outside',
        creditAccountId: `wallet:${id}:CNY`,
        amount,
        ledger: 'CNY',
        code: 1,
      })),
      { tx: trx },
    );
  });
}
