import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { runNetfin } from '../support/cli.ts';

/**
 * The browser tests drive Debian's Chromium (never a downloaded one) with playwright-core against
 * `netfin start` on a fresh embedded database, as a visitor would use it after `npm start`.
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

export interface RunningNetfin {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `netfin start` on a fresh data folder and a free port; resolves when the demo data is ready. */
export async function startNetfin(): Promise<RunningNetfin> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netfin-web-'));
  let proc: ChildProcess | undefined;
  let output = '';
  let url: string | undefined;
  let settle: ((value: string) => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const exited = runNetfin(
    ['start'],
    {
      NETFIN_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      NETFIN_WEB: '1',
      DATABASE_URL: '',
      // Every visitor of these tests comes from 127.0.0.1: one address must be able to sign up
      // several people within a minute.
      NETFIN_SMS_INTERVAL_SECONDS: '0',
      // A quarter of the demo's crowd (50 investors, 38 borrowers, listings, cases, notes): the pages
      // show a crowd while each file's start stays within its time (test/cli/demo-data.test.ts
      // writes the whole crowd).
      NETFIN_DEMO_CROWD: '25',
    },
    (text, child) => {
      proc = child;
      output = text;
      url ??= /netfin listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (url && text.includes('netfin: demo data ready')) settle?.(url);
      if (text.includes('the demo data could not be written'))
        fail?.(new Error(`demo data failed:\n${text}`));
    },
  );
  void exited.then((run) =>
    fail?.(new Error(`netfin start exited with ${run.code}:\n${run.out}\n${run.err}`)),
  );
  let address: string;
  try {
    address = await ready;
  } catch (error) {
    // A start that failed (demo data refused, say) must not leave its process running.
    proc?.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: address.replace('localhost', '127.0.0.1'),
    output: () => output,
    async stop() {
      proc?.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export const PHONE = { width: 390, height: 844 };
export const DESK = { width: 1280, height: 800 };

/**
 * A browser context with its own cookies, in a language, that records every console error and page
 * error: a flow that logs one fails.
 */
export async function newVisitor(
  browser: Browser,
  base: string,
  options: {
    lang?: 'zh' | 'en';
    viewport?: { width: number; height: number };
    /** Light or dark, as if chosen before (the app remembers it in the browser). */
    theme?: 'light' | 'dark';
    /** Lets a test inject its own checker script (axe) into pages the CSP protects. */
    bypassCSP?: boolean;
  } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
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

/** Saves the page at phone and desk widths under SCREENSHOTS/<name>-{phone,desk}.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESK;
  for (const [label, size] of [
    ['phone', PHONE],
    ['desk', DESK],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

/** Runs a step; when it fails, saves what the page showed (a screenshot and its text) beside the others. */
export async function explained<T>(
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

export async function signIn(page: Page, phone: string, password = 'netfin2026'): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel(/Mobile number|手机号/).fill(phone);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}
