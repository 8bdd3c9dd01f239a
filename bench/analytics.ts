import http from 'node:http';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { copySchema, openDatabase, quoteIdent } from '../src/db/index.ts';
import { addDays, ManualClock, type PlainDate } from '../src/kernel/index.ts';
import { grow, makeTemplate } from './dayclose.ts';
import { fmt, machine, percentile, startServer, writeSection } from './lib.ts';

/**
 * The analytics benchmark (issue 19, "Tests and benchmark"), on PostgreSQL only:
 *
 * 1. The day-close step analytics.daily over a large loan book (dayclose's book: its template made
 *    through the services, closed for three months, then copied), beside the same close without it:
 *    the book is copied into two schemas, one closed by a platform with no analytics areas, the other
 *    with all of them. Per area: the chunk's time (batch_chunks).
 * 2. The dashboards' requests on that book, as the staff pages send them (each chart of each page of
 *    web/src/areas/staff-analytics/pages.ts, for the 30, 90 and 365-day ranges), the retention matrix
 *    and the public disclosure, each sent REPEAT times one after another to `netfin start` on
 *    loopback; the baseline is GET /v1/analytics/metrics (auth and routing, no facts read).
 *
 * The template's closes computed the facts of its three months (of the template's 90 loans: a
 * fact's size does not depend on the book's); they are copied a quarter and two quarters back so
 * that the 365-day range reads nine months of dates.
 *
 * ANALYTICS_LOANS sets the book's size (default 200,000); ANALYTICS_BOOK names a schema to keep the
 * grown book in and to reuse when it exists (building it is most of the run).
 */
const DATA_KEY = Buffer.alloc(32, 17);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const REPEAT = Number(process.env.ANALYTICS_REPEAT ?? 40);

