import { expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import {
  axeViolations,
  call,
  describeInBrowser,
  pageJson as json,
  screenshots,
  settled,
  signIn,
} from './browser.ts';

/**
 * Wealth management in a real browser (issue 18), against the demo data: an investor opens Wealth,
 * reads the 7-day yield the API publishes, subscribes to the money-market fund with the trade date
 * and the day earnings start shown before confirming, and sees the subscription pending; the page in
 * Chinese; a C2 investor buying an R3 fund is shown the suitability warning naming both levels and
 * acknowledges it; operations enter an income figure far from the recent ones, confirm it, and see it
 * in the table. No console errors anywhere.
 */

/** A date as the app shows it (en-GB or zh-CN, medium), computed here from the ISO date. */
const shownDate = (iso: string, language: 'en' | 'zh') => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
};
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

// Dialogs are found by their text: the app built under vitest (NODE_ENV=test) gets antd's fixed
// "test-id" ids, so a dialog's aria-labelledby may name another element.

/** A verified investor assessed C2 (cautious), with an empty wallet. */
async function cautiousInvestor(base: string): Promise<{ phone: string; password: string }> {
  const phone = `1366${String(Date.now() % 10_000_000).padStart(7, '0')}`;
  const password = 'wealth2026';
  await call(base, '/v1/auth/sms-codes', {
    method: 'POST',
    body: JSON.stringify({ phone, purpose: 'sign_up' }),
  });
  const inbox = await call(base, `/v1/dev/inbox?phone=${phone}`);
  const code = /(\d{6})/.exec(inbox.items[0].body)![1];
  const { token } = await call(base, '/v1/auth/sign-up', {
    method: 'POST',
    body: JSON.stringify({ phone, password, code, acceptTerms: true }),
  });
  await call(base, '/v1/me/kyc', {
    method: 'POST',
    token,
    body: JSON.stringify({ realName: '周敏', idNumber: withCheckCharacter('11010519880302451') }),
  });
  const assessed = await call(base, '/v1/me/risk-assessment', {
    method: 'POST',
    token,
    body: JSON.stringify({ answers: [2, 2, 2, 2, 2, 2, 2, 2] }),
  });
  expect(assessed.riskClass).toBe('C2');
  return { phone, password };
}

interface Overview {
  tradeDate: string;
  confirmDate: string;
  incomeStartsOn: string;
  businessDate: string;
}

