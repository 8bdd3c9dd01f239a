import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../src/db/index.ts';
import { CNY, formatAmount } from '../src/kernel/index.ts';
import { ChartOfAccounts } from '../src/ledger/index.ts';
import type { PaymentChannel } from '../src/payments/channels/channel.ts';
import { signNotification } from '../src/payments/index.ts';
import {
  cpuMeter,
  fmt,
  fundWallets,
  type Measurement,
  machine,
  startServer,
  summarize,
  writeSection,
} from './lib.ts';

/**
 * The payments benchmark (issue 4, "Speed"): wallet-to-wallet transfers through HTTP from 64
 * concurrent clients (each request authenticated by a session, an order row and a ledger transfer in
 * one transaction), beside the bare ledger transfer over HTTP; and top-up notifications processed per
 * second (verify the signature, record it once, settle the order), beside the ledger posts alone.
 */
const USERS = 1000;
/** Top-ups settled in the measured phase, and before it (not counted) to warm the server up. */
const NOTIFICATIONS = 2000;
const WARM_UP = 400;
const CALLERS = 64;
const DATA_KEY = Buffer.alloc(32, 11);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const SECRET = 'bench-sim-secret';

interface Row {
  readonly target: string;
  readonly test: string;
  readonly netfin: ReturnType<typeof summarize>;
  readonly baseline: ReturnType<typeof summarize>;
  readonly baselineName: string;
}

/** A channel that accepts every charge and never calls back: the benchmark sends the notifications. */
const silentChannel: PaymentChannel = {
  name: 'sim',
  account: 'netfin',
  acknowledgement: 'success',
  charge: async (r) => ({ accepted: true, channelOrderId: `BENCH-${r.orderId}` }),
  payout: async (r) => ({ accepted: true, channelOrderId: `BENCH-${r.orderId}` }),
  query: async () => ({ status: 'pending' }),
  statement: async () => [],
  verifyNotification: () => ({ ok: false, reason: 'signature_invalid' }),
};

