import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, uuidv7 } from '../kernel/index.ts';
import { maskPhone } from './masking.ts';
import type { Vault } from './vault.ts';

/**
 * Messages to people (SMS now; e-mail and app push later) are written to an outbox in the same
 * transaction as the change that causes them, then delivered by a dispatcher through a pluggable
 * sender. A message is never sent for a change that rolled back, nor lost for one that committed.
 */
export interface OutgoingMessage {
  readonly channel: 'sms';
  readonly recipient: string;
  readonly template: string;
  readonly body: string;
}

export interface NotificationSender {
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * The sender when no SMS provider is set up: writes each message to the log. Its text, which holds
 * one-time codes, is written only in demo mode (`revealText`); otherwise the log says that a message
 * went, to whom (masked) and which template, so that a code never sits in a production log.
 */
export function logSender(log: (line: string) => void, revealText: boolean): NotificationSender {
  return {
    name: 'log',
    async send(message) {
      const text = revealText ? message.body : `(${message.template}; text withheld outside demo mode)`;
      log(`[${message.channel}] to ${maskPhone(message.recipient)}: ${text}`);
    },
  };
}

export interface InboxMessage {
  readonly id: string;
  readonly template: string;
  readonly body: string;
  readonly status: string;
  readonly createdAt: Date;
}

export class Notifier {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly vault: Vault,
    private readonly sender: NotificationSender,
  ) {}

  async enqueue(trx: Executor, message: OutgoingMessage): Promise<void> {
    await sql`
      insert into notification_outbox (id, channel, recipient_hash, recipient_enc, template, body_enc, created_at)
      values (${uuidv7()}, ${message.channel}, ${this.vault.lookupHash(message.recipient)}, ${this.vault.encrypt(message.recipient)},
              ${message.template}, ${this.vault.encrypt(message.body)}, ${this.clock.now()})`.execute(trx);
  }

  /** Queues many messages with one statement (the day-close's reminders and stage SMS). */
  async enqueueMany(trx: Executor, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const now = this.clock.now().toISOString();
    await sql`
      insert into notification_outbox (id, channel, recipient_hash, recipient_enc, template, body_enc, created_at)
      select id, channel, recipient_hash, recipient_enc, template, body_enc, ${now}::timestamptz
      from unnest(${messages.map(() => uuidv7())}::uuid[], ${messages.map((m) => m.channel)}::text[],
        ${messages.map((m) => this.vault.lookupHash(m.recipient))}::text[], ${messages.map((m) => this.vault.encrypt(m.recipient))}::text[],
        ${messages.map((m) => m.template)}::text[], ${messages.map((m) => this.vault.encrypt(m.body))}::text[])
        as v(id, channel, recipient_hash, recipient_enc, template, body_enc)`.execute(trx);
  }

  /** Sends up to `limit` pending messages; several dispatchers may run at once (SKIP LOCKED). */
  async dispatch(limit = 100): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await sql<{
        id: string;
        channel: 'sms';
        recipient_enc: string;
        template: string;
        body_enc: string;
      }>`
        select id, channel, recipient_enc, template, body_enc from notification_outbox
        where status = 'pending' order by created_at limit ${limit} for update skip locked`.execute(trx);
      for (const row of rows.rows) {
        let status = 'sent';
        try {
          await this.sender.send({
            channel: row.channel,
            recipient: this.vault.decrypt(row.recipient_enc),
            template: row.template,
            body: this.vault.decrypt(row.body_enc),
          });
        } catch {
          status = 'pending';
        }
        await sql`
          update notification_outbox set status = ${status}, attempts = attempts + 1,
                 sent_at = ${status === 'sent' ? this.clock.now() : null}
          where id = ${row.id}`.execute(trx);
      }
      return rows.rows.length;
    });
  }

  /** The development inbox: the latest messages to a phone number, decrypted. Demo mode only. */
  async inbox(recipient: string, limit = 20): Promise<InboxMessage[]> {
    const rows = await sql<{
      id: string;
      template: string;
      body_enc: string;
      status: string;
      created_at: Date;
    }>`
      select id, template, body_enc, status, created_at from notification_outbox
      where recipient_hash = ${this.vault.lookupHash(recipient)} order by created_at desc limit ${limit}`.execute(
      this.db,
    );
    return rows.rows.map((row) => ({
      id: row.id,
      template: row.template,
      body: this.vault.decrypt(row.body_enc),
      status: row.status,
      createdAt: row.created_at,
    }));
  }
}
