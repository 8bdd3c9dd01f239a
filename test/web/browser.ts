import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { cleanUp, type RunningNetfin, startNetfin } from './netfin-server.ts';

export type { RunningNetfin };

/**
 * The browser tests drive Debian's Chromium (never a downloaded one) with playwright-core against
 * `netfin start` on its demo data, as a visitor would use it after `npm start`. Every browser test
 * file is one `describeInBrowser` block: one server and one browser for the file.
 */
export const CHROMIUM = process.env.NETFIN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Run them when Chromium is installed; CI installs it and sets CI, where a missing browser fails the
 * run instead of skipping. They run on the embedded database only (the PostgreSQL pass has the API
 * tests; the pages are the same).
 */
export function browserTestsEnabled(): boolean {
  if (process.env.DATABASE_URL) return false;
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`the browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium to run them)`);
  return false;
}

/** Where screenshots go: CI keeps this folder as an artefact. */
export const SCREENSHOTS = path.resolve(
  process.env.NETFIN_SCREENSHOTS ?? path.join(import.meta.dirname, '../../.ci-artifacts/screenshots'),
);

export const PHONE = { width: 390, height: 844 };
export const DESK = { width: 1280, height: 800 };

export interface VisitorOptions {
  lang?: 'zh' | 'en';
  viewport?: { width: number; height: number };
  /** Light or dark, as if chosen before (the app remembers it in the browser). */
  theme?: 'light' | 'dark';
  /** Lets a test inject its own checker script (axe) into pages the CSP protects. */
  bypassCSP?: boolean;
}

export interface Visitor {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every console error and page error so far: a flow that logs one fails. */
  readonly problems: string[];
}

/** What a browser test file's tests use: its server, its browser, visitors and failure reports. */
export interface BrowserSuite {
  /** The server's address (http://127.0.0.1:port). */
  readonly url: string;
  readonly netfin: RunningNetfin;
  readonly browser: Browser;
  /** A browser context with its own cookies, in a language, recording every console and page error. */
  visitor(options?: VisitorOptions): Promise<Visitor>;
  /**
   * Runs a step; when it fails, saves what the page showed (a screenshot and its text) beside the
   * screenshots, and adds the page's text and the server's last output to the error.
   */
  explained<T>(page: Page, name: string, step: () => Promise<T>): Promise<T>;
}

/**
 * The demo's crowd for every browser file, in percent of src/app/demo-crowd.ts (NETFIN_DEMO_CROWD):
 * 20 investors, 15 borrowers, 2 loans at each of the book's dates, 3 listings raising today beside the
 * named one, a note for sale. home.test.ts needs a crowd (a listing strip of several cards) and so
 * does dashboards.test.ts (a review queue of several cards); the other files assert on the named
 * accounts and would pass without one, but each crowd size used in a run is a demo written once
 * (netfin-server.ts), and the crowd is a small part of it (about 90 s of CPU for the demo at 0% or
 * 10%, 110 s at 25%, on the development machine): one demo for all the files is the cheapest. The
 * whole crowd is checked by test/cli/demo-data.test.ts.
 */
export const DEMO_CROWD_PERCENT = 10;

/**
 * A browser test file: skipped where browserTestsEnabled() says so; otherwise one netfin (on its own
 * copy of the run's demo) and one Chromium for all its tests, started before the first and stopped
 * after the last.
 */
