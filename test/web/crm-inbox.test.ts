import { expect, it } from 'vitest';
import { formatRate } from '../../web/src/money.ts';
import { describeInBrowser, pageJson, screenshots, settled, signIn } from './browser.ts';

/**
 * The service inbox in a browser, one flow: a customer opens the chat panel and writes; an operations
 * agent finds the ticket in the inbox queue with its SLA timer, opens it (the customer's class and a
 * link to their portrait), answers and closes it; the customer sees the answer and rates the chat.
 * Then the inbox figures count that conversation beside the demo's own (in Chinese and English), and the inbox settings
 * take a new SLA target and a canned answer in both languages (in English, read back in Chinese).
 */
describeInBrowser('the service inbox in a browser', (web) => {
  it('takes a chat from the customer to an answered, closed and rated conversation', async () => {
    const customer = await web.visitor({ lang: 'en' });
    const agent = await web.visitor({ lang: 'zh' });
    // The figures page shows the 30 days to today in Shanghai; the demo has conversations of its own.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(today) - 29 * 86400_000).toISOString().slice(0, 10);
    type Totals = {
      total: {
        volume: number;
        firstResponse: { done: number; met: number; metShare: string | null };
        satisfaction: { ratings: number };
      };
    };
    const figuresNow = (page: typeof agent.page) =>
      pageJson<Totals>(page, `/v1/crm/inbox/figures?from=${from}&to=${today}`);
    await signIn(agent.page, '13800000005');
    const before = await figuresNow(agent.page);
    const question = `Where is my statement? ${Date.now()}`;
    await web.explained(customer.page, 'inbox-chat-customer', async () => {
      await signIn(customer.page, '13900000003');
      await customer.page.getByTestId('chat-open').click();
      const panel = customer.page.getByTestId('chat-panel');
      await panel.getByText('Ask us anything').waitFor();
      await panel.getByLabel('Write a message').fill(question);
      await panel.getByRole('button', { name: 'Send' }).click();
      await panel.getByText(question).waitFor();
      await screenshots(customer.page, 'inbox-chat-panel');
    });
    await web.explained(agent.page, 'inbox-agent', async () => {
      await agent.page.goto('/staff/inbox');
      await agent.page.getByRole('heading', { name: '客服工作台' }).waitFor();
      const item = agent.page.getByTestId('inbox-queue-item').first();
      await item.getByText(/首次响应: 正常/).waitFor();
      await item.click();
      const ticket = agent.page.getByTestId('inbox-ticket');
      await ticket.getByText(question).waitFor();
      expect(await ticket.getByTestId('inbox-portrait-link').getAttribute('href')).toMatch(
        /^\/staff\/crm\/customers\/[0-9a-f-]{36}$/,
      );
      await ticket.getByRole('textbox', { name: '回复' }).fill('It is under Account, Statements.');
      await ticket.getByTestId('inbox-send').click();
      await ticket.getByText('It is under Account, Statements.').waitFor();
      await ticket.getByTestId('sla-met').first().waitFor();
      await screenshots(agent.page, 'inbox-staff');
      await ticket.getByTestId('inbox-close').click();
      await ticket.getByText('已关闭').waitFor();
    });
    await web.explained(customer.page, 'inbox-chat-rated', async () => {
      const panel = customer.page.getByTestId('chat-panel');
      await customer.page.reload();
      await customer.page.getByTestId('chat-open').click();
      await panel.getByText('It is under Account, Statements.').waitFor();
      await panel.getByText('This conversation is closed.').waitFor();
      await panel.getByRole('radio').nth(4).click();
      await panel.getByRole('button', { name: 'Rate' }).click();
      await panel.getByText('Thank you for your rating.').waitFor();
    });
    // The figures count this conversation beside the demo's: one more, answered in time, one more
    // rating. The agent reached them through the menu, in Chinese; the page shows what the API says.
    const me = await pageJson<{ user: { displayName: string } }>(agent.page, '/v1/session');
    const after = await figuresNow(agent.page);
    expect(after.total.volume).toBe(before.total.volume + 1);
    expect(after.total.firstResponse.met).toBe(before.total.firstResponse.met + 1);
    expect(after.total.satisfaction.ratings).toBe(before.total.satisfaction.ratings + 1);
    const volume = String(after.total.volume);
    const firstResponse = formatRate(after.total.firstResponse.metShare);
    const figure = (page: typeof agent.page, id: string) =>
      page.getByTestId(`inbox-figure-${id}`).locator('strong').textContent();
    await web.explained(agent.page, 'inbox-figures-zh', async () => {
      const page = agent.page;
      await page.getByRole('menuitem', { name: '客服数据' }).click();
      await page.getByRole('heading', { name: '客服数据' }).waitFor();
      await expect.poll(() => figure(page, 'volume')).toBe(volume);
      expect(await figure(page, 'first-response')).toBe(firstResponse);
      await page
        .getByTestId('inbox-figure-first-response')
        .getByText(`${after.total.firstResponse.done} 单中 ${after.total.firstResponse.met} 单达标`)
        .waitFor();
      await page
        .getByTestId('inbox-figure-satisfaction')
        .getByText(`${after.total.satisfaction.ratings} 条评分`)
        .waitFor();
      await page.getByTestId('inbox-figures-by-category').getByText('一般咨询').waitFor();
      await page.getByTestId('inbox-figures-by-agent').getByText(me.user.displayName).waitFor();
      await screenshots(page, 'inbox-figures');
    });
    // The settings in English: a stricter first answer for C customers, a canned answer in both
    // languages; then the figures in English and the settings in Chinese show the same.
    const manager = await web.visitor({ lang: 'en' });
    await web.explained(manager.page, 'inbox-settings-en', async () => {
      const page = manager.page;
      await signIn(page, '13800000005');
      await page.goto('/staff/inbox');
      await page.getByRole('menuitem', { name: 'Inbox settings' }).click();
      await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
      const firstC = page.getByLabel('C · First response (minutes)');
      expect(await page.getByLabel('A · First response (minutes)').inputValue()).toBe('15');
      expect(await firstC.inputValue()).toBe('60');
      await firstC.fill('45');
      await page.getByTestId('inbox-settings-save').click();
      await page.getByText('Settings saved').waitFor();
      await page.getByTestId('inbox-canned-new').click();
      const dialog = page.getByRole('dialog', { name: 'New canned answer' });
      await settled(dialog);
      await dialog.getByLabel('Title').fill('Statements');
      await dialog.getByLabel('English text').fill('Statements are under Account.');
      await dialog.getByLabel('Chinese text').fill('对账单在"账户"页面。');
      await dialog.getByRole('button', { name: 'Save' }).click();
      const canned = page.getByTestId('inbox-canned');
      await canned.getByText('Statements are under Account.').waitFor();
      await canned.getByText('对账单在"账户"页面。').waitFor();
      await screenshots(page, 'inbox-settings');
      await page.getByRole('menuitem', { name: 'Inbox figures' }).click();
      await page.getByRole('heading', { name: 'Inbox figures' }).waitFor();
      await expect.poll(() => figure(page, 'volume')).toBe(volume);
      await page
        .getByTestId('inbox-figure-first-response')
        .getByText(`${after.total.firstResponse.met} of ${after.total.firstResponse.done} · average`)
        .waitFor();
      await page
        .getByTestId('inbox-figure-satisfaction')
        .getByText(`${after.total.satisfaction.ratings} ratings`)
        .waitFor();
      await page.getByTestId('inbox-figures-by-category').getByText('General').waitFor();
    });
    const settings = await pageJson<{ firstResponseMinutes: { C: number } }>(
      manager.page,
      '/v1/crm/inbox/settings',
    );
    expect(settings.firstResponseMinutes.C).toBe(45);
    await web.explained(agent.page, 'inbox-settings-zh', async () => {
      const page = agent.page;
      await page.getByRole('menuitem', { name: '客服设置' }).click();
      await page.getByRole('heading', { name: '客服设置' }).waitFor();
      expect(await page.getByLabel('C · 首次响应（分钟）').inputValue()).toBe('45');
      await page.getByTestId('inbox-canned').getByText('对账单在"账户"页面。').waitFor();
      await page.getByText('工单类别').waitFor();
    });
    expect(customer.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    expect(manager.problems).toEqual([]);
    await customer.context.close();
    await agent.context.close();
    await manager.context.close();
  }, 300_000);
});
