import type { Executor } from '../db/index.ts';
import { allocate, applyRate, assert, daysBetween, type PlainDate } from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import {
  LendingCode,
  loanAccount,
  noteAccountId,
  PENALTY_INCOME_ACCOUNT,
  RESERVE_ACCOUNT,
} from './accounts.ts';
import {
  type ChargeKind,
  chargedPeriods,
  isCharged,
  type LendingContext,
  type LoanState,
  type NoteHolding,
  outstandingOf,
  periodKey,
  periodLedger,
} from './loans.ts';
import { type Plan, transfer, writeAllocations, writeCharges, writeRepayment } from './plan.ts';
import type { Product } from './products.ts';

/**
 * Servicing: what happens to a loan after disbursement. Each function works inside the caller's
 * transaction on a LoanState loaded with the loan row locked, and adds to the caller's plan
 * (plan.ts) the journal rows (charges, allocations, advances) and the ledger transfers that move the
 * money, which the caller commits in the same transaction.
 *
 * Ownership of what the borrower owes, for principal and interest of each period:
 * - the holders (pro rata by note principal: the investors' notes, and the reserve's note for the
 *   principal it bought outright at the full advance), or
 * - the reserve, for what it advanced on that period.
 * A payment on a period goes to the holders' part first, then repays the reserve's advance. Fees,
 * penalty interest and late fees are the platform's (income recognised when charged).
 */
export const reserveNote = (state: LoanState): NoteHolding => {
  const note = state.notes.find((n) => n.kind === 'reserve');
  assert(note, `loan ${state.loan.id} has no reserve note`);
  return note;
};

/** Principal the reserve's note holds beyond the periods it advanced: bought at the full advance. */
export function reserveGeneral(state: LoanState): bigint {
  let advancedOpen = 0n;
  for (const [key, entry] of state.periods) {
    if (key.endsWith(':principal')) advancedOpen += entry.advanced - entry.paidReserve;
  }
  const general = reserveNote(state).principal - advancedOpen;
  assert(general >= 0n, `loan ${state.loan.id}: the reserve note holds less than it advanced`);
  return general;
}

export const setPrincipal = (note: NoteHolding, principal: bigint) => {
  (note as { principal: bigint }).principal = principal;
};

interface Charge {
  readonly id: string;
  readonly period: number;
  readonly kind: ChargeKind;
  readonly amount: bigint;
}

/** Records charges in the journal (through the plan), and in the loaded state. */
async function insertCharges(
  trx: Executor,
  state: LoanState,
  charges: readonly Charge[],
  on: PlainDate,
  now: Date,
  plan: Plan,
): Promise<void> {
  if (charges.length === 0) return;
  await writeCharges(
    trx,
    plan,
    charges.map((c) => ({ ...c, loanId: state.loan.id, on, at: now })),
  );
  for (const c of charges) periodLedger(state, c.period, c.kind).charged += c.amount;
}

/**
 * A period falls due (or the borrower pays it early): its principal, interest and fee become
 * charges. Interest is accrued as owed by the borrower and owed to the holders; the fee is income.
 */
export async function chargePeriod(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  period: number,
  on: PlainDate,
  plan: Plan,
): Promise<void> {
  if (isCharged(state, period)) return;
  const installment = state.installments.find((i) => i.period === period);
  assert(installment, `loan ${state.loan.id} has no period ${period}`);
  const now = context.clock.now();
  const loanId = state.loan.id;
  await insertCharges(
    trx,
    state,
    (['principal', 'interest', 'fee'] as const).map((kind) => ({
      id: `${loanId}:${period}:${kind}`,
      period,
      kind,
      amount: installment[kind],
    })),
    on,
    now,
    plan,
  );
  transfer(
    plan,
    loanAccount.interest(loanId),
    loanAccount.interestPayable(loanId),
    installment.interest,
    LendingCode.chargeInterest,
    loanId,
  );
  transfer(
    plan,
    loanAccount.fees(loanId),
    context.payments.feeIncomeAccount,
    installment.fee,
    LendingCode.chargeFee,
    loanId,
  );
}

