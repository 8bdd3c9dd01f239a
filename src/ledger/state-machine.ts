import { assert } from '../kernel/index.ts';
import {
  type AccountRow,
  type AccountState,
  type Changes,
  emptyChanges,
  INT8_MAX,
  isWholeRow,
  type NewTransfer,
  type PendingRow,
  type Snapshot,
} from './batch-state.ts';
import {
  checkAgainstPending,
  checkNewAccountFields,
  checkNewTransferFields,
  checkPostOrVoidFields,
  checkStillPending,
  compareExisting,
  compareExistingAccount,
} from './event-checks.ts';
import {
  type AccountEventResult,
  AccountFlag,
  type AccountInput,
  type CreateAccountResult,
  type CreateTransferResult,
  hasFlag,
  type PendingState,
  type TransferEventResult,
  TransferFlag,
  type TransferInput,
} from './model.ts';

type Undo = () => void;

/**
 * The ledger's semantics, applied in memory to a snapshot of the rows a batch needs, which the store
 * loaded and locked beforehand. Events apply one at a time in order, each seeing the effects of those
 * before it; a linked chain that fails is undone. The store then writes what changed.
 *
 * Timestamps are assigned as slots (`seq`): the store turns slot k into base + k once it knows the
 * base, so the order of slots is the order of application.
 */
