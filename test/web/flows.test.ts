import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserTestsEnabled,
  launchBrowser,
  newVisitor,
  type RunningNetfin,
  SCREENSHOTS,
  screenshots,
  startNetfin,
} from './browser.ts';

/**
 * What a person does with netfin in a real browser, after `npm start` on a fresh embedded database
 * (with its demo data), at phone and desk widths. Each flow fails on a console or page error.
 */
const enabled = browserTestsEnabled();

describe.runIf(enabled).sequential('netfin in a browser', () => {
  let netfin: RunningNetfin;
  let browser: Browser;

  beforeAll(async () => {
    netfin = await startNetfin();
    browser = await launchBrowser();
    console.log(`browser tests: screenshots in ${SCREENSHOTS}`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await netfin?.stop();
  });

  it('switches the interface to English and back, and remembers the choice', async () => {
    const { context, page, problems } = await newVisitor(browser, netfin.url);
    await page.goto('/sign-in');
    await expect.poll(() => page.getByRole('heading', { name: '登录 netfin' }).count()).toBe(1);
    await page.getByRole('button', { name: '语言' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to netfin' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshots(page, 'language-en');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to netfin' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Language' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '登录 netfin' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // A link may choose the language.
    await page.goto('/sign-up?lang=en');
    await expect.poll(() => page.getByRole('heading', { name: 'Create your netfin account' }).count()).toBe(1);
    await screenshots(page, 'sign-up-en');
    expect(problems).toEqual([]);
    await context.close();
  });
});
