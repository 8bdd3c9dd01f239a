import { sql } from 'kysely';
import { type Executor, inTransaction, type Listen } from '../../db/index.ts';
import {
  type AuditContext,
  actorId,
  type Identity,
  maskName,
  maskPhone,
  staffNames,
} from '../../identity/index.ts';
import {
  type Clock,
  conflict,
  DomainError,
  invalid,
  isStorableText,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../../kernel/index.ts';
import type { CustomerClass } from '../classes.ts';
import { INBOUND_TOLERANCE_SECONDS, type InboxAdapter, inboundSignatureMatches } from './adapters.ts';
import {
  INBOX_CHANNEL,
  InboxEvents,
  type InboxNotice,
  parseInboxNotice,
  publishInboxEvent,
} from './events.ts';
import { type FigureRow, inboxFigures } from './figures.ts';
import {
  checkInboxSettings,
  type InboxSettings,
  loadInboxSettings,
  saveInboxSettings,
  slaState,
} from './settings.ts';

export const CHANNELS = ['web_chat', 'phone', 'email', 'messenger'] as const;
export type Channel = (typeof CHANNELS)[number];
export const STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export interface InboxOptions {
  readonly db: Executor;
  readonly readDb: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  /** The customer's class (A, B, C) from the CRM's portraits; null before their first classing. */
  readonly classOf: (userId: string) => Promise<CustomerClass | null>;
  readonly adapters: readonly InboxAdapter[];
}

interface TicketRow {
  id: string;
  channel: Channel;
  user_id: string | null;
  external_address: string | null;
  subject: string | null;
  category: string;
  priority: CustomerClass;
  owner_id: string | null;
  status: TicketStatus;
  created_at: Date;
  updated_at: Date;
  first_response_due: Date;
  resolution_due: Date;
  first_response_at: Date | null;
  first_responder_id: string | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
}

interface MessageRow {
  id: string;
  ticket_id: string;
  author: 'customer' | 'agent' | 'note';
  author_id: string | null;
  body: string;
  created_at: Date;
}

export interface CannedAnswer {
  readonly id: string;
  readonly title: string;
  readonly bodyEn: string;
  readonly bodyZh: string;
  readonly category: string | null;
  readonly updatedAt: Date;
}

export interface CannedInput {
  readonly title: string;
  readonly bodyEn: string;
  readonly bodyZh: string;
  readonly category?: string | null | undefined;
}

export interface CallLogInput {
  readonly userId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly durationSeconds: number;
  readonly summary: string;
  readonly category?: string | undefined;
  /** Log the call on an existing ticket of the customer's instead of opening one. */
  readonly ticketId?: string | undefined;
}

const TICKET_COLUMNS = sql`id, channel, user_id, external_address, subject, category, priority, owner_id, status,
  created_at, updated_at, first_response_due, resolution_due, first_response_at, first_responder_id,
  resolved_at, closed_at, rating, rating_comment, rated_at`;

const text = (value: string, code: string, max = 4000) => {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > max || !isStorableText(trimmed))
    throw invalid(code, `must be 1 to ${max} characters of text`);
  return trimmed;
};

/**
 * The service inbox (issue 20): one ticket per conversation on any channel (web chat, phone, e-mail,
 * messenger), prioritised by the customer's class (A first), with an owner, a category, SLA timers
 * for the first answer and the resolution, canned answers in both languages, internal notes, and the
 * customer's rating after close. See docs/crm-inbox.md.
 */
export class Inbox {
  readonly events = new InboxEvents();
  private readonly adapters: Map<string, InboxAdapter>;

  constructor(private readonly options: InboxOptions) {
    this.adapters = new Map(options.adapters.map((a) => [a.name, a]));
  }

  adapter(name: string): InboxAdapter | undefined {
    return this.adapters.get(name);
  }

