import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../src/db/index.ts';
import { AccountFlag, type TransferInput } from '../src/ledger/index.ts';
import { type BareTransfer, copyLedgerTables, insertTransfers, postTransfers } from './bare.ts';
import { batchesOverHttp, postJson, transferJson } from './ledger-http.ts';
import {
  fmt,
  type Measurement,
  machine,
  rng,
  startServer,
  summarize,
  timed,
  writeSection,
  zipf,
} from './lib.ts';

/**
 * The ledger benchmark (issue: "Speed"): 10,000 funded accounts with debitsMustNotExceedCredits,
 * accounts picked Zipf-skewed (s = 1.0); (a) batches of 8,190 through the in-process API and over
 * HTTP, (b) single transfers from 64 concurrent in-process callers, (c) single transfers over HTTP
 * from 64 concurrent connections; each beside a bare-SQL baseline doing the same inserts and balance
 * updates.
 */
const ACCOUNTS = 10_000;
const BENCH_DATA_KEY = Buffer.alloc(32, 9);
const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const BATCH = 8190;
const CALLERS = 64;

interface Target {
  readonly name: string;
  readonly url: string | undefined;
}

interface Row {
  readonly target: string;
  readonly test: string;
  readonly netfin: ReturnType<typeof summarize>;
  readonly baseline: ReturnType<typeof summarize>;
  readonly note: string;
}

const accountId = (i: number) => `bench:acct:${i}`;

export class Traffic {
  private readonly random = rng(42);
  private readonly pick = zipf(ACCOUNTS, 1.0, this.random);
  private counter = 0;
  constructor(private readonly prefix: string) {}
  next(): TransferInput {
    const debit = this.pick();
    let credit = this.pick();
    while (credit === debit) credit = this.pick();
    return {
      id: `${this.prefix}${this.counter++}`,
      debitAccountId: accountId(debit),
      creditAccountId: accountId(credit),
      amount: BigInt(1 + Math.floor(this.random() * 10_000)),
      ledger: 'CNY',
      code: 1,
    };
  }
  batch(size: number): TransferInput[] {
    return Array.from({ length: size }, () => this.next());
  }
}

export async function setup(platform: Platform): Promise<void> {
  const { ledger, db } = platform;
  await ledger.createAccounts([{ id: 'bench:external', ledger: 'CNY', code: 9001 }]);
  for (let start = 0; start < ACCOUNTS; start += BATCH) {
    const size = Math.min(BATCH, ACCOUNTS - start);
    await ledger.createAccounts(
      Array.from({ length: size }, (_, i) => ({
        id: accountId(start + i),
        ledger: 'CNY',
        code: 2001,
        flags: AccountFlag.debitsMustNotExceedCredits,
      })),
    );
    await ledger.createTransfers(
      Array.from({ length: size }, (_, i) => ({
        id: `bench:fund:${start + i}`,
        debitAccountId: 'bench:external',
        creditAccountId: accountId(start + i),
        amount: 100_000_000_00n,
        ledger: 'CNY',
        code: 1,
      })),
    );
  }
  // The baseline's own copies of the tables: same columns, indexes and fillfactor.
  await copyLedgerTables(db, BARE, false);
}

const BARE = { accounts: 'bench_accounts', transfers: 'bench_transfers' };

const bare = (transfers: TransferInput[]): BareTransfer[] =>
  transfers.map((t) => ({
    id: t.id,
    debitAccountId: t.debitAccountId!,
    creditAccountId: t.creditAccountId!,
    amount: t.amount,
  }));

function nextBase(seq: { next: bigint }, count: number): bigint {
  const base = seq.next;
  seq.next += BigInt(count);
  return base;
}

/** Bare SQL: lock the accounts, insert the transfers, apply the summed balance changes. No checks. */
function bareBatch(platform: Platform, transfers: TransferInput[], seq: { next: bigint }): Promise<void> {
  const base = nextBase(seq, transfers.length);
  return platform.db.transaction().execute((trx) => postTransfers(trx, BARE, bare(transfers), base));
}

