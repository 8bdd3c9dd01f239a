import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Analytics,
  type AnalyticsArea,
  defineMetrics,
  type MetricDefinition,
} from '../../src/analytics/index.ts';
import { buildApp } from '../../src/api/app.ts';
import { asAdmin, openTestPlatform, type TestPlatform } from '../support/platform.ts';
import { newPhone } from '../support/users.ts';
import {
  axeViolations,
  browserTestsEnabled,
  CHROMIUM,
  CHROMIUM_ARGS,
  DESK,
  SCREENSHOTS,
  screenshots,
  signIn,
} from './browser.ts';
import { webApp } from './netfin-server.ts';

/**
 * The staff analytics pages over facts written straight into analytics_facts (a page test: the
 * figures' computation is the areas' own tests). The platform's areas declare the metric contract
 * (docs/analytics.md); an area not yet on this branch is declared here from the same contract, with
 * no computation, so that the series endpoint knows its metrics. An operations member signs in, sees
 * the figures of the day on the console's home page, opens every page (charts drawn, a filter changes
 * the request, the CSV downloads, the table alternative), and axe finds nothing in English and in
 * dark mode; switched to English, no Chinese is left.
 */

type Row = readonly [name: string, unit: MetricDefinition['unit'], rollup: 'sum' | 'last', dims: string];
// The contract of ANALYTICS.md / docs/analytics.md (the metrics the pages read).
const CONTRACT: Record<string, readonly Row[]> = {
  users: [
    ['signups', 'count', 'sum', 'channel'],
    ['verified', 'count', 'sum', 'region,age_band,sex'],
    ['card_bound', 'count', 'sum', ''],
    ['first_investment', 'count', 'sum', ''],
    ['first_loan', 'count', 'sum', ''],
    ['first_payment', 'count', 'sum', ''],
    ['dau', 'count', 'last', ''],
    ['wau', 'count', 'last', ''],
    ['mau', 'count', 'last', ''],
    ['cohort_size', 'count', 'last', 'cohort'],
    ['retained', 'count', 'last', 'cohort,week'],
    ['signed_up_total', 'count', 'last', ''],
    ['verified_total', 'count', 'last', ''],
    ['card_bound_total', 'count', 'last', ''],
    ['transacted_total', 'count', 'last', ''],
    ['investment_amount', 'money', 'sum', ''],
    ['investment_count', 'count', 'sum', ''],
    ['payment_amount', 'money', 'sum', ''],
    ['payment_count', 'count', 'sum', ''],
    ['loan_amount', 'money', 'sum', ''],
    ['loan_count', 'count', 'sum', ''],
    ['verified_by', 'count', 'last', 'region,age_band,sex'],
  ],
  marketplace: [
    ['listings_opened', 'count', 'sum', 'grade,term'],
    ['listings_filled', 'count', 'sum', 'grade,term'],
    ['fill_days_median', 'days', 'last', 'grade,term'],
    ['fill_days_p90', 'days', 'last', 'grade,term'],
    ['investors_per_loan', 'ratio', 'last', ''],
    ['invested_amount', 'money', 'sum', 'grade'],
    ['invested_auto_amount', 'money', 'sum', 'grade'],
    ['disbursed_amount', 'money', 'sum', 'grade,term'],
    ['disbursed_count', 'count', 'sum', 'grade,term'],
    ['yield_weighted', 'ratio', 'last', 'grade'],
    ['secondary_volume', 'money', 'sum', ''],
    ['secondary_trades', 'count', 'sum', ''],
    ['secondary_discount', 'ratio', 'last', ''],
  ],
  risk: [
    ['decisions', 'count', 'sum', 'product,graph_version,outcome'],
    ['approved', 'count', 'sum', 'product,graph_version'],
    ['approval_rate', 'ratio', 'last', 'product'],
    ['outstanding_principal', 'money', 'last', 'bucket'],
    ['overdue_principal', 'money', 'last', ''],
    ['delinquency_rate', 'ratio', 'last', ''],
    ['vintage_principal', 'money', 'last', 'vintage'],
    ['vintage_dpd30_share', 'ratio', 'last', 'vintage,mob'],
    ['vintage_dpd90_share', 'ratio', 'last', 'vintage,mob'],
    ['roll_rate', 'ratio', 'last', 'from,to'],
    ['reserve_balance', 'money', 'last', ''],
    ['reserve_advances', 'money', 'sum', ''],
    ['reserve_recoveries', 'money', 'sum', ''],
    ['reserve_coverage', 'ratio', 'last', ''],
    ['write_offs', 'money', 'sum', ''],
    ['recoveries', 'money', 'sum', ''],
    ['collections_recovered', 'money', 'sum', 'stage'],
  ],
  liquidity: [
    ['due_to_platform', 'money', 'last', 'horizon'],
    ['due_to_investors', 'money', 'last', 'horizon'],
    ['held', 'money', 'last', ''],
    ['gap', 'money', 'last', 'horizon'],
  ],
};

