/**
 * Live updates of the inbox, in process: every API process tells its own listeners (the server-sent
 * event streams it serves). Several API processes would each need to hear the others' changes: a
 * PostgreSQL NOTIFY on commit and a LISTEN per process (src/db/listen.ts), each process then reading
 * the changed ticket afresh. One process is what netfin runs today; see docs/crm.md.
 */
export interface InboxEvent {
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

export type InboxListener = (event: InboxEvent) => void;

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
