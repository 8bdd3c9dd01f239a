import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { axeViolations, describeInBrowser, PHONE, screenshots, signIn } from './browser.ts';

/**
 * The home page: what a visitor sees before signing in (the platform's figures, open listings, how it
 * works, sign up), in Chinese and English, at phone width and in both themes; and a signed-in
 * investor's home with next actions and listings.
 */

const noSideScroll = (page: Page) =>
  page.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth') as Promise<boolean>;

// With the crowd: the listing strip is several cards (the crowd's listings raising beside the named
// one), and the figures count more lenders and borrowers than the named accounts.
describeInBrowser('the home page', (web) => {
  it("shows a visitor the platform's figures, open listings and how it works, in Chinese and English", async () => {
    const figures = (await (await fetch(`${web.url}/v1/lending/platform-figures`)).json()) as {
      lentPrincipal: { amount: string };
      loansFunded: number;
    };
    expect(Number(figures.lentPrincipal.amount)).toBeGreaterThan(0);
    expect(figures.loansFunded).toBeGreaterThan(0);
    const lent = `¥${figures.lentPrincipal.amount.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;

    const { context, page, problems } = await web.visitor();
    await web.explained(page, 'home-visitor-zh', async () => {
      await page.goto('/?lang=zh');
      await page.getByRole('heading', { level: 1, name: '出借与借款，精确到分' }).waitFor();
      expect(page.url()).toBe(`${web.url}/?lang=zh`); // not sent to sign in
      const box = page.getByTestId('platform-figures');
      await box.getByText('累计出借').waitFor();
      expect(await box.innerText()).toContain(lent);
      for (const label of ['出借人数', '借款人数', '逾期率', '风险备付金', '备付金覆盖率'])
        expect(await box.innerText()).toContain(label);
      const card = page.getByTestId('listing-card').first();
      await card.waitFor();
      const text = await card.innerText();
      expect(text).toMatch(/\d+\.\d{2}%/); // the rate
      expect(text).toMatch(/\d+ 个月|\d+ 天/); // the term
      expect(text).toMatch(/已募 ¥/);
      expect(await card.getByRole('progressbar').count()).toBe(1);
      // A strip of several, the crowd's listings beside the named one.
      expect(await page.getByTestId('listing-card').count()).toBeGreaterThan(1);
      await page.getByRole('heading', { name: '如何使用' }).waitFor();
      expect(await page.locator('section[aria-labelledby="how-title"] li').count()).toBe(8);
      await page.getByText('投资有风险，出借需谨慎').waitFor();
      // No internal key, snake_case or raw id on the page.
      const body = await page.locator('body').innerText();
      expect(body).not.toMatch(/[a-z]+_[a-z]+|[a-z]+\.[a-z]+[A-Z]|[0-9a-f]{8}-[0-9a-f]{4}-/);
      await screenshots(page, 'home-visitor-zh');

      // Sign up from the hero.
      await page.getByRole('link', { name: '免费注册' }).first().click();
      await page.waitForURL((url) => url.pathname === '/sign-up');
      await page.getByRole('heading', { name: '注册 netfin 账户' }).waitFor();
    });

    await web.explained(page, 'home-visitor-en', async () => {
      await page.goto('/?lang=en');
      await page.getByRole('heading', { level: 1, name: 'Lend and borrow, exact to the cent' }).waitFor();
      const box = page.getByTestId('platform-figures');
      await box.getByText('Lent in total').waitFor();
      expect(await box.innerText()).toContain(lent);
      const card = page.getByTestId('listing-card').first();
      await card.waitFor();
      expect(await card.innerText()).toMatch(/\d+ months?|\d+ days?/);
      await page.getByRole('heading', { name: 'How it works' }).waitFor();
      await page.getByText('Investing involves risk; lend with care.').waitFor();
      await screenshots(page, 'home-visitor-en');

      // Investing from a card asks to sign in first, and comes back to the listing.
      await card.getByRole('button', { name: /^Invest/ }).click();
      await page.waitForURL((url) => url.pathname === '/sign-in');
      expect(new URL(page.url()).searchParams.get('next')).toMatch(/^\/market\/[0-9a-f-]{36}$/);

      // The open listings, read-only, without signing in.
      await page.goto('/market');
      await page
        .getByRole('button', { name: /^View listing/ })
        .first()
        .waitFor();
      expect(new URL(page.url()).pathname).toBe('/market');
    });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('publishes the disclosure to a visitor, linked from the home page, in Chinese and English', async () => {
    const published = (await (await fetch(`${web.url}/v1/disclosure`)).json()) as {
      businessDate: string | null;
      figures: { loansTotal: number } | null;
    };
    // The demo's day-closes have computed it.
    expect(published.businessDate).not.toBeNull();
    expect(published.figures!.loansTotal).toBeGreaterThan(0);
    const { context, page, problems } = await web.visitor();
    await page.goto('/?lang=zh');
    await page.getByRole('contentinfo').getByRole('link', { name: '信息披露' }).click();
    await page.waitForURL((url) => url.pathname === '/disclosure');
    await page.getByRole('heading', { name: '信息披露' }).waitFor();
    const box = page.getByTestId('disclosure');
    await box.getByText('累计借贷金额').waitFor();
    for (const label of [
      '借贷余额',
      '前十大借款人待还金额占比',
      '逾期金额',
      'M3+（90 天以上）',
      '风险备付金',
    ])
      expect(await box.innerText()).toContain(label);
    expect(await box.innerText()).toContain(published.figures!.loansTotal.toLocaleString('zh-CN'));
    await page.goto('/disclosure?lang=en');
    await page.getByTestId('disclosure').getByText("Ten largest borrowers' share").waitFor();
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/[a-z]+_[a-z]+|[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits a phone: the visitor home and a signed-in home have no sideways scroll', async () => {
    const { context, page, problems } = await web.visitor({ viewport: PHONE });
    await web.explained(page, 'home-phone', async () => {
      await page.goto('/?lang=zh');
      await page.getByTestId('listing-card').first().waitFor();
      await page.getByTestId('platform-figures').waitFor();
      expect(await noSideScroll(page)).toBe(true);
      await signIn(page, '13900000001');
      await page.goto('/');
      await page.getByTestId('next-actions').waitFor();
      await page.getByTestId('listing-card').first().waitFor();
      expect(await noSideScroll(page)).toBe(true);
    });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows a signed-in investor next actions and open listings', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await web.explained(page, 'home-investor', async () => {
      await signIn(page, '13900000001');
      await page.goto('/');
      const actions = page.getByTestId('next-actions');
      await actions.getByRole('listitem').first().waitFor();
      // 13900000002 has notes on sale: this investor is told, with a link to the note market.
      await actions.getByText(/notes? for sale on the secondary market/).waitFor();
      expect(await actions.locator('a[href="/note-market"]').count()).toBe(1);
      for (const link of await actions.getByRole('link').all())
        expect(await link.getAttribute('href')).toMatch(/^\//);
      await page.getByTestId('listing-card').first().waitFor();
      await screenshots(page, 'home-investor');
    });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("shows an investor's XIRR, returns by month, and each note for sale with its yield to maturity", async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await web.explained(page, 'investments', async () => {
      await signIn(page, '13900000001');
      await page.goto('/investments');
      // The demo investor has had money back since the book began: the XIRR is a rate, not "none".
      const xirr = page.locator('.ant-statistic').filter({ hasText: 'Annualised return (XIRR)' });
      await xirr.waitFor();
      expect(await xirr.locator('.ant-statistic-content').innerText()).toMatch(/^-?\d+\.\d{2}%$/);
      await page.getByRole('tab', { name: 'Returns chart' }).click();
      await page.getByRole('img', { name: /by month/ }).waitFor();
      await screenshots(page, 'investments-returns-by-month');
      await page.goto('/note-market');
      const market = page.getByRole('table');
      await market.getByRole('columnheader', { name: 'Yield to maturity' }).waitFor();
      const headers = await market.getByRole('columnheader').allInnerTexts();
      const column = headers.findIndex((h) => h.includes('Yield to maturity'));
      const firstRow = market.locator('tbody tr.ant-table-row').first();
      expect(await firstRow.locator('td').nth(column).innerText()).toMatch(/^\d+\.\d{2}%$/);
      expect(await firstRow.innerText()).toMatch(/\d+ of \d+ months/);
    });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("meets WCAG 2 AA on the visitor's and an investor's home, in both themes (axe-core)", async () => {
    const found: string[] = [];
    const check = async (page: Page, label: string) => {
      await page.getByTestId('listing-card').first().waitFor();
      await page.waitForLoadState('networkidle');
      found.push(...(await axeViolations(page, label)));
    };
    for (const theme of ['light', 'dark'] as const) {
      const lang = theme === 'dark' ? 'zh' : 'en';
      const { context, page, problems } = await web.visitor({ theme, bypassCSP: true });
      await page.goto(`/?lang=${lang}`);
      await page.getByTestId('platform-figures').waitFor();
      await check(page, `${theme} visitor /`);
      if (theme === 'dark') await screenshots(page, 'home-visitor-dark');
      await signIn(page, '13900000001');
      await page.goto('/');
      await page.getByTestId('next-actions').getByRole('listitem').first().waitFor();
      await check(page, `${theme} investor /`);
      expect(problems).toEqual([]);
      await context.close();
    }
    expect(found).toEqual([]);
  }, 180_000);
});
