import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { inTransaction, openDatabase, quoteIdent } from '../src/db/index.ts';
import { uuidv7 } from '../src/kernel/index.ts';
import { ChartOfAccounts } from '../src/ledger/index.ts';
import { loanAccount } from '../src/lending/index.ts';
import { createListing } from '../src/lending/marketplace.ts';
import { copyLedgerTables, postTransfers } from './bare.ts';
import { fmt, type Measurement, machine, summarize, writeSection } from './lib.ts';
import { saveBenchProduct, verifiedUsers } from './people.ts';

/**
 * The lending benchmark (issue 6, "Speed"): a hot listing taking 10,000 bids from 200 concurrent
 * investors (each bid checked, frozen in the ledger and recorded with the listing row locked), beside
 * the bare SQL of a hot-row bid (lock the listing, add to what it raised, insert the bid) at the same
 * concurrency; and one repayment distributed across a loan of 1,000 notes, beside posting the same
 * number of ledger transfers alone.
 */
const INVESTORS = 1000;
const HOT_INVESTORS = 200;
const BIDS_EACH = 50;
const DATA_KEY = Buffer.alloc(32, 13);
const ADMIN = 'bench-admin-token-0123456789abcdef';

export async function people(
  platform: Platform,
  count: number,
  phonePrefix: string,
  district: string,
): Promise<string[]> {
  const ids = await verifiedUsers(platform, count, { phonePrefix, district, ipPrefix: '10.3' });
  for (const id of ids) await platform.identity.suitability.assess(id, [4, 4, 4, 4, 4, 4, 4, 4]);
  // Money into every wallet from outside (a benchmark shortcut: real money comes in through channels).
  await inTransaction(platform.db, async (trx) => {
    await platform.ledger.createAccounts(
      [{ id: 'bench:outside', ledger: 'CNY', code: ChartOfAccounts.external.code }],
      { tx: trx },
    );
    const wallets: string[] = [];
    for (const id of ids) wallets.push(await platform.payments.walletAccount(trx, id));
    const results = await platform.ledger.createTransfers(
      wallets.map((wallet) => ({
        id: `bench:fund:${wallet}`,
        debitAccountId: 'bench:outside',
        creditAccountId: wallet,
        amount: 10_000_000_00n,
        ledger: 'CNY',
        code: 1,
      })),
      { tx: trx },
    );
    if (results.some((r) => r.result !== 'ok')) throw new Error('funding the wallets failed');
  });
  return ids;
}

/**
 * A listing straight from an application row (the benchmark skips the risk decision, which has a
 * benchmark of its own): the bench product, the amount given, grade A.
 */
export async function listing(platform: Platform, borrowerId: string, amount: bigint): Promise<string> {
  const { context } = platform.lending;
  return inTransaction(platform.db, async (trx) => {
    const applicationId = uuidv7();
    const now = context.clock.now();
    const product = await context.products.current('bench', trx);
    await sql`insert into loan_applications (id, borrower_id, product_id, product_version, amount, term, method, purpose, status, created_at, updated_at)
      values (${applicationId}::uuid, ${borrowerId}::uuid, 'bench', ${product.version}, ${amount}, 12, 'equal_installment', 'business', 'listed', ${now}, ${now})`.execute(
      trx,
    );
    return createListing(context, trx, applicationId, {
      amount,
      annualRate: '0.10',
      upfrontFeeRate: '0.01',
      grade: 'A1',
    });
  });
}

async function callers(
  count: number,
  work: (caller: number) => AsyncGenerator<() => Promise<void>>,
): Promise<Measurement> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, c) => {
      for await (const call of work(c)) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    name: 'c',
    operations: latencies.length,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: latencies,
  };
}

export async function run(): Promise<void> {
  const lines: string[] = [];
  await measure(undefined, lines);
  if (process.env.DATABASE_URL) await measure(process.env.DATABASE_URL, lines);
  else
    console.log(
      'DATABASE_URL is not set: measuring PGlite only (scripts/with-postgres.sh npm run bench -- lending adds PostgreSQL)',
    );
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const body = `## Lending (\`npm run bench -- lending\`)

Measured ${when} UTC on ${machine()}.

${INVESTORS} verified investors (KYC, risk class C5) with funded wallets. Each bid goes through the service as the API's does:
the investor's KYC and risk class checked, then in one transaction the listing row locked, the product's minimum, step and
per-investor cap checked, the amount frozen as a pending ledger transfer and the bid recorded (bids arriving together on one
listing share a transaction: docs/lending.md); the bid that fills the listing also waits for its disbursement.
Ratio = netfin ÷ baseline throughput (for the repayment: baseline time ÷ netfin time).

| database | test | netfin | p50 / p99 ms | baseline | baseline p50 / p99 ms | ratio | baseline |
|---|---|---:|---:|---:|---:|---:|---|
${lines.join('\n')}`;
  writeSection('lending', body);
}