  /**
   * Hears every process's inbox changes (this one's too) through `listen`, from the notifications
   * their transactions send on commit, and tells this process's listeners (`events`). After the
   * listening connection comes back, when some may have been missed, the listeners get a `resync`.
   */
  async follow(listen: Listen): Promise<void> {
    const found = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.options.db);
    const schema = found.rows[0]!.schema;
    await listen(INBOX_CHANNEL, async (payload) => {
      if (payload === null) {
        this.events.emit({ type: 'resync' });
        return;
      }
      const notice = parseInboxNotice(payload, schema);
      if (notice) await this.deliver(notice);
    });
  }

  settings(): Promise<InboxSettings> {
    return loadInboxSettings(this.options.db);
  }

  async saveSettings(input: unknown, audit: AuditContext): Promise<InboxSettings> {
    const settings = checkInboxSettings(input);
    await saveInboxSettings(this.options.db, this.options.clock, settings, actorId(audit.principal));
    await this.options.identity.audit(audit, { action: 'crm.inbox_settings', after: settings });
    return settings;
  }

  // --- the customer's side ---------------------------------------------------------------------

  /** A customer writes in the chat: on the ticket named, or their open chat, or a new one. */
  async customerMessage(
    userId: string,
    input: { body: string; ticketId?: string | undefined; category?: string | undefined },
  ) {
    const body = text(input.body, 'message_invalid');
    const settings = await this.settings();
    const category = this.category(settings, input.category);
    const now = this.options.clock.now();
    const priority = (await this.options.classOf(userId)) ?? 'C';
    const ticket = await inTransaction(this.options.db, async (trx) => {
      let row: TicketRow | undefined;
      if (input.ticketId) {
        row = await this.lock(trx, input.ticketId);
        if (!row || row.user_id !== userId)
          throw notFound('ticket_not_found', 'no such conversation of yours');
        if (row.status === 'closed')
          throw conflict('ticket_closed', 'this conversation is closed: start a new one');
      } else {
        const open = await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets
          where user_id = ${userId}::uuid and channel = 'web_chat' and status in ('open', 'pending')
          order by created_at desc limit 1 for update`.execute(trx);
        row = open.rows[0];
      }
      const created = !row;
      if (!row)
        row = await this.insertTicket(trx, settings, {
          channel: 'web_chat',
          userId,
          category,
          priority,
          now,
        });
      const message = await this.insertMessage(trx, row.id, 'customer', userId, body, now);
      await this.touch(
        trx,
        row.id,
        row.status === 'pending' || row.status === 'resolved' ? 'open' : row.status,
        now,
      );
      await this.publishMessage(trx, row.id, message.id, created);
      return row;
    });
    return this.customerTicket(userId, ticket.id);
  }

  async customerTickets(userId: string) {
    const rows = await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets
      where user_id = ${userId}::uuid and channel = 'web_chat' order by created_at desc limit 50`.execute(
      this.options.db,
    );
    return rows.rows.map((r) => this.customerJson(r, []));
  }

  async customerTicket(userId: string, ticketId: string) {
    const row = await this.row(this.options.db, ticketId);
    // Another customer's conversation is answered as if it did not exist.
    if (!row || row.user_id !== userId || row.channel !== 'web_chat')
      throw notFound('ticket_not_found', 'no such conversation of yours');
    const messages = (await this.messages(row.id)).filter((m) => m.author !== 'note');
    return this.customerJson(row, messages);
  }

  async rate(userId: string, ticketId: string, input: { rating: number; comment?: string | undefined }) {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
      throw invalid('rating_invalid', 'a rating is a whole number from 1 to 5');
    const comment = input.comment?.trim() ? text(input.comment, 'comment_invalid', 2000) : null;
    const now = this.options.clock.now();
    await inTransaction(this.options.db, async (trx) => {
      const row = await this.lock(trx, ticketId);
      if (!row || row.user_id !== userId || row.channel !== 'web_chat')
        throw notFound('ticket_not_found', 'no such conversation of yours');
      if (row.status !== 'closed')
        throw ruleViolation('ticket_not_closed', 'a conversation is rated after it is closed');
      if (row.rating !== null) throw conflict('already_rated', 'this conversation has been rated');
      await sql`update crm_tickets set rating = ${input.rating}, rating_comment = ${comment}, rated_at = ${now}
                where id = ${ticketId}::uuid`.execute(trx);
    });
    return this.customerTicket(userId, ticketId);
  }

  // --- the agents' side ------------------------------------------------------------------------

  /** Open and pending tickets: A customers first, then B, then C; within each, the nearest SLA due time first. */
  async queue(filter: {
    ownerId?: string | undefined;
    status?: 'open' | 'pending' | undefined;
    limit: number;
  }) {
    const rows = await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets
      where status in ('open', 'pending')
        and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
        and (${filter.ownerId ?? null}::uuid is null or owner_id = ${filter.ownerId ?? null}::uuid)
      order by priority,
        case when first_response_at is null then first_response_due else resolution_due end, id
      limit ${filter.limit}`.execute(this.options.readDb);
    return this.staffJson(rows.rows, await this.settings());
  }

  async ticket(ticketId: string) {
    const row = await this.row(this.options.db, ticketId);
    if (!row) throw notFound('ticket_not_found');
    const [[view], messages, calls] = await Promise.all([
      this.staffJson([row], await this.settings()),
      this.messages(row.id),
      sql<{
        id: string;
        direction: string;
        duration_seconds: number;
        summary: string;
        logged_by: string | null;
        created_at: Date;
      }>`
        select id, direction, duration_seconds, summary, logged_by, created_at from crm_call_logs
        where ticket_id = ${row.id}::uuid order by created_at, id`.execute(this.options.db),
    ]);
    return {
      ...view!,
      messages: messages.map((m) => ({
        id: m.id,
        author: m.author,
        authorId: m.author_id,
        body: m.body,
        at: m.created_at,
      })),
      calls: calls.rows.map((c) => ({
        id: c.id,
        direction: c.direction,
        durationSeconds: c.duration_seconds,
        summary: c.summary,
        loggedBy: c.logged_by,
        at: c.created_at,
      })),
    };
  }

  /** An agent answers (the customer sees it; e-mail and messenger through their adapter) or notes (staff only). */
  async reply(ticketId: string, agentId: string | null, input: { body: string; note: boolean }) {
    const body = text(input.body, 'message_invalid');
    const now = this.options.clock.now();
    await inTransaction(this.options.db, async (trx) => {
      const row = await this.lock(trx, ticketId);
      if (!row) throw notFound('ticket_not_found');
      if (row.status === 'closed') throw conflict('ticket_closed', 'this ticket is closed');
      const message = await this.insertMessage(
        trx,
        row.id,
        input.note ? 'note' : 'agent',
        agentId,
        body,
        now,
      );
      if (!input.note) {
        if (row.channel === 'email' || row.channel === 'messenger') {
          const adapter = [...this.adapters.values()].find((a) => a.channel === row.channel);
          if (!adapter || !row.external_address)
            throw ruleViolation(
              'channel_unavailable',
              `no ${row.channel} adapter to send this answer through`,
            );
          await adapter.send(trx, {
            ticketId: row.id,
            messageId: message.id,
            to: row.external_address,
            body,
            at: now,
          });
        }
        await sql`update crm_tickets set
            first_response_at = coalesce(first_response_at, ${now}),
            first_responder_id = coalesce(first_responder_id, ${agentId}::uuid),
            owner_id = coalesce(owner_id, ${agentId}::uuid),
            status = case when status = 'open' then 'pending' else status end,
            updated_at = ${now}
          where id = ${row.id}::uuid`.execute(trx);
      }
      await this.publishMessage(trx, row.id, message.id, false);
    });
    return this.ticket(ticketId);
  }

  async take(ticketId: string, agentId: string, audit: AuditContext) {
    const now = this.options.clock.now();
    await inTransaction(this.options.db, async (trx) => {
      const row = await this.lock(trx, ticketId);
      if (!row) throw notFound('ticket_not_found');
      if (row.status === 'closed') throw conflict('ticket_closed', 'this ticket is closed');
      await sql`update crm_tickets set owner_id = ${agentId}::uuid, updated_at = ${now} where id = ${ticketId}::uuid`.execute(
        trx,
      );
      await publishInboxEvent(trx, { type: 'queue', ticketId });
    });
    await this.options.identity.audit(audit, {
      action: 'crm.ticket_taken',
      after: { ticketId, ownerId: agentId },
    });
    return this.ticket(ticketId);
  }

  /** Moves a ticket on (resolved and closed stop its resolution timer; closed is final), or recategorises it. */
  async update(
    ticketId: string,
    input: { status?: TicketStatus | undefined; category?: string | undefined },
    audit: AuditContext,
  ) {
    const settings = await this.settings();
    if (input.category !== undefined && !settings.categories.includes(input.category))
      throw invalid('category_unknown', 'not one of the inbox categories');
    const now = this.options.clock.now();
    await inTransaction(this.options.db, async (trx) => {
      const row = await this.lock(trx, ticketId);
      if (!row) throw notFound('ticket_not_found');
      if (row.status === 'closed') throw conflict('ticket_closed', 'this ticket is closed');
      const status = input.status ?? row.status;
      await sql`update crm_tickets set
          status = ${status},
          category = ${input.category ?? row.category},
          resolved_at = case when ${status} in ('resolved', 'closed') then coalesce(resolved_at, ${now}) else null end,
          closed_at = case when ${status} = 'closed' then ${now}::timestamptz else null end,
          updated_at = ${now}
        where id = ${ticketId}::uuid`.execute(trx);
      await publishInboxEvent(trx, { type: 'queue', ticketId });
    });
    await this.options.identity.audit(audit, { action: 'crm.ticket_updated', after: { ticketId, ...input } });
    return this.ticket(ticketId);
  }

  /** An agent logs a phone call: on the customer's ticket named, or a new phone ticket with the call's note. */
  async logCall(agentId: string | null, input: CallLogInput) {
    const summary = text(input.summary, 'summary_invalid');
    if (
      !Number.isInteger(input.durationSeconds) ||
      input.durationSeconds < 0 ||
      input.durationSeconds > 86_400
    )
      throw invalid('duration_invalid', 'whole seconds, at most a day');
    const known = await this.options.identity.reachOf([input.userId]);
    if (!known.has(input.userId)) throw notFound('user_not_found', 'no such customer');
    const settings = await this.settings();
    const category = this.category(settings, input.category);
    const priority = (await this.options.classOf(input.userId)) ?? 'C';
    const now = this.options.clock.now();
    const ticket = await inTransaction(this.options.db, async (trx) => {
      let row: TicketRow | undefined;
      if (input.ticketId) {
        row = await this.lock(trx, input.ticketId);
        if (!row || row.user_id !== input.userId)
          throw notFound('ticket_not_found', 'no such ticket of this customer');
        if (row.status === 'closed') throw conflict('ticket_closed', 'this ticket is closed');
      }
      const created = !row;
      // A call is a conversation with the customer: an agent on the line has answered it.
      if (!row)
        row = await this.insertTicket(trx, settings, {
          channel: 'phone',
          userId: input.userId,
          category,
          priority,
          now,
          ownerId: agentId,
        });
      const minutes = Math.floor(input.durationSeconds / 60);
      const seconds = input.durationSeconds % 60;
      const note = `Call (${input.direction}, ${minutes}m${String(seconds).padStart(2, '0')}s): ${summary}`;
      const message = await this.insertMessage(trx, row.id, 'note', agentId, note, now);
      await sql`insert into crm_call_logs (id, ticket_id, direction, duration_seconds, summary, logged_by, created_at)
                values (${uuidv7(now.getTime())}, ${row.id}, ${input.direction}, ${input.durationSeconds}, ${summary},
                        ${agentId}::uuid, ${now})`.execute(trx);
      await sql`update crm_tickets set first_response_at = coalesce(first_response_at, ${now}),
                  first_responder_id = coalesce(first_responder_id, ${agentId}::uuid),
                  owner_id = coalesce(owner_id, ${agentId}::uuid),
                  status = case when status = 'open' then 'pending' else status end, updated_at = ${now}
                where id = ${row.id}::uuid`.execute(trx);
      await this.publishMessage(trx, row.id, message.id, created);
      return row;
    });
    return this.ticket(ticket.id);
  }

  /**
   * An e-mail or messenger message from an adapter, signed with its secret. The same message id twice
   * is stored once; a bad signature writes nothing.
   */
  async inbound(
    adapterName: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ) {
    const adapter = this.adapters.get(adapterName);
    if (!adapter) throw notFound('adapter_not_found', 'no such inbox adapter');
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const timestamp = Number(header('x-netfin-timestamp'));
    const signature = header('x-netfin-signature') ?? '';
    if (
      !Number.isInteger(timestamp) ||
      !inboundSignatureMatches(adapter.secret, timestamp, rawBody, signature)
    )
      throw new DomainError('signature_invalid', 'unauthenticated', 'the signature does not match the body');
    const now = this.options.clock.now();
    if (Math.abs(now.getTime() / 1000 - timestamp) > INBOUND_TOLERANCE_SECONDS)
      throw new DomainError(
        'signature_expired',
        'unauthenticated',
        'the signed timestamp is too far from now',
      );
    let payload: { messageId?: unknown; from?: unknown; userId?: unknown; subject?: unknown; body?: unknown };
    try {
      payload = JSON.parse(rawBody);
    } catch {
      throw invalid('inbound_malformed', 'the body is not JSON');
    }
    if (
      !payload ||
      typeof payload.messageId !== 'string' ||
      !/^[A-Za-z0-9._@<>:+-]{1,200}$/.test(payload.messageId) ||
      typeof payload.from !== 'string' ||
      typeof payload.body !== 'string' ||
      (payload.subject !== undefined && typeof payload.subject !== 'string') ||
      (payload.userId !== undefined &&
        (typeof payload.userId !== 'string' || !/^[0-9a-f-]{36}$/.test(payload.userId)))
    )
      throw invalid('inbound_malformed', 'messageId, from and body are required strings');
    const from = text(payload.from, 'inbound_malformed', 320);
    const body = text(payload.body, 'inbound_malformed');
    const subject =
      typeof payload.subject === 'string' && payload.subject.trim()
        ? text(payload.subject, 'inbound_malformed', 300)
        : null;
    const externalId = `${adapter.name}:${payload.messageId}`;
    let userId = typeof payload.userId === 'string' ? payload.userId : null;
    if (userId && !(await this.options.identity.reachOf([userId])).has(userId)) userId = null;
    const seen = await sql<{
      ticket_id: string;
    }>`select ticket_id from crm_messages where external_id = ${externalId}`.execute(this.options.db);
    if (seen.rows[0]) return { ticketId: seen.rows[0].ticket_id, duplicate: true };
    const settings = await this.settings();
    const priority = userId ? ((await this.options.classOf(userId)) ?? 'C') : 'C';
    const channel = adapter.channel;
    const duplicate = Symbol('duplicate');
    try {
      const ticket = await inTransaction(this.options.db, async (trx) => {
        const open = await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets
          where channel = ${channel} and external_address = ${from} and status in ('open', 'pending', 'resolved')
          order by created_at desc limit 1 for update`.execute(trx);
        let row = open.rows[0];
        const created = !row;
        if (!row)
          row = await this.insertTicket(trx, settings, {
            channel,
            userId,
            category: settings.categories[0]!,
            priority,
            now,
            externalAddress: from,
            subject,
          });
        const inserted =
          await sql<MessageRow>`insert into crm_messages (id, ticket_id, author, author_id, body, external_id, created_at)
          values (${uuidv7(now.getTime())}, ${row.id}, 'customer', ${row.user_id}::uuid, ${body}, ${externalId}, ${now})
          on conflict (external_id) where external_id is not null do nothing
          returning id, ticket_id, author, author_id, body, created_at`.execute(trx);
        if (!inserted.rows[0]) throw duplicate;
        await this.touch(trx, row.id, 'open', now);
        await this.publishMessage(trx, row.id, inserted.rows[0].id, created);
        return row;
      });
      return { ticketId: ticket.id, duplicate: false };
    } catch (error) {
      if (error !== duplicate) throw error;
      const again = await sql<{
        ticket_id: string;
      }>`select ticket_id from crm_messages where external_id = ${externalId}`.execute(this.options.db);
      return { ticketId: again.rows[0]!.ticket_id, duplicate: true };
    }
  }

  /** What the adapters sent for a ticket (the simulated adapters' record). */
  async sent(ticketId: string) {
    const rows = await sql<{
      adapter: string;
      message_id: string;
      to_address: string;
      body: string;
      sent_at: Date;
    }>`
      select adapter, message_id, to_address, body, sent_at from crm_adapter_sent where ticket_id = ${ticketId}::uuid
      order by sent_at, id`.execute(this.options.db);
    return rows.rows.map((r) => ({
      adapter: r.adapter,
      messageId: r.message_id,
      to: r.to_address,
      body: r.body,
      at: r.sent_at,
    }));
  }

  // --- canned answers --------------------------------------------------------------------------

  async cannedAnswers(): Promise<CannedAnswer[]> {
    const rows = await sql<{
      id: string;
      title: string;
      body_en: string;
      body_zh: string;
      category: string | null;
      updated_at: Date;
    }>`
      select id, title, body_en, body_zh, category, updated_at from crm_canned_answers where deleted_at is null
      order by title, id`.execute(this.options.db);
    return rows.rows.map((r) => ({
      id: r.id,
      title: r.title,
      bodyEn: r.body_en,
      bodyZh: r.body_zh,
      category: r.category,
      updatedAt: r.updated_at,
    }));
  }

  async saveCanned(id: string | null, input: CannedInput, audit: AuditContext): Promise<CannedAnswer> {
    const title = text(input.title, 'canned_invalid', 120);
    const bodyEn = text(input.bodyEn, 'canned_invalid');
    const bodyZh = text(input.bodyZh, 'canned_invalid');
    const category = input.category ?? null;
    if (category !== null && !(await this.settings()).categories.includes(category))
      throw invalid('category_unknown', 'not one of the inbox categories');
    const now = this.options.clock.now();
    const answerId = id ?? uuidv7(now.getTime());
    if (id) {
      const updated =
        await sql`update crm_canned_answers set title = ${title}, body_en = ${bodyEn}, body_zh = ${bodyZh},
          category = ${category}, updated_at = ${now} where id = ${id}::uuid and deleted_at is null`.execute(
          this.options.db,
        );
      if (Number(updated.numAffectedRows ?? 0) === 0) throw notFound('canned_answer_not_found');
    } else {
      await sql`insert into crm_canned_answers (id, title, body_en, body_zh, category, created_at, updated_at)
                values (${answerId}, ${title}, ${bodyEn}, ${bodyZh}, ${category}, ${now}, ${now})`.execute(
        this.options.db,
      );
    }
    await this.options.identity.audit(audit, {
      action: 'crm.canned_answer_saved',
      after: { id: answerId, title },
    });
    return { id: answerId, title, bodyEn, bodyZh, category, updatedAt: now };
  }

  async deleteCanned(id: string, audit: AuditContext): Promise<void> {
    const now = this.options.clock.now();
    const deleted =
      await sql`update crm_canned_answers set deleted_at = ${now} where id = ${id}::uuid and deleted_at is null`.execute(
        this.options.db,
      );
    if (Number(deleted.numAffectedRows ?? 0) === 0) throw notFound('canned_answer_not_found');
    await this.options.identity.audit(audit, { action: 'crm.canned_answer_deleted', after: { id } });
  }

  // --- figures ---------------------------------------------------------------------------------

  async figures(range: { from: PlainDate; to: PlainDate }) {
    if (range.to < range.from) throw invalid('range_invalid', 'from must not be after to');
    const rows = await sql<FigureRow>`
      select category, owner_id, first_response_due, resolution_due, first_response_at, resolved_at, created_at, rating
      from crm_tickets
      where created_at >= (${range.from}::date::timestamp at time zone 'Asia/Shanghai')
        and created_at < ((${range.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`.execute(
      this.options.readDb,
    );
    const figures = inboxFigures(rows.rows);
    const names = await staffNames(
      this.options.readDb,
      figures.byAgent.map((a) => a.agentId).filter((a): a is string => a !== null),
    );
    return {
      from: range.from,
      to: range.to,
      ...figures,
      byAgent: figures.byAgent.map((a) => ({
        ...a,
        agentName: a.agentId ? (names.get(a.agentId) ?? null) : null,
      })),
    };
  }

  // --- inside ----------------------------------------------------------------------------------

  private category(settings: InboxSettings, category: string | undefined): string {
    if (category === undefined) return settings.categories[0]!;
    if (!settings.categories.includes(category))
      throw invalid('category_unknown', 'not one of the inbox categories');
    return category;
  }

  private async row(db: Executor, id: string): Promise<TicketRow | undefined> {
    const rows =
      await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets where id = ${id}::uuid`.execute(db);
    return rows.rows[0];
  }

  private async lock(db: Executor, id: string): Promise<TicketRow | undefined> {
    const rows =
      await sql<TicketRow>`select ${TICKET_COLUMNS} from crm_tickets where id = ${id}::uuid for update`.execute(
        db,
      );
    return rows.rows[0];
  }

  private async messages(ticketId: string): Promise<MessageRow[]> {
    const rows =
      await sql<MessageRow>`select id, ticket_id, author, author_id, body, created_at from crm_messages
      where ticket_id = ${ticketId}::uuid order by created_at, id`.execute(this.options.db);
    return rows.rows;
  }

  private async insertTicket(
    db: Executor,
    settings: InboxSettings,
    t: {
      channel: Channel;
      userId: string | null;
      category: string;
      priority: CustomerClass;
      now: Date;
      ownerId?: string | null;
      externalAddress?: string;
      subject?: string | null;
    },
  ): Promise<TicketRow> {
    const minutes = (m: number) => new Date(t.now.getTime() + m * 60_000);
    const rows =
      await sql<TicketRow>`insert into crm_tickets (id, channel, user_id, external_address, subject, category,
        priority, owner_id, status, created_at, updated_at, first_response_due, resolution_due)
      values (${uuidv7(t.now.getTime())}, ${t.channel}, ${t.userId}::uuid, ${t.externalAddress ?? null}, ${t.subject ?? null},
        ${t.category}, ${t.priority}, ${t.ownerId ?? null}::uuid, 'open', ${t.now}, ${t.now},
        ${minutes(settings.firstResponseMinutes[t.priority])}, ${minutes(settings.resolutionMinutes[t.priority])})
      returning ${TICKET_COLUMNS}`.execute(db);
    return rows.rows[0]!;
  }

  private async insertMessage(
    db: Executor,
    ticketId: string,
    author: MessageRow['author'],
    authorId: string | null,
    body: string,
    now: Date,
  ): Promise<MessageRow> {
    const rows =
      await sql<MessageRow>`insert into crm_messages (id, ticket_id, author, author_id, body, created_at)
      values (${uuidv7(now.getTime())}, ${ticketId}, ${author}, ${authorId}::uuid, ${body}, ${now})
      returning id, ticket_id, author, author_id, body, created_at`.execute(db);
    return rows.rows[0]!;
  }

  private async touch(db: Executor, ticketId: string, status: TicketStatus, now: Date) {
    await sql`update crm_tickets set status = ${status},
        resolved_at = case when ${status} in ('open', 'pending') then null else resolved_at end, updated_at = ${now}
      where id = ${ticketId}::uuid`.execute(db);
  }

  /** Announces a message (and a new ticket in the queue) when the caller's transaction commits. */
  private async publishMessage(trx: Executor, ticketId: string, messageId: string, created: boolean) {
    await publishInboxEvent(trx, { type: 'message', ticketId, messageId });
    if (created) await publishInboxEvent(trx, { type: 'queue', ticketId });
  }

  /** Reads what a notification names and tells this process's listeners; the streams filter it. */
  private async deliver(notice: InboxNotice): Promise<void> {
    if (this.events.size === 0) return;
    if (notice.type === 'message') {
      const rows = await sql<MessageRow & { user_id: string | null }>`
        select m.id, m.ticket_id, m.author, m.author_id, m.body, m.created_at, t.user_id
        from crm_messages m join crm_tickets t on t.id = m.ticket_id
        where m.id = ${notice.messageId}::uuid and m.ticket_id = ${notice.ticketId}::uuid`.execute(
        this.options.db,
      );
      const m = rows.rows[0];
      if (!m) return;
      this.events.emit({
        type: 'message',
        ticketId: m.ticket_id,
        userId: m.user_id,
        message: { id: m.id, author: m.author, body: m.body, at: m.created_at.toISOString() },
      });
    } else {
      const row = await this.row(this.options.db, notice.ticketId);
      if (!row) return;
      this.events.emit({ type: 'queue', ticketId: row.id, userId: row.user_id, status: row.status });
    }
  }

  private sla(row: TicketRow, settings: InboxSettings) {
    const now = this.options.clock.now();
    const share = settings.warningShare;
    const firstResponse = slaState(row.created_at, row.first_response_due, row.first_response_at, now, share);
    const resolution = slaState(row.created_at, row.resolution_due, row.resolved_at, now, share);
    return {
      firstResponse: { due: row.first_response_due, at: row.first_response_at, state: firstResponse },
      resolution: { due: row.resolution_due, at: row.resolved_at, state: resolution },
      breached:
        firstResponse === 'breached' ||
        firstResponse === 'missed' ||
        resolution === 'breached' ||
        resolution === 'missed',
    };
  }

  private async staffJson(rows: readonly TicketRow[], settings: InboxSettings) {
    const users = [...new Set(rows.map((r) => r.user_id).filter((u): u is string => u !== null))];
    const [reach, owners, classes] = await Promise.all([
      this.options.identity.reachOf(users),
      staffNames(this.options.db, [
        ...new Set(rows.map((r) => r.owner_id).filter((o): o is string => o !== null)),
      ]),
      Promise.all(users.map(async (u) => [u, await this.options.classOf(u)] as const)),
    ]);
    const classOf = new Map(classes);
    return rows.map((r) => {
      const person = r.user_id ? reach.get(r.user_id) : undefined;
      return {
        id: r.id,
        channel: r.channel,
        customer: r.user_id
          ? {
              id: r.user_id,
              name: person ? maskName(person.name || '—') : null,
              phone: person ? maskPhone(person.phone) : null,
              class: classOf.get(r.user_id) ?? null,
            }
          : null,
        externalAddress: r.external_address,
        subject: r.subject,
        category: r.category,
        priority: r.priority,
        owner: r.owner_id ? { id: r.owner_id, name: owners.get(r.owner_id) ?? null } : null,
        status: r.status,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        closedAt: r.closed_at,
        sla: this.sla(r, settings),
        rating: r.rating === null ? null : { rating: r.rating, comment: r.rating_comment, at: r.rated_at },
      };
    });
  }

  private customerJson(r: TicketRow, messages: readonly MessageRow[]) {
    return {
      id: r.id,
      status: r.status,
      category: r.category,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      canRate: r.status === 'closed' && r.rating === null,
      rating: r.rating === null ? null : { rating: r.rating, comment: r.rating_comment },
      messages: messages.map((m) => ({
        id: m.id,
        from: m.author === 'customer' ? 'me' : 'agent',
        body: m.body,
        at: m.created_at,
      })),
    };
  }
}
