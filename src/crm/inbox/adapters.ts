import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { uuidv7 } from '../../kernel/index.ts';

/** What an adapter is asked to send: an agent's answer on an e-mail or messenger conversation. */
export interface OutboundMessage {
  readonly ticketId: string;
  readonly messageId: string;
  readonly to: string;
  readonly body: string;
  readonly at: Date;
}

/**
 * An e-mail or messenger channel. Inbound, the channel POSTs each message to
 * /v1/crm/inbox/adapters/:name/inbound, signed with the adapter's secret (HMAC-SHA256, hex, over
 * "<unix seconds>.<raw body>" in X-Netfin-Signature, the seconds in X-Netfin-Timestamp); outbound,
 * `send` hands an agent's answer on, inside the transaction that stores it.
 */
export interface InboxAdapter {
  readonly name: string;
  readonly channel: 'email' | 'messenger';
  readonly secret: string;
  send(db: Executor, message: OutboundMessage): Promise<void>;
}

/** The simulated adapter that ships: it sends nothing anywhere, and records what it would have sent. */
export class SimulatedAdapter implements InboxAdapter {
  constructor(
    readonly name: string,
    readonly channel: 'email' | 'messenger',
    readonly secret: string,
  ) {}

  async send(db: Executor, message: OutboundMessage): Promise<void> {
    await sql`insert into crm_adapter_sent (id, adapter, ticket_id, message_id, to_address, body, sent_at)
              values (${uuidv7(message.at.getTime())}, ${this.name}, ${message.ticketId}, ${message.messageId},
                      ${message.to}, ${message.body}, ${message.at})`.execute(db);
  }
}

export function signInbound(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function inboundSignatureMatches(
  secret: string,
  timestamp: number,
  rawBody: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signInbound(secret, timestamp, rawBody), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How far an inbound message's timestamp may be from the platform's clock. */
export const INBOUND_TOLERANCE_SECONDS = 300;
