import os from 'node:os';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { inTransaction, openDatabase, quoteIdent } from '../src/db/index.ts';
import { ADMIN_TOKEN } from '../src/identity/index.ts';
import { uuidv7 } from '../src/kernel/index.ts';
import { AccountFlag, ChartOfAccounts } from '../src/ledger/index.ts';
import { wealthAccount } from '../src/wealth/index.ts';
import { copyLedgerTables } from './bare.ts';
import { fmt, machine, writeSection } from './lib.ts';

/**
 * The money-market fund's income benchmark (issue 18): HOLDERS holdings of one fund, each with a
 * balance between 1.00 and 100,000.00, and one day's income per 10,000 units entered; then the
 * business date closed through the real day-close (`platform.batch.close`), whose step 500
 * wealth.mmf-income credits every holder floor(units × per10k ÷ 10,000) as an income → holding ledger
 * transfer (chunks of 8,000 holdings: one balance lookup and one ledger write each), and step 505
 * reconciles the day. Beside it, in the same run, a set-based bare-SQL baseline does the same
 * crediting into copies of the ledger's two tables: one INSERT … SELECT of the transfer rows and one
 * UPDATE of the balances, no checks. Both must come to the same total to the cent.
 *
 * The holdings and their accounts are made set-based (their balances written directly, with negative
 * account timestamps as bench/dayclose.ts does), so the ledger's transfers do not explain those
 * opening balances and `ledger verify` is not run; the income transfers are the ledger's own.
 * Targets: the step within 60 s for 1,000,000 holders, at least a quarter of the baseline's rate.
 *
 * `npm run bench -- wealth` (DATABASE_URL: PostgreSQL); `--holders=100000` for a smaller book.
 */
const DATA_KEY = Buffer.alloc(32, 17);
const PER10K = '0.6543';

function holdersAsked(): number {
  const arg = process.argv.find((a) => a.startsWith('--holders='));
  const n = Number(arg ? arg.slice('--holders='.length) : (process.env.BENCH_WEALTH_HOLDERS ?? 1_000_000));
  if (!Number.isInteger(n) || n < 1) throw new Error('--holders=N takes a positive whole number');
  return n;
}

async function makeBook(platform: Platform, holders: number, log: (s: string) => void): Promise<string> {
  const db = platform.db;
  const productId = uuidv7();
  const now = new Date();
  await sql`insert into wealth_products (id, code, kind, name_zh, name_en, risk_level, allow_override, status, terms, created_at, updated_at)
    values (${productId}, 'BENCH-MMF', 'money_market', '基准货币基金', 'Bench MMF', 1, false, 'published',
            ${JSON.stringify({ quickPerInvestorPerDay: '10000.00', quickFundPerDay: '5000000.00', minSubscription: '0.01', yieldDefinition: 'compounded' })}::jsonb,
            ${now}, ${now})`.execute(db);
  const step = 100_000;
  for (let first = 0; first < holders; first += step) {
    const count = Math.min(step, holders - first);
    await inTransaction(db, async (trx) => {
      await sql`create temporary table bench_new_holdings on commit drop as
        select gen_random_uuid() as id, gen_random_uuid() as user_id,
               (100 + floor(random() * 9999900))::int8 as units, ${first}::int8 + g as n
        from generate_series(1, ${count}) as g`.execute(trx);
      await sql`insert into wealth_holdings (id, product_id, user_id, account_id, opened_at)
        select id, ${productId}, user_id, 'wh:' || id, ${now} from bench_new_holdings`.execute(trx);
      await sql`insert into ledger_accounts (id, ledger, code, user_data, flags, credits_posted, timestamp, created_at)
        select 'wh:' || id, 'CNY', ${ChartOfAccounts.fundHolding.code}, ${productId}, ${AccountFlag.debitsMustNotExceedCredits},
               units, -(1000000000 + n), ${now} from bench_new_holdings`.execute(trx);
    });
    log(`  ${fmt(first + count)} holdings`);
  }
  await sql`analyze wealth_holdings`.execute(db);
  await sql`analyze ledger_accounts`.execute(db);
  return productId;
}

