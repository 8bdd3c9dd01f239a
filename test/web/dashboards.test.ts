import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, PHONE, screenshots, signIn } from './browser.ts';

/**
 * Each staff role lands on its own dashboard after signing in, with its own figures (real numbers and
 * money, not keys), in Chinese or English; a junior collector's menu has no user list and the page is
 * refused; the risk review queue is a list of cards on a phone. One netfin, one browser, one context.
 */
/** What each demo staff member's dashboard shows: its headings and the figures (by test id) it has. */
const ROLES: {
  phone: string;
  who: string;
  lang: 'zh' | 'en';
  headings: string[];
  absent: string[];
  figures: string[];
  money?: string;
}[] = [
  {
    phone: '13800000000',
    who: 'admin',
    lang: 'en',
    headings: [
      "The team's collections",
      "The day's money",
      'Credit decisions',
      'Contracts',
      'Anti-money laundering',
      'Day-close',
      'Consumer credit',
    ],
    absent: [],
    figures: ['collections-open', 'finance-in', 'risk-queue', 'legal-reviews', 'aml-cases', 'day-close'],
    money: 'finance-in',
  },
  {
    phone: '13800000001',
    who: 'risk',
    lang: 'zh',
    headings: ['授信决策'],
    absent: ['今日资金', '团队催收', '我的催收'],
    figures: ['risk-decided', 'risk-queue'],
  },
  {
    phone: '13800000002',
    who: 'collector',
    lang: 'en',
    headings: ['My collections'],
    absent: ["The team's collections", "The day's money", 'Credit decisions'],
    figures: ['collections-open', 'collections-due'],
    money: 'collections-due',
  },
  {
    phone: '13800000004',
    who: 'supervisor',
    lang: 'zh',
    headings: ['团队催收'],
    absent: ['我的催收', '今日资金'],
    figures: ['collections-open', 'collections-due'],
    money: 'collections-due',
  },
  {
    phone: '13800000005',
    who: 'operations',
    lang: 'en',
    headings: ['Day-close', 'Operations dashboard'],
    absent: ["The day's money", 'My collections'],
    figures: ['day-close'],
  },
  {
    phone: '13800000006',
    who: 'finance',
    lang: 'zh',
    headings: ['今日资金'],
    absent: ['授信决策', '运营看板'],
    figures: ['finance-in', 'finance-out', 'finance-exceptions'],
    money: 'finance-exceptions',
  },
  {
    phone: '13800000007',
    who: 'legal',
    lang: 'en',
    headings: ['Contracts'],
    absent: ["The day's money", 'Credit decisions'],
    figures: ['legal-reviews'],
  },
  {
    phone: '13800000008',
    who: 'compliance',
    lang: 'zh',
    headings: ['反洗钱'],
    absent: ['今日资金', '授信决策'],
    figures: ['aml-cases', 'screening-matches'],
  },
];

/** Staff read words and figures: no snake_case keys, camelCase keys, uuids or minor-unit amounts. */
async function expectNoRawValues(page: Page) {
  const shown = await page.locator('main').innerText();
  expect(shown).not.toMatch(/\b[a-z]+(?:_[a-z0-9]+)+\b/);
  expect(shown).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/);
  expect(shown).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  expect(shown).not.toMatch(/\b(?:collections|finance|risk|legal|compliance|operations)\.[a-zA-Z]+/);
}

// With the crowd: the dashboards' figures count more than the named accounts, and the review queue
// on a phone is a list of several cards (the crowd's referred applications beside the named one).
describeInBrowser('staff dashboards in a browser', (web) => {
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ context, page, problems } = await web.visitor());
  });

  afterAll(async () => {
    await context?.close();
  });

  /** Signs out (the cookie gone), picks the language and signs in as that staff member. */
  async function as(phone: string, lang: 'zh' | 'en') {
    await context.clearCookies();
    await page.goto(`/sign-in?lang=${lang}`);
    await signIn(page, phone);
  }

  it("lands each staff role on its dashboard, with that role's figures", async () => {
    for (const role of ROLES) {
      await web.explained(page, `dashboard-${role.who}`, async () => {
        await as(role.phone, role.lang);
        await page.waitForURL((url) => url.pathname === '/staff/dashboard');
        const main = page.locator('main');
        for (const heading of role.headings)
          await main.getByRole('heading', { name: heading, exact: true }).waitFor();
        for (const id of role.figures) {
          const figure = page.getByTestId(id);
          // Loaded: a number or an amount, not a placeholder.
          await expect.poll(async () => /\d/.test((await figure.innerText()) ?? '')).toBe(true);
        }
        if (role.money)
          expect(await page.getByTestId(role.money).innerText()).toMatch(/¥\d{1,3}(,\d{3})*\.\d{2}/);
        for (const heading of role.absent)
          expect(await main.getByRole('heading', { name: heading, exact: true }).count()).toBe(0);
        await page.waitForLoadState('networkidle');
        await expectNoRawValues(page);
        await screenshots(page, `dashboard-${role.who}`);
      });
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('keeps the user list from a junior collector: not in the menu, refused as a page and by the API', async () => {
    await as('13800000002', 'en');
    const menu = page.getByRole('navigation', { name: 'Menu' });
    await menu.getByRole('link', { name: 'Collections' }).first().waitFor();
    expect(await menu.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await menu.getByRole('link', { name: 'Loan products' }).count()).toBe(0);
    await page.goto('/staff/users');
    await page.getByText('Your role cannot open this page').waitFor();
    expect((await page.request.get('/v1/admin/users')).status()).toBe(403);
    // Their own cases still open, with the borrower (masked) in them.
    await page.goto('/staff/collections');
    await page
      .getByRole('link', { name: /^Open case/ })
      .first()
      .click();
    await page.waitForURL(/\/staff\/collections\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Log contact' }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows the review queue as cards on a phone, with nothing to scroll sideways', async () => {
    await as('13800000001', 'en');
    await page.setViewportSize(PHONE);
    await page.goto('/staff/reviews');
    const queue = page.getByRole('list', { name: 'Risk review queue' });
    await queue.waitFor();
    expect(await page.locator('main .ant-table').count()).toBe(0);
    // Several cards, one under another: the crowd's referred applications and the named one.
    const open = queue.getByRole('link', { name: /^Open / });
    await open.first().waitFor();
    expect(await open.count()).toBeGreaterThan(1);
    const overflow = (await page.evaluate(
      'document.scrollingElement.scrollWidth - window.innerWidth',
    )) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshots(page, 'review-queue-cards');
    expect(problems).toEqual([]);
  }, 120_000);
});
