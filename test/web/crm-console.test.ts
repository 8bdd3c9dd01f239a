import type { Locator } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, pageJson, screenshots, settled, signIn } from './browser.ts';

/**
 * The CRM console on the demo's CRM data (src/app/demo-crm.ts), as operations use it: the portraits
 * list and one portrait, the classes dashboard, the pipeline (a prospect moved to another stage and
 * its new task), the overdue follow-ups per person, the campaigns, one campaign's figures and the
 * channels'; the same pages' headings in Chinese after switching the language once; and a member of
 * staff without CRM permissions, whose menu has none of them.
 */

/** An amount of the API ("6500.00") as the pages show it (¥6,500.00). */
function yuan(amount: string): string {
  const [whole = '0', cents = '00'] = amount.split('.');
  return `¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** The text of the headline card labelled `label` (FiguresView). */
async function figure(scope: Locator, label: string): Promise<string> {
  const card = scope.locator('.ant-card').filter({ has: scope.page().getByText(label, { exact: true }) });
  return (await card.last().innerText()).replace(label, '').trim();
}

const CRM_MENU = [
  'Customers (CRM)',
  'Customer classes',
  'My pipeline',
  'My follow-ups',
  'Overdue follow-ups',
  '“Definitely not” reasons',
  'Campaigns',
];

interface ClassSummary {
  asOf: string;
  classes: { class: string; customers: number; contribution: { amount: string } }[];
}

describeInBrowser('the CRM console in a browser', (web) => {
  it('operations read who each customer is, their classes, pipeline, overdue follow-ups, campaigns and channels, in English and Chinese', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signIn(page, '13800000005');
    const menu = page.getByRole('navigation', { name: 'Menu' });
    for (const name of CRM_MENU) await menu.getByRole('link', { name, exact: true }).waitFor();

    // The portraits list, filtered by a staff tag the demo set, and the portrait it leads to.
    await web.explained(page, 'crm-portraits', async () => {
      await page.goto('/staff/crm/customers');
      await page.getByRole('heading', { name: 'Customers by class and tag' }).waitFor();
      const tag = page.getByLabel('Tag', { exact: true });
      await tag.fill('prefers_wechat');
      await tag.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('tag') === 'prefers_wechat');
      const table = page.getByRole('table', { name: 'Customers by class and tag' });
      const row = table.getByRole('row').filter({ hasText: 'prefers_wechat' });
      await row.waitFor();
      expect(await table.getByRole('row').filter({ hasText: '韩*' }).count()).toBe(1);
      expect(await row.innerText()).toContain('C3');
      await row.getByRole('link', { name: /^Open / }).click();
      await page.waitForURL(/\/staff\/crm\/customers\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: 'Customer portrait' }).waitFor();
      const who = page.locator('.ant-card').filter({ hasText: 'Channel of origin' });
      await who.getByText('wechat', { exact: true }).waitFor();
      await who.getByText('134****0001').waitFor();
      await who.getByText('Shanghai').waitFor();
      const investing = page.locator('.ant-card').filter({ hasText: 'Investment habits' });
      expect(await investing.innerText()).toMatch(/Amount invested\s*¥5,000\.00/);
      await investing.getByText('NETFIN-CASH').waitFor();
      // The asset band in words (under 10,000: the wallet and the fund holding).
      await page.locator('.ant-card').filter({ hasText: 'Asset band' }).getByText('Under 10,000').waitFor();
      const history = page.locator('.ant-card').filter({ hasText: 'Class history' });
      await history.getByRole('row').filter({ hasText: 'Everyone else' }).waitFor();
      // The staff tag the demo set, with who set it by name.
      const tags = page.locator('.ant-card').filter({ hasText: 'Staff tags' });
      await tags.getByText('prefers_wechat', { exact: true }).waitFor();
      expect(await tags.innerText()).toMatch(/prefers_wechat\s+Added by 运营 Operations on /);
      await screenshots(page, 'crm-portrait');
    });

    // The classes dashboard: each class's customers and revenue as the last computation left them.
    const summary = await pageJson<ClassSummary>(page, '/v1/crm/classes/summary');
    await web.explained(page, 'crm-classes', async () => {
      await page.goto('/staff/crm/classes');
      await page.getByRole('heading', { name: 'Customer classes' }).waitFor();
      for (const c of summary.classes.filter((x) => x.class !== 'unclassed')) {
        const title = { A: 'A (key)', B: 'B (major)', C: 'C (ordinary)' }[c.class]!;
        const card = page.locator('.ant-card').filter({ has: page.getByRole('link', { name: title }) });
        await card.getByText(yuan(c.contribution.amount)).waitFor();
        expect(await card.innerText()).toMatch(new RegExp(`Customers\\s*${c.customers}\\b`));
      }
      // The demo's customers are all classed, a few of them A.
      expect(summary.classes.find((c) => c.class === 'unclassed')!.customers).toBe(0);
      expect(summary.classes.find((c) => c.class === 'A')!.customers).toBeGreaterThan(0);
    });

    // The pipeline: operations' own prospects by stage, everyone's, and one moved to "hesitating".
    await web.explained(page, 'crm-pipeline', async () => {
      await page.goto('/staff/pipeline');
      await page.getByRole('heading', { name: 'My pipeline' }).waitFor();
      for (const column of ['Interested (2)', 'Hesitating (1)', 'Not now (0)', 'Definitely not (0)'])
        await page.getByText(column, { exact: true }).waitFor();
      await page.getByText('Everyone’s', { exact: true }).click();
      for (const column of ['Interested (2)', 'Hesitating (1)', 'Not now (1)', 'Definitely not (1)'])
        await page.getByText(column, { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Open 孙*' }).click();
      await page.getByRole('heading', { name: 'Prospect' }).waitFor();
      const tasks = page.getByRole('table', { name: 'Follow-up tasks' });
      await tasks.getByRole('row').filter({ hasText: 'Follow up' }).filter({ hasText: 'Open' }).waitFor();
      await page.getByRole('button', { name: 'Change stage' }).click();
      const dialog = page.getByRole('dialog', { name: 'Change stage' });
      await settled(dialog);
      await dialog.getByLabel('New stage').click();
      await page.locator('.ant-select-item-option[title="Hesitating"]').click();
      await dialog.getByText('A task in a week with content to share: build trust, sell little.').waitFor();
      await dialog.getByLabel('Why (note)').fill('Wants to read about the fund first');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // The new task, with the content the settings suggest for the stage; the old one cancelled.
      const nurture = tasks.getByRole('row').filter({ hasText: 'Build trust' });
      await nurture.filter({ hasText: 'Open' }).waitFor();
      expect(await nurture.innerText()).toContain('How your money is held: custody and the risk reserve');
      await tasks
        .getByRole('row')
        .filter({ hasText: 'Follow up' })
        .filter({ hasText: 'Cancelled' })
        .waitFor();
      await page.getByText('Wants to read about the fund first').waitFor();
      await screenshots(page, 'crm-prospect');
    });

    // The manager's view: the follow-up the demo left waiting since its past, per owner.
    await web.explained(page, 'crm-overdue', async () => {
      await page.goto('/staff/pipeline/overdue');
      await page.getByRole('heading', { name: 'Overdue follow-ups per owner' }).waitFor();
      const owners = page.getByRole('row').filter({ hasText: '运营 Operations' }).first();
      await owners.waitFor();
      expect(await owners.innerText()).toMatch(/运营 Operations\s*1\b/);
      const task = page
        .getByRole('table', { name: 'Follow-up tasks' })
        .getByRole('row')
        .filter({ hasText: '罗*' });
      await task.getByText('Overdue', { exact: true }).waitFor();
      expect(await task.innerText()).toContain('134****0004');
    });

    // The campaigns, one campaign's figures, and the channels'.
    await web.explained(page, 'crm-campaigns', async () => {
      await page.goto('/staff/campaigns');
      await page.getByRole('heading', { name: 'Channels and campaigns' }).waitFor();
      const list = page.getByRole('table', { name: 'Campaigns' });
      const spring = list.getByRole('row').filter({ hasText: 'spring_wechat' });
      await spring.waitFor();
      const springText = await spring.innerText();
      for (const text of ['wechat', '¥20,000.00', '¥4,200.00', 'Cash bonus ¥50.00', '3 · ¥120.00'])
        expect(springText).toContain(text);
      const store = await list.getByRole('row').filter({ hasText: 'store_coupon' }).innerText();
      for (const text of ['app_store', '¥1,800.00', 'Rate coupon +2.00% for 30 days', '0 · ¥0.00'])
        expect(store).toContain(text);
      await spring.getByRole('button', { name: 'Open' }).click();
      const figures = page.locator('.ant-card').filter({ hasText: '(spring_wechat) · Figures' });
      await figures.waitFor();
      expect(await figure(figures, 'Sign-ups')).toBe('2');
      expect(await figure(figures, 'Verified')).toBe('2');
      expect(await figure(figures, 'First transaction')).toBe('2');
      expect(await figure(figures, 'Sign-up → first transaction')).toBe('100.00%');
      expect(await figure(figures, 'Spend')).toBe('¥4,200.00');
      expect(await figure(figures, 'Rewards paid')).toBe('¥120.00');
      expect(await figure(figures, 'Cost per acquisition')).toBe('¥2,100.00');
      expect(await figure(figures, 'Invested')).toBe('¥6,500.00');
      const spend = page.getByRole('table', { name: 'Spend entries' });
      await spend.getByText('¥3,000.00').waitFor();
      await spend.getByText('¥1,200.00').waitFor();
      const rewards = page.getByRole('table', { name: 'Rewards paid' });
      await rewards.getByRole('row').filter({ hasText: 'Referral' }).getByText('¥20.00').waitFor();
      expect(await rewards.getByRole('row').filter({ hasText: '¥50.00' }).count()).toBe(2);
      await screenshots(page, 'crm-campaign');

      await page.getByRole('tab', { name: 'Channels' }).click();
      const channels = page.getByRole('table', { name: 'Channels' });
      const wechat = channels.getByRole('row').filter({ hasText: 'wechat' });
      await wechat.waitFor();
      expect((await wechat.innerText()).split(/\s+/).filter(Boolean)).toEqual([
        'wechat',
        '2',
        '2',
        '2',
        '100.00%',
        '¥4,200.00',
        '¥2,100.00',
        '¥6,500.00',
        '¥0.00',
        '¥0.00',
        '0.00%',
      ]);
      const appStore = (await channels.getByRole('row').filter({ hasText: 'app_store' }).innerText())
        .split(/\s+/)
        .filter(Boolean);
      expect(appStore.slice(0, 8)).toEqual([
        'app_store',
        '2',
        '1',
        '1',
        '50.00%',
        '¥1,800.00',
        '¥1,800.00',
        '¥1,000.00',
      ]);
    });

    // Chinese, switched once from the header: every page's heading translated.
    await page.getByTestId('language-switch').click();
    await web.explained(page, 'crm-zh', async () => {
      await page.getByRole('heading', { name: '渠道与营销活动' }).waitFor();
      await page.getByRole('tab', { name: '渠道' }).waitFor();
      await page.getByRole('columnheader', { name: '注册', exact: true }).waitFor();
      const pages: [string, string][] = [
        ['/staff/crm/customers', '按分级与标签查看客户'],
        ['/staff/crm/classes', '客户分级'],
        ['/staff/pipeline', '我的销售管道'],
        ['/staff/pipeline/overdue', '各负责人的逾期跟进'],
      ];
      for (const [path, heading] of pages) {
        await page.goto(path);
        await page.getByRole('heading', { name: heading }).waitFor();
      }
      await page.goto('/staff/crm/classes');
      await page.getByRole('link', { name: 'A（重点）' }).waitFor();
      await page.goto('/staff/crm/customers?tag=prefers_wechat');
      await page.getByRole('link', { name: /^查看 / }).click();
      await page.getByRole('heading', { name: '客户画像' }).waitFor();
      await page.getByText('来源渠道').waitFor();
      await page.getByText('上海市').waitFor();
      await page.getByText('1万以下').waitFor();
      await screenshots(page, 'crm-portrait-zh');
    });
    expect(problems).toEqual([]);
    await context.close();
  }, 170_000);

  it('keeps the CRM pages out of the menu of staff without CRM permissions', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signIn(page, '13800000007');
    const menu = page.getByRole('navigation', { name: 'Menu' });
    await menu.getByRole('link').first().waitFor();
    for (const name of [...CRM_MENU, 'Service inbox'])
      expect(await menu.getByRole('link', { name, exact: true }).count(), name).toBe(0);
    await page.goto('/staff/crm/customers');
    await page.getByText('Your role cannot open this page').waitFor();
    expect((await page.request.get('/v1/crm/portraits')).status()).toBe(403);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
