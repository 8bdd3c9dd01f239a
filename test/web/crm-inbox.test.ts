import { expect, it } from 'vitest';
import { describeInBrowser, screenshots, signIn } from './browser.ts';

/**
 * The service inbox in a browser, one flow: a customer opens the chat panel and writes; an operations
 * agent finds the ticket in the inbox queue with its SLA timer, opens it (the customer's class and a
 * link to their portrait), answers and closes it; the customer sees the answer and rates the chat.
 */
describeInBrowser('the service inbox in a browser', (web) => {
  it('takes a chat from the customer to an answered, closed and rated conversation', async () => {
    const customer = await web.visitor({ lang: 'en' });
    const agent = await web.visitor({ lang: 'zh' });
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
      await signIn(agent.page, '13800000005');
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
    expect(customer.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  }, 180_000);
});
