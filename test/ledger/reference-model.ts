/**
 * A small in-memory reference model of the ledger's semantics, written separately from
 * src/ledger/state-machine.ts and as plainly as possible: state is cloned before a linked chain and
 * restored if the chain fails. The model-based tests drive the real ledger and this model with the
 * same commands and require identical results and balances.
 *
 * Semantics (docs/ledger.md): TigerBeetle's, with amount 0 meaning "the full pending amount" for a
 * post or void and "as much as possible" for a balancing transfer (TigerBeetle before 0.16), an
 * existing id checked before anything else, the linked flag ignored when comparing with an existing
 * event, and expired pending transfers released when a batch touches one of their accounts.
 */
const F = {
  linked: 1,
  pending: 2,
  post: 4,
  void: 8,
  balancingDebit: 16,
  balancingCredit: 32,
  closingDebit: 64,
  closingCredit: 128,
};
const A = { linked: 1, debitsMustNotExceedCredits: 2, creditsMustNotExceedDebits: 4, history: 8, closed: 32 };
const MAX = 2n ** 63n - 1n;

export interface ModelAccount {
  ledger: string;
  code: number;
  userData: string | null;
  flags: number;
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

interface ModelTransfer {
  id: string;
  dr: string;
  cr: string;
  amount: bigint;
  pendingId: string;
  ledger: string;
  code: number;
  userData: string | null;
  flags: number;
  timeout: number;
}

interface ModelPending {
  state: 'pending' | 'posted' | 'voided' | 'expired';
  expiresAt: number | null;
}

export interface ModelState {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
  pending: Map<string, ModelPending>;
}

export interface AccountEvent {
  id: string;
  ledger: string;
  code: number;
  userData?: string | null;
  flags?: number;
}

export interface TransferEvent {
  id: string;
  debitAccountId?: string;
  creditAccountId?: string;
  amount: bigint;
  ledger?: string;
  code?: number;
  userData?: string | null;
  pendingId?: string;
  timeoutSeconds?: number;
  flags?: number;
}

export interface ModelResult {
  id: string;
  result: string;
  amount?: bigint;
}

export function emptyModel(): ModelState {
  return { accounts: new Map(), transfers: new Map(), pending: new Map() };
}

function clone(state: ModelState): ModelState {
  return {
    accounts: new Map([...state.accounts].map(([k, v]) => [k, { ...v }])),
    transfers: new Map(state.transfers),
    pending: new Map([...state.pending].map(([k, v]) => [k, { ...v }])),
  };
}

function restore(target: ModelState, saved: ModelState): void {
  target.accounts = saved.accounts;
  target.transfers = saved.transfers;
  target.pending = saved.pending;
}

/** Applies a batch with linked-chain semantics; `one` applies a single event and returns its code. */
function runBatch<E extends { id: string; flags?: number }>(
  state: ModelState,
  events: E[],
  one: (event: E) => ModelResult,
): ModelResult[] {
  const results: ModelResult[] = [];
  let i = 0;
  while (i < events.length) {
    let j = i;
    while (j < events.length && ((events[j]!.flags ?? 0) & F.linked) !== 0) j++;
    // events[i..j] is a chain when j > i (or a lone event when j === i); j may run off the end.
    const last = Math.min(j, events.length - 1);
    const open = j === events.length; // the last event still has the linked flag
    if (i === last && !open) {
      results.push(one(events[i]!));
      i++;
      continue;
    }
    const saved = clone(state);
    const chain: ModelResult[] = [];
    let failed = -1;
    for (let k = i; k <= last; k++) {
      if (open && k === last) {
        chain.push({ id: events[k]!.id, result: 'linked_event_chain_open' });
        failed = k;
        break;
      }
      const r = one(events[k]!);
      chain.push(r);
      if (r.result !== 'ok') {
        failed = k;
        break;
      }
    }
    if (failed >= 0) {
      restore(state, saved);
      for (let k = i; k <= last; k++) {
        const own = chain[k - i];
        if (k === failed && own) results.push({ id: own.id, result: own.result });
        else if (k === last && open) results.push({ id: events[k]!.id, result: 'linked_event_chain_open' });
        else results.push({ id: events[k]!.id, result: 'linked_event_failed' });
      }
    } else {
      results.push(...chain);
    }
    i = last + 1;
  }
  return results;
}

export function createAccounts(state: ModelState, events: AccountEvent[]): ModelResult[] {
  return runBatch(state, events, (e) => {
    const r = (result: string): ModelResult => ({ id: e.id, result });
    if (e.id === '') return r('id_must_not_be_empty');
    const flags = (e.flags ?? 0) & ~A.linked;
    const old = state.accounts.get(e.id);
    if (old) {
      if (old.flags !== flags) return r('exists_with_different_flags');
      if (old.userData !== (e.userData ?? null)) return r('exists_with_different_user_data');
      if (old.ledger !== e.ledger) return r('exists_with_different_ledger');
      if (old.code !== e.code) return r('exists_with_different_code');
      return r('exists');
    }
    if (flags & A.debitsMustNotExceedCredits && flags & A.creditsMustNotExceedDebits)
      return r('flags_are_mutually_exclusive');
    if (e.ledger === '') return r('ledger_must_not_be_empty');
    if (e.code === 0) return r('code_must_not_be_zero');
    state.accounts.set(e.id, {
      ledger: e.ledger,
      code: e.code,
      userData: e.userData ?? null,
      flags,
      dp: 0n,
      dpo: 0n,
      cp: 0n,
      cpo: 0n,
    });
    return r('ok');
  });
}

function release(state: ModelState, id: string, newState: ModelPending['state']): void {
  const t = state.transfers.get(id)!;
  const dr = state.accounts.get(t.dr)!;
  const cr = state.accounts.get(t.cr)!;
  dr.dp -= t.amount;
  cr.cp -= t.amount;
  if (newState !== 'posted') {
    if (t.flags & F.closingDebit) dr.flags &= ~A.closed;
    if (t.flags & F.closingCredit) cr.flags &= ~A.closed;
  }
  state.pending.get(id)!.state = newState;
}

/** Releases expired pending transfers on any of these accounts (what a batch does when it touches them). */
export function expireTouching(state: ModelState, accountIds: Set<string>, now: number): void {
  for (const [id, p] of state.pending) {
    if (p.state !== 'pending' || p.expiresAt === null || p.expiresAt > now) continue;
    const t = state.transfers.get(id)!;
    if (accountIds.has(t.dr) || accountIds.has(t.cr)) release(state, id, 'expired');
  }
}

export function expireAll(state: ModelState, now: number): number {
  let n = 0;
  for (const [id, p] of state.pending) {
    if (p.state === 'pending' && p.expiresAt !== null && p.expiresAt <= now) {
      release(state, id, 'expired');
      n++;
    }
  }
  return n;
}

export function createTransfers(state: ModelState, events: TransferEvent[], now: number): ModelResult[] {
  const touched = new Set<string>();
  for (const e of events) {
    for (const id of [e.debitAccountId, e.creditAccountId]) if (id && state.accounts.has(id)) touched.add(id);
    if ((e.flags ?? 0) & (F.post | F.void) && e.pendingId) {
      const p = state.transfers.get(e.pendingId);
      if (p) {
        touched.add(p.dr);
        touched.add(p.cr);
      }
    }
  }
  expireTouching(state, touched, now);
  return runBatch(state, events, (e) => transferOne(state, e, now));
}

function transferOne(state: ModelState, e: TransferEvent, now: number): ModelResult {
  const r = (result: string): ModelResult => ({ id: e.id, result });
  const flags = e.flags ?? 0;
  const dr0 = e.debitAccountId ?? '';
  const cr0 = e.creditAccountId ?? '';
  const ledger = e.ledger ?? '';
  const code = e.code ?? 0;
  const userData = e.userData ?? null;
  const pendingId = e.pendingId ?? '';
  const timeout = e.timeoutSeconds ?? 0;
  const postOrVoid = (flags & (F.post | F.void)) !== 0;
  if (e.id === '') return r('id_must_not_be_empty');

  const old = state.transfers.get(e.id);
  if (old) {
    if ((old.flags & ~F.linked) !== (flags & ~F.linked)) return r('exists_with_different_flags');
    if (old.pendingId !== pendingId) return r('exists_with_different_pending_id');
    if (old.timeout !== timeout) return r('exists_with_different_timeout');
    if (!postOrVoid) {
      if (old.dr !== dr0) return r('exists_with_different_debit_account_id');
      if (old.cr !== cr0) return r('exists_with_different_credit_account_id');
      const balancing = (flags & (F.balancingDebit | F.balancingCredit)) !== 0;
      if (balancing ? e.amount !== 0n && e.amount < old.amount : e.amount !== old.amount)
        return r('exists_with_different_amount');
      if (old.userData !== userData) return r('exists_with_different_user_data');
      if (old.ledger !== ledger) return r('exists_with_different_ledger');
      if (old.code !== code) return r('exists_with_different_code');
      return r('exists');
    }
    const p = state.transfers.get(old.pendingId)!;
    if (dr0 !== '' && dr0 !== old.dr) return r('exists_with_different_debit_account_id');
    if (cr0 !== '' && cr0 !== old.cr) return r('exists_with_different_credit_account_id');
    if ((e.amount === 0n ? p.amount : e.amount) !== old.amount) return r('exists_with_different_amount');
    if ((userData ?? p.userData) !== old.userData) return r('exists_with_different_user_data');
    if (ledger !== '' && ledger !== old.ledger) return r('exists_with_different_ledger');
    if (code !== 0 && code !== old.code) return r('exists_with_different_code');
    return r('exists');
  }

  if (postOrVoid) {
    const isPost = (flags & F.post) !== 0;
    if (
      (isPost && flags & F.void) ||
      flags & (F.pending | F.balancingDebit | F.balancingCredit | F.closingDebit | F.closingCredit)
    ) {
      return r('flags_are_mutually_exclusive');
    }
    if (pendingId === '') return r('pending_id_must_not_be_empty');
    if (pendingId === e.id) return r('pending_id_must_be_different');
    if (timeout !== 0) return r('timeout_reserved_for_pending_transfer');
    const p = state.transfers.get(pendingId);
    if (!p) return r('pending_transfer_not_found');
    if (!(p.flags & F.pending)) return r('pending_transfer_not_pending');
    if (dr0 !== '' && dr0 !== p.dr) return r('pending_transfer_has_different_debit_account_id');
    if (cr0 !== '' && cr0 !== p.cr) return r('pending_transfer_has_different_credit_account_id');
    if (ledger !== '' && ledger !== p.ledger) return r('pending_transfer_has_different_ledger');
    if (code !== 0 && code !== p.code) return r('pending_transfer_has_different_code');
    const amount = e.amount === 0n ? p.amount : e.amount;
    if (amount > p.amount) return r('exceeds_pending_transfer_amount');
    if (!isPost && amount !== p.amount) return r('pending_transfer_has_different_amount');
    const status = state.pending.get(pendingId)!;
    if (status.state === 'posted') return r('pending_transfer_already_posted');
    if (status.state === 'voided') return r('pending_transfer_already_voided');
    if (status.state === 'expired') return r('pending_transfer_expired');
    if (status.expiresAt !== null && status.expiresAt <= now) return r('pending_transfer_expired');
    const dr = state.accounts.get(p.dr)!;
    const cr = state.accounts.get(p.cr)!;
    if (isPost && (dr.flags & A.closed || cr.flags & A.closed)) return r('account_closed');
    release(state, pendingId, isPost ? 'posted' : 'voided');
    if (isPost) {
      dr.dpo += amount;
      cr.cpo += amount;
    }
    state.transfers.set(e.id, {
      id: e.id,
      dr: p.dr,
      cr: p.cr,
      amount,
      pendingId,
      ledger: p.ledger,
      code: p.code,
      userData: userData ?? p.userData,
      flags,
      timeout: 0,
    });
    return { id: e.id, result: 'ok', amount };
  }

  if (dr0 === '') return r('debit_account_id_must_not_be_empty');
  if (cr0 === '') return r('credit_account_id_must_not_be_empty');
  if (dr0 === cr0) return r('accounts_must_be_different');
  if (pendingId !== '') return r('pending_id_must_be_empty');
  const isPending = (flags & F.pending) !== 0;
  if (!isPending && timeout !== 0) return r('timeout_reserved_for_pending_transfer');
  if (!isPending && flags & (F.closingDebit | F.closingCredit)) return r('closing_transfer_must_be_pending');
  if (ledger === '') return r('ledger_must_not_be_empty');
  if (code === 0) return r('code_must_not_be_zero');
  const balancing = (flags & (F.balancingDebit | F.balancingCredit)) !== 0;
  if (e.amount === 0n && !balancing) return r('amount_must_not_be_zero');
  const dr = state.accounts.get(dr0);
  if (!dr) return r('debit_account_not_found');
  const cr = state.accounts.get(cr0);
  if (!cr) return r('credit_account_not_found');
  if (dr.ledger !== cr.ledger) return r('accounts_must_have_the_same_ledger');
  if (ledger !== dr.ledger) return r('transfer_must_have_the_same_ledger_as_accounts');
  if (dr.flags & A.closed || cr.flags & A.closed) return r('account_closed');
  let amount = e.amount === 0n ? MAX : e.amount;
  if (flags & F.balancingDebit) {
    const room = dr.cpo - dr.dpo - dr.dp;
    amount = room <= 0n ? 0n : amount < room ? amount : room;
    if (amount === 0n) return r('exceeds_credits');
  }
  if (flags & F.balancingCredit) {
    const room = cr.dpo - cr.cpo - cr.cp;
    amount = room <= 0n ? 0n : amount < room ? amount : room;
    if (amount === 0n) return r('exceeds_debits');
  }
  if (isPending && amount + dr.dp > MAX) return r('overflows_debits_pending');
  if (isPending && amount + cr.cp > MAX) return r('overflows_credits_pending');
  if (amount + dr.dpo > MAX) return r('overflows_debits_posted');
  if (amount + cr.cpo > MAX) return r('overflows_credits_posted');
  if (amount + dr.dp + dr.dpo > MAX) return r('overflows_debits');
  if (amount + cr.cp + cr.cpo > MAX) return r('overflows_credits');
  if (dr.flags & A.debitsMustNotExceedCredits && dr.dp + dr.dpo + amount > dr.cpo)
    return r('exceeds_credits');
  if (cr.flags & A.creditsMustNotExceedDebits && cr.cp + cr.cpo + amount > cr.dpo) return r('exceeds_debits');
  if (isPending) {
    dr.dp += amount;
    cr.cp += amount;
    if (flags & F.closingDebit) dr.flags |= A.closed;
    if (flags & F.closingCredit) cr.flags |= A.closed;
    state.pending.set(e.id, { state: 'pending', expiresAt: timeout > 0 ? now + timeout * 1000 : null });
  } else {
    dr.dpo += amount;
    cr.cpo += amount;
  }
  state.transfers.set(e.id, {
    id: e.id,
    dr: dr0,
    cr: cr0,
    amount,
    pendingId: '',
    ledger,
    code,
    userData,
    flags,
    timeout,
  });
  return { id: e.id, result: 'ok', amount };
}