/** Penalty interest for one day on each period overdue beyond the grace days, and the late fee once. */
export async function chargePenalties(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  on: PlainDate,
  plan: Plan,
): Promise<bigint> {
  const loanId = state.loan.id;
  const now = context.clock.now();
  let total = 0n;
  const charges: Charge[] = [];
  for (const period of chargedPeriods(state)) {
    const installment = state.installments.find((i) => i.period === period)!;
    if (installment.dueDate >= on) continue;
    const late = daysBetweenDates(installment.dueDate, on);
    if (late <= product.graceDays) continue;
    const owed =
      outstandingOf(periodLedger(state, period, 'principal')) +
      outstandingOf(periodLedger(state, period, 'interest'));
    if (owed <= 0n) continue;
    const penalty = applyRate(owed, product.penaltyDailyRate, product.rounding);
    if (penalty > 0n) {
      charges.push({ id: `${loanId}:${period}:penalty:${on}`, period, kind: 'penalty', amount: penalty });
      total += penalty;
    }
    if (product.lateFee > 0n && !state.periods.has(periodKey(period, 'late_fee'))) {
      charges.push({ id: `${loanId}:${period}:late_fee`, period, kind: 'late_fee', amount: product.lateFee });
      total += product.lateFee;
    }
  }
  await insertCharges(trx, state, charges, on, now, plan);
  transfer(
    plan,
    loanAccount.penalty(loanId),
    PENALTY_INCOME_ACCOUNT,
    total,
    LendingCode.chargePenalty,
    loanId,
  );
  return total;
}

export const daysBetweenDates = (from: PlainDate, to: PlainDate): number => daysBetween(from, to);

export interface Allocation {
  readonly period: number;
  readonly kind: ChargeKind;
  readonly amount: bigint;
}

const KINDS_OF: Record<string, ChargeKind[]> = {
  penalty: ['penalty', 'late_fee'],
  fee: ['fee'],
  interest: ['interest'],
  principal: ['principal'],
};

/** Applies `amount` to what is due by the product's waterfall; returns what went where. */
export function waterfall(state: LoanState, product: Product, amount: bigint): Allocation[] {
  const periods = chargedPeriods(state);
  const kinds = product.waterfall.order.flatMap((k) => KINDS_OF[k]!);
  const order: [number, ChargeKind][] =
    product.waterfall.by === 'installment'
      ? periods.flatMap((p) => kinds.map((k) => [p, k] as [number, ChargeKind]))
      : kinds.flatMap((k) => periods.map((p) => [p, k] as [number, ChargeKind]));
  const result: Allocation[] = [];
  let left = amount;
  for (const [period, kind] of order) {
    if (left === 0n) break;
    const entry = state.periods.get(periodKey(period, kind));
    if (!entry) continue;
    const take = outstandingOf(entry) < left ? outstandingOf(entry) : left;
    if (take <= 0n) continue;
    result.push({ period, kind, amount: take });
    left -= take;
  }
  return result;
}

const PAY_CODE: Record<ChargeKind, number> = {
  principal: LendingCode.repayPrincipal,
  interest: LendingCode.repayInterest,
  fee: LendingCode.repayFee,
  penalty: LendingCode.repayPenalty,
  late_fee: LendingCode.repayPenalty,
};
const RECEIVABLE: Record<ChargeKind, (loanId: string) => string> = {
  principal: loanAccount.principal,
  interest: loanAccount.interest,
  fee: loanAccount.fees,
  penalty: loanAccount.penalty,
  late_fee: loanAccount.penalty,
};

/**
 * Splits what the holders receive across the notes in proportion to their principal (largest
 * remainder, so the parts add up exactly), takes the investor service fee from each note's interest,
 * and plans the payouts. `investorsOnly` leaves the reserve's general share out: for a period the
 * reserve advanced, what is still owed to holders is the investors' shortfall.
 */