export function describeInBrowser(title: string, body: (web: BrowserSuite) => void) {
  let netfin: RunningNetfin | undefined;
  let browser: Browser | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test or a hook`);
    return value;
  };
  const web: BrowserSuite = {
    get url() {
      return started(netfin, 'netfin').url;
    },
    get netfin() {
      return started(netfin, 'netfin');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    visitor: (visitorOptions) => newVisitor(web.browser, web.url, visitorOptions),
    explained: (page, name, step) => explained(page, name, step, netfin),
  };
  describe.runIf(browserTestsEnabled()).sequential(title, () => {
    // A file that writes the run's demo waits minutes for it on a busy machine; one that copies it, less.
    beforeAll(async () => {
      [netfin, browser] = await Promise.all([
        startNetfin(DEMO_CROWD_PERCENT),
        chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      ]);
    }, 600_000);
    afterAll(async () => {
      await browser?.close();
      await netfin?.stop();
      cleanUp();
    });
    body(web);
  });
}

async function newVisitor(browser: Browser, base: string, options: VisitorOptions = {}): Promise<Visitor> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: options.viewport ?? DESK,
    locale: options.lang === 'en' ? 'en-US' : 'zh-CN',
    bypassCSP: options.bypassCSP ?? false,
  });
  if (options.theme) await context.addInitScript(`localStorage.setItem('netfin.theme', '${options.theme}')`);
  const page = await context.newPage();
  // A step that does not happen fails within the test's time, naming what it waited for.
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  if (options.lang) {
    await page.goto(`/sign-in?lang=${options.lang}`);
  }
  return { context, page, problems };
}

/** Two animation frames: the page has laid itself out (and React re-rendered) after a resize. */
const painted = (page: Page) =>
  page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

/** Saves the page at phone and desk widths under SCREENSHOTS/<name>-{phone,desk}.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESK;
  for (const [label, size] of [
    ['phone', PHONE],
    ['desk', DESK],
  ] as const) {
    await page.setViewportSize(size);
    await painted(page);
    // Transitions a resize starts (a menu folding away) are shown finished.
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${label}.png`),
      fullPage: true,
      animations: 'disabled',
    });
  }
  await page.setViewportSize(before);
}

async function explained<T>(
  page: Page,
  name: string,
  step: () => Promise<T>,
  server?: RunningNetfin,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page
      .screenshot({ path: path.join(SCREENSHOTS, `FAILED-${name}.png`), fullPage: true })
      .catch(() => {});
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '(no page)');
    const log = server ? `\n--- the server's last output:\n${server.output().slice(-4000)}` : '';
    throw new Error(
      `${(error as Error).message}\n--- the page (${page.url()}) showed:\n${text.slice(0, 3000)}${log}`,
    );
  }
}

/** Signs in through the form (from the sign-in page the visitor is on, or opens it). */
export async function signIn(page: Page, phone: string, password = 'netfin2026'): Promise<void> {
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await page.getByLabel(/Mobile number|手机号/).fill(phone);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Waits for a dialog to open and finish its opening animation, so that a click lands where it aims. */
export async function settled(dialog: Locator): Promise<void> {
  await dialog.waitFor();
  await expect
    .poll(
      () =>
        dialog.evaluate(
          (node) =>
            (node as unknown as { getAnimations(o: { subtree: boolean }): unknown[] }).getAnimations({
              subtree: true,
            }).length,
        ),
      { timeout: 5_000 },
    )
    .toBe(0);
}

/** A JSON call to the API, as a test's setup makes it; throws on a refusal. */
export async function call(
  base: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${body}`);
  return JSON.parse(body);
}

/** A session token for a demo account (or another, with its password), through the API. */
export async function tokenOf(base: string, phone: string, password = 'netfin2026'): Promise<string> {
  const session = await call(base, '/v1/auth/sign-in', {
    method: 'POST',
    body: JSON.stringify({ phone, password }),
  });
  return session.token as string;
}

/** GET `path` as the page's signed-in visitor (its cookie); expects a 200. */
export async function pageJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2 A and AA violations axe-core finds on the page as it is now (the caller has waited for
 * what it must show), one line each, labelled. The visitor needs `bypassCSP` for the script.
 */
export async function axeViolations(page: Page, label: string): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate("axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })")) as {
    violations: { id: string; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations.map(
    (v) =>
      `${label}: ${v.id} (${v.help}) at ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
}
