import type { BatchStep } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import { type Clock, findCurrency, invalid, isStorableText, type QueueObserver } from '../kernel/index.ts';
import { INT8_MAX } from './batch-state.ts';
import { ledgerChainHashesAt, ledgerChainHead, sealLedgerChain } from './chain-seal.ts';
import { type LedgerChainReport, verifyLedgerChain } from './chain-verify.ts';
import { GroupCommitter } from './group-commit.ts';
import {
  ACCOUNT_FLAGS_MASK,
  type Account,
  type AccountEventResult,
  type AccountInput,
  ID_PATTERN,
  MAX_BATCH_SIZE,
  MAX_TIMEOUT_SECONDS,
  TRANSFER_FLAGS_MASK,
  type Transfer,
  type TransferEventResult,
  type TransferInput,
} from './model.ts';
import {
  type AccountBalance,
  accountHistory,
  accountTransfers,
  type Balances,
  balanceAt,
  lookupAccounts,
  lookupBalances,
  lookupTransfers,
  type PostedMovement,
  type PostedMovementFilter,
  postedMovements,
  sumBalances,
  type TransferFilter,
} from './queries.ts';
import {
  createAccountsInTransaction,
  createTransfersInTransaction,
  expirePendingInTransaction,
  hasExpiredPending,
} from './store.ts';
import { type VerifyReport, verifyLedger } from './verify.ts';

export interface LedgerOptions {
  readonly db: Executor;
  readonly clock: Clock;
  /** Group-commit transactions in flight at once (default 1: one writer, as in TigerBeetle). */
  readonly writers?: number;
  /** Who watches the ledger (the platform's metrics); nobody by default. */
  readonly observer?: LedgerObserver;
}

/** What the ledger tells the platform's metrics (src/app/metrics.ts). */
export interface LedgerObserver {
  /** The group committer's queue. */
  readonly queue?: QueueObserver;
  /**
   * A caller's batch of transfers was written, one result each: in a group commit, or in the caller's
   * own transaction (which may still roll back after).
   */
  written?(results: readonly TransferEventResult[]): void;
}

export interface InTransaction {
  /** Run inside this open transaction, so that the caller's own writes commit with the postings. */
  readonly tx?: Executor;
}

function refuse(index: number, field: string, problem: string): never {
  throw invalid('ledger_batch_invalid', `event ${index}: ${field} ${problem}`, { index, field, problem });
}

function checkBatchSize(length: number): void {
  if (length > MAX_BATCH_SIZE) {
    throw invalid('ledger_batch_too_large', `a batch holds at most ${MAX_BATCH_SIZE} events`, {
      max: MAX_BATCH_SIZE,
    });
  }
}

function checkId(index: number, field: string, id: string | undefined, allowEmpty = true): void {
  if (id === undefined || id === '') {
    if (!allowEmpty) refuse(index, field, 'must not be empty');
    return;
  }
  if (!ID_PATTERN.test(id)) refuse(index, field, 'must be 1-64 of A-Z a-z 0-9 _ : . -');
}

function checkLedger(index: number, ledger: string | undefined): void {
  if (ledger === undefined || ledger === '') return;
  // A distributed fund's units live in a ledger of their own, `FUND:<product code>` (src/wealth).
  if (!findCurrency(ledger) && !/^FUND:[A-Za-z0-9_.-]{1,32}$/.test(ledger))
    refuse(index, 'ledger', "must be a supported currency code, or FUND:<code> for a fund's units");
}

function checkUserData(index: number, userData: string | null | undefined): void {
  if (userData === undefined || userData === null) return;
  if (userData.length > 128 || userData.length === 0) refuse(index, 'userData', 'must be 1-128 characters');
  if (!isStorableText(userData))
    refuse(index, 'userData', 'must be valid Unicode text without NUL characters');
}

