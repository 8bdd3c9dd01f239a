import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZenEngine } from '@gorules/zen-engine';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../src/db/index.ts';
import { pinModels } from '../src/risk/decide.ts';
import { RiskEngine } from '../src/risk/engine.ts';
import { DEFAULT_GRAPH_NAME, scorecard } from '../src/risk/index.ts';
import { SAMPLE_APPLICATIONS } from '../src/risk/samples.ts';
import {
  cpuMeter,
  fmt,
  type Measurement,
  machine,
  openLoop,
  startServer,
  summarize,
  writeSection,
} from './lib.ts';
import { verifiedUsers } from './people.ts';

/**
 * The risk benchmark (issue 5, "Speed"): decisions per second in process for the default graph with
 * the scorecard and the simulated sources (each decision gathers, evaluates, limits and logs), beside
 * the bare graph evaluation; p99 over HTTP; and training on lending_club.csv with 5-fold CV.
 */
const APPLICANTS = 200;
const CALLERS = 64;
const DATA_KEY = Buffer.alloc(32, 12);
const ADMIN = 'bench-admin-token-0123456789abcdef';

function applicants(platform: Platform): Promise<string[]> {
  return verifiedUsers(platform, APPLICANTS, { phonePrefix: '185', district: '110105', ipPrefix: '10.1' });
}

async function concurrently(
  total: number,
  call: (i: number) => Promise<void>,
  callers = CALLERS,
): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    name: 'c',
    operations: total,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: latencies,
  };
}

/** CPU milliseconds the main thread has used (Linux: its /proc stat; elsewhere the process's). */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of the line, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}

function application(applicantId: string, i: number) {
  return {
    applicantId,
    product: 'standard',
    amount: BigInt(500_000 + (i % 50) * 10_000),
    termMonths: 12,
    purpose: 'bench',
    monthlyIncome: 1_200_000n,
    monthlyDebt: 100_000n,
    employmentYears: 5,
    device: `d${i % 1000}`,
    ip: `10.9.${Math.floor(i / 250) % 250}.${i % 250}`,
  };
}