async function setupUsers(platform: Platform): Promise<{ token: string; phone: string; userId: string }[]> {
  const users: { token: string; phone: string; userId: string }[] = [];
  const { identity } = platform;
  // Eight at a time: argon2 hashing runs on libuv's thread pool, so sign-ups overlap.
  for (let start = 0; start < USERS; start += 8) {
    const made = await Promise.all(
      Array.from({ length: Math.min(8, USERS - start) }, async (_, k) => {
        const i = start + k;
        const phone = `187${String(10_000_000 + i).slice(-8)}`;
        await identity.codes.issue({
          phone,
          purpose: 'sign_up',
          ip: `10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        });
        const code = /(\d{6})/.exec((await identity.notifier.inbox(phone, 1))[0]!.body)![1]!;
        const session = await identity.users.signUp(
          { phone, password: 'bench1234', code, acceptTerms: true },
          { ip: null, userAgent: 'bench' },
        );
        return { token: session.token, phone, userId: session.userId };
      }),
    );
    users.push(...made);
  }
  await fundWallets(
    platform,
    users.map((u) => u.userId),
    1_000_000_00n,
  );
  // The baseline's accounts: the same 10,000 the ledger benchmark's wrk script draws from.
  for (let start = 0; start < 10_000; start += 5_000) {
    await platform.ledger.createAccounts(
      Array.from({ length: 5_000 }, (_, i) => ({
        id: `bench:acct:${start + i}`,
        ledger: 'CNY',
        code: 2001,
        flags: ChartOfAccounts.userWallet.flags,
      })),
    );
    await platform.ledger.createTransfers(
      Array.from({ length: 5_000 }, (_, i) => ({
        id: `bench:acct-fund:${start + i}`,
        debitAccountId: 'bench:outside',
        creditAccountId: `bench:acct:${start + i}`,
        amount: 1_000_000_00n,
        ledger: 'CNY',
        code: 1,
      })),
    );
  }
  return users;
}

function stopServer(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

function wrk(script: string, url: string, seconds: number, args: string[]): Measurement {
  const run = spawnSync(
    'wrk',
    ['-t2', `-c${CALLERS}`, `-d${seconds}s`, '--latency', '-s', script, url, '--', ...args],
    { encoding: 'utf8' },
  );
  const out = run.stdout;
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!Number.isFinite(rate) || /Non-2xx or 3xx responses/.test(out))
    throw new Error(`wrk failed or saw errors:\n${out}\n${run.stderr}`);
  const ms = (label: string) => {
    const match = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return 0;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  return {
    name: 'wrk',
    operations: total,
    seconds: total / rate,
    latenciesMs: [],
    percentilesMs: { p50: ms('50'), p99: ms('99') },
  };
}

async function concurrently(items: string[], send: (item: string) => Promise<void>): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await send(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    name: 'concurrent',
    operations: items.length,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: latencies,
  };
}

function post(
  agent: http.Agent,
  port: number,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: url,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (c: Buffer) => {
          text += c.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function benchTarget(target: { name: string; url: string | undefined }): Promise<Row[]> {
  const onServer = target.url !== undefined;
  const schema = `bench_payments_${Date.now()}`;
  const dataDir = onServer ? '' : mkdtempSync(path.join(tmpdir(), 'netfin-bench-pay-'));
  const config = loadConfig(
    {
      ...process.env,
      DATABASE_URL: target.url ?? '',
      NETFIN_SMS_PER_IP_PER_DAY: '1000000',
      NETFIN_SMS_INTERVAL_SECONDS: '0',
    },
    { dataDir, poolSize: 40, logLevel: 'silent', dataKey: DATA_KEY, adminToken: ADMIN, demo: false },
  );
  const rows: Row[] = [];
  const work = mkdtempSync(path.join(tmpdir(), 'netfin-bench-pay-work-'));
  let platform = await openPlatform(config, {
    ...(onServer ? { schema } : {}),
    log: () => {},
    channels: [silentChannel],
  });
  try {
    console.log(`[${target.name}] signing up ${USERS} users`);
    const users = await setupUsers(platform);
    // Top-up orders for the notification test, made now, while this process owns the database.
    const orders: { id: string; amount: bigint }[] = [];
    for (let i = 0; i < NOTIFICATIONS + WARM_UP; i++) {
      const user = users[i % 250]!;
      const card = await bindCard(platform, user.userId, i);
      const order = await platform.payments.topUp(user.userId, { amount: 100n + BigInt(i), cardId: card });
      orders.push({ id: order.id, amount: order.amount });
    }
    await platform.close();

    const env = {
      ...process.env,
      DATABASE_URL: target.url ?? '',
      NETFIN_DB_SCHEMA: onServer ? schema : '',
      NETFIN_DATA_DIR: dataDir,
      NETFIN_DATA_KEY: DATA_KEY.toString('base64'),
      NETFIN_ADMIN_TOKEN: ADMIN,
      NETFIN_DEMO: 'false',
      NETFIN_CHANNEL_SIM_URL: 'http://127.0.0.1:9',
      NETFIN_CHANNEL_SIM_SECRET: SECRET,
      NETFIN_DB_POOL_SIZE: '40',
    };
    const server = await startServer(env);
    const tokens = path.join(work, 'users.txt');
    writeFileSync(tokens, users.map((u) => `${u.token} ${u.phone}`).join('\n'));
    const base = `http://127.0.0.1:${server.port}`;
    wrk(path.join(import.meta.dirname, 'wrk-payments.lua'), base, 3, [tokens]);
    const transfers = wrk(path.join(import.meta.dirname, 'wrk-payments.lua'), base, onServer ? 15 : 10, [
      tokens,
    ]);
    const ledgerOnly = wrk(
      path.join(import.meta.dirname, 'wrk-transfers.lua'),
      `${base}/v1/ledger/transfers`,
      onServer ? 15 : 10,
      ['bench:pay-baseline:', ADMIN],
    );
    console.log(
      `[${target.name}] transfers ${fmt(summarize(transfers).perSecond)}/s (ledger alone ${fmt(summarize(ledgerOnly).perSecond)}/s)`,
    );
    rows.push({
      target: target.name,
      test: `wallet-to-wallet transfers over HTTP, ${CALLERS} connections`,
      netfin: summarize(transfers),
      baseline: summarize(ledgerOnly),
      baselineName: 'a bare ledger transfer over HTTP (admin token, no session, no order row)',
    });

    const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
    const now = () => Math.floor(Date.now() / 1000);
    const all = orders.map((o, i) =>
      JSON.stringify({
        notificationId: `bench-n-${i}`,
        orderId: o.id,
        channelOrderId: `BENCH-${o.id}`,
        account: 'netfin',
        type: 'charge',
        status: 'succeeded',
        amount: formatAmount(o.amount, CNY),
        currency: 'CNY',
        completedAt: new Date().toISOString(),
      }),
    );
    const settle = async (body: string) => {
      const ts = now();
      const r = await post(agent, server.port, '/v1/payments/channels/sim/notify', body, {
        'x-sim-timestamp': String(ts),
        'x-sim-signature': signNotification(SECRET, ts, body),
      });
      if (r.status !== 200 || r.text !== 'success')
        throw new Error(`notification refused: ${r.status} ${r.text}`);
    };
    const replay = async (body: string) => {
      const ts = now();
      const r = await post(agent, server.port, '/v1/payments/channels/sim/notify', body, {
        'x-sim-timestamp': String(ts),
        'x-sim-signature': signNotification(SECRET, ts, body),
      });
      if (r.status !== 200) throw new Error(`replay refused: ${r.status}`);
    };
    // Warm-up, not counted: the server's settling and replay paths compiled and its pool filled, as
    // a server that has been up a while would have them.
    const warm = all.slice(NOTIFICATIONS);
    await concurrently(warm, settle);
    await concurrently(warm, replay);
    const bodies = all.slice(0, NOTIFICATIONS);
    const serverPid = server.proc.pid ? [server.proc.pid] : [];
    // A connection of our own, only to find the PostgreSQL server's processes for the CPU meter.
    const meterDb = onServer ? await openDatabase({ url: target.url, poolSize: 1 }) : null;
    const platformDbForMeter = meterDb?.db ?? null;
    const notifyMeter = await cpuMeter(platformDbForMeter, serverPid);
    const notifications = await concurrently(bodies, settle);
    const notifyCpu = notifyMeter?.() ?? null;
    const replayMeter = await cpuMeter(platformDbForMeter, serverPid);
    const replays = await concurrently(bodies, replay);
    const replayCpu = replayMeter?.() ?? null;
    await meterDb?.close();
    // The machine's CPU a notification, in each phase: the server process, the PostgreSQL server (when
    // local) and this process (the 64 senders). With both phases bound by the cores, their rates can
    // differ by at most the ratio of these.
    const cpuEach = (cpu: typeof notifyCpu) =>
      cpu ? (cpu.others + (cpu.server ?? 0) + cpu.node) / NOTIFICATIONS : null;
    const [settleEach, replayEach] = [cpuEach(notifyCpu), cpuEach(replayCpu)];
    const cpuNote =
      notifyCpu && replayCpu && settleEach !== null && replayEach !== null
        ? `; CPU a notification settled ${fmt(settleEach, 2)} ms (server ${fmt(notifyCpu.others / NOTIFICATIONS, 2)}${notifyCpu.server === null ? '' : `, database ${fmt(notifyCpu.server / NOTIFICATIONS, 2)}`}, senders ${fmt(notifyCpu.node / NOTIFICATIONS, 2)}) against ${fmt(replayEach, 2)} ms replayed`
        : '';
    if (cpuNote) console.log(`[${target.name}] ${cpuNote.slice(2)}`);
    agent.destroy();
    await stopServer(server.proc);
    console.log(
      `[${target.name}] notifications ${fmt(summarize(notifications).perSecond)}/s (replays ${fmt(summarize(replays).perSecond)}/s)`,
    );
    rows.push({
      target: target.name,
      test: `top-up notifications processed, ${CALLERS} concurrent senders (node:http)`,
      netfin: summarize(notifications),
      baseline: summarize(replays),
      baselineName: `the same notifications again: verified and recognised as seen, nothing settled${cpuNote}`,
    });

    platform = await openPlatform(config, {
      ...(onServer ? { schema } : {}),
      log: () => {},
      channels: [silentChannel],
    });
    const settled = await sql<{
      n: bigint;
    }>`select count(*)::int8 as n from payment_orders where kind = 'top_up' and status = 'succeeded'`.execute(
      platform.db,
    );
    if (settled.rows[0]!.n !== BigInt(orders.length))
      throw new Error(`only ${settled.rows[0]!.n} of ${orders.length} top-ups settled`);
    const report = await platform.ledger.verify();
    console.log(
      `[${target.name}] ledger verify: ${report.problems.length === 0 ? 'clean' : `${report.problems.length} problems`}`,
    );
    if (report.problems.length > 0) throw new Error('the ledger does not verify after the benchmark');
  } finally {
    await platform.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
    if (onServer) {
      const admin = await openDatabase({ url: target.url, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    } else rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** Binds a card for a benchmark user straight through the identity context (KYC and SMS code included). */
async function bindCard(platform: Platform, userId: string, i: number): Promise<string> {
  const cards = await platform.identity.kyc.listCards(userId);
  if (cards[0]) return cards[0].id;
  const { withCheckCharacter, withLuhnDigit } = await import('../src/identity/index.ts');
  const audit = {
    principal: { kind: 'user' as const, userId, roles: ['customer' as const], sessionId: null },
    ip: null,
  };
  const birth = `${1950 + (i % 40)}${String(1 + Math.floor(i / 40)).padStart(2, '0')}15`;
  await platform.identity.kyc.verifyIdentity(
    userId,
    { realName: '测试', idNumber: withCheckCharacter(`110105${birth}123`) },
    audit,
  );
  const reserved = `1861${String(i).padStart(4, '0')}123`;
  const card = await platform.identity.kyc.startCardBinding(
    userId,
    { cardNumber: withLuhnDigit(`62220299${String(i).padStart(10, '0')}`), reservedPhone: reserved },
    audit,
  );
  const code = /(\d{6})/.exec((await platform.identity.notifier.inbox(reserved, 1))[0]!.body)![1]!;
  await platform.identity.kyc.confirmCardBinding(userId, card.id, code, audit);
  return card.id;
}

export async function run(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('the payments benchmark needs wrk (apt-get install wrk)');
  const targets: { name: string; url: string | undefined }[] = [
    { name: 'PGlite (embedded)', url: undefined },
  ];
  if (process.env.DATABASE_URL) targets.push({ name: 'PostgreSQL', url: process.env.DATABASE_URL });
  const rows: Row[] = [];
  for (const target of targets) rows.push(...(await benchTarget(target)));
  writeSection(
    'payments',
    `## Payments (\`npm run bench -- payments\`)

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.

${USERS} signed-up users with funded wallets; transfers of 0.01 between random pairs, each authenticated by its sender's
session and written as an order row and a ledger transfer in one transaction; load from wrk (2 threads) on the same machine.
Notifications: ${fmt(NOTIFICATIONS)} pending top-ups (of 250 users; ${WARM_UP} more settled and replayed first to warm the server up, not counted) settled by signed notifications (signature and timestamp checked, recorded once, the
hold posted, the order updated).

| database | test | netfin /s | netfin p50 / p99 ms | baseline /s | baseline p50 / p99 ms | ratio | baseline |
|---|---|---:|---:|---:|---:|---:|---|
${rows
  .map(
    (r) =>
      `| ${r.target} | ${r.test} | ${fmt(r.netfin.perSecond)} | ${fmt(r.netfin.p50, 1)} / ${fmt(r.netfin.p99, 1)} | ${fmt(r.baseline.perSecond)} | ${fmt(r.baseline.p50, 1)} / ${fmt(r.baseline.p99, 1)} | ${fmt(r.netfin.perSecond / r.baseline.perSecond, 2)} | ${r.baselineName} |`,
  )
  .join('\n')}
`,
  );
}