export class StateMachine {
  readonly changes: Changes = emptyChanges();
  private undo: Undo[] | undefined;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly nowMs: number,
    private readonly createdAt: Date,
  ) {}

  // ---- chains ----------------------------------------------------------------------------

  /**
   * Runs events as TigerBeetle runs a batch: a chain starts at an event with the linked flag and
   * ends at the next event without it. The first failure in a chain undoes the chain's earlier
   * events and fails the rest with linked_event_failed; a chain still open at the batch's end fails
   * with linked_event_chain_open.
   */
  private runChains<E extends { id: string; flags?: number }, R extends { id: string; result: string }>(
    events: readonly E[],
    apply: (event: E) => R,
    fail: (event: E, result: 'linked_event_failed' | 'linked_event_chain_open') => R,
  ): R[] {
    const results = new Array<R>(events.length);
    let index = 0;
    while (index < events.length) {
      const start = index;
      let end = index;
      while (end < events.length - 1 && hasFlag(events[end]!.flags ?? 0, TransferFlag.linked)) end++;
      const open = hasFlag(events[end]!.flags ?? 0, TransferFlag.linked);
      if (start === end && !open) {
        results[start] = apply(events[start]!);
        index = end + 1;
        continue;
      }
      // A chain: events[start..end], with the linked flag on all but possibly the last.
      const marks = this.mark();
      this.undo = [];
      let failedAt = -1;
      for (let i = start; i <= end; i++) {
        if (open && i === end) {
          results[i] = fail(events[i]!, 'linked_event_chain_open');
          failedAt = i;
          break;
        }
        const result = apply(events[i]!);
        results[i] = result;
        if (result.result !== 'ok') {
          failedAt = i;
          break;
        }
      }
      if (failedAt >= 0) {
        for (const step of this.undo.reverse()) step();
        this.rewind(marks);
        for (let i = start; i <= end; i++) {
          if (i === failedAt) continue;
          results[i] = fail(
            events[i]!,
            i === end && open ? 'linked_event_chain_open' : 'linked_event_failed',
          );
        }
      }
      this.undo = undefined;
      index = end + 1;
    }
    return results;
  }

  private mark() {
    const c = this.changes;
    return {
      newAccounts: c.newAccounts.length,
      newTransfers: c.newTransfers.length,
      newPendings: c.newPendings.length,
      history: c.history.length,
      slots: c.slots,
    };
  }

  private rewind(marks: ReturnType<StateMachine['mark']>): void {
    const c = this.changes;
    c.newAccounts.length = marks.newAccounts;
    c.newTransfers.length = marks.newTransfers;
    c.newPendings.length = marks.newPendings;
    c.history.length = marks.history;
    // Slots taken by undone events stay taken: timestamps are never reused, as in TigerBeetle.
  }

  /**
   * Remembers how to undo a step, inside a linked chain only. Callers build the step only when
   * `this.undo` is set: outside chains (almost every event) that saves a closure and an array per
   * balance change, which a batch of 8,190 transfers feels.
   */
  private record(step: Undo): void {
    this.undo?.push(step);
  }

  private touch(account: AccountState): void {
    if (!this.changes.touchedAccounts.has(account)) {
      this.changes.touchedAccounts.add(account);
      if (this.undo) this.record(() => this.changes.touchedAccounts.delete(account));
    }
  }

  private setBalances(
    account: AccountState,
    dp: bigint,
    dpo: bigint,
    cp: bigint,
    cpo: bigint,
    flags = account.flags,
  ): void {
    if (this.undo) {
      const before = [
        account.debitsPending,
        account.debitsPosted,
        account.creditsPending,
        account.creditsPosted,
        account.flags,
      ] as const;
      this.record(() => {
        [
          account.debitsPending,
          account.debitsPosted,
          account.creditsPending,
          account.creditsPosted,
          account.flags,
        ] = before;
      });
    }
    account.debitsPending = dp;
    account.debitsPosted = dpo;
    account.creditsPending = cp;
    account.creditsPosted = cpo;
    account.flags = flags;
    this.touch(account);
  }

  private setPendingState(
    pending: PendingRow,
    state: PendingState,
    resolvedBy: string | null,
    seq: number,
  ): void {
    const before = [pending.state, pending.resolvedBy, pending.resolvedSeq] as const;
    const wasResolved = this.changes.resolvedPendings.has(pending);
    this.record(() => {
      [pending.state, pending.resolvedBy, pending.resolvedSeq] = before;
      if (!wasResolved) this.changes.resolvedPendings.delete(pending);
    });
    pending.state = state;
    pending.resolvedBy = resolvedBy;
    pending.resolvedSeq = seq;
    this.changes.resolvedPendings.add(pending);
  }

  private slot(): number {
    return this.changes.slots++;
  }

  private snapshotHistory(account: AccountState, transferId: string, seq: number): void {
    if (!hasFlag(account.flags, AccountFlag.history)) return;
    this.changes.history.push({
      accountId: account.id,
      transferId,
      seq,
      debitsPending: account.debitsPending,
      debitsPosted: account.debitsPosted,
      creditsPending: account.creditsPending,
      creditsPosted: account.creditsPosted,
    });
  }

  // ---- accounts --------------------------------------------------------------------------

  createAccounts(batches: readonly (readonly AccountInput[])[]): AccountEventResult[][] {
    return batches.map((events) =>
      this.runChains(
        events,
        (event) => this.createAccount(event),
        (event, result) => ({ id: event.id, result }),
      ),
    );
  }

  private createAccount(input: AccountInput): AccountEventResult {
    const result = (code: CreateAccountResult): AccountEventResult => ({ id: input.id, result: code });
    if (input.id === '') return result('id_must_not_be_empty');
    const flags = input.flags ?? 0;
    const userData = input.userData ?? null;
    const existing = this.snapshot.accounts.get(input.id);
    if (existing) {
      assert(isWholeRow(existing), 'creating accounts compares whole account rows');
      return result(compareExistingAccount(input, existing));
    }
    const refused = checkNewAccountFields(input);
    if (refused) return result(refused);
    const seq = this.slot();
    const row: AccountRow = {
      id: input.id,
      ledger: input.ledger,
      code: input.code,
      userData,
      flags: flags & ~AccountFlag.linked,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
      timestamp: BigInt(-1 - seq),
      createdAt: this.createdAt,
    };
    this.snapshot.accounts.set(row.id, row);
    this.record(() => this.snapshot.accounts.delete(row.id));
    this.changes.newAccounts.push(row);
    return { id: input.id, result: 'ok', timestamp: BigInt(seq) };
  }

  // ---- expiry ----------------------------------------------------------------------------

  /** Releases a pending transfer whose timeout has passed: no new transfer, only its state changes. */
  expire(pending: PendingRow): void {
    assert(pending.state === 'pending', 'only a pending transfer can expire');
    const debit = this.snapshot.accounts.get(pending.debitAccountId);
    const credit = this.snapshot.accounts.get(pending.creditAccountId);
    assert(debit && credit, 'expiry needs both accounts loaded');
    const seq = this.slot();
    this.setBalances(
      debit,
      debit.debitsPending - pending.amount,
      debit.debitsPosted,
      debit.creditsPending,
      debit.creditsPosted,
      hasFlag(pending.flags, TransferFlag.closingDebit) ? debit.flags & ~AccountFlag.closed : debit.flags,
    );
    this.setBalances(
      credit,
      credit.debitsPending,
      credit.debitsPosted,
      credit.creditsPending - pending.amount,
      credit.creditsPosted,
      hasFlag(pending.flags, TransferFlag.closingCredit) ? credit.flags & ~AccountFlag.closed : credit.flags,
    );
    this.setPendingState(pending, 'expired', null, seq);
  }

  // ---- transfers -------------------------------------------------------------------------

  createTransfers(batches: readonly (readonly TransferInput[])[]): TransferEventResult[][] {
    return batches.map((events) =>
      this.runChains(
        events,
        (event) => this.createTransfer(event),
        (event, result) => ({ id: event.id, result }),
      ),
    );
  }

  private createTransfer(t: TransferInput): TransferEventResult {
    const fail = (code: CreateTransferResult): TransferEventResult => ({ id: t.id, result: code });
    if (t.id === '') return fail('id_must_not_be_empty');
    const flags = t.flags ?? 0;
    const existing = this.snapshot.transfers.get(t.id);
    if (existing) return fail(compareExisting(t, flags, existing, (id) => this.snapshot.transfers.get(id)));
    if (
      hasFlag(flags, TransferFlag.postPendingTransfer) ||
      hasFlag(flags, TransferFlag.voidPendingTransfer)
    ) {
      return this.postOrVoid(t, flags);
    }

    const refused = checkNewTransferFields(t, flags);
    if (refused) return fail(refused);
    const debitId = t.debitAccountId!;
    const creditId = t.creditAccountId!;
    const pending = hasFlag(flags, TransferFlag.pending);
    const timeout = t.timeoutSeconds ?? 0;
    const ledger = t.ledger!;
    const code = t.code!;
    const balancingDebit = hasFlag(flags, TransferFlag.balancingDebit);
    const balancingCredit = hasFlag(flags, TransferFlag.balancingCredit);

    const dr = this.snapshot.accounts.get(debitId);
    if (!dr) return fail('debit_account_not_found');
    const cr = this.snapshot.accounts.get(creditId);
    if (!cr) return fail('credit_account_not_found');
    if (dr.ledger !== cr.ledger) return fail('accounts_must_have_the_same_ledger');
    if (ledger !== dr.ledger) return fail('transfer_must_have_the_same_ledger_as_accounts');
    if (hasFlag(dr.flags, AccountFlag.closed) || hasFlag(cr.flags, AccountFlag.closed))
      return fail('account_closed');

    // A balancing amount of 0 means "as much as possible"; the limits below then cut it down.
    let amount = t.amount === 0n ? INT8_MAX : t.amount;
    if (balancingDebit) {
      const room = dr.creditsPosted - dr.debitsPosted - dr.debitsPending;
      amount = minBigInt(amount, room > 0n ? room : 0n);
      if (amount === 0n) return fail('exceeds_credits');
    }
    if (balancingCredit) {
      const room = cr.debitsPosted - cr.creditsPosted - cr.creditsPending;
      amount = minBigInt(amount, room > 0n ? room : 0n);
      if (amount === 0n) return fail('exceeds_debits');
    }

    if (pending) {
      if (amount + dr.debitsPending > INT8_MAX) return fail('overflows_debits_pending');
      if (amount + cr.creditsPending > INT8_MAX) return fail('overflows_credits_pending');
    }
    if (amount + dr.debitsPosted > INT8_MAX) return fail('overflows_debits_posted');
    if (amount + cr.creditsPosted > INT8_MAX) return fail('overflows_credits_posted');
    if (amount + dr.debitsPending + dr.debitsPosted > INT8_MAX) return fail('overflows_debits');
    if (amount + cr.creditsPending + cr.creditsPosted > INT8_MAX) return fail('overflows_credits');

    if (
      hasFlag(dr.flags, AccountFlag.debitsMustNotExceedCredits) &&
      dr.debitsPending + dr.debitsPosted + amount > dr.creditsPosted
    ) {
      return fail('exceeds_credits');
    }
    if (
      hasFlag(cr.flags, AccountFlag.creditsMustNotExceedDebits) &&
      cr.creditsPending + cr.creditsPosted + amount > cr.debitsPosted
    ) {
      return fail('exceeds_debits');
    }

    const seq = this.slot();
    const transfer: NewTransfer = {
      id: t.id,
      debitAccountId: debitId,
      creditAccountId: creditId,
      amount,
      pendingId: null,
      ledger,
      code,
      userData: t.userData ?? null,
      flags,
      timeoutSeconds: timeout,
      createdAt: this.createdAt,
      seq,
    };
    this.addTransfer(transfer);
    if (pending) {
      this.setBalances(
        dr,
        dr.debitsPending + amount,
        dr.debitsPosted,
        dr.creditsPending,
        dr.creditsPosted,
        hasFlag(flags, TransferFlag.closingDebit) ? dr.flags | AccountFlag.closed : dr.flags,
      );
      this.setBalances(
        cr,
        cr.debitsPending,
        cr.debitsPosted,
        cr.creditsPending + amount,
        cr.creditsPosted,
        hasFlag(flags, TransferFlag.closingCredit) ? cr.flags | AccountFlag.closed : cr.flags,
      );
      const row: PendingRow = {
        transferId: t.id,
        debitAccountId: debitId,
        creditAccountId: creditId,
        amount,
        flags,
        expiresAtMs: timeout > 0 ? this.nowMs + timeout * 1000 : null,
        state: 'pending',
        resolvedBy: null,
        resolvedSeq: null,
      };
      this.snapshot.pendings.set(row.transferId, row);
      if (this.undo) this.record(() => this.snapshot.pendings.delete(row.transferId));
      this.changes.newPendings.push(row);
    } else {
      this.setBalances(dr, dr.debitsPending, dr.debitsPosted + amount, dr.creditsPending, dr.creditsPosted);
      this.setBalances(cr, cr.debitsPending, cr.debitsPosted, cr.creditsPending, cr.creditsPosted + amount);
    }
    this.snapshotHistory(dr, t.id, seq);
    this.snapshotHistory(cr, t.id, seq);
    return { id: t.id, result: 'ok', timestamp: BigInt(seq), amount };
  }

  private addTransfer(transfer: NewTransfer): void {
    this.snapshot.transfers.set(transfer.id, transfer);
    if (this.undo) this.record(() => this.snapshot.transfers.delete(transfer.id));
    this.changes.newTransfers.push(transfer);
  }

  private postOrVoid(t: TransferInput, flags: number): TransferEventResult {
    const fail = (code: CreateTransferResult): TransferEventResult => ({ id: t.id, result: code });
    const post = hasFlag(flags, TransferFlag.postPendingTransfer);
    const refused = checkPostOrVoidFields(t, flags, post);
    if (refused) return fail(refused);
    const pendingId = t.pendingId!;
    const p = this.snapshot.transfers.get(pendingId);
    if (!p) return fail('pending_transfer_not_found');
    const mismatch = checkAgainstPending(t, p, post);
    if (mismatch) return fail(mismatch);
    const amount = t.amount === 0n ? p.amount : t.amount;

    const state = this.snapshot.pendings.get(pendingId);
    assert(state, `pending transfer ${pendingId} has no pending state`);
    const resolved = checkStillPending(state, this.nowMs);
    if (resolved) return fail(resolved);

    const dr = this.snapshot.accounts.get(p.debitAccountId);
    const cr = this.snapshot.accounts.get(p.creditAccountId);
    assert(dr && cr, 'a post or void needs both accounts of its pending transfer loaded');
    if (post && (hasFlag(dr.flags, AccountFlag.closed) || hasFlag(cr.flags, AccountFlag.closed))) {
      return fail('account_closed');
    }

    const seq = this.slot();
    this.addTransfer({
      id: t.id,
      debitAccountId: p.debitAccountId,
      creditAccountId: p.creditAccountId,
      amount,
      pendingId,
      ledger: p.ledger,
      code: p.code,
      userData: t.userData ?? p.userData,
      flags,
      timeoutSeconds: 0,
      createdAt: this.createdAt,
      seq,
    });
    // The whole pending amount is released; a post then moves what it posts.
    const posted = post ? amount : 0n;
    this.setBalances(
      dr,
      dr.debitsPending - p.amount,
      dr.debitsPosted + posted,
      dr.creditsPending,
      dr.creditsPosted,
      !post && hasFlag(p.flags, TransferFlag.closingDebit) ? dr.flags & ~AccountFlag.closed : dr.flags,
    );
    this.setBalances(
      cr,
      cr.debitsPending,
      cr.debitsPosted,
      cr.creditsPending - p.amount,
      cr.creditsPosted + posted,
      !post && hasFlag(p.flags, TransferFlag.closingCredit) ? cr.flags & ~AccountFlag.closed : cr.flags,
    );
    this.setPendingState(state, post ? 'posted' : 'voided', t.id, seq);
    this.snapshotHistory(dr, t.id, seq);
    this.snapshotHistory(cr, t.id, seq);
    return { id: t.id, result: 'ok', timestamp: BigInt(seq), amount };
  }
}

function minBigInt(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
