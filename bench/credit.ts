import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../src/db/index.ts';
import { withCheckCharacter } from '../src/identity/index.ts';
import {
  fmt,
  fundWallets,
  type Measurement,
  machine,
  openLoop,
  rng,
  startServer,
  summarize,
  writeSection,
} from './lib.ts';

/**
 * The consumer-credit benchmark (issue 17): over HTTP against `netfin start` in a child process,
 * (a) cash draws decided and disbursed (the line locked, its status and limit checked, the draw's
 * postings and the wallet credited, the history written, one transaction) and (b) purchases paid
 * with credit at a merchant's checkout in 3 instalments (once the route exists), each beside a bare
 * wallet payment of a merchant order measured in the same run. First flat out (a closed loop of 64
 * connections), then each at a fixed arrival rate of half its flat-out throughput (an open loop whose
 * latency counts from when each request was due). Targets: at least half the baseline's throughput,
 * and a p99 under 200 ms at half load.
 */
const CUSTOMERS = 200;
/** Merchants the orders are spread over, so that no one merchant's settlement account is a hot row. */
const MERCHANTS = 16;
const CALLERS = 64;
const DATA_KEY = Buffer.alloc(32, 17);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const HALF_LOAD_SECONDS = 8;
/** The quiet pause before each half-load run. */
const SETTLE_MS = 3000;

/** Prints how many requests of a run took over 200 ms (where a p99 comes from). */
function slowest(name: string, m: Measurement): void {
  console.log(`  ${name}: ${over200(m)}, worst ${fmt(Math.max(...m.latenciesMs), 1)} ms`);
}

const over200 = (m: Measurement) =>
  `${m.latenciesMs.filter((l) => l > 200).length} of ${m.latenciesMs.length} over 200 ms`;

const PURCHASES_PATH = '/v1/credit/lines/{id}/purchases';

interface Customer {
  readonly userId: string;
  readonly token: string;
  readonly lineId: string;
}

interface Row {
  readonly target: string;
  readonly test: string;
  readonly netfin: ReturnType<typeof summarize>;
  readonly baseline: ReturnType<typeof summarize>;
  readonly note: string;
  readonly target50?: boolean;
}

/** Signs up, verifies and grants a line to each customer through the services (the set-up, not measured). */
async function setup(platform: Platform): Promise<{ customers: Customer[]; merchantTokens: string[] }> {
  const { identity, credit } = platform;
  const customers: Customer[] = [];
  const make = async (i: number) => {
    const phone = `186${String(10_000_000 + i).slice(-8)}`;
    await identity.codes.issue({ phone, purpose: 'sign_up', ip: `10.9.${Math.floor(i / 250)}.${i % 250}` });
    const code = /(\d{6})/.exec((await identity.notifier.inbox(phone, 1))[0]!.body)![1]!;
    const session = await identity.users.signUp(
      { phone, password: 'bench1234', code, acceptTerms: true },
      { ip: null, userAgent: 'bench' },
    );
    const birth = `${1970 + (i % 25)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`;
    await identity.kyc.verifyIdentity(
      session.userId,
      {
        realName: '测试',
        idNumber: withCheckCharacter(`310104${birth}${String(100 + (i % 800)).padStart(3, '0')}`),
      },
      {
        principal: { kind: 'user', userId: session.userId, roles: ['customer'], sessionId: null },
        ip: null,
      },
    );
    return session;
  };
  // Eight at a time: argon2 hashing runs on libuv's thread pool, so sign-ups overlap.
  for (let start = 0; start < CUSTOMERS; start += 8) {
    const sessions = await Promise.all(
      Array.from({ length: Math.min(8, CUSTOMERS - start) }, (_, k) => make(start + k)),
    );
    for (const [k, session] of sessions.entries()) {
      const i = start + k;
      const decided = await credit.apply(session.userId, {
        productId: 'everyday-credit',
        monthlyIncome: 3_000_000n,
        monthlyDebt: 50_000n,
        employmentYears: 6,
        device: null,
        ip: `10.8.${Math.floor(i / 250)}.${i % 250}`,
      });
      if (decided.line.status === 'active')
        customers.push({ userId: session.userId, token: session.token, lineId: decided.line.id });
    }
  }
  if (customers.length < CUSTOMERS / 2)
    throw new Error(`only ${customers.length} of ${CUSTOMERS} applicants were granted a line`);
  const merchantTokens: string[] = [];
  for (let m = 0; m < MERCHANTS; m++) {
    const merchant = await make(CUSTOMERS + m);
    await platform.payments.becomeMerchant(merchant.userId, `Bench shop ${m + 1}`);
    const signedIn = await identity.users.signIn(
      { phone: `186${String(10_000_000 + CUSTOMERS + m).slice(-8)}`, password: 'bench1234' },
      { ip: null, userAgent: 'bench' },
    );
    merchantTokens.push(signedIn.token);
  }
  await fundWallets(
    platform,
    customers.map((c) => c.userId),
    10_000_000_00n,
  );
  return { customers, merchantTokens };
}