export function distribute(
  context: LendingContext,
  state: LoanState,
  product: Product,
  principal: bigint,
  interest: bigint,
  plan: Plan,
  investorsOnly = false,
): void {
  if (principal === 0n && interest === 0n) return;
  const loanId = state.loan.id;
  const investors = state.notes.filter((n) => n.kind === 'investor' && n.principal > 0n);
  const general = investorsOnly ? 0n : reserveGeneral(state);
  const weights = [...investors.map((n) => n.principal), general];
  const reserve = reserveNote(state);
  if (weights.every((w) => w === 0n)) {
    // Nobody but the reserve holds the loan any more (it bought every note at the full advance).
    transfer(
      plan,
      noteAccountId(reserve.id),
      RESERVE_ACCOUNT,
      principal,
      LendingCode.reserveRecovery,
      loanId,
    );
    setPrincipal(reserve, reserve.principal - principal);
    transfer(
      plan,
      loanAccount.interestPayable(loanId),
      RESERVE_ACCOUNT,
      interest,
      LendingCode.reserveRecovery,
      loanId,
    );
    return;
  }
  const principalParts = principal > 0n ? allocate(principal, weights) : weights.map(() => 0n);
  const interestParts = interest > 0n ? allocate(interest, weights) : weights.map(() => 0n);
  let fees = 0n;
  investors.forEach((note, i) => {
    const wallet = walletAccountId(note.holderId!);
    const p = principalParts[i]!;
    const gross = interestParts[i]!;
    const fee = applyRate(gross, product.investorServiceFeeRate, product.rounding);
    transfer(plan, noteAccountId(note.id), wallet, p, LendingCode.payoutPrincipal, note.id);
    transfer(
      plan,
      loanAccount.interestPayable(loanId),
      wallet,
      gross - fee,
      LendingCode.payoutInterest,
      note.id,
    );
    setPrincipal(note, note.principal - p);
    fees += fee;
  });
  const last = weights.length - 1;
  transfer(
    plan,
    noteAccountId(reserve.id),
    RESERVE_ACCOUNT,
    principalParts[last]!,
    LendingCode.reserveRecovery,
    loanId,
  );
  setPrincipal(reserve, reserve.principal - principalParts[last]!);
  transfer(
    plan,
    loanAccount.interestPayable(loanId),
    RESERVE_ACCOUNT,
    interestParts[last]!,
    LendingCode.reserveRecovery,
    loanId,
  );
  transfer(
    plan,
    loanAccount.interestPayable(loanId),
    context.payments.feeIncomeAccount,
    fees,
    LendingCode.serviceFee,
    loanId,
  );
}

/**
 * Takes `allocations` from the borrower's wallet: records each in the journal with its owner, moves
 * the money off the receivables, pays the holders their share and the reserve what repays its
 * advances.
 */
export async function settle(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  repaymentId: string,
  allocations: readonly Allocation[],
  plan: Plan,
): Promise<void> {
  const loanId = state.loan.id;
  const wallet = walletAccountId(state.loan.borrowerId);
  const fromBorrower = new Map<ChargeKind, bigint>();
  // Per period: the holders' parts (all holders, or the investors only on an advanced period).
  let holdersPrincipal = 0n;
  let holdersInterest = 0n;
  let shortfallPrincipal = 0n;
  let shortfallInterest = 0n;
  let reservePrincipal = 0n;
  let reserveInterest = 0n;
  const rows: {
    period: number;
    kind: ChargeKind;
    owner: 'investors' | 'reserve' | 'platform';
    amount: bigint;
  }[] = [];
  for (const a of allocations) {
    fromBorrower.set(a.kind, (fromBorrower.get(a.kind) ?? 0n) + a.amount);
    const entry = periodLedger(state, a.period, a.kind);
    assert(a.amount <= outstandingOf(entry), 'an allocation must not exceed what is owed');
    if (a.kind !== 'principal' && a.kind !== 'interest') {
      entry.paidPlatform += a.amount;
      rows.push({ period: a.period, kind: a.kind, owner: 'platform', amount: a.amount });
      continue;
    }
    const reserveOwned = entry.advanced - entry.paidReserve;
    const holdersOwned = outstandingOf(entry) - reserveOwned;
    const toHolders = a.amount < holdersOwned ? a.amount : holdersOwned;
    const toReserve = a.amount - toHolders;
    entry.paidHolders += toHolders;
    entry.paidReserve += toReserve;
    if (toHolders > 0n) rows.push({ period: a.period, kind: a.kind, owner: 'investors', amount: toHolders });
    if (toReserve > 0n) rows.push({ period: a.period, kind: a.kind, owner: 'reserve', amount: toReserve });
    const advancedPeriod = entry.advanced > 0n;
    if (a.kind === 'principal') {
      if (advancedPeriod) shortfallPrincipal += toHolders;
      else holdersPrincipal += toHolders;
      reservePrincipal += toReserve;
    } else {
      if (advancedPeriod) shortfallInterest += toHolders;
      else holdersInterest += toHolders;
      reserveInterest += toReserve;
    }
  }
  await writeAllocations(
    trx,
    plan,
    rows.map((r) => ({ ...r, repaymentId, loanId })),
  );
  for (const [kind, amount] of fromBorrower) {
    transfer(plan, wallet, RECEIVABLE[kind](loanId), amount, PAY_CODE[kind], loanId);
  }
  const reserve = reserveNote(state);
  transfer(
    plan,
    noteAccountId(reserve.id),
    RESERVE_ACCOUNT,
    reservePrincipal,
    LendingCode.reserveRecovery,
    loanId,
  );
  setPrincipal(reserve, reserve.principal - reservePrincipal);
  transfer(
    plan,
    loanAccount.interestPayable(loanId),
    RESERVE_ACCOUNT,
    reserveInterest,
    LendingCode.reserveRecovery,
    loanId,
  );
  distribute(context, state, product, holdersPrincipal, holdersInterest, plan);
  distribute(context, state, product, shortfallPrincipal, shortfallInterest, plan, true);
}