/** The baseline: the same day's income credited set-based into copies of the ledger's tables. */
async function baseline(platform: Platform, productId: string, k: bigint) {
  const tables = { accounts: 'bench_bare_accounts', transfers: 'bench_bare_transfers' };
  await copyLedgerTables(platform.db, tables, false);
  const income = wealthAccount.income(productId);
  await sql`insert into ${sql.table(tables.accounts)} (id, ledger, code, user_data, flags, timestamp, created_at)
    values (${income}, 'CNY', ${ChartOfAccounts.mmfIncome.code}, ${productId}, 0, -1, now()) on conflict do nothing`.execute(
    platform.db,
  );
  const started = performance.now();
  const total = await inTransaction(platform.db, async (trx) => {
    const inserted = await sql<{ n: bigint; total: bigint }>`
      with credited as (
        insert into ${sql.table(tables.transfers)} (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code,
                                                  user_data, flags, timeout_seconds, timestamp, created_at)
        select 'mmfi:bare:' || h.id, ${income}, a.id, (a.credits_posted - a.debits_posted - a.debits_pending) * ${k} / 100000000,
               null, 'CNY', 1804, null, 0, 0, row_number() over (), now()
        from wealth_holdings h join ${sql.table(tables.accounts)} a on a.id = h.account_id
        where h.product_id = ${productId} and (a.credits_posted - a.debits_posted - a.debits_pending) * ${k} / 100000000 > 0
        returning credit_account_id, amount)
      , balances as (
        update ${sql.table(tables.accounts)} a set credits_posted = a.credits_posted + c.amount
        from credited c where a.id = c.credit_account_id returning c.amount)
      select count(*)::int8 as n, coalesce(sum(amount), 0)::int8 as total from balances`.execute(trx);
    const row = inserted.rows[0]!;
    await sql`update ${sql.table(tables.accounts)} set debits_posted = debits_posted + ${row.total} where id = ${income}`.execute(
      trx,
    );
    return row;
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, transfers: Number(total.n), total: total.total };
}

async function benchPostgres(url: string, holders: number) {
  const schema = `bench_wealth_${Date.now()}`;
  const config = loadConfig(
    { ...process.env, DATABASE_URL: url },
    {
      poolSize: 10,
      logLevel: 'silent',
      dataKey: DATA_KEY,
      adminToken: 'bench-admin-token-0123456789abcdef',
      demo: false,
    },
  );
  const log = (line: string) => console.log(`[PostgreSQL] ${line}`);
  const platform = await openPlatform(config, { schema, log: () => {} });
  try {
    const date = await platform.batch.businessDate();
    log(`${fmt(holders)} holders of one fund, business date ${date}`);
    const productId = await makeBook(platform, holders, log);
    await platform.wealth.income.enter(
      { date, per10k: PER10K, productId },
      { principal: ADMIN_TOKEN, ip: null },
    );
    const k = 6543n;

    log('baseline: set-based SQL into copies of the ledger tables');
    const bare = await baseline(platform, productId, k);
    log(`baseline: ${fmt(bare.transfers)} credits in ${fmt(bare.seconds, 1)} s`);

    log(`day-close of ${date}`);
    const stepEnds = new Map<string, number>();
    const closeStarted = performance.now();
    await platform.batch.close('bench', {
      onProgress: (p) => {
        stepEnds.set(p.step, performance.now());
        if (p.step === 'wealth.mmf-income' && p.chunksDone % 25 === 0)
          log(`  wealth.mmf-income ${p.chunksDone}/${p.chunks} chunks`);
      },
    });
    const closeSeconds = (performance.now() - closeStarted) / 1000;
    // A step's wall time: from the end of the step before it (its plan included) to its own end.
    const order = [...stepEnds.entries()].sort((a, b) => a[1] - b[1]);
    const wallOf = (name: string) => {
      const i = order.findIndex(([s]) => s === name);
      if (i < 0) return 0;
      return (order[i]![1] - (i === 0 ? closeStarted : order[i - 1]![1])) / 1000;
    };
    const stepSeconds = wallOf('wealth.mmf-income');
    const totalSeconds = stepSeconds + wallOf('wealth.mmf-income-total');
    const day = await sql<{
      holders: number;
      fund_income: bigint;
      distributed: bigint;
      undistributed: bigint;
    }>`
      select holders, fund_income, distributed, undistributed from wealth_mmf_income
      where product_id = ${productId} and date = ${date}`.execute(platform.db);
    const r = day.rows[0]!;
    const transfers = await sql<{ n: bigint; total: bigint }>`
      select count(*)::int8 as n, coalesce(sum(amount), 0)::int8 as total from ledger_transfers
      where code = 1804 and id like ${`mmfi:${date}:%`}`.execute(platform.db);
    const t = transfers.rows[0]!;
    if (
      t.total !== r.distributed ||
      r.distributed !== bare.total ||
      r.distributed + r.undistributed !== r.fund_income
    )
      throw new Error(
        `figures disagree: ledger ${t.total}, day ${r.distributed} + ${r.undistributed} = ${r.fund_income}, baseline ${bare.total}`,
      );
    if (Number(t.n) !== bare.transfers)
      throw new Error(`${t.n} income transfers, baseline ${bare.transfers}`);
    const chunks = await sql<{ step: string; chunks: number; ms: bigint }>`
      select step, count(*)::int as chunks, sum(ms)::int8 as ms from batch_chunks
      where business_date = ${date} and step like 'wealth.mmf-income%' group by step`.execute(platform.db);
    log(
      `netfin: ${fmt(Number(t.n))} credits in ${fmt(stepSeconds, 1)} s (step 500), close ${fmt(closeSeconds, 1)} s; figures agree with the baseline to the cent`,
    );
    return {
      date,
      holders,
      credits: Number(t.n),
      stepSeconds,
      totalSeconds,
      closeSeconds,
      chunks: chunks.rows.find((c) => c.step === 'wealth.mmf-income')?.chunks ?? 0,
      bare,
      day: r,
      otherSteps: order
        .map(([s]) => [s, wallOf(s)] as const)
        .filter(([s, sec]) => !s.startsWith('wealth.mmf-income') && sec >= 0.5),
    };
  } finally {
    await platform.close().catch(() => {});
    const admin = await openDatabase({ url, poolSize: 1 });
    await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
    await admin.close();
  }
}

const yuan = (cents: bigint) => `${fmt(Number(cents / 100n))}.${String(cents % 100n).padStart(2, '0')}`;

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('the wealth benchmark runs on PostgreSQL: set DATABASE_URL');
  const holders = holdersAsked();
  const started = new Date();
  const load = os.loadavg()[0]!;
  const r = await benchPostgres(url, holders);
  const loadAfter = os.loadavg()[0]!;
  const rate = r.credits / r.stepSeconds;
  const bareRate = r.bare.transfers / r.bare.seconds;
  const ratio = rate / bareRate;
  const busy = load > os.cpus().length;
  writeSection(
    'wealth',
    `## Wealth: a day of the money-market fund's income (\`npm run bench -- wealth\`)

Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; 1-minute load average ${load.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end.${busy ? '\n\n**Measured on a busy machine** (the load average was above the number of cores when it started): to be re-measured on a quiet one.' : ''}

${fmt(r.holders)} holdings of one money-market fund, balances between 1.00 and 100,000.00 (made set-based, bench/wealth.ts), income of
${r.date} entered at ${PER10K} per 10,000 units; the date closed through the real day-close in this process. Step 500
wealth.mmf-income credits each holder floor(units × per10k ÷ 10,000) as an income → holding ledger transfer, in ${fmt(r.chunks)} chunks of
8,000 holdings (each: one balance lookup, one ledger write through the ledger's checks, its own transaction); step 505 reconciles
the day. The baseline, in the same run and the same database, credits the same day set-based into copies of the ledger's two tables
(one INSERT … SELECT of the transfer rows, one UPDATE of the balances, no checks). Both came to the same total to the cent.
Targets (issue 18): the crediting within 60 s for 1,000,000 holders, at least a quarter of the baseline's rate.

| what | holders credited | time | per second | ratio to baseline | target met |
|---|---:|---:|---:|---:|---|
| netfin step 500 wealth.mmf-income (plan included) | ${fmt(r.credits)} | ${fmt(r.stepSeconds, 1)} s | ${fmt(rate)} | ${fmt(ratio, 2)} | within 60 s: ${r.stepSeconds <= 60 ? 'yes' : 'no'}; ≥ 0.25 of the baseline: ${ratio >= 0.25 ? 'yes' : 'no'}${holders < 1_000_000 ? ` (at ${fmt(holders)} holders, not 1,000,000)` : ''} |
| netfin steps 500 + 505 (with the day's reconciliation) | ${fmt(r.credits)} | ${fmt(r.totalSeconds, 1)} s | ${fmt(r.credits / r.totalSeconds)} | ${fmt(r.credits / r.totalSeconds / bareRate, 2)} | |
| bare SQL baseline (set-based, no checks) | ${fmt(r.bare.transfers)} | ${fmt(r.bare.seconds, 1)} s | ${fmt(bareRate)} | 1.00 | |
| the whole day-close (every context's steps) | | ${fmt(r.closeSeconds, 1)} s | | | |

The day: ${fmt(r.day.holders)} holders earning, the fund's income ${yuan(r.day.fund_income)}, distributed ${yuan(r.day.distributed)}, undistributed ${yuan(r.day.undistributed)} (what rounding down per holder left).
${r.otherSteps.length > 0 ? `Other steps of the close over 0.5 s: ${r.otherSteps.map(([s, sec]) => `${s} ${fmt(sec, 1)} s`).join('; ')}.` : ''}
`,
  );
}