/**
 * The storage floor: only the transfer rows inserted, into the same table shape with the same three
 * indexes (id, and each side's account with the timestamp), in a transaction; no locks, no balances,
 * no checks. No ledger on PostgreSQL can record transfers faster than this on the same machine.
 */
function insertOnly(platform: Platform, transfers: TransferInput[], seq: { next: bigint }): Promise<void> {
  const base = nextBase(seq, transfers.length);
  return platform.db.transaction().execute((trx) => insertTransfers(trx, BARE, bare(transfers), base));
}

async function measureBatches(
  name: string,
  batches: TransferInput[][],
  apply: (b: TransferInput[]) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  const start = performance.now();
  for (const batch of batches) latencies.push((await timed(() => apply(batch))).ms);
  return {
    name,
    operations: batches.length * BATCH,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: latencies,
  };
}

async function measureConcurrent(
  name: string,
  traffic: Traffic,
  total: number,
  call: (t: TransferInput) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let issued = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (issued < total) {
        issued++;
        const transfer = traffic.next();
        latencies.push((await timed(() => call(transfer))).ms);
      }
    }),
  );
  return { name, operations: total, seconds: (performance.now() - start) / 1000, latenciesMs: latencies };
}

function stopServer(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/**
 * Drives POST /v1/ledger/transfers from 64 connections: with wrk (a C load generator, from Debian's
 * packages) when it is installed, so that the load costs the server's two cores little; otherwise
 * from this process with node:http, which competes with the server for CPU and lowers its figure.
 */
async function loadOverHttp(
  port: number,
  seconds: number,
): Promise<{ measurement: Measurement; tool: string }> {
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (wrk.error === undefined) {
    const script = path.join(import.meta.dirname, 'wrk-transfers.lua');
    const url = `http://127.0.0.1:${port}/v1/ledger/transfers`;
    spawnSync(
      'wrk',
      ['-t2', `-c${CALLERS}`, '-d3s', '-s', script, url, '--', 'bench:cwarm:', BENCH_ADMIN_TOKEN],
      {
        encoding: 'utf8',
      },
    );
    const run = spawnSync(
      'wrk',
      [
        '-t2',
        `-c${CALLERS}`,
        `-d${seconds}s`,
        '--latency',
        '-s',
        script,
        url,
        '--',
        'bench:c:',
        BENCH_ADMIN_TOKEN,
      ],
      {
        encoding: 'utf8',
      },
    );
    const out = run.stdout;
    const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const total = Number(/(\d+) requests in/.exec(out)?.[1]);
    const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
    if (!Number.isFinite(rate) || errors) throw new Error(`wrk failed or saw errors:\n${out}\n${run.stderr}`);
    const ms = (label: string) => {
      const match = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
      if (!match) return 0;
      const value = Number(match[1]);
      return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
    };
    return {
      measurement: {
        name: 'c',
        operations: total,
        seconds: total / rate,
        latenciesMs: [],
        percentilesMs: { p50: ms('50'), p99: ms('99') },
      },
      tool: 'wrk, 2 threads',
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
  const traffic = new Traffic('bench:c:');
  const post = (t: TransferInput) =>
    postJson(
      agent,
      port,
      '/v1/ledger/transfers',
      JSON.stringify({ transfers: [transferJson(t)] }),
      BENCH_ADMIN_TOKEN,
    );
  for (let i = 0; i < 200; i++) await post(new Traffic(`bench:cw${i}:`).next());
  const measurement = await measureConcurrent('c', traffic, CALLERS * 100, async (t) => {
    const { status } = await post(t);
    if (status !== 200) throw new Error(`HTTP ${status}`);
  });
  agent.destroy();
  return { measurement, tool: 'node:http in the benchmark process (wrk not installed)' };
}

async function benchTarget(target: Target): Promise<Row[]> {
  const onServer = target.url !== undefined;
  const schema = `bench_ledger_${Date.now()}`;
  const dataDir = onServer ? '' : mkdtempSync(path.join(tmpdir(), 'netfin-bench-'));
  const config = loadConfig(
    { ...process.env, DATABASE_URL: target.url ?? '' },
    { dataDir, poolSize: 80, logLevel: 'silent', dataKey: BENCH_DATA_KEY, adminToken: BENCH_ADMIN_TOKEN },
  );
  const rows: Row[] = [];
  let platform = await openPlatform(config, onServer ? { schema } : {});
  try {
    console.log(`[${target.name}] setting up ${fmt(ACCOUNTS)} funded accounts`);
    await setup(platform);
    const { ledger } = platform;
    const seq = { next: 10n ** 12n };

    // (a) batches of 8,190
    const batchCount = onServer ? 12 : 4;
    const ledgerTraffic = new Traffic('bench:a:');
    const bareTraffic = new Traffic('bench:a:');
    await ledger.createTransfers(new Traffic('bench:warm:').batch(BATCH));
    await bareBatch(platform, new Traffic('bench:warm:').batch(BATCH), seq);
    const batches = (name: string, traffic: Traffic, apply: (b: TransferInput[]) => Promise<unknown>) =>
      measureBatches(
        name,
        Array.from({ length: batchCount }, () => traffic.batch(BATCH)),
        apply,
      );
    const aNetfin = await batches('a', ledgerTraffic, (b) => ledger.createTransfers(b));
    const aBare = await batches('a-bare', bareTraffic, (b) => bareBatch(platform, b, seq));
    const aFloor = await batches('a-floor', new Traffic('bench:floor:'), (b) => insertOnly(platform, b, seq));
    for (const [test, baseline, note] of [
      ['(a) batches of 8,190, in process', aBare, 'latency per batch'],
      [
        "(a) against the storage floor: the same batches' rows only inserted (baseline column), nothing else",
        aFloor,
        'floor: no locks, no balance updates, no checks',
      ],
    ] as const) {
      rows.push({
        target: target.name,
        test,
        netfin: summarize(aNetfin),
        baseline: summarize(baseline),
        note,
      });
    }
    // The HTTP row is measured with the server running, in (c), and goes after the in-process one.
    const aHttpRow = rows.length - 1;
    console.log(
      `[${target.name}] (a) ${fmt(summarize(aNetfin).perSecond)}/s vs bare ${fmt(summarize(aBare).perSecond)}/s, insert only ${fmt(summarize(aFloor).perSecond)}/s`,
    );

    // (b) 64 concurrent single-transfer callers
    const single = onServer ? CALLERS * 150 : CALLERS * 40;
    const bNetfin = await measureConcurrent('b', new Traffic('bench:b:'), single, async (t) => {
      const [result] = await ledger.createTransfers([t]);
      if (result!.result !== 'ok') throw new Error(`transfer failed: ${result!.result}`);
    });
    const bBare = await measureConcurrent('b-bare', new Traffic('bench:b:'), single, (t) =>
      bareBatch(platform, [t], seq),
    );
    rows.push({
      target: target.name,
      test: `(b) single transfers, ${CALLERS} concurrent in-process callers`,
      netfin: summarize(bNetfin),
      baseline: summarize(bBare),
      note: 'latency per call',
    });
    console.log(
      `[${target.name}] (b) ${fmt(summarize(bNetfin).perSecond)}/s vs bare ${fmt(summarize(bBare).perSecond)}/s`,
    );

    // (c) HTTP, the server in its own process
    await platform.close();
    const server = await startServer({
      ...process.env,
      DATABASE_URL: target.url ?? '',
      NETFIN_DB_SCHEMA: onServer ? schema : '',
      NETFIN_DATA_DIR: dataDir,
      NETFIN_DB_POOL_SIZE: '40',
      NETFIN_DATA_KEY: BENCH_DATA_KEY.toString('base64'),
      NETFIN_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    });
    // (a) over HTTP: the same kind of batches as JSON bodies, beside the in-process figure.
    await batchesOverHttp('a-warm', server.port, BENCH_ADMIN_TOKEN, [new Traffic('bench:ahw:').batch(BATCH)]);
    const ahttpTraffic = new Traffic('bench:ah:');
    const { measurement: aHttp, meanBodyBytes } = await batchesOverHttp(
      'a-http',
      server.port,
      BENCH_ADMIN_TOKEN,
      Array.from({ length: batchCount }, () => ahttpTraffic.batch(BATCH)),
    );
    const inProcess = summarize(aNetfin).perSecond;
    rows.splice(aHttpRow, 0, {
      target: target.name,
      test: '(a) batches of 8,190 over HTTP, JSON bodies, one connection',
      netfin: summarize(aHttp),
      baseline: summarize(aBare),
      note: `latency per batch, body sent to answer read; bodies of ${fmt(meanBodyBytes / 2 ** 20, 2)} MiB; ${fmt((summarize(aHttp).perSecond / inProcess) * 100)}% of (a) in process`,
    });
    console.log(
      `[${target.name}] (a) over HTTP ${fmt(summarize(aHttp).perSecond)}/s vs in process ${fmt(inProcess)}/s`,
    );

    const { measurement: cNetfin, tool } = await loadOverHttp(server.port, onServer ? 15 : 10);
    await stopServer(server.proc);
    rows.push({
      target: target.name,
      test: `(c) single transfers over HTTP, ${CALLERS} connections`,
      netfin: summarize(cNetfin),
      baseline: summarize(bBare),
      note: `load from ${tool}; baseline: bare SQL in process, as in (b)`,
    });
    console.log(`[${target.name}] (c) ${fmt(summarize(cNetfin).perSecond)}/s (${tool})`);

    platform = await openPlatform(config, onServer ? { schema } : {});
    const report = await platform.ledger.verify();
    console.log(
      `[${target.name}] ledger verify: ${report.problems.length === 0 ? 'clean' : `${report.problems.length} problems`} (${fmt(report.transfers)} transfers)`,
    );
    if (report.problems.length > 0) throw new Error('the ledger does not verify after the benchmark');
  } finally {
    await platform.close();
    if (onServer) {
      const admin = await openDatabase({ url: target.url, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    } else {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}

export async function run(): Promise<void> {
  const targets: Target[] = [{ name: 'PGlite (embedded)', url: undefined }];
  if (process.env.DATABASE_URL) targets.push({ name: 'PostgreSQL', url: process.env.DATABASE_URL });
  else
    console.log(
      'DATABASE_URL is not set: measuring PGlite only (scripts/with-postgres.sh npm run bench -- ledger adds PostgreSQL)',
    );
  // The machine may be shared: its load says how far these figures are from an idle machine's.
  const loadAtStart = os.loadavg()[0]!;
  const rows: Row[] = [];
  for (const target of targets) rows.push(...(await benchTarget(target)));
  const load = `1-minute load average ${fmt(loadAtStart, 2)} at the start, ${fmt(os.loadavg()[0]!, 2)} at the end`;
  const table = rows
    .map(
      (r) =>
        `| ${r.target} | ${r.test} | ${fmt(r.netfin.perSecond)} | ${fmt(r.netfin.p50, 1)} / ${fmt(r.netfin.p99, 1)} | ${fmt(r.baseline.perSecond)} | ${fmt(r.baseline.p50, 1)} / ${fmt(r.baseline.p99, 1)} | ${fmt(r.netfin.perSecond / r.baseline.perSecond, 2)} | ${r.note} |`,
    )
    .join('\n');
  writeSection(
    'ledger',
    `## Ledger (\`npm run bench -- ledger\`)

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; ${load}.

${fmt(ACCOUNTS)} accounts with \`debitsMustNotExceedCredits\`, funded; each transfer's debit and credit accounts drawn Zipf-skewed (s = 1.0).
The baseline does the same inserts and balance updates in bare SQL (lock the accounts in id order, insert the transfers with
\`unnest\`, add the summed amounts to the balances) without any of the ledger's checks, in the same run, on copies of the same tables.
The storage floor row inserts only the transfer rows of the same kind of batches, with nothing else: the most any ledger
on this PostgreSQL could record. The over-HTTP row posts the same kind of batches as JSON bodies to \`netfin start\` in a
child process on loopback, one batch at a time, and compares with the same bare SQL. Ratio = netfin ÷ baseline throughput.

| database | test | netfin transfers/s | netfin p50 / p99 ms | baseline transfers/s | baseline p50 / p99 ms | ratio | note |
|---|---|---:|---:|---:|---:|---:|---|
${table}
`,
  );
}
