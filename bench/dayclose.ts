import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { copySchema, type Executor, inTransaction, openDatabase, quoteIdent } from '../src/db/index.ts';
import { ADMIN_TOKEN } from '../src/identity/index.ts';
import { addDays, ManualClock, type PlainDate, uuidv7 } from '../src/kernel/index.ts';
import { ChartOfAccounts } from '../src/ledger/index.ts';
import { createListing } from '../src/lending/marketplace.ts';
import { fmt, machine, writeSection } from './lib.ts';
import { saveBenchProduct, verifiedUsers } from './people.ts';

/**
 * The day-close benchmark (issue 7, "Speed"): a loan book of LOANS active loans with schedules, then
 * one business date closed with 1 and (on PostgreSQL) 2 worker processes, through `netfin day-close`.
 *
 * The book is grown from a template made through the services: 90 loans opened over 30 business
 * days (3 a day, so that due dates spread over the month), one in twelve with a borrower who stops
 * paying, each funded by 4 investors, and two months of business days closed over it. The template's
 * rows (users, loans, schedules, notes, charges, repayments, allocations, advances, collection cases,
 * wallets, and the ledger accounts of its loans, notes and wallets with their balances) are then copied with
 * every id mapped to a new one per copy (increasing with the copy, as UUIDv7 ids increase with
 * time), in one statement per table and batch of copies, each copy's rows together. The copies
 * carry no ledger transfers (their balances are copied), so `ledger verify` is not run on the book.
 */
const TEMPLATE_DAYS = 30;
const PER_DAY = 3;
const INVESTORS = 4;
const DATA_KEY = Buffer.alloc(32, 17);
const SYSTEM = { principal: ADMIN_TOKEN, ip: null };
const UUID_RE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CLONED = [
  'users',
  'loans',
  'loan_installments',
  'loan_notes',
  'loan_charges',
  'loan_repayments',
  'loan_allocations',
  'loan_advances',
  'collection_cases',
  'collection_stage_history',
  'wallets',
  'ledger_accounts',
  // The month ends' books the template's closes kept for the roll rates (migration 0038).
  'loan_month_end_buckets',
];

export async function makeTemplate(platform: Platform, clock: ManualClock): Promise<void> {
  const { lending } = platform;
  await saveBenchProduct(platform);
  await lending.fundReserve(1_000_000_00n, SYSTEM);
  const investors = await verifiedUsers(platform, INVESTORS, {
    phonePrefix: '186',
    district: '110105',
    ipPrefix: '10.5',
  });
  for (const id of investors) await platform.identity.suitability.assess(id, [4, 4, 4, 4, 4, 4, 4, 4]);
  const borrowers = await verifiedUsers(platform, TEMPLATE_DAYS * PER_DAY, {
    phonePrefix: '184',
    district: '110106',
    ipPrefix: '10.6',
  });
  await inTransaction(platform.db, async (trx) => {
    await platform.ledger.createAccounts(
      [{ id: 'bench:outside', ledger: 'CNY', code: ChartOfAccounts.external.code }],
      {
        tx: trx,
      },
    );
    const wallets = [];
    for (const id of investors) wallets.push(await platform.payments.walletAccount(trx, id));
    await platform.ledger.createTransfers(
      wallets.map((w) => ({
        id: `bench:fund:${w}`,
        debitAccountId: 'bench:outside',
        creditAccountId: w,
        amount: 100_000_000_00n,
        ledger: 'CNY',
        code: 1,
      })),
      { tx: trx },
    );
  });
  let n = 0;
  for (let day = 0; day < TEMPLATE_DAYS; day++) {
    for (let j = 0; j < PER_DAY; j++, n++) {
      const borrower = borrowers[n]!;
      const loanId = await inTransaction(platform.db, async (trx) => {
        const applicationId = uuidv7();
        const now = clock.now();
        const product = await lending.context.products.current('bench', trx);
        await sql`insert into loan_applications (id, borrower_id, product_id, product_version, amount, term, method, purpose, status, created_at, updated_at)
          values (${applicationId}::uuid, ${borrower}::uuid, 'bench', ${product.version}, 1000000, 12, 'equal_installment', 'business', 'listed', ${now}, ${now})`.execute(
          trx,
        );
        return createListing(lending.context, trx, applicationId, {
          amount: 10_000_00n,
          annualRate: '0.10',
          upfrontFeeRate: '0.01',
          grade: 'A1',
        });
      });
      for (const investor of investors) await lending.bid(investor, loanId, 2_500_00n);
      // One borrower in twelve spends the money and never pays; the others keep enough in the wallet.
      if (n % 12 === 5) await moveOut(platform, borrower);
      else await moveIn(platform, borrower);
    }
    clock.advanceSeconds(86_400);
    await platform.batch.close('bench-template');
  }
  // Two more months of business days: every loan has instalments charged, some loans are overdue.
  const through = addDays(await platform.batch.businessDate(), 60);
  for (let d = await platform.batch.businessDate(); d <= through; d = await platform.batch.businessDate()) {
    clock.advanceSeconds(86_400);
    await platform.batch.close('bench-template');
  }
}

