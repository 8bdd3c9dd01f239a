import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import { signInbound } from '../../src/crm/index.ts';
import { get, post, type Staff, staff } from '../support/crm-pipeline.ts';
import { ADMIN_TOKEN, onPostgres, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * The queue puts an A customer's ticket ahead of a C customer's opened earlier; a phone call logged by
 * an agent; e-mail through the simulated adapter: a signed inbound message stored once however often
 * it comes, a forged one refused with nothing written, the agent's answer recorded as sent; and the
 * live stream telling an agent and the customer of a new message.
 */
let t: TestApp;
let agent: Staff;
let classA: TestUser;
let classC: TestUser;

const setClass = (user: TestUser, klass: 'A' | 'B' | 'C') =>
  sql`insert into crm_portraits (user_id, as_of, aum, aum_band, contribution, class, data, computed_at)
      values (${user.userId}::uuid, '2026-01-04', 0, 'none', 0, ${klass}, '{}'::jsonb, now())`.execute(
    t.platform.db,
  );
/** A server-sent event stream on a listening app: what it has received so far, and its end. */
const openStream = (port: number, headers: Record<string, string>) =>
  new Promise<{ text: () => string; close: () => void }>((resolve, reject) => {
    let text = '';
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/crm/inbox/stream',
        headers: { ...headers, accept: 'text/event-stream' },
      },
      (res) => {
        expect(res.statusCode).toBe(200);
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        resolve({ text: () => text, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
const messageCount = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from crm_messages`.execute(t.platform.db)).rows[0]!.n;

beforeAll(async () => {
  t = await openTestApp();
  agent = await staff(t, 'operations', 'Agent Queue');
  classA = await signUp(t);
  classC = await signUp(t);
  await setClass(classA, 'A');
  await setClass(classC, 'C');
});
afterAll(() => t.close());

describe('the queue', () => {
  it("puts an A customer's ticket ahead of a C customer's opened before it", async () => {
    const c = await post(t, classC, '/v1/crm/inbox/chat', { body: 'A question from C' });
    expect(c.statusCode, c.body).toBe(201);
    t.clock.advanceSeconds(60);
    const a = await post(t, classA, '/v1/crm/inbox/chat', { body: 'A question from A' });
    expect(a.statusCode, a.body).toBe(201);
    const queue = await get(t, agent, '/v1/crm/inbox/queue');
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json().items as { id: string; priority: string; customer: { class: string } }[];
    expect(items.map((i) => i.id)).toEqual([a.json().id, c.json().id]);
    expect(items.map((i) => i.priority)).toEqual(['A', 'C']);
    expect(items[0]!.customer.class).toBe('A');
  });

  it('logs a phone call as a ticket with the call note, answered by the agent', async () => {
    const call = await post(t, agent, '/v1/crm/inbox/calls', {
      userId: classC.userId,
      direction: 'inbound',
      durationSeconds: 185,
      summary: 'Asked how interest is charged',
    });
    expect(call.statusCode, call.body).toBe(201);
    expect(call.json()).toMatchObject({
      channel: 'phone',
      status: 'pending',
      owner: { id: agent.userId },
      calls: [{ direction: 'inbound', durationSeconds: 185, summary: 'Asked how interest is charged' }],
      messages: [{ author: 'note' }],
    });
    expect(call.json().sla.firstResponse.state).toBe('met');
    const bad = await post(t, agent, '/v1/crm/inbox/calls', {
      userId: classC.userId,
      direction: 'sideways',
      durationSeconds: 1,
      summary: 'x',
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('the e-mail adapter', () => {
  const url = '/v1/crm/inbox/adapters/sim-email/inbound';
  const send = (raw: string, signature?: string, timestamp = Math.floor(t.clock.now().getTime() / 1000)) => {
    const secret = t.platform.crmInbox.adapter('sim-email')!.secret;
    return t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-netfin-timestamp': String(timestamp),
        'x-netfin-signature': signature ?? signInbound(secret, timestamp, raw),
      },
      payload: raw,
    });
  };
  let ticketId: string;

  it('refuses a forged signature with a code and writes nothing', async () => {
    const before = await messageCount();
    const raw = JSON.stringify({ messageId: 'm-forged', from: 'someone@example.com', body: 'hello' });
    const forged = await send(raw, 'ab'.repeat(32));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('signature_invalid');
    const unsigned = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: raw,
    });
    expect(unsigned.statusCode).toBe(401);
    const stale = await send(raw, undefined, Math.floor(t.clock.now().getTime() / 1000) - 3600);
    expect(stale.json().error.code).toBe('signature_expired');
    expect(await messageCount()).toBe(before);
  });

  it('stores a signed message once, however often it comes', async () => {
    const before = await messageCount();
    const raw = JSON.stringify({
      messageId: 'm-1@example.com',
      from: 'customer@example.com',
      subject: 'Statement',
      body: 'Where is my statement?',
      userId: classA.userId,
    });
    const first = await send(raw);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().duplicate).toBe(false);
    ticketId = first.json().ticketId;
    const again = await Promise.all([send(raw), send(raw)]);
    for (const response of again) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ ticketId, duplicate: true });
    }
    expect(await messageCount()).toBe(before + 1);
    const view = (await get(t, agent, `/v1/crm/inbox/tickets/${ticketId}`)).json();
    expect(view).toMatchObject({ channel: 'email', priority: 'A', externalAddress: 'customer@example.com' });
  });

  it("sends the agent's answer through the adapter, which records it", async () => {
    const answer = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
      body: 'Attached again.',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const sent = await get(t, agent, `/v1/crm/inbox/tickets/${ticketId}/sent`);
    expect(sent.json().items).toMatchObject([
      { adapter: 'sim-email', to: 'customer@example.com', body: 'Attached again.' },
    ]);
    const note = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
      body: 'internal',
      note: true,
    });
    expect(note.statusCode).toBe(200);
    expect((await get(t, agent, `/v1/crm/inbox/tickets/${ticketId}/sent`)).json().items).toHaveLength(1);
  });

  it('answers an unknown adapter with 404 and a code', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/inbox/adapters/nope/inbound',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('adapter_not_found');
  });
});

describe('the live stream', () => {
  it('tells the agent and the customer of a new message, and refuses a request without the event-stream Accept', async () => {
    const plain = await get(t, agent, '/v1/crm/inbox/stream');
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error.code).toBe('event_stream_required');

    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const open = (headers: Record<string, string>) => openStream(port, headers);
    const agentStream = await open(agent.headers);
    const customerStream = await open(classC.headers);
    const otherStream = await open(classA.headers);
    try {
      const sent = await post(t, classC, '/v1/crm/inbox/chat', { body: 'Streamed hello' });
      expect(sent.statusCode, sent.body).toBe(201);
      await expect.poll(() => agentStream.text()).toContain('Streamed hello');
      await expect.poll(() => customerStream.text()).toContain('Streamed hello');
      expect(otherStream.text()).not.toContain('Streamed hello');
    } finally {
      agentStream.close();
      customerStream.close();
      otherStream.close();
    }
  });
});

// Skipped on PGlite: one process owns it, so there is no other process to hear.
describe.skipIf(!onPostgres)('two API processes on one PostgreSQL database', () => {
  let other: Platform;
  let otherApp: FastifyInstance;
  let otherPort: number;
  let schema: string;

  beforeAll(async () => {
    schema = (await sql<{ s: string }>`select current_schema() as s`.execute(t.platform.db)).rows[0]!.s;
    other = await openPlatform(
      loadConfig(process.env, {
        logLevel: 'silent',
        dataKey: Buffer.alloc(32, 7),
        adminToken: ADMIN_TOKEN,
        demo: true,
      }),
      {
        schema,
        clock: t.clock,
        migrate: false,
        log: () => {},
        applicationName: `netfin-test-${schema}-other`,
      },
    );
    otherApp = await buildApp(other);
    await otherApp.listen({ port: 0, host: '127.0.0.1' });
    otherPort = (otherApp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await otherApp?.close();
    await other?.close();
  });

  it("delivers a message written through one process to the other's stream subscribers, only on commit", async () => {
    const agentStream = await openStream(otherPort, agent.headers);
    const customerStream = await openStream(otherPort, classC.headers);
    const otherStream = await openStream(otherPort, classA.headers);
    try {
      const ticket = await post(t, classC, '/v1/crm/inbox/chat', { body: 'Across processes' });
      expect(ticket.statusCode, ticket.body).toBe(201);
      const ticketId = ticket.json().id as string;
      await expect.poll(() => agentStream.text()).toContain('Across processes');
      await expect.poll(() => customerStream.text()).toContain('Across processes');
      // The agent's note, written on the first process, reaches the other's agents but not the customer.
      const note = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
        body: 'Internal: check the repayment',
        note: true,
      });
      expect(note.statusCode, note.body).toBe(200);
      await expect.poll(() => agentStream.text()).toContain('Internal: check the repayment');
      const answer = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/messages`, {
        body: 'Answered from the first process',
      });
      expect(answer.statusCode, answer.body).toBe(200);
      await expect.poll(() => customerStream.text()).toContain('Answered from the first process');
      expect(customerStream.text()).not.toContain('Internal: check the repayment');
      expect(otherStream.text()).not.toContain('Across processes');
      const queueEvents = () => agentStream.text().split('event: queue').length - 1;
      const before = queueEvents();
      // A rolled-back transaction's notification is never delivered: after the take's, which comes
      // after it on the one listening connection, there is one queue event more, not two.
      await t.platform.db
        .transaction()
        .execute(async (trx) => {
          await sql`select pg_notify('netfin_crm_inbox', current_schema() || ' queue ' || ${ticketId}::text)`.execute(
            trx,
          );
          throw new Error('roll back');
        })
        .catch(() => undefined);
      const taken = await post(t, agent, `/v1/crm/inbox/tickets/${ticketId}/take`, {});
      expect(taken.statusCode, taken.body).toBe(200);
      await expect.poll(queueEvents).toBeGreaterThan(before);
      expect(queueEvents()).toBe(before + 1);
    } finally {
      agentStream.close();
      customerStream.close();
      otherStream.close();
    }
  });

  it('listens again when its connection drops, tells its streams to resync, and hears what comes after', async () => {
    const agentStream = await openStream(otherPort, agent.headers);
    try {
      const listener = await sql<{ pid: number }>`select pid from pg_stat_activity
        where application_name = ${`netfin-test-${schema}-other:listen`}`.execute(t.platform.db);
      expect(listener.rows).toHaveLength(1);
      await sql`select pg_terminate_backend(${listener.rows[0]!.pid}::int)`.execute(t.platform.db);
      await expect.poll(() => agentStream.text(), { timeout: 5_000 }).toContain('event: resync');
      const sent = await post(t, classA, '/v1/crm/inbox/chat', { body: 'After the reconnection' });
      expect(sent.statusCode, sent.body).toBe(201);
      await expect.poll(() => agentStream.text()).toContain('After the reconnection');
    } finally {
      agentStream.close();
    }
  });
});