/** Rejects a whole batch that could only come from a bug or a malformed request: nothing applies. */
export function validateTransfers(transfers: readonly TransferInput[]): void {
  checkBatchSize(transfers.length);
  transfers.forEach((t, index) => {
    checkId(index, 'id', t.id);
    checkId(index, 'debitAccountId', t.debitAccountId);
    checkId(index, 'creditAccountId', t.creditAccountId);
    checkId(index, 'pendingId', t.pendingId);
    checkLedger(index, t.ledger);
    checkUserData(index, t.userData);
    if (typeof t.amount !== 'bigint' || t.amount < 0n || t.amount > INT8_MAX)
      refuse(index, 'amount', 'must be 0 to 2^63-1');
    if (t.code !== undefined && (!Number.isInteger(t.code) || t.code < 0 || t.code > 65535))
      refuse(index, 'code', 'must be 0-65535');
    const timeout = t.timeoutSeconds ?? 0;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_SECONDS) {
      refuse(index, 'timeoutSeconds', `must be 0-${MAX_TIMEOUT_SECONDS}`);
    }
    const flags = t.flags ?? 0;
    if (!Number.isInteger(flags) || (flags & ~TRANSFER_FLAGS_MASK) !== 0)
      refuse(index, 'flags', 'has unknown bits');
  });
}

export function validateAccounts(accounts: readonly AccountInput[]): void {
  checkBatchSize(accounts.length);
  accounts.forEach((a, index) => {
    checkId(index, 'id', a.id);
    checkLedger(index, a.ledger);
    checkUserData(index, a.userData);
    if (!Number.isInteger(a.code) || a.code < 0 || a.code > 65535) refuse(index, 'code', 'must be 1-65535');
    const flags = a.flags ?? 0;
    if (!Number.isInteger(flags) || (flags & ~ACCOUNT_FLAGS_MASK) !== 0)
      refuse(index, 'flags', 'has unknown bits');
  });
}

/**
 * The ledger's in-process API. Every method that writes takes an optional open transaction: pass
 * the domain operation's transaction so its rows and its postings commit together. Without one,
 * transfers go through the group committer and accounts get a transaction of their own.
 */
export class Ledger {
  private readonly committer: GroupCommitter;

  constructor(private readonly options: LedgerOptions) {
    this.committer = new GroupCommitter(
      options.db,
      options.clock,
      options.writers ?? 1,
      options.observer?.queue,
    );
  }

  /**
   * For shutdown: refuses new transfers made outside a transaction (`shutting_down`) and resolves
   * once every one submitted before has committed, so that the database can then be closed.
   */
  close(): Promise<void> {
    return this.committer.close();
  }

  async createAccounts(
    accounts: readonly AccountInput[],
    options: InTransaction = {},
  ): Promise<AccountEventResult[]> {
    validateAccounts(accounts);
    if (accounts.length === 0) return [];
    const results = await inTransaction(options.tx ?? this.options.db, (trx) =>
      createAccountsInTransaction(trx, [accounts], this.options.clock.now()),
    );
    return results[0]!;
  }

  /**
   * With `idsAreNew` (only with `tx`), the caller vouches that every id is new (made from an id it
   * has just generated), so the ids are not looked up first: a taken id is then not an `exists…`
   * result but the error IdsNotNew, which fails the caller's transaction.
   */
  async createTransfers(
    transfers: readonly TransferInput[],
    options: InTransaction & { idsAreNew?: boolean } = {},
  ): Promise<TransferEventResult[]> {
    validateTransfers(transfers);
    if (transfers.length === 0) return [];
    const results = options.tx
      ? (
          await inTransaction(options.tx, (trx) =>
            createTransfersInTransaction(trx, [transfers], this.options.clock.now(), {
              assumeNew: options.idsAreNew ?? false,
            }),
          )
        )[0]!
      : await this.committer.submit(transfers);
    this.options.observer?.written?.(results);
    return results;
  }

  lookupAccounts(ids: readonly string[], options: InTransaction = {}): Promise<Account[]> {
    return lookupAccounts(options.tx ?? this.options.db, ids);
  }

  /** The balances of many accounts by id, and nothing else of them (queries.ts). */
  lookupBalances(ids: readonly string[], options: InTransaction = {}): Promise<Map<string, Balances>> {
    return lookupBalances(options.tx ?? this.options.db, ids);
  }

