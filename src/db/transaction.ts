import { setTimeout as sleep } from 'node:timers/promises';
import type { IsolationLevel, Kysely, Transaction } from 'kysely';
import { CommitOutcomeUnknown } from '../kernel/index.ts';

/** Any handle that can run queries: the database itself or an open transaction. */
export type Executor = Kysely<any>;

/**
 * Thrown by code inside a transaction when it lost a race that a fresh attempt would win (two
 * writers inserting the same new id, say). The transaction helper rolls back and tries again.
 */
export class RetryableError extends Error {
  override name = 'RetryableError';
}

export interface TransactionOptions {
  readonly isolation?: IsolationLevel;
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  readonly readOnly?: boolean;
}

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

export function isRetryable(error: unknown): boolean {
  if (error instanceof RetryableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
}

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Runs `fn` in a transaction and commits, or rolls back if it throws. Serialization failures and
 * deadlocks (40001, 40P01) and RetryableErrors are retried with exponential back-off and full jitter,
 * up to `maxAttempts` in all; anything else propagates at once. Called with a transaction already
 * open, it joins it: the outermost call owns the retries, since only it can replay the whole unit.
 */
export async function inTransaction<T>(
  db: Executor,
  fn: (trx: Transaction<any>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<any>);
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      let builder = db.transaction();
      if (options.isolation) builder = builder.setIsolationLevel(options.isolation);
      if (options.readOnly) builder = builder.setAccessMode('read only');
      return await builder.execute(fn);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      const ceilingMs = Math.min(200, 2 * 2 ** attempt);
      await sleep(Math.random() * ceilingMs);
    }
  }
}

/**
 * inTransaction for a group commit (the kernel's GroupCommit): when the work inside ran to its end
 * and the transaction then failed without PostgreSQL saying why (the connection dropped at COMMIT,
 * or the server went away), whether it committed is unknown, so the failure is thrown as
 * `CommitOutcomeUnknown` and the group's members are not tried again (they could be applied twice).
 * A COMMIT that PostgreSQL answers with an error (a deferred constraint, a serialization failure)
 * did not commit: that error is thrown as it is.
 */
export async function inGroupTransaction<T>(
  db: Executor,
  fn: (trx: Transaction<any>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<any>);
  let ranToEnd = false;
  try {
    return await inTransaction(
      db,
      async (trx) => {
        ranToEnd = false;
        const value = await fn(trx);
        ranToEnd = true;
        return value;
      },
      options,
    );
  } catch (error) {
    if (ranToEnd && !answeredByServer(error)) throw new CommitOutcomeUnknown(error);
    throw error;
  }
}

/** An error PostgreSQL itself reported (it has a SQLSTATE), other than a lost connection or shutdown. */
function answeredByServer(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && !/^(08|57)/.test(state);
}
