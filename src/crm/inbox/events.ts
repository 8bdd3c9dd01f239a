import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';

/**
 * Live updates of the inbox across processes. Whatever writes a message or changes a ticket calls
 * `publishInboxEvent` inside its transaction: a pg_notify on INBOX_CHANNEL with ids only, which the
 * database delivers when (and only if) the transaction commits, to every process listening, this one
 * included (on PGlite, its one process). Each process listens on one connection (Database.listen),
 * reads the message or ticket named and tells its own listeners (the server-sent event streams it
 * serves), which pass on what their subscriber may see. See docs/crm-inbox.md, "Live updates".
 */
export const INBOX_CHANNEL = 'netfin_crm_inbox';

export type InboxEvent =
  | {
      /** A message on a ticket (notes only to staff), or a change to the queue (a new, taken or closed ticket). */
      readonly type: 'message' | 'queue';
      readonly ticketId: string;
      /** The customer the ticket is with (null for an unknown e-mail or messenger sender). */
      readonly userId: string | null;
      readonly message?: {
        readonly id: string;
        readonly author: 'customer' | 'agent' | 'note';
        readonly body: string;
        readonly at: string;
      };
      readonly status?: string;
    }
  | {
      /** The process's listening connection came back: events may have been missed, read afresh. */
      readonly type: 'resync';
    };

export type InboxListener = (event: InboxEvent) => void;

/** What a notification names: a message on a ticket, or a ticket whose place in the queue changed. */
export type InboxNotice =
  | { readonly type: 'message'; readonly ticketId: string; readonly messageId: string }
  | { readonly type: 'queue'; readonly ticketId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Announces a change when the caller's transaction commits. The payload is "<schema> <type> <ids>"
 * (well under NOTIFY's 8000 bytes): test schemas on one server share the channel, and the text of a
 * message never travels in it.
 */
export async function publishInboxEvent(trx: Executor, notice: InboxNotice): Promise<void> {
  const ids = notice.type === 'message' ? `${notice.ticketId} ${notice.messageId}` : notice.ticketId;
  await sql`select pg_notify(${INBOX_CHANNEL}, current_schema() || ' ' || ${`${notice.type} ${ids}`}::text)`.execute(
    trx,
  );
}

/** A payload back into its notice, if it is this schema's and well formed; anything else is ignored. */
export function parseInboxNotice(payload: string, schema: string): InboxNotice | null {
  if (!payload.startsWith(`${schema} `)) return null;
  const [type, ticketId, messageId, ...rest] = payload.slice(schema.length + 1).split(' ');
  if (rest.length > 0 || !ticketId || !UUID.test(ticketId)) return null;
  if (type === 'message' && messageId && UUID.test(messageId)) return { type, ticketId, messageId };
  if (type === 'queue' && messageId === undefined) return { type, ticketId };
  return null;
}

export class InboxEvents {
  private readonly listeners = new Set<InboxListener>();

  subscribe(listener: InboxListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: InboxEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One stream's failure is no other's business.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
