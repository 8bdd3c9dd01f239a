import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { Clock } from '../kernel/index.ts';

/**
 * A limit on password guesses that holds however many arrive at once.
 *
 * Reading "failures so far", checking the password and then writing the new count lets every guess
 * of a simultaneous burst read the same count, and all of them get checked. So a guess first takes
 * an attempt under the user row's lock (the count goes up before the password is looked at), and
 * only a guess that got one is checked. The attempt that reaches the limit locks at once, so the
 * guesses behind it are refused unchecked while it is being checked; a right password among them is
 * refused like the rest. A wrong password leaves its attempt counted. A right one clears the count
 * and the lock, but only if no attempt was taken after it: those may be a guesser's, still in
 * flight, and forgiving them would let a burst that holds the right password check more than the
 * limit. An attempt whose process dies before the answer stays counted, which errs on the safe side.
 * The same guess sent many times at once is one guess (InFlightGuesses), so that a client paying
 * many times at once with the right password does not lock itself out.
 */
export interface GuessLimit {
  /** Which password: the account's (sign-in) or the payment password. Each has its own count and lock. */
  readonly password: 'account' | 'payment';
  readonly maxFailures: number;
  readonly lockMinutes: number;
}

export type Attempt =
  /**
   * Check the password; `number` counts this window's attempts, this one included, and `sequence`
   * is the attempt's place among every attempt ever taken at this password (it never goes back).
   */
  | {
      readonly taken: true;
      readonly number: number;
      readonly sequence: bigint;
      readonly lockedUntil: Date | null;
    }
  /** Refused unchecked: the limit is reached and the lock lasts until `lockedUntil`. */
  | { readonly taken: false; readonly lockedUntil: Date };

const COLUMNS = {
  account: {
    count: sql.ref('failed_sign_ins'),
    lock: sql.ref('locked_until'),
    taken: sql.ref('password_attempts_taken'),
  },
  payment: {
    count: sql.ref('payment_failed_attempts'),
    lock: sql.ref('payment_locked_until'),
    taken: sql.ref('payment_password_attempts_taken'),
  },
} as const;

/** Takes one attempt at a user's password, or says until when it is locked; undefined for no such user. */
export function takeAttempt(
  db: Executor,
  clock: Clock,
  userId: string,
  limit: GuessLimit,
): Promise<Attempt | undefined> {
  const { count, lock, taken } = COLUMNS[limit.password];
  return inTransaction(db, async (trx) => {
    const rows = await sql<{ count: number; locked_until: Date | null }>`
      select ${count} as count, ${lock} as locked_until from users where id = ${userId} for update`.execute(
      trx,
    );
    const row = rows.rows[0];
    if (!row) return undefined;
    const now = clock.now();
    if (row.locked_until && row.locked_until > now) return { taken: false, lockedUntil: row.locked_until };
    // A lock that has ended starts a new window with no attempts in it.
    const before = row.locked_until ? 0 : row.count;
    const lockEnd = new Date(now.getTime() + limit.lockMinutes * 60_000);
    // More attempts than the limit without a lock happen only if the limit was lowered since.
    if (before >= limit.maxFailures) {
      await sql`update users set ${lock} = ${lockEnd} where id = ${userId}`.execute(trx);
      return { taken: false, lockedUntil: lockEnd };
    }
    const number = before + 1;
    const lockedUntil = number >= limit.maxFailures ? lockEnd : null;
    const updated = await sql<{ sequence: bigint }>`
      update users set ${count} = ${number}, ${lock} = ${lockedUntil}, ${taken} = ${taken} + 1
      where id = ${userId} returning ${taken} as sequence`.execute(trx);
    return { taken: true, number, sequence: BigInt(updated.rows[0]!.sequence), lockedUntil };
  });
}

/** After the right password: clears the count and the lock, unless attempts were taken after this one. */
export async function forgiveAttempts(
  db: Executor,
  userId: string,
  limit: GuessLimit,
  attempt: { readonly sequence: bigint },
): Promise<void> {
  const { count, lock, taken } = COLUMNS[limit.password];
  // The running number, not the count: the count goes back to zero after a right password, so a
  // stale right password could otherwise match (and forgive) a newer attempt with the same count.
  await sql`update users set ${count} = 0, ${lock} = null where id = ${userId} and ${taken} = ${attempt.sequence}`.execute(
    db,
  );
}

/**
 * Identical guesses at one password in flight at the same time are checked once and share the
 * answer: repeating a guess tells a guesser nothing new, so it should not cost the owner attempts
 * (a burst of payments with the right password would otherwise use them all and lock). Only a
 * digest of the guess is kept, and only while it is being checked. The sharing is within one
 * process; across processes each takes its own attempt.
 */
export class InFlightGuesses {
  private readonly running = new Map<string, Promise<void>>();

  run(scope: string, userId: string, password: string, check: () => Promise<void>): Promise<void> {
    const key = createHash('sha256').update(`${scope}\0${userId}\0${password}`).digest('base64');
    const running = this.running.get(key);
    if (running) return running;
    const started = check().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