async function measure(url: string | undefined, lines: string[]): Promise<void> {
  const onServer = Boolean(url);
  const schema = `bench_lending_${Date.now()}`;
  const dataDir = onServer ? '' : mkdtempSync(path.join(tmpdir(), 'netfin-bench-lending-'));
  const config = loadConfig(
    {
      ...process.env,
      DATABASE_URL: url ?? '',
      NETFIN_SMS_PER_IP_PER_DAY: '1000000',
      NETFIN_SMS_INTERVAL_SECONDS: '0',
    },
    { dataDir, poolSize: 40, logLevel: 'silent', dataKey: DATA_KEY, adminToken: ADMIN, demo: false },
  );
  const target = onServer ? 'PostgreSQL' : 'PGlite (embedded)';
  const platform = await openPlatform(config, { ...(onServer ? { schema } : {}), log: () => {} });
  try {
    const { lending, ledger, db } = platform;
    await saveBenchProduct(platform);
    console.log(`[${target}] ${INVESTORS} verified, assessed and funded investors, 2 borrowers`);
    const investors = await people(platform, INVESTORS, '186', '110105');
    const [hotBorrower, wideBorrower] = await people(platform, 2, '184', '110106');

    // (1) The hot listing: 200 investors bid 50.00 fifty times each, all at once; 10,000 bids on a
    // listing of 499,000.00, so that the last 20 find it full.
    const hot = await listing(platform, hotBorrower!, 499_000_00n);
    let accepted = 0;
    let refused = 0;
    const bids = await callers(HOT_INVESTORS, async function* (c) {
      for (let k = 0; k < BIDS_EACH; k++)
        yield async () => {
          try {
            await lending.bid(investors[c]!, hot, 50_00n);
            accepted++;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (code !== 'listing_full' && code !== 'listing_closed') throw error;
            refused++;
          }
        };
    });
    const funding = await ledger.getAccount(loanAccount.funding(hot));
    const raised = funding!.creditsPosted + funding!.creditsPending;
    const view = await lending.loan(hot);
    if (raised !== 499_000_00n || accepted !== 9_980 || view.status !== 'active')
      throw new Error(`the hot listing is wrong: raised ${raised}, ${accepted} accepted, ${view.status}`);

    // Baseline: the bare hot-row bid in SQL at the same concurrency, on a table of its own.
    await sql`create table bench_listing (id int primary key, amount bigint not null, raised bigint not null)`.execute(
      db,
    );
    await sql`create table bench_bid (id uuid primary key, listing int not null, investor uuid not null, amount bigint not null, created_at timestamptz not null)`.execute(
      db,
    );
    await sql`insert into bench_listing values (1, 49900000, 0)`.execute(db);
    const bare = await callers(HOT_INVESTORS, async function* (c) {
      for (let k = 0; k < BIDS_EACH; k++)
        yield async () => {
          await inTransaction(db, async (trx) => {
            const row = await sql<{
              amount: bigint;
              raised: bigint;
            }>`select amount, raised from bench_listing where id = 1 for update`.execute(trx);
            const left = row.rows[0]!.amount - row.rows[0]!.raised;
            if (left <= 0n) return;
            const take = left < 5000n ? left : 5000n;
            await sql`update bench_listing set raised = raised + ${take} where id = 1`.execute(trx);
            await sql`insert into bench_bid values (${uuidv7()}::uuid, 1, ${investors[c]!}::uuid, ${take}, now())`.execute(
              trx,
            );
          });
        };
    });
    // The bid that filled the listing waited for its disbursement: the slowest call.
    const disbursement = Math.max(...bids.latenciesMs);
    const n = summarize(bids);
    const b = summarize(bare);
    console.log(
      `[${target}] hot listing: ${fmt(n.perSecond)} bids/s (${accepted} accepted, ${refused} refused); bare SQL ${fmt(b.perSecond)}/s`,
    );
    lines.push(
      `| ${target} | hot listing: 10,000 bids from ${HOT_INVESTORS} concurrent investors (9,980 accepted, 20 refused as full; filled exactly; the bid that filled it waited ${fmt(disbursement)} ms for the disbursement of 9,980 bids into ${HOT_INVESTORS} notes, counted in the time) | ${fmt(n.perSecond)} bids/s | ${fmt(n.p50, 1)} / ${fmt(n.p99, 1)} | ${fmt(b.perSecond)} bids/s | ${fmt(b.p50, 1)} / ${fmt(b.p99, 1)} | ${fmt(n.perSecond / b.perSecond, 2)} | bare SQL hot-row bid: lock the listing, add to raised, insert the bid; no checks, no ledger |`,
    );

    // (2) A loan of 1,000 notes: 1,000 investors bid 50.00 each, then the borrower repays
    // instalments early one at a time; each repayment is split across the 1,000 notes.
    const wide = await listing(platform, wideBorrower!, 50_000_00n);
    for (let start = 0; start < INVESTORS; start += 50)
      await Promise.all(investors.slice(start, start + 50).map((id) => lending.bid(id, wide, 50_00n)));
    if ((await lending.loan(wide)).status !== 'active') throw new Error('the wide loan was not disbursed');
    const notes = await sql<{
      n: bigint;
    }>`select count(*)::bigint as n from loan_notes where loan_id = ${wide}::uuid`.execute(db);
    const repayments: number[] = [];
    let transfers = 0;
    let lastFrom = 0n;
    for (let k = 0; k < 6; k++) {
      const before = await sql<{
        n: bigint;
        last: bigint;
      }>`select count(*)::bigint as n, max(timestamp) as last from ledger_transfers`.execute(db);
      const t0 = performance.now();
      await lending.repay(wideBorrower!, wide, { mode: 'next' });
      repayments.push(performance.now() - t0);
      const after = await sql<{ n: bigint }>`select count(*)::bigint as n from ledger_transfers`.execute(db);
      transfers = Number(after.rows[0]!.n - before.rows[0]!.n);
      lastFrom = before.rows[0]!.last;
    }
    // The floor: the last repayment's own transfer rows written again in bare SQL, into copies of the
    // ledger's two tables (same indexes and fillfactor): lock the accounts in id order, insert the rows, add the
    // summed amounts to the balances, in one transaction. No checks, no journals, no notes.
    const rows = (
      await sql<{
        debit_account_id: string;
        credit_account_id: string;
        amount: bigint;
      }>`select debit_account_id, credit_account_id, amount from ledger_transfers where timestamp > ${lastFrom} order by timestamp`.execute(
        db,
      )
    ).rows;
    const floorTables = { accounts: 'bench_floor_accounts', transfers: 'bench_floor_transfers' };
    await copyLedgerTables(db, floorTables, true);
    const floors: number[] = [];
    for (let k = 0; k < 6; k++) {
      const again = rows.map((r, i) => ({
        id: `bench:floor:${k}:${i}`,
        debitAccountId: r.debit_account_id,
        creditAccountId: r.credit_account_id,
        amount: r.amount,
      }));
      const t0 = performance.now();
      await inTransaction(db, (trx) =>
        postTransfers(trx, floorTables, again, 10n ** 15n + BigInt(k) * 100_000n),
      );
      floors.push(performance.now() - t0);
    }
    // Baseline: the same number of ledger transfers posted alone, in one call, between wallets.
    const wallets = await inTransaction(db, async (trx) =>
      Promise.all(investors.map((id) => platform.payments.walletAccount(trx, id))),
    );
    const postings: number[] = [];
    for (let k = 0; k < 6; k++) {
      const t0 = performance.now();
      await ledger.createTransfers(
        Array.from({ length: transfers }, (_, i) => ({
          id: `bench:post:${k}:${i}`,
          debitAccountId: wallets[i % wallets.length]!,
          creditAccountId: wallets[(i + 1) % wallets.length]!,
          amount: 1n + BigInt(i % 7),
          ledger: 'CNY',
          code: 1,
        })),
      );
      postings.push(performance.now() - t0);
    }
    const sorted = [...repayments].sort((x, y) => x - y);
    const sortedPost = [...postings].sort((x, y) => x - y);
    const sortedFloor = [...floors].sort((x, y) => x - y);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    console.log(
      `[${target}] one repayment across ${notes.rows[0]!.n} notes: median ${fmt(median(sorted), 1)} ms (${transfers} transfers); posting them alone ${fmt(median(sortedPost), 1)} ms`,
    );
    lines.push(
      `| ${target} | one repayment (next instalment, early) split across a loan of ${notes.rows[0]!.n} notes: ${transfers} ledger transfers, journals, one transaction | median ${fmt(median(sorted), 1)} ms | max ${fmt(sorted[sorted.length - 1]!, 1)} | median ${fmt(median(sortedPost), 1)} ms | max ${fmt(sortedPost[sortedPost.length - 1]!, 1)} | ${fmt(median(sortedPost) / median(sorted), 2)} | the same number of ledger transfers posted alone in one call; 6 runs each |`,
      `| ${target} | the same repayment against the storage floor | median ${fmt(median(sorted), 1)} ms | max ${fmt(sorted[sorted.length - 1]!, 1)} | median ${fmt(median(sortedFloor), 1)} ms | max ${fmt(sortedFloor[sortedFloor.length - 1]!, 1)} | ${fmt(median(sortedFloor) / median(sorted), 2)} | floor: its ${rows.length} transfer rows and ${new Set(rows.flatMap((r) => [r.debit_account_id, r.credit_account_id])).size} balance updates in bare SQL (accounts locked in id order, no checks, no journals); 6 runs |`,
    );
    console.log(`[${target}] storage floor of that repayment: median ${fmt(median(sortedFloor), 1)} ms`);
  } finally {
    await platform.close().catch(() => {});
    if (onServer) {
      const admin = await openDatabase({ url, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    } else rmSync(dataDir, { recursive: true, force: true });
  }
}