/** Two values of each dimension (three horizons): enough for a legend, a filter and a heat map. */
const VALUES: Record<string, readonly string[]> = {
  channel: ['app', 'web'],
  region: ['44', '11'],
  age_band: ['25-34', '35-44'],
  sex: ['m', 'f'],
  cohort: ['2025-12-15', '2025-12-22'],
  week: ['1', '2'],
  grade: ['A', 'B'],
  term: ['6', '12'],
  product: ['personal', 'business'],
  graph_version: ['1'],
  outcome: ['approved', 'declined'],
  bucket: ['M0', 'M1', 'M2'],
  vintage: ['2025-11', '2025-12'],
  mob: ['1', '2'],
  from: ['M0', 'M1'],
  to: ['M1', 'M2'],
  stage: ['M1', 'M2'],
  horizon: ['7', '30', '90'],
};

const LAST = '2026-01-04';
const DAYS = 45;
/** The funnel's cumulative totals on the last date: 60%, 75% and 66.66% at each step. */
const FUNNEL: Record<string, number> = {
  signed_up_total: 1000,
  verified_total: 600,
  card_bound_total: 450,
  transacted_total: 300,
};

function dateBack(days: number): string {
  const d = new Date(`${LAST}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** A fact's stored value: minor units for money, a share for a ratio, a count or a number of days. */
function factValue(unit: MetricDefinition['unit'], day: number, part: number): string {
  if (unit === 'money') return String(100_000 * (part + 1) + day * 1234);
  if (unit === 'ratio') return `0.${String(10 + ((day * 7 + part * 13) % 80)).padStart(2, '0')}25`;
  if (unit === 'days') return `${3 + part + (day % 4)}.5`;
  return String(5 + part * 3 + (day % 6));
}

async function seedFacts(t: TestPlatform): Promise<void> {
  const rows: { metric: string; date: string; dimension: string; area: string; value: string }[] = [];
  for (const [area, metrics] of Object.entries(CONTRACT))
    for (const [name, unit, , dims] of metrics)
      for (let back = 0; back < DAYS; back++) {
        const date = dateBack(back);
        const day = DAYS - back;
        const keys = dims ? dims.split(',') : [];
        const metric = `${area}.${name}`;
        const add = (dimension: string, part: number, value = factValue(unit, day, part)) =>
          rows.push({ metric, date, dimension, area, value });
        if (name in FUNNEL) add('', 0, String(FUNNEL[name]));
        else if (name === 'retained' || name.startsWith('vintage_dpd') || name === 'roll_rate') {
          // Two-key cells of a heat map: cohort × week, vintage × mob, from × to.
          const [a, b] = keys as [string, string];
          for (const [i, x] of VALUES[a]!.entries())
            for (const [j, y] of VALUES[b]!.entries())
              add(
                [`${a}=${x}`, `${b}=${y}`].sort().join(';'),
                0,
                name === 'retained' ? String(40 - 10 * j - 5 * i) : factValue('ratio', day, i + j),
              );
        } else if (name === 'cohort_size') for (const x of VALUES.cohort!) add(`cohort=${x}`, 0, '80');
        else {
          add('', 2);
          for (const key of keys) for (const [i, x] of VALUES[key]!.entries()) add(`${key}=${x}`, i);
        }
      }
  await sql`insert into analytics_facts (metric, business_date, dimension, area, value)
    select m, d::date, dim, a, v::numeric
    from unnest(${rows.map((r) => r.metric)}::text[], ${rows.map((r) => r.date)}::text[],
      ${rows.map((r) => r.dimension)}::text[], ${rows.map((r) => r.area)}::text[], ${rows.map((r) => r.value)}::text[])
      as t(m, d, dim, a, v)`.execute(t.platform.db);
  for (let back = 0; back < DAYS; back++)
    for (const area of t.platform.analytics.areas.map((a) => a.name).concat(Object.keys(CONTRACT)))
      await sql`insert into analytics_days (business_date, area, source, computed_at, facts)
        values (${dateBack(back)}, ${area}, 'backfill', now(), 1) on conflict do nothing`.execute(
        t.platform.db,
      );
}

/** The platform's analytics, with the contract's areas that this branch does not compute yet declared. */
function withContract(t: TestPlatform): Analytics {
  const { db, clock, analytics } = t.platform;
  const present = new Set(analytics.areas.map((a) => a.name));
  const stand: AnalyticsArea[] = Object.entries(CONTRACT)
    .filter(([area]) => !present.has(area))
    .map(([area, metrics]) => ({
      name: area,
      metrics: defineMetrics(
        area,
        metrics.map(([name, unit, rollup, dims]) => ({
          name,
          unit,
          rollup,
          dimensions: dims ? dims.split(',') : [],
          description: `${name} (declared by the page test)`,
        })),
      ),
      collect: async () => [],
    }));
  return new Analytics({ db, readDb: db, clock, areas: [...analytics.areas, ...stand] });
}

const HAN = /[\u4e00-\u9fff]/;
const PAGES = ['users', 'marketplace', 'risk', 'liquidity'] as const;

describe.runIf(browserTestsEnabled()).sequential('staff analytics pages in a browser', () => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let phone: string;
  const contexts: BrowserContext[] = [];
  /** The page of the test running, to show what it showed when a step fails. */
  let current: Page | undefined;

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !current) return;
    await current
      .screenshot({ path: path.join(SCREENSHOTS, 'FAILED-staff-analytics.png'), fullPage: true })
      .catch(() => {});
    const text = await current
      .locator('body')
      .innerText()
      .catch(() => '(no page)');
    console.error(`--- the page (${current.url()}) showed:\n${text.slice(0, 3000)}`);
  });

  beforeAll(async () => {
    await webApp();
    [t, browser] = await Promise.all([
      openTestPlatform(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    await seedFacts(t);
    app = await buildApp(
      { ...t.platform, analytics: withContract(t) },
      { web: path.resolve(import.meta.dirname, '../../web/dist') },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    phone = newPhone();
    const created = await app.inject({
      method: 'POST',
      url: '/v1/admin/staff',
      headers: asAdmin,
      payload: { phone, password: 'staff-pass-123', displayName: 'Ops', roles: ['operations'] },
    });
    expect(created.statusCode, created.body).toBe(201);
  }, 600_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  async function operations(options: { lang: 'en' | 'zh'; theme?: 'dark' }) {
    const context = await browser.newContext({
      baseURL: url,
      viewport: DESK,
      locale: options.lang === 'en' ? 'en-US' : 'zh-CN',
      bypassCSP: true,
    });
    contexts.push(context);
    if (options.theme)
      await context.addInitScript(`localStorage.setItem('netfin.theme', '${options.theme}')`);
    const page = await context.newPage();
    current = page;
    page.setDefaultTimeout(20_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    await page.goto(`/sign-in?lang=${options.lang}`);
    await signIn(page, phone, 'staff-pass-123');
    return { page, problems };
  }

  /** Waits until every chart card of the page has drawn its canvas (or said it has no figures). */
  async function chartsDrawn(page: Page) {
    const cards = page.locator('[data-testid^="chart-"]');
    await cards.first().waitFor();
    const count = await cards.count();
    for (let i = 0; i < count; i++) await cards.nth(i).locator('canvas').first().waitFor();
    return count;
  }

  it('shows the figures of the day on the home page, linked to their pages and lists', async () => {
    const { page, problems } = await operations({ lang: 'en' });
    await page.waitForURL((u) => u.pathname === '/staff/dashboard');
    const signups = page.getByTestId('today-signups');
    // The total of the last date (the day's 2nd part of the generator: 5 + 6 + 45 % 6 = 14).
    await signups.getByText('14', { exact: true }).waitFor();
    await page
      .getByTestId('today-disbursed')
      .getByText(/¥\d{1,3}(,\d{3})*\.\d{2}/)
      .waitFor();
    expect(await signups.getByRole('link', { name: /Sign-ups: The users list/ }).getAttribute('href')).toBe(
      '/staff/users',
    );
    await page.getByTestId('today-approvalRate').getByRole('link', { name: 'Open Risk' }).click();
    await page.waitForURL((u) => u.pathname === '/staff/analytics/risk');
    // A bucket's figure links to the loans in that bucket (M0 is no bucket of the list: no link).
    const outstanding = page.getByTestId('chart-outstanding');
    await outstanding.getByRole('button', { name: 'Show data as a table' }).click();
    expect(await outstanding.getByRole('table').getByRole('link').first().getAttribute('href')).toBe(
      '/staff/loans?status=active&bucket=M1',
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('draws every chart of every page; a filter changes the request; the CSV and the table', async () => {
    const { page, problems } = await operations({ lang: 'en' });
    for (const area of PAGES) {
      await page.goto(`/staff/analytics/${area}`);
      const count = await chartsDrawn(page);
      expect(count).toBeGreaterThan(2);
      await screenshots(page, `analytics-${area}`);
    }
    // The grade filter: the marketplace's listings chart asks again with filter=grade:A.
    await page.goto('/staff/analytics/marketplace');
    await chartsDrawn(page);
    const asked = page.waitForRequest(
      (r) =>
        r.url().includes('/v1/analytics/series') &&
        r.url().includes('marketplace.listings_opened') &&
        decodeURIComponent(r.url()).includes('filter=grade:A'),
    );
    asked.catch(() => {}); // awaited below; a failing click must not leave it unhandled
    await page.getByRole('combobox', { name: 'Grade', exact: true }).click();
    await page.locator('.ant-select-item-option[title="Grade A"]').click();
    await asked;
    const listings = page.getByTestId('chart-listings');
    await listings.getByText('Filtered by Grade: A').waitFor();
    const csv = await listings.getByRole('link', { name: /Download CSV/ }).getAttribute('href');
    expect(decodeURIComponent(csv ?? '')).toContain('filter=grade:A');
    const response = await page.request.get(csv!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/csv');
    const text = await response.text();
    expect(text).toContain('marketplace.listings_opened');
    expect(text).toContain('grade=A');
    // Granularity: by month, the request says so.
    const monthly = page.waitForRequest((r) => r.url().includes('granularity=month'));
    monthly.catch(() => {});
    await page.getByText('Month', { exact: true }).click();
    await monthly;
    // The funnel's table: each step's conversion, exact.
    await page.goto('/staff/analytics/users');
    const funnel = page.getByTestId('chart-funnel');
    await funnel.locator('canvas').first().waitFor();
    await funnel.getByRole('button', { name: 'Show data as a table' }).click();
    const table = funnel.getByRole('table');
    await table.getByText('60.00%').waitFor();
    await table.getByText('75.00%').waitFor();
    await table.getByText('66.66%').waitFor();
    expect(await table.getByRole('link', { name: 'Signed up' }).getAttribute('href')).toBe('/staff/users');
    // Retention: 40 of a cohort of 80 in week 1 of the first cohort.
    const retention = page.getByTestId('chart-retention');
    await retention.getByRole('button', { name: 'Show data as a table' }).click();
    await retention.getByRole('table').getByText('50.00%').first().waitFor();
    // Provinces by name.
    const regions = page.getByTestId('chart-regions');
    await regions.getByRole('button', { name: 'Show data as a table' }).click();
    await regions.getByRole('table').getByText('Guangdong').waitFor();
    expect(problems).toEqual([]);
  }, 300_000);

  it('is axe-clean in English and in dark mode, and leaves no Chinese after switching', async () => {
    for (const theme of [undefined, 'dark' as const]) {
      const { page, problems } = await operations({ lang: 'en', theme });
      for (const area of ['', ...PAGES.map((a) => `/${a}`)]) {
        await page.goto(`/staff/analytics${area}`);
        if (area) await chartsDrawn(page);
        else await page.getByTestId('today-signups').getByText(/\d/).first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await axeViolations(page, `analytics${area} ${theme ?? 'light'}`)).toEqual([]);
      }
      expect(problems).toEqual([]);
    }
    const { page } = await operations({ lang: 'zh' });
    await page.goto('/staff/analytics/users');
    await chartsDrawn(page);
    expect(HAN.test(await page.locator('main').innerText())).toBe(true);
    await page.getByTestId('language-switch').click();
    await page.getByRole('tab', { name: 'Users' }).waitFor();
    for (const area of PAGES) {
      await page.goto(`/staff/analytics/${area}`);
      await chartsDrawn(page);
      for (const card of await page.locator('[data-testid^="chart-"]').all())
        await card.getByRole('button', { name: 'Show data as a table' }).click();
      await page.waitForLoadState('networkidle');
      const shown = await page.locator('main').innerText();
      expect(shown.match(new RegExp(`.{0,20}${HAN.source}.{0,20}`, 'g')) ?? [], area).toEqual([]);
    }
  }, 400_000);
});