describeInBrowser('wealth in a browser', (web) => {
  it('an investor reads the yield and subscribes, seeing when it earns; operations confirm a far income figure (en, zh)', async () => {
    const investor = await web.visitor({ lang: 'en' });
    const page = investor.page;
    await signIn(page, '13900000001');
    const yields = await json<{
      definition: string;
      latest: { sevenDayCompounded: string; sevenDaySimple: string };
    }>(page, '/v1/wealth/mmf/yields?days=30');
    expect(yields.definition).toBe('compounded');
    const overview = await json<Overview>(page, '/v1/wealth/mmf');
    const before = await json<{ pendingSubscriptions: unknown[] }>(page, '/v1/me/wealth/mmf');

    await web.explained(page, 'wealth-mmf', async () => {
      await page.goto('/');
      await page.getByRole('menuitem', { name: 'Wealth' }).click();
      await page.waitForURL(/\/wealth$/);
      await expect
        .poll(() => page.getByTestId('mmf-yield').textContent(), { timeout: 20_000 })
        .toContain(`${yields.latest.sevenDayCompounded}%`);
      await page.getByText(`${yields.latest.sevenDaySimple}%`).first().waitFor();
      await page.getByText(/is the compounded one/).waitFor();
      await page.getByRole('img', { name: 'The 7-day annualised yield over the last 30 days' }).waitFor();
      await page.getByRole('img', { name: 'My daily income over the last 30 days' }).waitFor();
    });
    await screenshots(page, 'wealth-mmf-en');

    await web.explained(page, 'wealth-subscribe', async () => {
      const form = page.locator('#mmf-subscribe');
      await form.getByLabel('Amount').fill('100.00');
      // The trade date and the day earnings start, shown before anything is confirmed.
      const facts = form.locator('.ant-descriptions');
      await facts.getByText(shownDate(overview.tradeDate, 'en')).first().waitFor();
      expect(await facts.textContent()).toContain(
        `Earnings start on${shownDate(overview.incomeStartsOn, 'en')}`,
      );
      await form.getByRole('button', { name: 'Review' }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: 'Confirm the subscription' });
      await settled(dialog);
      expect(await dialog.textContent()).toContain(`Trade date${shownDate(overview.tradeDate, 'en')}`);
      expect(await dialog.textContent()).toContain(
        `Earnings start on${shownDate(overview.incomeStartsOn, 'en')}`,
      );
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await page
        .getByText(`Subscribed ¥100.00: earnings start on ${shownDate(overview.incomeStartsOn, 'en')}`)
        .waitFor();
      const pending = page.getByRole('table', { name: 'Orders in progress' });
      const row = pending.getByRole('row').filter({ hasText: '¥100.00' });
      await row.first().waitFor();
      expect(await row.first().textContent()).toContain('Pending');
    });
    await screenshots(page, 'wealth-subscribed-en');
    const after = await json<{ pendingSubscriptions: { amount: { amount: string }; confirmDate: string }[] }>(
      page,
      '/v1/me/wealth/mmf',
    );
    expect(after.pendingSubscriptions.length).toBe(before.pendingSubscriptions.length + 1);
    const placed = after.pendingSubscriptions.find((o) => o.amount.amount === '100.00');
    expect(placed?.confirmDate).toBe(overview.incomeStartsOn);

    // The same page in Chinese, and the other tabs.
    await page.getByTestId('language-switch').click();
    await web.explained(page, 'wealth-zh', async () => {
      await page.getByRole('tab', { name: '零钱盈' }).waitFor();
      await page.getByText('七日年化收益率（复利口径）').waitFor();
      await page.getByRole('table', { name: '处理中的交易' }).getByText('处理中').first().waitFor();
      await page.getByRole('tab', { name: '定期理财' }).click();
      await page.getByText('稳享 90 天（演示）').waitFor();
      await page.getByRole('tab', { name: '我的持仓' }).click();
      await page.getByRole('table', { name: '基金' }).getByText('稳健平衡混合（演示）').waitFor();
    });
    await screenshots(page, 'wealth-holdings-zh');

    // A cautious (C2) investor, in English, buying the R3 fund: the warning names both levels.
    const cautious = await cautiousInvestor(web.url);
    const second = await web.visitor({ lang: 'en' });
    await signIn(second.page, cautious.phone, cautious.password);
    await web.explained(second.page, 'wealth-suitability', async () => {
      await second.page.goto('/wealth?tab=funds');
      await second.page.getByRole('button', { name: 'Details' }).first().click();
      const form = second.page.locator('#fund-subscribe-DEMO-BALANCED');
      await form.getByLabel('Amount').fill('1000.00');
      // The fee is shown before confirming: 1,000.00 × 0.0015 ÷ 1.0015 = 1.4977… → ¥1.50 (half up).
      await form.getByText('¥1.50').waitFor();
      await form.getByRole('button', { name: 'Review' }).click();
      const confirm = second.page.getByRole('dialog').filter({ hasText: 'Confirm the fund subscription' });
      await settled(confirm);
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      const warning = second.page
        .getByRole('dialog')
        .filter({ hasText: 'This product is above your risk class' });
      await settled(warning);
      const text = (await warning.textContent()) ?? '';
      expect(text).toContain('R3');
      expect(text).toContain('C2');
      await screenshots(second.page, 'wealth-suitability-en');
      await warning.getByRole('button', { name: 'I understand the risk and buy' }).click();
      // Acknowledged: the purchase goes on to the wallet, which is empty.
      await form.getByRole('alert').filter({ hasText: 'does not hold enough' }).waitFor();
    });

    // Operations, in Chinese, enter a figure far from the recent ones and confirm it.
    const ops = await web.visitor({ lang: 'zh' });
    await signIn(ops.page, '13800000005');
    const date = addDays(overview.businessDate, 9);
    await web.explained(ops.page, 'wealth-income', async () => {
      await ops.page.goto('/staff/wealth');
      await ops.page.getByRole('heading', { name: '理财运营' }).waitFor();
      const form = ops.page.locator('#mmf-income');
      const picker = form.getByLabel('日期');
      await picker.click();
      await picker.fill(date);
      await picker.press('Enter');
      await form.getByLabel('万份收益').fill('1.9000');
      await form.getByRole('button', { name: /^录 ?入$/ }).click();
      const dialog = ops.page.getByRole('dialog').filter({ hasText: '该数值与近期差异较大' });
      await settled(dialog);
      expect(await dialog.textContent()).toContain('1.9000');
      await screenshots(ops.page, 'wealth-income-far-zh');
      await dialog.getByRole('button', { name: /^确认录入$|^确 ?认 ?录 ?入$/ }).click();
      await ops.page.getByText(`已录入 ${shownDate(date, 'zh')}：1.9000`).waitFor();
      const row = ops.page
        .getByRole('table', { name: '每日收益与对账' })
        .getByRole('row')
        .filter({
          hasText: shownDate(date, 'zh'),
        });
      await row.first().waitFor();
      expect(await row.first().textContent()).toContain('1.9000');
    });
    await screenshots(ops.page, 'wealth-income-zh');
    const entries = await json<{ days: { date: string; entry: { per10k: string } | null }[] }>(
      ops.page,
      `/v1/wealth/ops/mmf/income?from=${date}&to=${date}`,
    );
    expect(entries.days[0]?.entry?.per10k).toBe('1.9000');

    expect(investor.problems).toEqual([]);
    // The refusals the flows provoke on purpose (409 suitability_warning, 422 insufficient_funds,
    // 409 income_far_from_recent) are logged by the browser as failed requests; nothing else may be.
    const refused = /^console: Failed to load resource: the server responded with a status of (409|422)/;
    expect(second.problems.filter((p) => !refused.test(p))).toEqual([]);
    expect(second.problems.length).toBeLessThanOrEqual(2);
    expect(ops.problems.filter((p) => !refused.test(p))).toEqual([]);
    expect(ops.problems.length).toBeLessThanOrEqual(1);
    await investor.context.close();
    await second.context.close();
    await ops.context.close();
  }, 300_000);
  it('meets WCAG 2 AA on the wealth pages, in both themes (axe-core)', async () => {
    // A page of each kind, not every tab: the tabs are the same frame with the same components.
    const pages: Record<string, string[]> = {
      '13900000002': [
        // The money-market fund: its yield statistics, the charts, the subscription form, the orders.
        '/wealth',
        // The fixed-term products: cards with their progress bars, risk tags and terms.
        '/wealth?tab=fixed',
      ],
      // Operations: the income entry form and the reconciliation table.
      '13800000005': ['/staff/wealth'],
    };
    const found: string[] = [];
    for (const theme of ['light', 'dark'] as const)
      for (const [phone, paths] of Object.entries(pages)) {
        const visitor = await web.visitor({ lang: theme === 'dark' ? 'zh' : 'en', theme, bypassCSP: true });
        await signIn(visitor.page, phone);
        for (const path of paths) {
          await visitor.page.goto(path);
          await visitor.page.waitForLoadState('networkidle');
          found.push(...(await axeViolations(visitor.page, `${theme} ${path}`)));
        }
        expect(visitor.problems).toEqual([]);
        await visitor.context.close();
      }
    expect(found).toEqual([]);
  }, 240_000);
});
