import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { copySchema, openDatabase, quoteIdent } from '../src/db/index.ts';
import { buildBook } from './analytics.ts';
import { fmt, machine, writeSection } from './lib.ts';

/**
 * CRM portraits at scale (issue 20): what the day-close's crm.portraits step costs when it
 * recomputes only the customers whose portrait can differ, against the same step recomputing every
 * customer on an identical copy of the same book, the same date (the baseline, measured in the same
 * run), and a check that both copies end with the same portraits.
 *
 * The book is analytics' (dayclose's template, copied: CRM_LOANS loans, default 100,000; CRM_BOOK
 * names a schema to keep it in between runs). Its next date is closed once (every portrait made,
 * since the book has none), then the copy is copied, and the date after is closed on both: one
 * incrementally, the other after `recomputeAllAtNextClose()`.
 */
const DATA_KEY = Buffer.alloc(32, 17);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const STEPS = ['crm.portraits', 'crm.classes'] as const;

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('crm: PostgreSQL only (set DATABASE_URL); nothing measured');
    return;
  }
  const loans = Number(process.env.CRM_LOANS ?? 100_000);
  const keep = process.env.CRM_BOOK;
  const book = keep ?? `bench_crm_${process.pid}_book`;
  const first = `bench_crm_${process.pid}_a`;
  const second = `bench_crm_${process.pid}_b`;
  const log = (line: string) => console.log(`[crm] ${line}`);
  const open = (schema: string): Promise<Platform> =>
    openPlatform(
      loadConfig(
        { ...process.env, DATABASE_URL: url },
        { logLevel: 'silent', dataKey: DATA_KEY, poolSize: 8, schema, adminToken: ADMIN },
      ),
      { log: () => {}, schema, analyticsAreas: [] },
    );
  const admin = await openDatabase({ url, poolSize: 1 });
  const started = performance.now();
  const closes: {
    name: string;
    date: string;
    seconds: number;
    steps: Map<string, { ms: number; rows: number }>;
  }[] = [];
  const close = async (schema: string, name: string, before?: (p: Platform) => Promise<void>) => {
    const platform = await open(schema);
    try {
      if (before) await before(platform);
      const t = performance.now();
      const result = await platform.batch.close(`bench-crm-${name}`, { workers: 1 });
      const seconds = (performance.now() - t) / 1000;
      const chunks = await sql<{ step: string; ms: number; rows: number }>`
        select step, sum(ms)::int as ms, sum(rows)::int as rows from batch_chunks
        where business_date = ${result.date} and step = any(${[...STEPS]}::text[]) group by step`.execute(
        platform.db,
      );
      const steps = new Map(chunks.rows.map((r) => [r.step, { ms: Number(r.ms), rows: Number(r.rows) }]));
      closes.push({ name, date: result.date, seconds, steps });
      log(
        `${name}: close ${result.date} in ${seconds.toFixed(1)} s; ${STEPS.map((s) => `${s} ${((steps.get(s)?.ms ?? 0) / 1000).toFixed(1)} s (${steps.get(s)?.rows ?? 0} rows)`).join(', ')}`,
      );
    } finally {
      await platform.close();
    }
  };
  let shape = '';
  let differing = -1;
  try {
    const exists = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata
      where schema_name = ${book}`.execute(admin.db);
    if (exists.rows[0]!.n === 0) {
      log(`building a book of ${fmt(loans)} loans in schema ${book}`);
      await buildBook(url, book, loans, log);
    } else log(`reusing the book in schema ${book}`);
    await copySchema(admin.db, book, first);
    await sql`analyze`.execute(admin.db);
    await close(first, 'first close: every portrait made');
    await copySchema(admin.db, first, second);
    await sql`analyze`.execute(admin.db);
    await close(first, 'incremental');
    await close(second, 'baseline: every portrait recomputed', (p) => p.crm.recomputeAllAtNextClose());
    const counts = await sql<{ customers: number; differing: number }>`
      select (select count(*)::int from ${sql.table(`${first}.crm_portraits`)}) as customers,
        (select count(*)::int from ${sql.table(`${first}.crm_portraits`)} a
           full join ${sql.table(`${second}.crm_portraits`)} b using (user_id)
         where row(a.aum, a.aum_band, a.contribution, a.worst_dpd, a.rule_tags, a.data, a.class, a.class_reason,
                   a.class_since, a.valid_through)
           is distinct from row(b.aum, b.aum_band, b.contribution, b.worst_dpd, b.rule_tags, b.data, b.class,
                   b.class_reason, b.class_since, b.valid_through)) as differing`.execute(admin.db);
    differing = counts.rows[0]!.differing;
    shape = `${fmt(loans)} loans, ${fmt(counts.rows[0]!.customers)} customers with a portrait`;
    log(`${shape}; portraits differing between the two copies: ${differing}`);
  } finally {
    for (const s of [first, second, ...(keep ? [] : [book])])
      await sql.raw(`drop schema if exists ${quoteIdent(s)} cascade`).execute(admin.db);
    await admin.close();
  }
  const [firstClose, incremental, baseline] = closes as [
    (typeof closes)[0],
    (typeof closes)[0],
    (typeof closes)[0],
  ];
  const cell = (c: (typeof closes)[0], step: string) => {
    const s = c.steps.get(step);
    return s ? `${fmt(s.ms / 1000, 1)} s (${fmt(s.rows)} rows)` : '';
  };
  const portraitsOf = (c: (typeof closes)[0]) => c.steps.get('crm.portraits')?.ms ?? 0;
  writeSection(
    'crm',
    `## CRM portraits (\`npm run bench -- crm\`) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${machine()}; PostgreSQL over loopback, 1 worker. Run in ${((performance.now() - started) / 60000).toFixed(0)} min.

Book: ${shape} (analytics' book: dayclose's template copied; analytics areas off). The first close
makes every portrait; the book is then copied and the next date closed on both copies, once with the
step recomputing only the customers whose portrait can differ (docs/crm.md), once after
\`recomputeAllAtNextClose()\` (every customer: the baseline). Rows: customers recomputed (portraits) and
class changes (classes).

| close | date | whole close | crm.portraits | crm.classes |
| --- | --- | ---: | ---: | ---: |
${[firstClose, incremental, baseline].map((c) => `| ${c.name} | ${c.date} | ${fmt(c.seconds, 1)} s | ${cell(c, 'crm.portraits')} | ${cell(c, 'crm.classes')} |`).join('\n')}

Incremental against the baseline: **${fmt(portraitsOf(baseline) / Math.max(1, portraitsOf(incremental)), 1)}×** faster for the portraits step.
Portraits differing between the two copies afterwards (every column but computed_at and as_of): **${differing}**.
`,
  );
}
