import type { Executor } from '../db/index.ts';
import type { SignUpSource } from './sign-up-source.ts';

/** A new customer account, as listeners hear of it inside the sign-up's transaction. */
export interface SignedUp {
  readonly userId: string;
  /** The user ticked the agreement box (sign-up refuses without it). */
  readonly acceptedTerms: true;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The channel recorded on the user (users.channel). */
  readonly channel: string;
  /** The landing URL's source, checked (sign-up-source.ts); null when none was sent. */
  readonly source: SignUpSource | null;
}

export type SignedUpListener = (trx: Executor, event: SignedUp) => Promise<void>;

/**
 * Listeners to sign-ups, called inside the sign-up's transaction, so that what they write
 * (compliance's record of the accepted user agreement and privacy policy) commits or rolls back with
 * the account. Contexts above identity register here; identity does not know them.
 */
export class SignUpHooks {
  private readonly listeners: SignedUpListener[] = [];

  add(listener: SignedUpListener): void {
    this.listeners.push(listener);
  }

  async fire(trx: Executor, event: SignedUp): Promise<void> {
    for (const listener of this.listeners) await listener(trx, event);
  }
}