interface Spec {
  kind: string;
  metrics: string[];
  by?: string[];
  rows?: string;
  columns?: string;
  divideBy?: string;
  pairs?: [string, string][];
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const admin = await openDatabase({ url, poolSize: 1 });
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata
      where schema_name = ${schema}`.execute(admin.db);
    return r.rows[0]!.n > 0;
  } finally {
    await admin.close();
  }
}

export async function buildBook(url: string, schema: string, loans: number, log: (l: string) => void) {
  const config = loadConfig(
    { ...process.env, DATABASE_URL: url },
    { logLevel: 'silent', dataKey: DATA_KEY, poolSize: 4, schema },
  );
  const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
  const platform = await openPlatform(
    { ...config, identity: { ...config.identity, smsPerIpPerDay: 1_000_000 } },
    { clock, log: () => {}, schema },
  );
  try {
    const started = performance.now();
    await makeTemplate(platform, clock);
    const copies = Math.max(0, Math.ceil(loans / 90) - 1);
    log(`template in ${((performance.now() - started) / 1000).toFixed(0)} s; copying it ${copies} times`);
    await grow(platform.db, copies, (line) => log(line));
    // A year of facts for the 365-day range: the template's quarter, copied twice further back.
    await sql`insert into analytics_facts (metric, business_date, dimension, area, value)
      select metric, business_date - k * 91, dimension, area, value from analytics_facts, generate_series(1, 2) k
      on conflict do nothing`.execute(platform.db);
    await sql`analyze`.execute(platform.db);
  } finally {
    await platform.close();
  }
}

function get(agent: http.Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'GET', path, agent, headers: { authorization: `Bearer ${ADMIN}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          if (response.statusCode !== 200)
            reject(
              new Error(
                `GET ${path}: ${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`,
              ),
            );
          else resolve(Buffer.concat(chunks).length);
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** The requests the staff pages send for one range (ChartCard's), the cohorts and the disclosure. */
async function dashboardRequests(last: PlainDate): Promise<{ name: string; path: string }[]> {
  // The web app's own page specs (a computed specifier: the server's typecheck does not take in web/).
  const pages = new URL('../web/src/areas/staff-analytics/pages.ts', import.meta.url).href;
  const { chartsOf, AREAS } = (await import(pages)) as {
    chartsOf: (area: string, me: null) => (Spec & { id: string })[];
    AREAS: readonly string[];
  };
  const out: { name: string; path: string }[] = [];
  for (const days of [30, 90, 365]) {
    const from = addDays(last, 1 - days);
    for (const area of AREAS) {
      for (const spec of chartsOf(area, null)) {
        const names = new Set(spec.metrics);
        if (spec.pairs) for (const [a, c] of spec.pairs) names.add(a).add(c);
        const requests: { metrics: string[]; by?: string[]; granularity: string }[] = [];
        // ChartCard asks for the page's granularity (day unless chosen) and for day otherwise.
        const granularity = 'day';
        const by = spec.by ?? (spec.kind === 'heat' ? [spec.rows!, spec.columns!] : undefined);
        if (spec.kind === 'heat' && spec.divideBy) {
          names.delete(spec.divideBy);
          requests.push({ metrics: [spec.divideBy], by: [spec.rows!], granularity: 'day' });
        }
        requests.unshift({ metrics: [...names], ...(by ? { by } : {}), granularity });
        for (const r of requests) {
          const q = new URLSearchParams({
            metrics: r.metrics.join(','),
            from,
            to: last,
            granularity: r.granularity,
          });
          if (r.by) q.set('by', r.by.join(','));
          out.push({ name: `${area} ${spec.id} ${days} d`, path: `/v1/analytics/series?${q}` });
        }
      }
      if (area === 'users')
        out.push({
          name: `users cohorts ${days} d`,
          path: `/v1/analytics/users/cohorts?from=${addDays(last, -days)}&to=${last}`,
        });
    }
  }
  out.push({ name: 'disclosure', path: '/v1/disclosure' });
  return out;
}

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('analytics: PostgreSQL only (set DATABASE_URL); nothing measured');
    return;
  }
  const loans = Number(process.env.ANALYTICS_LOANS ?? 200_000);
  const keep = process.env.ANALYTICS_BOOK;
  const book = keep ?? `bench_analytics_${process.pid}_book`;
  const plain = `bench_analytics_${process.pid}_plain`;
  const full = `bench_analytics_${process.pid}_full`;
  const log = (line: string) => console.log(`[analytics] ${line}`);
  const config = (schema: string) =>
    loadConfig(
      { ...process.env, DATABASE_URL: url },
      { logLevel: 'silent', dataKey: DATA_KEY, poolSize: 8, schema, adminToken: ADMIN },
    );
  const open = (schema: string, options: { noAnalytics?: boolean } = {}): Promise<Platform> =>
    openPlatform(config(schema), {
      log: () => {},
      schema,
      ...(options.noAnalytics ? { analyticsAreas: [] } : {}),
    });
  const lines: string[] = [];
  const started = performance.now();
  try {
    if (!(await schemaExists(url, book))) {
      log(`building a book of ${fmt(loans)} loans in schema ${book}`);
      const t = performance.now();
      await buildBook(url, book, loans, log);
      log(`book built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    } else log(`reusing the book in schema ${book}`);
    const admin = await openDatabase({ url, poolSize: 1 });
    for (const s of [plain, full]) {
      const t = performance.now();
      await copySchema(admin.db, book, s);
      log(`copied into ${s} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
    await sql`analyze`.execute(admin.db);
    await admin.close();

    // 1. The close without analytics, then with it, on identical copies.
    const closes: { name: string; seconds: number; analyticsMs: number; date: PlainDate }[] = [];
    let areas: { area: string; ms: number; rows: number }[] = [];
    let shape = '';
    for (const [schema, noAnalytics] of [
      [plain, true],
      [full, false],
    ] as const) {
      const platform = await open(schema, { noAnalytics });
      try {
        if (!shape) {
          const b = await sql<{
            loans: number;
            active: number;
            overdue: number;
            notes: number;
            facts: number;
            days: number;
          }>`
            select (select count(*)::int from loans) as loans,
              (select count(*)::int from loans where status = 'active') as active,
              (select count(*)::int from loans where status = 'active' and overdue_amount > 0) as overdue,
              (select count(*)::int from loan_notes) as notes,
              (select count(*)::int from analytics_facts) as facts,
              (select count(distinct business_date)::int from analytics_facts) as days`.execute(platform.db);
          const r = b.rows[0]!;
          shape = `${fmt(r.loans)} loans (${fmt(r.active)} active, ${fmt(r.overdue)} overdue), ${fmt(r.notes)} notes; ${fmt(r.facts)} facts over ${r.days} dates before the close`;
          log(shape);
        }
        const t = performance.now();
        const result = await platform.batch.close('bench-analytics', { workers: 1 });
        const seconds = (performance.now() - t) / 1000;
        const report = await platform.batch.run(result.date);
        const step = report?.steps.find((s) => s.step === 'analytics.daily');
        closes.push({
          name: noAnalytics ? 'without' : 'with',
          seconds,
          analyticsMs: step?.ms ?? 0,
          date: result.date,
        });
        log(`close ${result.date} ${noAnalytics ? 'without' : 'with'} analytics: ${seconds.toFixed(1)} s`);
        if (!noAnalytics) {
          const chunks = await sql<{ area: string; ms: number; rows: number }>`
            select bounds->>'area' as area, ms, rows::int as rows from batch_chunks
            where business_date = ${result.date} and step = 'analytics.daily' order by ms desc`.execute(
            platform.db,
          );
          areas = chunks.rows;
          for (const a of areas) log(`  ${a.area}: ${a.ms} ms, ${a.rows} facts`);
        }
      } finally {
        await platform.close();
      }
    }
    const [without, withA] = closes as [(typeof closes)[0], (typeof closes)[0]];
    const analyticsS = withA.analyticsMs / 1000;
    lines.push(
      `Book: ${shape}.`,
      '',
      '| close of ' + withA.date + ' | time | analytics.daily | added |',
      '| --- | ---: | ---: | ---: |',
      `| without analytics (no areas) | ${without.seconds.toFixed(1)} s | | |`,
      `| with analytics (all areas) | ${withA.seconds.toFixed(1)} s | ${analyticsS.toFixed(1)} s | ${fmt((100 * analyticsS) / without.seconds, 1)}% of the close without it (${fmt((100 * (withA.seconds - without.seconds)) / without.seconds, 1)}% by the difference of the two closes) |`,
      '',
      `Per area (one chunk each): ${areas.map((a) => `${a.area} ${fmt(a.ms / 1000, 2)} s (${a.rows} facts)`).join('; ')}.`,
    );

    // 2. The dashboards.
    const server = await startServer({
      ...process.env,
      DATABASE_URL: url,
      NETFIN_DB_SCHEMA: full,
      NETFIN_DATA_KEY: DATA_KEY.toString('base64'),
      NETFIN_ADMIN_TOKEN: ADMIN,
      NETFIN_DEMO: 'false',
      NETFIN_DB_POOL_SIZE: '8',
    });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const requests = [
        { name: 'baseline: GET /v1/analytics/metrics', path: '/v1/analytics/metrics' },
        ...(await dashboardRequests(withA.date)),
      ];
      const results: { name: string; path: string; p50: number; p99: number; bytes: number }[] = [];
      for (const r of requests) {
        await get(agent, server.port, r.path); // warm
        const times: number[] = [];
        let bytes = 0;
        for (let i = 0; i < REPEAT; i++) {
          const t = performance.now();
          bytes = await get(agent, server.port, r.path);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        results.push({ ...r, p50: percentile(times, 50), p99: percentile(times, 99), bytes });
      }
      agent.destroy();
      const [baseline, ...rest] = results;
      rest.sort((a, b) => b.p99 - a.p99);
      lines.push(
        '',
        `Dashboards: ${rest.length} requests (every chart of the four staff pages for the 30, 90 and 365-day ranges, the cohort matrix, the disclosure), each sent ${REPEAT} times in a row on one keep-alive connection after one unmeasured call; the slowest ten by p99, and the baseline:`,
        '',
        '| request | p50 ms | p99 ms | body |',
        '| --- | ---: | ---: | ---: |',
        ...rest
          .slice(0, 10)
          .map(
            (r) =>
              `| ${r.name} (\`${decodeURIComponent(r.path).slice(0, 90)}\`) | ${fmt(r.p50, 1)} | **${fmt(r.p99, 1)}** | ${fmt(r.bytes / 1024, 1)} KiB |`,
          ),
        `| ${baseline!.name} | ${fmt(baseline!.p50, 1)} | ${fmt(baseline!.p99, 1)} | ${fmt(baseline!.bytes / 1024, 1)} KiB |`,
      );
      log(`slowest dashboard request p99 ${rest[0]!.p99.toFixed(1)} ms (${rest[0]!.name})`);
    } finally {
      server.proc.kill();
    }
  } finally {
    const admin = await openDatabase({ url, poolSize: 1 });
    for (const s of [plain, full, ...(keep ? [] : [book])])
      await sql.raw(`drop schema if exists ${quoteIdent(s)} cascade`).execute(admin.db);
    await admin.close();
  }
  const minutes = (performance.now() - started) / 60000;
  writeSection(
    'analytics',
    `## Analytics (\`npm run bench -- analytics\`) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${machine()}; PostgreSQL over loopback. Run in ${minutes.toFixed(0)} min.

The book is dayclose's (bench/dayclose.ts: a 90-loan template made through the services and closed
for three months, then copied), of ${fmt(loans)} loans (ANALYTICS_LOANS). It is copied into two
schemas and the next business date is closed in process, with 1 worker, once by a platform with no
analytics areas and once with all of them (bench/analytics.ts). The template's closes computed three
months of facts; they are copied two quarters further back for the 365-day range.

${lines.join('\n')}
`,
  );
}