export type RepaymentKind = 'auto_debit' | 'manual' | 'prepayment' | 'payoff' | 'recovery';

export async function insertRepayment(
  context: LendingContext,
  trx: Executor,
  row: {
    id: string;
    loanId: string;
    kind: RepaymentKind;
    amount: bigint;
    principalPrepaid?: bigint;
    prepaymentInterest?: bigint;
    prepaymentFee?: bigint;
    option?: string | null;
    businessDate: PlainDate;
  },
  plan: Plan,
): Promise<void> {
  await writeRepayment(trx, plan, {
    principalPrepaid: 0n,
    prepaymentInterest: 0n,
    prepaymentFee: 0n,
    option: null,
    ...row,
    at: context.clock.now(),
  });
}

/**
 * Principal repaid ahead of its schedule (a partial prepayment or the payoff), with its interest to
 * date: charged and paid at once as "period 0" (unscheduled), all of it to the holders.
 */
export async function prepayPrincipal(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  repaymentId: string,
  principal: bigint,
  interest: bigint,
  on: PlainDate,
  plan: Plan,
): Promise<void> {
  const loanId = state.loan.id;
  const now = context.clock.now();
  await insertCharges(
    trx,
    state,
    [
      { id: `${loanId}:0:principal:${repaymentId}`, period: 0, kind: 'principal', amount: principal },
      { id: `${loanId}:0:interest:${repaymentId}`, period: 0, kind: 'interest', amount: interest },
    ],
    on,
    now,
    plan,
  );
  transfer(
    plan,
    loanAccount.interest(loanId),
    loanAccount.interestPayable(loanId),
    interest,
    LendingCode.chargeInterest,
    loanId,
  );
  await settle(
    context,
    trx,
    state,
    product,
    repaymentId,
    [
      ...(principal > 0n ? [{ period: 0, kind: 'principal' as const, amount: principal }] : []),
      ...(interest > 0n ? [{ period: 0, kind: 'interest' as const, amount: interest }] : []),
    ],
    plan,
  );
}

/** Principal not yet charged: the scheduled principal of every period still to fall due. */
export function unchargedPrincipal(state: LoanState): bigint {
  return state.installments
    .filter((i) => !isCharged(state, i.period))
    .reduce((sum, i) => sum + i.principal, 0n);
}

/** The date interest on uncharged principal runs from: the last charged due date, or the start. */
export function interestStart(state: LoanState): PlainDate {
  let start = state.loan.startDate!;
  for (const i of state.installments) if (isCharged(state, i.period) && i.dueDate > start) start = i.dueDate;
  return start;
}