async function moveIn(platform: Platform, userId: string) {
  await inTransaction(platform.db, async (trx) => {
    const wallet = await platform.payments.walletAccount(trx, userId);
    await platform.ledger.createTransfers(
      [
        {
          id: `bench:in:${userId}`,
          debitAccountId: 'bench:outside',
          creditAccountId: wallet,
          amount: 10_000_00n,
          ledger: 'CNY',
          code: 1,
        },
      ],
      { tx: trx },
    );
  });
}

async function moveOut(platform: Platform, userId: string) {
  await inTransaction(platform.db, async (trx) => {
    const wallet = await platform.payments.walletAccount(trx, userId, { lock: true });
    const account = (await platform.ledger.getAccount(wallet, { tx: trx }))!;
    const available = account.creditsPosted - account.debitsPosted - account.debitsPending;
    await platform.ledger.createTransfers(
      [
        {
          id: `bench:out:${userId}`,
          debitAccountId: wallet,
          creditAccountId: 'bench:outside',
          amount: available,
          ledger: 'CNY',
          code: 1,
        },
      ],
      { tx: trx },
    );
  });
}

/**
 * A template id's counterpart in copy k. Like netfin's own ids (UUIDv7, time first), the copies'
 * ids increase with the copy, so that a range of loan ids is a stretch of the table written
 * together, as a real book's loans are; the rest is a hash of the template id.
 */
const copyId = (text: string) => `(lpad(to_hex(k), 8, '0') || substr(md5(${text} || ':' || k), 9))::uuid`;

/** Every column's expression in a copy: uuids mapped, uuids inside text mapped, unique hashes made unique. */
async function copyExpressions(db: Executor, table: string): Promise<{ columns: string[]; exprs: string[] }> {
  const cols = await sql<{ name: string; type: string }>`
    select column_name as name, data_type as type from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`.execute(
    db,
  );
  const columns = cols.rows.map((c) => quoteIdent(c.name));
  const exprs = cols.rows.map(({ name, type }) => {
    const c = `t.${quoteIdent(name)}`;
    if (type === 'uuid') return copyId(`${c}::text`);
    if (table === 'users' && (name === 'phone_hash' || name === 'id_number_hash'))
      return `md5(${c} || ':' || k)`;
    if (table === 'ledger_accounts' && name === 'timestamp')
      return `-(k::bigint * 100000000 + row_number() over ())`;
    if (type === 'text')
      return `case when ${c} ~ '${UUID_RE}' then regexp_replace(${c}, '${UUID_RE}', ${copyId(`substring(${c} from '${UUID_RE}')`)}::text) else ${c} end`;
    return c;
  });
  return { columns, exprs };
}