  /** Balances of many accounts summed by the group the caller gives each (queries.ts). */
  sumBalances(
    accounts: readonly { readonly id: string; readonly group: string }[],
    options: InTransaction = {},
  ): Promise<Map<string, Balances>> {
    return sumBalances(options.tx ?? this.options.db, accounts);
  }

  async getAccount(id: string, options: InTransaction = {}): Promise<Account | undefined> {
    return (await this.lookupAccounts([id], options))[0];
  }

  lookupTransfers(ids: readonly string[], options: InTransaction = {}): Promise<Transfer[]> {
    return lookupTransfers(options.tx ?? this.options.db, ids);
  }

  accountTransfers(filter: TransferFilter, options: InTransaction = {}): Promise<Transfer[]> {
    return accountTransfers(options.tx ?? this.options.db, filter);
  }

  accountHistory(
    accountId: string,
    page: { after?: bigint | undefined; limit: number; reversed?: boolean | undefined },
    options: InTransaction = {},
  ): Promise<AccountBalance[]> {
    return accountHistory(options.tx ?? this.options.db, accountId, page);
  }

  /** An account's posted movements, newest first, each with the balance after it (queries.ts). */
  postedMovements(
    account: Account,
    filter: PostedMovementFilter,
    options: InTransaction = {},
  ): Promise<PostedMovement[]> {
    return postedMovements(options.tx ?? this.options.db, account, filter);
  }

  balanceAt(account: Account, at: bigint, options: InTransaction = {}): Promise<Balances> {
    return balanceAt(options.tx ?? this.options.db, account, at);
  }

  /**
   * Releases every pending transfer whose timeout has passed, in chunks of `chunk`, each in its own
   * transaction. Returns how many were released. Day-close calls this; so does `netfin ledger expire`.
   */
  async expirePending(chunk = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await inTransaction(this.options.db, (trx) =>
        expirePendingInTransaction(trx, this.options.clock.now(), chunk),
      );
      total += released;
      if (released === 0) return total;
    }
  }

  /**
   * Appends the batches written since the last seal to the transfers' hash chain (chain-seal.ts).
   * Returns how many batches were sealed. Day-close and verify call it; it is idempotent.
   */
  sealChain(): Promise<number> {
    return sealLedgerChain(this.options.db, this.options.clock.now());
  }

  /**
   * Seals what is pending, then walks the transfers' hash chain and names the first record, and the
   * transfer in it, that does not hold (chain-verify.ts).
   */
  async verifyChain(): Promise<LedgerChainReport> {
    await this.sealChain();
    return verifyLedgerChain(this.options.db);
  }

  /** The chain's head (position and hash) as it stands, for day-close to record. */
  chainHead(options: InTransaction = {}): Promise<{ position: bigint; hash: string }> {
    return ledgerChainHead(options.tx ?? this.options.db);
  }

  /** The hashes of the chain records at these positions (a position with no record is left out). */
  chainHashesAt(positions: readonly bigint[], options: InTransaction = {}): Promise<Map<bigint, string>> {
    return ledgerChainHashesAt(options.tx ?? this.options.db, positions);
  }

  /**
   * The ledger's steps of the day-close: release expired pending transfers early; seal the day's
   * batches into the hash chain late, after the steps that post, and before compliance records the
   * chain's head (position 950), so that the recorded head covers the day.
   */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'ledger.expire',
        owner: 'ledger',
        position: 100,
        description: 'Release pending transfers whose timeout has passed',
        transactional: false,
        // Most days nothing has timed out: then the step is done as it is planned.
        plan: async (db) => ((await hasExpiredPending(db, this.options.clock.now())) ? [{}] : []),
        run: () => this.expirePending(),
      },
      {
        name: 'ledger.chain-seal',
        owner: 'ledger',
        position: 940,
        description: "Seal the day's batches of transfers into the hash chain",
        transactional: false,
        run: () => this.sealChain(),
      },
    ];
  }

  verify(): Promise<VerifyReport> {
    return inTransaction(this.options.db, (trx) => verifyLedger(trx), {
      isolation: 'repeatable read',
      readOnly: true,
    });
  }
}
