import type { PendingState, Transfer } from './model.ts';

/*
 * The rows a batch works on, in memory: the accounts, transfers and pending states the store loaded
 * and locked, and the changes the state machine makes to them, which the store then writes.
 */

/** The largest value of PostgreSQL's int8, and so of any amount or balance. */
export const INT8_MAX = 9_223_372_036_854_775_807n;

/**
 * What applying transfers needs of an account: its ledger, flags and balances. A batch of transfers
 * locks and reads only these columns: reading and parsing the rest took about a third of the time
 * of selecting thousands of locked rows.
 */
export interface AccountState {
  id: string;
  ledger: string;
  flags: number;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

/** The whole account, as creating accounts compares and writes it. */
export interface AccountRow extends AccountState {
  code: number;
  userData: string | null;
  /** -1n until the store assigns a timestamp to an account created in this batch. */
  timestamp: bigint;
  createdAt: Date;
}

export const isWholeRow = (account: AccountState): account is AccountRow => 'code' in account;

export interface PendingRow {
  transferId: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  flags: number;
  /** Wall-clock expiry in ms since the epoch, or null for never. */
  expiresAtMs: number | null;
  state: PendingState;
  resolvedBy: string | null;
  /** The slot of the post, void or expiry that resolved it in this batch. */
  resolvedSeq: number | null;
}

export interface NewTransfer extends Omit<Transfer, 'timestamp'> {
  seq: number;
}

export interface Snapshot {
  readonly accounts: Map<string, AccountState>;
  /** Existing transfers the batch refers to (by its ids and pending ids); new ones are added. */
  readonly transfers: Map<string, Transfer | NewTransfer>;
  readonly pendings: Map<string, PendingRow>;
}

export interface HistoryRow {
  accountId: string;
  transferId: string;
  seq: number;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface Changes {
  readonly newAccounts: AccountRow[];
  readonly newTransfers: NewTransfer[];
  readonly newPendings: PendingRow[];
  readonly resolvedPendings: Set<PendingRow>;
  readonly touchedAccounts: Set<AccountState>;
  readonly history: HistoryRow[];
  slots: number;
}

export function emptyChanges(): Changes {
  return {
    newAccounts: [],
    newTransfers: [],
    newPendings: [],
    resolvedPendings: new Set(),
    touchedAccounts: new Set(),
    history: [],
    slots: 0,
  };
}