export async function grow(db: Executor, copies: number, log: (line: string) => void): Promise<void> {
  for (const table of CLONED) {
    const source = `bench_template_${table}`;
    const filter = table === 'ledger_accounts' ? `where id ~ '${UUID_RE}'` : '';
    await sql.raw(`create table ${source} as select * from ${quoteIdent(table)} ${filter}`).execute(db);
  }
  const batch = 500;
  for (const table of CLONED) {
    const started = performance.now();
    const { columns, exprs } = await copyExpressions(db, table);
    for (let first = 1; first <= copies; first += batch) {
      const last = Math.min(copies, first + batch - 1);
      await sql
        .raw(`insert into ${quoteIdent(table)} (${columns.join(', ')})
        select ${exprs.join(', ')} from bench_template_${table} t, generate_series(${first}, ${last}) k
        order by k, t.ctid`)
        .execute(db);
    }
    log(`  copied ${table} ×${copies} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const table of CLONED) await sql.raw(`drop table bench_template_${table}`).execute(db);
  // The template's dates' sums of its book (migration 0043) are not the grown book's: forgotten, so
  // that whatever reads a past date's book sums the grown one.
  await sql`delete from loan_book_days`.execute(db);
  await sql`analyze`.execute(db);
}

interface CloseFigures {
  seconds: number;
  peakMb: number[];
  steps: { step: string; rows: number; ms: number | null }[];
}

function dayCloseProcess(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(import.meta.dirname, '../bin/netfin.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, out, err }));
  });
}

async function closeOnce(
  env: NodeJS.ProcessEnv,
  dataDir: string | undefined,
  workers: number,
  open: () => Promise<Platform>,
): Promise<CloseFigures> {
  const args = [
    ...(dataDir ? ['--data-dir', dataDir] : []),
    'day-close',
    '--json',
    '--workers',
    String(workers),
  ];
  const started = performance.now();
  const run = await dayCloseProcess(env, args);
  const seconds = (performance.now() - started) / 1000;
  if (run.code !== 0) throw new Error(`day-close failed (${run.code}): ${run.err.slice(-2000)}`);
  const result = JSON.parse(run.out.trim().split('\n').at(-1)!) as { date: PlainDate; peakMemoryMb: number };
  const peaks = [
    result.peakMemoryMb,
    ...[...run.err.matchAll(/peak memory (\d+) MB/g)].map((m) => Number(m[1])),
  ];
  const platform = await open();
  try {
    const report = await platform.batch.run(result.date);
    return {
      seconds,
      peakMb: peaks,
      steps: report!.steps.map((s) => ({ step: s.step, rows: s.rows, ms: s.ms })),
    };
  } finally {
    await platform.close();
  }
}

async function measure(url: string | undefined, loans: number, lines: string[]): Promise<void> {
  const target = url ? 'PostgreSQL' : 'PGlite';
  const schema = url ? `bench_dayclose_${process.pid}` : undefined;
  const dataDir = url ? undefined : mkdtempSync(path.join(tmpdir(), 'netfin-bench-dayclose-'));
  const env: NodeJS.ProcessEnv = {
    NETFIN_DATA_KEY: DATA_KEY.toString('base64'),
    LOG_LEVEL: 'silent',
    DATABASE_URL: url ?? '',
    ...(schema ? { NETFIN_DB_SCHEMA: schema } : {}),
  };
  const config = (s?: string) =>
    loadConfig(
      { ...process.env, DATABASE_URL: url ?? '' },
      {
        logLevel: 'silent',
        dataKey: DATA_KEY,
        poolSize: 4,
        ...(dataDir ? { dataDir } : {}),
        ...(s ? { schema: s } : {}),
      },
    );
  const bigConfig = (s?: string) => {
    const c = config(s);
    return { ...c, identity: { ...c.identity, smsPerIpPerDay: 1_000_000 } };
  };
  const open = (s = schema) => openPlatform(config(s), { log: () => {}, ...(s ? { schema: s } : {}) });
  try {
    const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
    const platform = await openPlatform(bigConfig(schema), {
      clock,
      log: () => {},
      ...(schema ? { schema } : {}),
    });
    const templateStarted = performance.now();
    await makeTemplate(platform, clock);
    const templateLoans = TEMPLATE_DAYS * PER_DAY;
    const copies = Math.max(0, Math.ceil(loans / templateLoans) - 1);
    console.log(
      `[${target}] template: ${templateLoans} loans in ${((performance.now() - templateStarted) / 1000).toFixed(1)} s; copying it ${copies} times`,
    );
    const growStarted = performance.now();
    await grow(platform.db, copies, (line) => console.log(`[${target}]${line}`));
    const growSeconds = (performance.now() - growStarted) / 1000;
    const book = await sql<{
      loans: number;
      overdue: number;
      due: number;
      installments: number;
      accounts: number;
    }>`
      select (select count(*)::int from loans where status = 'active') as loans,
             (select count(*)::int from loans where status = 'active' and overdue_amount > 0) as overdue,
             (select count(*)::int from loans where status = 'active' and next_due_on <= ${await platform.batch.businessDate()}) as due,
             (select count(*)::int from loan_installments) as installments,
             (select count(*)::int from ledger_accounts) as accounts`.execute(platform.db);
    const b = book.rows[0]!;
    const date = await platform.batch.businessDate();
    await platform.close();
    console.log(
      `[${target}] book: ${b.loans} active loans (${b.overdue} overdue, ${b.due} due on ${date}) grown in ${growSeconds.toFixed(0)} s`,
    );
    if (schema) {
      const admin = await openDatabase({ url, poolSize: 1 });
      await copySchema(admin.db, schema, `${schema}_w2`);
      await sql`analyze`.execute(admin.db);
      await admin.close();
    }
    const runs: { workers: number; figures: CloseFigures }[] = [];
    runs.push({ workers: 1, figures: await closeOnce(env, dataDir, 1, () => open()) });
    if (schema) {
      runs.push({
        workers: 2,
        figures: await closeOnce({ ...env, NETFIN_DB_SCHEMA: `${schema}_w2` }, undefined, 2, () =>
          open(`${schema}_w2`),
        ),
      });
    }
    lines.push(
      `| ${target} | ${fmt(b.loans)} active loans (${fmt(b.overdue)} overdue; ${fmt(b.due)} with an instalment due on ${date}), ${fmt(b.installments)} instalments, ${fmt(b.accounts)} ledger accounts | | | |`,
    );
    for (const { workers, figures } of runs) {
      lines.push(
        `| ${target} | close ${date} with ${workers} worker process${workers > 1 ? 'es' : ''} | **${figures.seconds.toFixed(1)} s** | ${figures.peakMb.map((m) => `${m} MB`).join(' + ')} | ${figures.steps
          .filter((s) => s.rows > 0 || (s.ms ?? 0) > 500)
          .map(
            (s) =>
              `${s.step} ${fmt(s.rows)} rows in ${((s.ms ?? 0) / 1000).toFixed(1)} s${s.ms && s.rows ? ` (${fmt((s.rows * 1000) / s.ms)}/s)` : ''}`,
          )
          .join('; ')} |`,
      );
    }
  } finally {
    if (schema) {
      const admin = await openDatabase({ url, poolSize: 1 });
      for (const s of [schema, `${schema}_w2`])
        await sql.raw(`drop schema if exists ${quoteIdent(s)} cascade`).execute(admin.db);
      await admin.close();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const lines: string[] = [];
  const pgliteLoans = Number(process.env.DAYCLOSE_PGLITE_LOANS ?? 100_000);
  const pgLoans = Number(process.env.DAYCLOSE_LOANS ?? 1_000_000);
  await measure(undefined, pgliteLoans, lines);
  if (url) await measure(url, pgLoans, lines);
  writeSection(
    'dayclose',
    `## dayclose — ${new Date().toISOString().slice(0, 10)}

Machine: ${machine()}

One business date closed by \`netfin day-close\` (a child process; with 2 workers it starts one helper
process) over a loan book grown from a template made through the services (bench/dayclose.ts). Time is
wall time of the command, start-up included. Memory is each process's peak resident set. Per step: the
rows it handled and its time (steps with no rows and under 0.5 s left out).${url ? '' : ' PostgreSQL not measured in this run (no DATABASE_URL).'}

| database | what | time | peak memory | steps |
| --- | --- | --- | --- | --- |
${lines.join('\n')}
`,
  );
}
