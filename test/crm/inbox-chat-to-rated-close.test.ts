import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, type Staff, signInAgain, staff } from '../support/crm-pipeline.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * A chat from the customer's first message to a rated close, with its SLA timers on the test clock
 * (a C customer: first answer due in 60 minutes, warning after 48): running, warning, breached, and on
 * a second chat answered in time, met. Another customer cannot read the conversation; notes stay
 * with staff; the rating comes after close, once; canned answers in both languages; the figures.
 */
let t: TestApp;
let agent: Staff;
let finance: Staff;
let customer: TestUser;
let other: TestUser;
let ticketId: string;

interface SlaJson {
  firstResponse: { state: string; due: string };
  resolution: { state: string };
  breached: boolean;
}
interface TicketJson {
  id: string;
  status: string;
  priority: string;
  sla: SlaJson;
  customer: { id: string; class: string | null } | null;
  messages: { author: string; body: string }[];
}

const signIn = async (user: TestUser) => {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone: user.phone, password: user.password },
  });
  expect(response.statusCode, response.body).toBe(200);
  (user.headers as { authorization: string }).authorization = `Bearer ${response.json().token}`;
};
const moveMinutes = async (minutes: number) => {
  t.clock.advanceSeconds(minutes * 60);
  await Promise.all([signInAgain(t, agent), signInAgain(t, finance), signIn(customer), signIn(other)]);
};
const ticket = async (id = ticketId) => {
  const response = await get(t, agent, `/v1/crm/inbox/tickets/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TicketJson;
};
const counts = async () => {
  const rows = await sql<{ n: number }>`select count(*)::int as n from crm_messages`.execute(t.platform.db);
  return rows.rows[0]!.n;
};

beforeAll(async () => {
  t = await openTestApp();
  agent = await staff(t, 'operations', 'Agent One');
  finance = await staff(t, 'finance', 'Finance Reader');
  customer = await signUp(t);
  other = await signUp(t);
});
afterAll(() => t.close());

describe('a web chat from the first message to a rated close', () => {
  it('opens a ticket on the first message, prioritised C without a class, its timers running', async () => {
    const sent = await post(
      t,
      customer,
      '/v1/crm/inbox/chat',
      { body: 'My repayment did not show up' },
      'chat-1',
    );
    expect(sent.statusCode, sent.body).toBe(201);
    ticketId = sent.json().id;
    // The same Idempotency-Key again stores nothing twice.
    const before = await counts();
    const replay = await post(
      t,
      customer,
      '/v1/crm/inbox/chat',
      { body: 'My repayment did not show up' },
      'chat-1',
    );
    expect(replay.json().id).toBe(ticketId);
    expect(await counts()).toBe(before);

    const view = await ticket();
    expect(view).toMatchObject({
      status: 'open',
      priority: 'C',
      customer: { id: customer.userId, class: null },
    });
    expect(view.sla.firstResponse.state).toBe('running');
    expect(view.sla.breached).toBe(false);
    const queue = await get(t, agent, '/v1/crm/inbox/queue');
    expect((queue.json().items as { id: string }[]).map((i) => i.id)).toContain(ticketId);
  });

  it('keeps the conversation from another customer and from staff without crm:serve', async () => {
    expect((await get(t, other, `/v1/crm/inbox/chat/${ticketId}`)).statusCode).toBe(404);
    const reply = await post(t, other, '/v1/crm/inbox/chat', { body: 'let me in', ticketId });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().error.code).toBe('ticket_not_found');
    expect((await get(t, other, '/v1/crm/inbox/chat')).json().items).toEqual([]);
    const denied = await get(t, finance, `/v1/crm/inbox/tickets/${ticketId}`);
    expect(denied.statusCode).toBe(403);
    expect((await get(t, customer, '/v1/crm/inbox/queue')).statusCode).toBe(403);
  });

  it('warns after 80% of the first-response time, and breaches past it', async () => {
    await moveMinutes(47);
    expect((await ticket()).sla.firstResponse.state).toBe('running');
    await moveMinutes(2);
    expect((await ticket()).sla.firstResponse.state).toBe('warning');
    await moveMinutes(12);
    const late = await ticket();
    expect(late.sla.firstResponse.state).toBe('breached');
    expect(late.sla.breached).toBe(true);
  });

  it('takes an internal note the customer never sees, and an answer that stops the timer late', async () => {
    const note = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
      body: 'Checked the ledger: the transfer is in the bank batch',
      note: true,
    });
    expect(note.statusCode, note.body).toBe(200);
    expect((await ticket()).sla.firstResponse.state).toBe('breached');
    const answer = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
      body: 'It arrives with today’s bank batch.',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'pending', owner: { id: agent.userId } });
    expect(answer.json().sla.firstResponse.state).toBe('missed');
    const mine = (await get(t, customer, `/v1/crm/inbox/chat/${ticketId}`)).json();
    expect(mine.messages.map((m: { from: string }) => m.from)).toEqual(['me', 'agent']);
    expect(JSON.stringify(mine)).not.toContain('ledger');
  });

  it('is rated by its customer after close, once, with a comment', async () => {
    const early = await post(t, customer, `/v1/crm/inbox/chat/${ticketId}/rating`, { rating: 5 });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('ticket_not_closed');
    const closed = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/status`, { status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().sla.resolution.state).toBe('met');
    expect((await post(t, other, `/v1/crm/inbox/chat/${ticketId}/rating`, { rating: 1 })).statusCode).toBe(
      404,
    );
    const bad = await post(t, customer, `/v1/crm/inbox/chat/${ticketId}/rating`, { rating: 6 });
    expect(bad.statusCode).toBe(400);
    const rated = await post(t, customer, `/v1/crm/inbox/chat/${ticketId}/rating`, {
      rating: 4,
      comment: 'Slow, but right',
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ rating: { rating: 4, comment: 'Slow, but right' }, canRate: false });
    const again = await post(t, customer, `/v1/crm/inbox/chat/${ticketId}/rating`, { rating: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_rated');
    const queue = await get(t, agent, '/v1/crm/inbox/queue');
    expect((queue.json().items as { id: string }[]).map((i) => i.id)).not.toContain(ticketId);
  });

  it('meets the SLA on a chat answered in time, and counts both in the figures', async () => {
    const sent = await post(t, other, '/v1/crm/inbox/chat', {
      body: 'How do I change my card?',
      category: 'payments',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().id as string;
    await moveMinutes(10);
    const answer = await post(t, agent, `/v1/crm/inbox/tickets/${id}/messages`, {
      body: 'Under Account, Cards.',
    });
    expect(answer.json().sla.firstResponse.state).toBe('met');
    await moveMinutes(60);
    expect((await ticket(id)).sla.firstResponse.state).toBe('met');
    expect((await ticket(id)).sla.breached).toBe(false);

    const date = t.platform.clock.businessDate();
    const figures = await get(t, finance, `/v1/crm/inbox/figures?from=${date}&to=${date}`);
    expect(figures.statusCode, figures.body).toBe(200);
    expect(figures.json().total).toMatchObject({
      volume: 2,
      firstResponse: { done: 2, met: 1, metShare: '0.5000' },
      resolution: { done: 1, met: 1 },
      satisfaction: { ratings: 1, average: '4.0000' },
    });
    expect(figures.json().byCategory.map((c: { category: string }) => c.category)).toEqual([
      'general',
      'payments',
    ]);
    expect(figures.json().byAgent).toMatchObject([
      { agentId: agent.userId, agentName: 'Agent One', volume: 2 },
    ]);
    const backwards = await get(t, finance, `/v1/crm/inbox/figures?from=${date}&to=2020-01-01`);
    expect(backwards.statusCode).toBe(400);
  });
});

describe('canned answers', () => {
  it('are written in both languages by crm:manage, read by agents, rewritten and removed', async () => {
    const created = await post(t, agent, '/v1/crm/inbox/canned-answers', {
      title: 'Bank batch',
      bodyEn: 'Transfers arrive with the bank batch.',
      bodyZh: '转账随银行批次到账。',
      category: 'payments',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const unknown = await post(t, agent, '/v1/crm/inbox/canned-answers', {
      title: 'x',
      bodyEn: 'x',
      bodyZh: 'x',
      category: 'no_such_category',
    });
    expect(unknown.statusCode).toBe(400);
    expect(
      (await post(t, finance, '/v1/crm/inbox/canned-answers', { title: 'x', bodyEn: 'x', bodyZh: 'x' }))
        .statusCode,
    ).toBe(403);
    const updated = await t.app.inject({
      method: 'PUT',
      url: `/v1/crm/inbox/canned-answers/${id}`,
      headers: agent.headers,
      payload: { title: 'Bank batch', bodyEn: 'It comes with the batch.', bodyZh: '随批次到账。' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const list = (await get(t, agent, '/v1/crm/inbox/canned-answers')).json().items;
    expect(list).toMatchObject([{ id, bodyEn: 'It comes with the batch.', bodyZh: '随批次到账。' }]);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/crm/inbox/canned-answers/${id}`,
      headers: agent.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect((await get(t, agent, '/v1/crm/inbox/canned-answers')).json().items).toEqual([]);
  });
});