export async function run(): Promise<void> {
  const onServer = Boolean(process.env.DATABASE_URL);
  const schema = `bench_risk_${Date.now()}`;
  const dataDir = onServer ? '' : mkdtempSync(path.join(tmpdir(), 'netfin-bench-risk-'));
  const config = loadConfig(
    { ...process.env, NETFIN_SMS_PER_IP_PER_DAY: '1000000', NETFIN_SMS_INTERVAL_SECONDS: '0' },
    { dataDir, poolSize: 40, logLevel: 'silent', dataKey: DATA_KEY, adminToken: ADMIN, demo: false },
  );
  const target = onServer ? 'PostgreSQL' : 'PGlite (embedded)';
  const lines: string[] = [];
  let platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
  try {
    console.log(`[${target}] ${APPLICANTS} verified applicants`);
    const ids = await applicants(platform);
    const { risk } = platform;
    const total = onServer ? 6000 : 3000;
    // The engine's worker threads (NETFIN_RISK_WORKERS) load before the clock starts.
    await risk.engine.start();
    const workers = risk.engine.workers.size;
    for (let i = 0; i < 400; i++) await risk.decide(application(ids[i % ids.length]!, i));
    // The main thread's CPU time per decision: what the worker threads take off it, whether or not
    // the decisions are bound by it (CPU time, not the loop's busy wall time, which a loaded machine
    // inflates with the time the thread waits for a core).
    const cpuBefore = mainThreadCpuMs();
    const decideMeter = await cpuMeter(platform.db);
    const decisions = await concurrently(total, async (i) => {
      await risk.decide(application(ids[i % ids.length]!, i), { trace: true });
    });
    const decideCpu = decideMeter?.() ?? null;
    const mainMs = (mainThreadCpuMs() - cpuBefore) / total;
    // Baseline: the same graph and scorecard evaluated alone, with no gathering, limits or logging,
    // on the main thread whatever the decisions above used.
    const champion = await risk.graphs.champion(DEFAULT_GRAPH_NAME);
    const pinned = await pinModels({ models: risk.models } as never, champion.content);
    const sample = { ...SAMPLE_APPLICATIONS['good applicant']!, _models: pinned };
    const alone = new RiskEngine(risk.models, { workers: 0 });
    const bareMeter = await cpuMeter(platform.db);
    const bare = await concurrently(total, async () => {
      await alone.evaluate(champion.id, champion.content, sample, true);
    });
    const bareCpu = bareMeter?.() ?? null;
    const d = summarize(decisions);
    const b = summarize(bare);
    console.log(
      `[${target}] in process: ${fmt(d.perSecond)} decisions/s, main thread CPU ${fmt(mainMs, 2)} ms a decision (graph alone ${fmt(b.perSecond)}/s)`,
    );
    const where = workers > 0 ? `in ${workers} worker threads` : 'on the main thread';
    // Where the machine's CPU went, per decision and per evaluation alone: with both phases bound
    // by the machine's cores, their rates can differ by at most the ratio of these.
    const perCall = (cpu: { node: number; server: number | null } | null, n: number) =>
      cpu ? { node: cpu.node / n, server: cpu.server === null ? null : cpu.server / n } : null;
    const dc = perCall(decideCpu, total);
    const bc = perCall(bareCpu, total);
    const cpuNote =
      dc && bc
        ? `; CPU a decision: this process ${fmt(dc.node, 2)} ms${dc.server === null ? '' : ` + the database server ${fmt(dc.server, 2)} ms`}, against ${fmt(bc.node + (bc.server ?? 0), 2)} ms an evaluation alone`
        : '';
    if (dc && bc)
      console.log(
        `[${target}] CPU a decision: node ${fmt(dc.node, 2)} ms, server ${dc.server === null ? '?' : fmt(dc.server, 2)} ms; an evaluation alone ${fmt(bc.node, 2)} ms`,
      );
    lines.push(
      `| ${target} | decisions in process, ${CALLERS} concurrent callers (gather, graph with scorecard ${where}, limits, log) | ${fmt(d.perSecond)} | ${fmt(d.p50, 2)} / ${fmt(d.p99, 2)} | ${fmt(b.perSecond)} | ${fmt(b.p50, 2)} / ${fmt(b.p99, 2)} | ${fmt(d.perSecond / b.perSecond, 2)} | the graph and scorecard alone on the main thread (ZEN evaluate with trace); main thread CPU ${fmt(mainMs, 2)} ms a decision${cpuNote} |`,
    );
    // Not a baseline: the engine alone through the worker pool, the same work as the baseline.
    const pool = new RiskEngine(risk.models, { workers: workers || 2 });
    await pool.start();
    const pooled = summarize(
      await concurrently(total, async () => {
        await pool.evaluate(champion.id, champion.content, sample, true);
      }),
    );
    await pool.close();
    console.log(`[${target}] graph alone in ${pool.workers.size} worker threads ${fmt(pooled.perSecond)}/s`);
    lines.push(
      `| ${target} | the engine alone **through ${pool.workers.size} worker threads** (NETFIN_RISK_WORKERS): default graph and scorecard with trace, ${CALLERS} callers | ${fmt(pooled.perSecond)} | ${fmt(pooled.p50, 2)} / ${fmt(pooled.p99, 2)} | | | | not the baseline: the baseline above evaluates on the main thread |`,
    );
    // The engine's own ceiling on this machine, nothing else running: the default graph evaluated
    // without its trace, and a graph that only passes its input through (one call into the engine and
    // back), each at its best of 4, 16 and 64 concurrent callers.
    const passThrough = new ZenEngine().createDecision({
      nodes: [
        { id: 'in', type: 'inputNode', name: 'input', position: { x: 0, y: 0 } },
        { id: 'out', type: 'outputNode', name: 'output', position: { x: 200, y: 0 } },
      ],
      edges: [{ id: 'e', sourceId: 'in', targetId: 'out', type: 'edge' }],
    } as never);
    const best = async (call: () => Promise<unknown>) => {
      let top: ReturnType<typeof summarize> | null = null;
      for (const callers of [4, 16, 64]) {
        const m = summarize(
          await concurrently(
            total,
            async () => {
              await call();
            },
            callers,
          ),
        );
        if (!top || m.perSecond > top.perSecond) top = { ...m };
      }
      return top!;
    };
    const untraced = await best(() => alone.evaluate(champion.id, champion.content, sample, false));
    const empty = await best(() => passThrough.evaluate(sample));
    console.log(
      `[${target}] engine ceiling: default graph without trace ${fmt(untraced.perSecond)}/s, pass-through graph ${fmt(empty.perSecond)}/s`,
    );
    lines.push(
      `| ${target} | the engine alone: default graph and scorecard, no trace (best of 4, 16, 64 callers) | ${fmt(untraced.perSecond)} | ${fmt(untraced.p50, 2)} / ${fmt(untraced.p99, 2)} | | | | ceiling: what the engine can evaluate at most, nothing else done |`,
      `| ${target} | the engine alone: a graph that passes its input through (best of 4, 16, 64 callers) | ${fmt(empty.perSecond)} | ${fmt(empty.p50, 2)} / ${fmt(empty.p99, 2)} | | | | ceiling: one call into ZEN and back, per decision |`,
    );
    await platform.close();

    const server = await startServer({
      ...process.env,
      NETFIN_DB_SCHEMA: onServer ? schema : '',
      NETFIN_DATA_DIR: dataDir,
      NETFIN_DATA_KEY: DATA_KEY.toString('base64'),
      NETFIN_ADMIN_TOKEN: ADMIN,
      NETFIN_DEMO: 'false',
      // Behind a proxy, as a public server is: each request's client address comes from
      // X-Forwarded-For, and the load below spreads them as real traffic is spread.
      NETFIN_TRUST_PROXY: 'true',
    });
    const work = mkdtempSync(path.join(tmpdir(), 'netfin-bench-risk-work-'));
    writeFileSync(path.join(work, 'ids.txt'), ids.join('\n'));
    const script = path.join(work, 'decide.lua');
    writeFileSync(
      script,
      `local ids = {}
function init(args) for line in io.lines(args[1]) do table.insert(ids, line) end end
local n = 0
function request()
  n = n + 1
  local body = string.format('{"applicantId":"%s","amount":{"amount":"%d.00","currency":"CNY"},"termMonths":12,"purpose":"bench","monthlyIncome":{"amount":"12000.00","currency":"CNY"},"monthlyDebt":{"amount":"1000.00","currency":"CNY"},"employmentYears":5}', ids[math.random(1, #ids)], 5000 + (n % 50) * 100)
  local ip = string.format('10.9.%d.%d', math.floor(n / 250) % 250, n % 250)
  return wrk.format("POST", "/v1/risk/decisions", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer ${ADMIN}", ["X-Forwarded-For"] = ip }, body)
end`,
    );
    // Flat out first (wrk's closed loop, 16 connections): the most the server answers per second.
    let saturated = 0;
    const rateArgs = spawnSync('wrk', ['--version']).error
      ? null
      : [
          '-t2',
          '-c16',
          '-d10s',
          '--latency',
          '-s',
          script,
          `http://127.0.0.1:${server.port}/v1/risk/decisions`,
          '--',
          path.join(work, 'ids.txt'),
        ];
    if (rateArgs) {
      const out = spawnSync('wrk', rateArgs, { encoding: 'utf8' }).stdout;
      const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const ms = (label: string) => {
        const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
        return m
          ? m[2] === 'us'
            ? Number(m[1]) / 1000
            : m[2] === 's'
              ? Number(m[1]) * 1000
              : Number(m[1])
          : 0;
      };
      if (/Non-2xx/.test(out)) throw new Error(`HTTP decisions failed:\n${out}`);
      console.log(`[${target}] HTTP: ${fmt(rate)}/s, p50 ${fmt(ms('50'), 1)} ms, p99 ${fmt(ms('99'), 1)} ms`);
      saturated = rate;
      lines.push(
        `| ${target} | decisions over HTTP, flat out: 16 connections (wrk, closed loop) | ${fmt(rate)} | ${fmt(ms('50'), 1)} / ${fmt(ms('99'), 1)} | | | | saturated: latency here is queueing behind 16 connections |`,
      );
    }
    // Then latency under load: requests at a steady rate (open loop, latency counted from when each
    // was due), at a quarter and at half of the saturated rate.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const post = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const body = JSON.stringify({
          applicantId: ids[(i * 7919) % ids.length],
          amount: { amount: `${5000 + (i % 50) * 100}.00`, currency: 'CNY' },
          termMonths: 12,
          purpose: 'bench',
          monthlyIncome: { amount: '12000.00', currency: 'CNY' },
          monthlyDebt: { amount: '1000.00', currency: 'CNY' },
          employmentYears: 5,
        });
        const request = http.request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path: '/v1/risk/decisions',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: `Bearer ${ADMIN}`,
              'x-forwarded-for': `10.8.${Math.floor(i / 250) % 250}.${i % 250}`,
            },
          },
          (response) => {
            response.resume();
            response.on('end', () =>
              response.statusCode === 200
                ? resolve()
                : reject(new Error(`HTTP decision answered ${response.statusCode}`)),
            );
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    // A few seconds at the lower rate first, not counted: after the flat-out run, PostgreSQL's
    // autovacuum and checkpoints catch up on its rows.
    await openLoop('warm-up', Math.max(10, Math.round((saturated || 200) * 0.25)), 5, post);
    for (const share of [0.25, 0.5]) {
      const rate = Math.max(10, Math.round((saturated || 200) * share));
      const m = summarize(await openLoop('http', rate, 20, post));
      console.log(`[${target}] HTTP at ${rate}/s: p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms`);
      lines.push(
        `| ${target} | decisions over HTTP at a steady ${fmt(rate)}/s (${share * 100}% of flat out), for 20 s (open loop) | ${fmt(m.perSecond)} | ${fmt(m.p50, 1)} / ${fmt(m.p99, 1)} | | | | latency from when each request was due |`,
      );
    }
    agent.destroy();
    await new Promise<void>((resolve) => {
      server.proc.removeAllListeners('exit');
      server.proc.on('exit', () => resolve());
      server.proc.kill('SIGTERM');
    });
    rmSync(work, { recursive: true, force: true });
    platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
  } finally {
    await platform.close().catch(() => {});
    if (onServer) {
      const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    } else rmSync(dataDir, { recursive: true, force: true });
  }

  const data = readFileSync(path.resolve(import.meta.dirname, '../data/lending_club.csv'), 'utf8');
  const t0 = performance.now();
  const trained = scorecard.train({ data, target: 'Class', bad: 'bad', cv: 5, seed: 42 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `training lending_club with 5-fold CV: ${seconds.toFixed(1)} s, CV AUC ${trained.report.cv!.aucMean.toFixed(4)}`,
  );
  lines.push(
    `| (no database) | training on lending_club.csv (9,857 rows) with 5-fold CV | ${seconds.toFixed(1)} s | | | | | CV AUC ${trained.report.cv!.aucMean.toFixed(4)} ± ${trained.report.cv!.aucStd.toFixed(4)} (scikit-learn one-hot logistic regression: 0.725) |`,
  );

  writeSection(
    'risk',
    `## Risk (\`npm run bench -- risk\`)

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.

${APPLICANTS} verified applicants; each decision gathers the applicant's facts, the (simulated) bureau and blacklist (cached
per applicant after the first), velocity counts, evaluates the default graph with the scorecard node and its trace, applies
limits and caps, and writes the decision log (group commit). The engine's ceiling rows measure ZEN alone with nothing
else running: the default graph without its trace, and a graph that only passes its input through, i.e. the cost of
one call into the engine and back. Over HTTP the server runs in its own process behind a (trusted) proxy header that
spreads client addresses; flat out is wrk's closed loop (its latency is time queued behind 16 connections); the steady
rates are an open loop whose latency counts from when each request was due. The load generators share the 2 cores with
the server and PostgreSQL.

| database | test | netfin /s | p50 / p99 ms | baseline /s | baseline p50 / p99 ms | ratio | note |
|---|---|---:|---:|---:|---:|---:|---|
${lines.join('\n')}
`,
  );
}
