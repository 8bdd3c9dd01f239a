import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { InboxEvent } from '../../crm/index.ts';
import { allows } from '../../identity/index.ts';
import { DomainError, type PlainDate, parseDate } from '../../kernel/index.ts';
import { context } from './identity.ts';
import { errors, idParams, limitQuery, toJson } from './lending-schemas.ts';

const anyJson = z.record(z.string(), z.unknown());
const code = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const body = z.string().min(1).max(4000);
const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const json = (value: unknown) => toJson(value) as Record<string, unknown>;

/** The chat is a customer's: staff answer from the inbox. */
function customerId(request: FastifyRequest): string {
  const { userId, roles } = request.principal;
  if (!userId || !roles.includes('customer'))
    throw new DomainError(
      'customers_only',
      'forbidden',
      'the chat is for customers; staff answer from the inbox',
    );
  return userId;
}

const cannedBody = z
  .object({
    title: z.string().min(1).max(120),
    bodyEn: body,
    bodyZh: body,
    category: code.nullable().optional(),
  })
  .strict();

/** The CRM service inbox: the customer's chat, the agents' queue and tickets, adapters, live updates. */
export function crmInboxRoutes(platform: Platform): FastifyPluginAsyncZod {
  const inbox = platform.crmInbox;
  const serve = { auth: { permission: 'crm:serve' as const } };
  const manage = { auth: { permission: 'crm:manage' as const } };
  return async (app) => {
    // --- the customer's chat ---
    app.post(
      '/crm/inbox/chat',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['crm'],
          summary:
            'A customer writes in the chat: on the conversation named, else their open one, else a new one (priority from their class)',
          body: z.object({ body, ticketId: z.uuid().optional(), category: code.optional() }).strict(),
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(json(await inbox.customerMessage(customerId(request), request.body))),
    );
    app.get(
      '/crm/inbox/chat',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['crm'],
          summary: "The customer's own chat conversations, newest first",
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => ({ items: (await inbox.customerTickets(customerId(request))).map(json) }),
    );
    app.get(
      '/crm/inbox/chat/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['crm'],
          summary:
            "One of the customer's own conversations with its messages (never the staff's internal notes)",
          params: idParams,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.customerTicket(customerId(request), request.params.id)),
    );
    app.post(
      '/crm/inbox/chat/:id/rating',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['crm'],
          summary: 'The customer rates a closed conversation, 1 to 5 with a comment, once',
          params: idParams,
          body: z
            .object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.rate(customerId(request), request.params.id, request.body)),
    );

    // --- the agents' inbox ---
    app.get(
      '/crm/inbox/queue',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            'Open and pending tickets: A customers first, then B, then C; within each the nearest SLA due time first. With SLA states (running, warning, breached)',
          querystring: limitQuery
            .extend({
              owner: z.union([z.uuid(), z.literal('me')]).optional(),
              status: z.enum(['open', 'pending']).optional(),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => {
        const { owner, status, limit } = request.query;
        const ownerId = owner === 'me' ? (request.principal.userId ?? undefined) : owner;
        return { items: (await inbox.queue({ ownerId, status, limit })).map(json) };
      },
    );
    app.get(
      '/crm/inbox/tickets/:id',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            'A ticket with the customer (masked) and their class, its messages, internal notes and call logs, and its SLA timers',
          params: idParams,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.ticket(request.params.id)),
    );
    app.post(
      '/crm/inbox/tickets/:id/messages',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            'An agent answers (stops the first-response timer; e-mail and messenger go out through their adapter) or writes an internal note (note: true, staff only)',
          params: idParams,
          body: z.object({ body, note: z.boolean().default(false) }).strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.reply(request.params.id, request.principal.userId, request.body)),
    );
    app.post(
      '/crm/inbox/tickets/:id/take',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary: 'The calling agent takes the ticket (becomes its owner)',
          params: idParams,
          body: z.object({}).strict().optional(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => {
        const agentId = request.principal.userId;
        if (!agentId)
          throw new DomainError('user_required', 'forbidden', 'the admin token cannot own tickets');
        return json(await inbox.take(request.params.id, agentId, context(request)));
      },
    );
    app.post(
      '/crm/inbox/tickets/:id/status',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            'Move a ticket on (open, pending, resolved, closed: closing is final and lets the customer rate it) or change its category',
          params: idParams,
          body: z
            .object({
              status: z.enum(['open', 'pending', 'resolved', 'closed']).optional(),
              category: code.optional(),
            })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.update(request.params.id, request.body, context(request))),
    );
    app.post(
      '/crm/inbox/calls',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            "An agent logs a phone call (direction, duration, summary): on the customer's ticket named, or a new phone ticket",
          body: z
            .object({
              userId: z.uuid(),
              ticketId: z.uuid().optional(),
              direction: z.enum(['inbound', 'outbound']),
              durationSeconds: z.number().int().min(0).max(86_400),
              summary: body,
              category: code.optional(),
            })
            .strict(),
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(json(await inbox.logCall(request.principal.userId, request.body))),
    );
    app.get(
      '/crm/inbox/tickets/:id/sent',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            "What the ticket's adapter sent (the simulated adapters' record of outbound e-mail and messages)",
          params: idParams,
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => ({ items: (await inbox.sent(request.params.id)).map(json) }),
    );

    // --- adapters ---
    app.post(
      '/crm/inbox/adapters/:name/inbound',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['crm'],
          summary:
            "Where an e-mail or messenger adapter delivers an inbound message, signed with the adapter's secret",
          description:
            'Authenticated by HMAC-SHA256 over "<X-Netfin-Timestamp>.<raw body>" in X-Netfin-Signature, not by a session. Body: { messageId, from, body, subject?, userId? }. The same messageId twice is stored once.',
          params: z.object({ name: z.string().max(40) }),
          body: z.unknown(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        json(await inbox.inbound(request.params.name, request.headers, request.rawBody ?? '')),
    );

    // --- canned answers and settings ---
    app.get(
      '/crm/inbox/canned-answers',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary: 'Canned answers, each in English and Chinese',
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async () => ({ items: (await inbox.cannedAnswers()).map(json) }),
    );
    app.post(
      '/crm/inbox/canned-answers',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Write a canned answer in both languages',
          body: cannedBody,
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(json(await inbox.saveCanned(null, request.body, context(request)))),
    );
    app.put(
      '/crm/inbox/canned-answers/:id',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Rewrite a canned answer',
          params: idParams,
          body: cannedBody,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.saveCanned(request.params.id, request.body, context(request))),
    );
    app.delete(
      '/crm/inbox/canned-answers/:id',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Remove a canned answer',
          params: idParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await inbox.deleteCanned(request.params.id, context(request));
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/crm/inbox/settings',
      {
        config: serve,
        schema: {
          tags: ['crm'],
          summary:
            'The inbox settings: categories, SLA minutes per priority (first response, resolution), the warning share',
          response: { 200: anyJson, ...errors },
        },
      },
      async () => json(await inbox.settings()),
    );
    app.put(
      '/crm/inbox/settings',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Replace the inbox settings (new tickets take the new SLA minutes)',
          body: z
            .object({
              categories: z.array(code).min(1).max(50),
              firstResponseMinutes: z
                .object({ A: z.number().int(), B: z.number().int(), C: z.number().int() })
                .strict(),
              resolutionMinutes: z
                .object({ A: z.number().int(), B: z.number().int(), C: z.number().int() })
                .strict(),
              warningShare: z.number().gt(0).lt(1),
            })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => json(await inbox.saveSettings(request.body, context(request))),
    );
    app.get(
      '/crm/inbox/figures',
      {
        config: { auth: { permission: 'crm:read' } },
        schema: {
          tags: ['crm'],
          summary:
            'Tickets opened in [from, to] (business dates): volume, first-response and resolution times against SLA (share met), satisfaction; in total, by category and by agent',
          querystring: z.object({ from: dateText, to: dateText }).strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        json(
          await inbox.figures({ from: request.query.from as PlainDate, to: request.query.to as PlainDate }),
        ),
    );

    // --- live updates ---
    app.get(
      '/crm/inbox/stream',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['crm'],
          summary:
            "Server-sent events (Accept: text/event-stream): to agents (crm:serve) every new message and queue change; to a customer, their own conversations' messages (no internal notes)",
          response: { ...errors },
        },
      },
      async (request, reply) => {
        if (!String(request.headers.accept ?? '').includes('text/event-stream'))
          throw new DomainError('event_stream_required', 'invalid', 'ask with Accept: text/event-stream');
        const { userId, roles } = request.principal;
        const agent = allows(roles, 'crm:serve');
        if (!agent) customerId(request);
        // Every process hears every change (docs/crm-inbox.md): here each stream takes what its
        // subscriber may see. A resync (events may have been missed) goes to all, without data.
        const wants = (event: InboxEvent) =>
          event.type === 'resync' ||
          agent ||
          (event.userId === userId && event.type === 'message' && event.message?.author !== 'note');
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        raw.write(': connected\n\n');
        const unsubscribe = inbox.events.subscribe((event) => {
          if (wants(event)) raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        });
        const heartbeat = setInterval(() => raw.write(': ping\n\n'), 20_000);
        heartbeat.unref();
        request.raw.on('close', () => {
          clearInterval(heartbeat);
          unsubscribe();
        });
      },
    );
  };
}