function call(
  agent: http.Agent,
  port: number,
  method: 'GET' | 'POST',
  url: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'content-length': Buffer.byteLength(text),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let out = '';
        response.on('data', (c: Buffer) => {
          out += c.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: out }));
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

async function expectStatus(
  response: Promise<{ status: number; text: string }>,
  status: number,
  what: string,
): Promise<string> {
  const r = await response;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.text;
}

/** Flat out: `count` calls from CALLERS connections, each starting as soon as the last answered. */
async function closedLoop(count: number, send: (i: number) => Promise<void>): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await send(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    name: 'closed',
    operations: count,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: latencies,
  };
}

/** Merchant orders of 100.00 made over HTTP before a measurement (not timed), round the merchants. */
async function merchantOrders(agent: http.Agent, port: number, tokens: string[], count: number) {
  const ids: string[] = new Array(count);
  await closedLoop(count, async (i) => {
    const text = await expectStatus(
      call(agent, port, 'POST', '/v1/merchant/orders', tokens[i % tokens.length]!, {
        amount: { amount: '100.00', currency: 'CNY' },
        description: `bench ${i}`,
      }),
      201,
      'merchant order',
    );
    ids[i] = JSON.parse(text).id as string;
  });
  return ids;
}

function stopServer(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

async function benchTarget(target: { name: string; url: string | undefined }, flat: number): Promise<Row[]> {
  const onServer = target.url !== undefined;
  const schema = `bench_credit_${Date.now()}`;
  const dataDir = onServer ? '' : mkdtempSync(path.join(tmpdir(), 'netfin-bench-credit-'));
  const env = {
    ...process.env,
    DATABASE_URL: target.url ?? '',
    NETFIN_SMS_PER_IP_PER_DAY: '1000000',
    NETFIN_SMS_INTERVAL_SECONDS: '0',
    // Each customer pays many times in one business day without a payment password.
    NETFIN_PASSWORD_FREE_DAILY_LIMIT: '100000000.00',
  };
  const config = loadConfig(env, {
    dataDir,
    poolSize: 40,
    logLevel: 'silent',
    dataKey: DATA_KEY,
    adminToken: ADMIN,
    demo: false,
  });
  const rows: Row[] = [];
  let platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
  try {
    console.log(`[${target.name}] ${CUSTOMERS} customers: sign-up, KYC, line applications`);
    const { customers, merchantTokens } = await setup(platform);
    console.log(`[${target.name}] ${customers.length} lines granted`);
    await platform.close();

    const server = await startServer({
      ...env,
      NETFIN_DB_SCHEMA: onServer ? schema : '',
      NETFIN_DATA_DIR: dataDir,
      NETFIN_DATA_KEY: DATA_KEY.toString('base64'),
      NETFIN_ADMIN_TOKEN: ADMIN,
      NETFIN_DEMO: 'false',
      NETFIN_DB_POOL_SIZE: '40',
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
    const port = server.port;
    const random = rng(17);
    const pick = () => customers[Math.floor(random() * customers.length)]!;
    const document = JSON.parse(
      await expectStatus(call(agent, port, 'GET', '/openapi.json', null), 200, 'openapi'),
    );
    const withPurchases = Boolean(document.paths?.[PURCHASES_PATH]?.post);

    const pay = (orders: string[]) => async (i: number) => {
      await expectStatus(
        call(agent, port, 'POST', `/v1/pay/orders/${orders[i]}/wallet`, pick().token, {}),
        200,
        'wallet payment',
      );
    };
    const draw = async () => {
      const c = pick();
      await expectStatus(
        call(agent, port, 'POST', `/v1/credit/lines/${c.lineId}/draws`, c.token, {
          amount: { amount: '100.00', currency: 'CNY' },
        }),
        201,
        'draw',
      );
    };
    const purchase = (orders: string[]) => async (i: number) => {
      const c = pick();
      await expectStatus(
        call(agent, port, 'POST', `/v1/credit/lines/${c.lineId}/purchases`, c.token, {
          orderId: orders[i],
          instalments: 3,
        }),
        201,
        'purchase',
      );
    };

    // Warm up each path a little (JIT, pools, plans), then flat out.
    await closedLoop(100, pay(await merchantOrders(agent, port, merchantTokens, 100)));
    await closedLoop(100, draw);
    if (withPurchases)
      await closedLoop(100, purchase(await merchantOrders(agent, port, merchantTokens, 100)));

    const baseline = await closedLoop(flat, pay(await merchantOrders(agent, port, merchantTokens, flat)));
    const draws = await closedLoop(flat, draw);
    const purchases = withPurchases
      ? await closedLoop(flat, purchase(await merchantOrders(agent, port, merchantTokens, flat)))
      : null;
    const base = summarize(baseline);
    console.log(
      `[${target.name}] flat out: wallet payments ${fmt(base.perSecond)}/s, draws ${fmt(summarize(draws).perSecond)}/s${purchases ? `, purchases ${fmt(summarize(purchases).perSecond)}/s` : ''}`,
    );

    // Half of flat out, each at its own rate, for a fixed time; each after the same quiet pause, so
    // that none starts while the server still works off the run before it.
    const halfOf = (m: Measurement) => Math.max(1, Math.floor(summarize(m).perSecond / 2));
    const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const baseHalfRate = halfOf(baseline);
    const baseOrders = await merchantOrders(
      agent,
      port,
      merchantTokens,
      Math.round(baseHalfRate * HALF_LOAD_SECONDS),
    );
    await settle();
    const baseHalf = await openLoop('baseline-half', baseHalfRate, HALF_LOAD_SECONDS, pay(baseOrders));
    const drawsHalfRate = halfOf(draws);
    await settle();
    const drawsHalf = await openLoop('draws-half', drawsHalfRate, HALF_LOAD_SECONDS, draw);
    slowest('draws-half', drawsHalf);
    let purchasesHalf: Measurement | null = null;
    let purchasesHalfRate = 0;
    if (purchases) {
      purchasesHalfRate = halfOf(purchases);
      const orders = await merchantOrders(
        agent,
        port,
        merchantTokens,
        Math.round(purchasesHalfRate * HALF_LOAD_SECONDS),
      );
      await settle();
      purchasesHalf = await openLoop(
        'purchases-half',
        purchasesHalfRate,
        HALF_LOAD_SECONDS,
        purchase(orders),
      );
    }
    agent.destroy();
    await stopServer(server.proc);

    const baselineName = 'a bare wallet payment of a merchant order of 100.00 over HTTP';
    rows.push({
      target: target.name,
      test: `(a) cash draws of 100.00 decided and disbursed, ${CALLERS} connections, flat out (${fmt(flat)} draws)`,
      netfin: summarize(draws),
      baseline: base,
      note: `baseline: ${baselineName}, same connections, ${fmt(flat)} payments`,
      target50: summarize(draws).perSecond >= base.perSecond / 2,
    });
    if (purchases)
      rows.push({
        target: target.name,
        test: `(b) purchases of 100.00 paid with credit in 3 instalments, ${CALLERS} connections, flat out (${fmt(flat)} purchases)`,
        netfin: summarize(purchases),
        baseline: base,
        note: `baseline: ${baselineName}`,
        target50: summarize(purchases).perSecond >= base.perSecond / 2,
      });
    rows.push({
      target: target.name,
      test: `(a) cash draws at a steady ${fmt(drawsHalfRate)}/s (50% of flat out) for ${HALF_LOAD_SECONDS} s, open loop`,
      netfin: summarize(drawsHalf),
      baseline: summarize(baseHalf),
      note: `baseline: wallet payments at a steady ${fmt(baseHalfRate)}/s (50% of theirs); latency from when each request was due; ${over200(drawsHalf)} (baseline ${over200(baseHalf)})`,
      target50: summarize(drawsHalf).p99 < 200,
    });
    if (purchasesHalf)
      rows.push({
        target: target.name,
        test: `(b) purchases at a steady ${fmt(purchasesHalfRate)}/s (50% of flat out) for ${HALF_LOAD_SECONDS} s, open loop`,
        netfin: summarize(purchasesHalf),
        baseline: summarize(baseHalf),
        note: `baseline: wallet payments at a steady ${fmt(baseHalfRate)}/s (50% of theirs); ${over200(purchasesHalf)} (baseline ${over200(baseHalf)})`,
        target50: summarize(purchasesHalf).p99 < 200,
      });
    if (!purchases)
      console.log(`[${target.name}] no ${PURCHASES_PATH} in this build: purchases not measured`);

    // The books after the run: the ledger verifies and every line's memo accounts balance.
    platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
    const report = await platform.ledger.verify();
    if (report.problems.length > 0)
      throw new Error(
        `the ledger does not verify after the benchmark: ${JSON.stringify(report.problems[0])}`,
      );
    for (const c of customers) {
      const b = await platform.credit.balances(c.lineId);
      if (b.available + b.used !== b.limit) throw new Error(`line ${c.lineId}: available + used ≠ limit`);
    }
    const drawn = await sql<{
      n: bigint;
    }>`select count(*)::int8 as n from credit_line_events where kind = 'draw'`.execute(platform.db);
    const expected = 100 + flat + drawsHalf.operations;
    if (Number(drawn.rows[0]!.n) !== expected)
      throw new Error(`${drawn.rows[0]!.n} draws recorded, ${expected} made`);
    console.log(`[${target.name}] ledger verifies; ${expected} draws recorded`);
  } finally {
    await platform.close().catch(() => {});
    if (onServer) {
      const admin = await openDatabase({ url: target.url, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    } else rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

export async function run(): Promise<void> {
  const started = new Date();
  const load = (await import('node:os')).loadavg()[0]!;
  const onlyPostgres = process.argv.includes('--postgres-only');
  const targets: { name: string; url: string | undefined; flat: number }[] = [];
  if (!onlyPostgres) targets.push({ name: 'PGlite (embedded)', url: undefined, flat: 600 });
  if (process.env.DATABASE_URL)
    targets.push({ name: 'PostgreSQL', url: process.env.DATABASE_URL, flat: 2000 });
  if (targets.length === 0) throw new Error('--postgres-only needs DATABASE_URL');
  const rows: Row[] = [];
  for (const target of targets) rows.push(...(await benchTarget(target, target.flat)));
  const loadAfter = (await import('node:os')).loadavg()[0]!;
  const cores = (await import('node:os')).cpus().length;
  // The load at the end is mostly the benchmark's own; other work shows in the load at the start.
  const busy = load > cores;
  writeSection(
    'credit',
    `## Consumer credit (\`npm run bench -- credit\`)

Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; 1-minute load average ${load.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end.${busy ? `\n\n**Measured on a busy machine** (other work running: the load average was above its ${cores} cores when it started), so the\nfigures below say more about the machine than about netfin; they are to be re-measured on a quiet machine.` : ''}

${CUSTOMERS} verified customers, each granted a line by the line graph (the set-up, not measured), wallets funded; ${MERCHANTS} merchants
whose orders of 100.00 (round the merchants) are made over HTTP before each measurement (not timed). \`netfin start\` runs in a child process on
loopback; the load comes from one Node process (node:http, keep-alive). Each request is one customer's (session token),
the customer drawn at random. A cash draw is decided and disbursed in one request: the line locked for share, its status,
minimum and available credit checked, available → used and principal → wallet posted, the history written, one
transaction. The baseline is a bare wallet payment of a merchant order over HTTP, measured in the same run. Flat out is a
closed loop of ${CALLERS} connections (its latency is time queued behind them); half load is an open loop at 50% of each one's
own flat-out throughput, latency counted from when each request was due, each run after the same 3-second quiet pause. Targets (issue 17): at least half the baseline's
throughput flat out, a p99 under 200 ms at half load. Ratio = netfin ÷ baseline throughput.

| database | test | netfin /s | netfin p50 / p99 ms | baseline /s | baseline p50 / p99 ms | ratio | target met | note |
|---|---|---:|---:|---:|---:|---:|---|---|
${rows
  .map(
    (r) =>
      `| ${r.target} | ${r.test} | ${fmt(r.netfin.perSecond)} | ${fmt(r.netfin.p50, 1)} / ${fmt(r.netfin.p99, 1)} | ${fmt(r.baseline.perSecond)} | ${fmt(r.baseline.p50, 1)} / ${fmt(r.baseline.p99, 1)} | ${fmt(r.netfin.perSecond / r.baseline.perSecond, 2)} | ${r.target50 === undefined ? '' : r.target50 ? 'yes' : 'no'} | ${r.note} |`,
  )
  .join('\n')}
`,
  );
}
