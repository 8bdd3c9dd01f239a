import type { Executor } from '../db/index.ts';

/** A completed real-name verification, as listeners hear of it (internal use only: the name is in clear). */
export interface IdentityVerified {
  readonly userId: string;
  readonly realName: string;
  /** The vault's lookup hash of the identity number, comparable with other lookup hashes. */
  readonly idNumberHash: string;
  readonly birthDate: string;
}

export type IdentityVerifiedListener = (trx: Executor, event: IdentityVerified) => Promise<void>;

/**
 * Listeners to completed real-name verifications, called inside the verification's transaction, so
 * that what they write (compliance's watch-list screening) commits or rolls back with it. Contexts
 * above identity register here; identity does not know them.
 */
export class VerificationHooks {
  private readonly listeners: IdentityVerifiedListener[] = [];

  add(listener: IdentityVerifiedListener): void {
    this.listeners.push(listener);
  }

  async fire(trx: Executor, event: IdentityVerified): Promise<void> {
    for (const listener of this.listeners) await listener(trx, event);
  }
}
