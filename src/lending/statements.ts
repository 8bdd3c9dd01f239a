import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import { allocate, applyRate, type Decimal, type PlainDate } from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { INVESTOR_FLOW_CODES, isInvestorFlow, LendingCode } from './accounts.ts';
import { flowDates } from './flow-dates.ts';
import {
  amountDue,
  bucketOf,
  daysPastDue,
  isCharged,
  type LendingContext,
  type Loan,
  type LoanState,
  loadState,
  outstandingOf,
  periodKey,
} from './loans.ts';
import type { Product } from './products.ts';
import { type PayoffQuote, quote } from './repay.ts';
import { xirr } from './schedule.ts';
import { reserveGeneral } from './servicing.ts';

/**
 * Statements, read from the ledger (what each note holds and what reached the investor's wallet)
 * and the schedule (what is still to come): for an investor, their notes and totals with XIRR; for a
 * borrower, their loans with schedules, what is due next and what paying off would take today.
 */
export interface NoteStatement {
  readonly noteId: string;
  readonly loanId: string;
  readonly grade: string;
  readonly annualRate: string;
  readonly loanStatus: string;
  readonly bucket: string;
  readonly origin: string;
  readonly acquiredOn: PlainDate;
  readonly originalPrincipal: bigint;
  readonly outstandingPrincipal: bigint;
  readonly principalReceived: bigint;
  readonly interestReceived: bigint;
  readonly advancedReceived: bigint;
  readonly saleProceeds: bigint;
  readonly overdue: bigint;
  readonly principalToCome: bigint;
  readonly interestToCome: bigint;
  readonly nextDue: { date: PlainDate; principal: bigint; interest: bigint } | null;
}

export interface InvestorStatement {
  readonly invested: bigint;
  readonly outstandingPrincipal: bigint;
  readonly principalReceived: bigint;
  readonly interestReceived: bigint;
  readonly interestToCome: bigint;
  readonly overdue: bigint;
  readonly advancedReceived: bigint;
  readonly frozenInBids: bigint;
  readonly xirr: string | null;
  readonly notes: NoteStatement[];
  /** Month by month (YYYY-MM), oldest first: what was received, and what is scheduled to come. */
  readonly monthly: MonthOfReturns[];
}

export interface MonthOfReturns {
  readonly month: string;
  readonly principalReceived: bigint;
  readonly interestReceived: bigint;
  /** The reserve's advances on overdue instalments. */
  readonly advancedReceived: bigint;
  readonly principalToCome: bigint;
  readonly interestToCome: bigint;
}

type MonthTotals = { -readonly [K in keyof MonthOfReturns]: K extends 'month' ? string : bigint };

/** The months' totals, kept by month as they are added to. */
class Months {
  private readonly byMonth = new Map<string, MonthTotals>();

  add(date: PlainDate, kind: Exclude<keyof MonthOfReturns, 'month'>, amount: bigint): void {
    const month = date.slice(0, 7);
    let totals = this.byMonth.get(month);
    if (!totals) {
      totals = {
        month,
        principalReceived: 0n,
        interestReceived: 0n,
        advancedReceived: 0n,
        principalToCome: 0n,
        interestToCome: 0n,
      };
      this.byMonth.set(month, totals);
    }
    totals[kind] += amount;
  }

  list(): MonthOfReturns[] {
    return [...this.byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
  }
}

/**
 * A note's share of the periods still to fall due, as distribute() will pay them: by principal
 * against the investors' notes and the reserve's general share (largest remainder), the interest net
 * of the investor service fee.
 */
function shareOfFuture(state: LoanState, product: Product, noteId: string, months?: Months) {
  const investors = state.notes.filter((n) => n.kind === 'investor' && n.principal > 0n);
  const index = investors.findIndex((n) => n.id === noteId);
  let principal = 0n;
  let interest = 0n;
  let next: NoteStatement['nextDue'] = null;
  if (index < 0) return { principal, interest, next };
  // The holdings shrink as each period's principal is paid, and the next period is split by what is
  // left, so the projection follows them period by period.
  const weights = [...investors.map((n) => n.principal), reserveGeneral(state)];
  for (const installment of state.installments) {
    if (isCharged(state, installment.period)) continue;
    if (weights.every((w) => w === 0n)) break;
    const interestParts = installment.interest > 0n ? allocate(installment.interest, weights) : null;
    const principalParts = installment.principal > 0n ? allocate(installment.principal, weights) : null;
    const p = principalParts?.[index] ?? 0n;
    const gross = interestParts?.[index] ?? 0n;
    if (principalParts) for (const [k, part] of principalParts.entries()) weights[k] = weights[k]! - part;
    const i = gross - applyRate(gross, product.investorServiceFeeRate, product.rounding);
    principal += p;
    interest += i;
    months?.add(installment.dueDate, 'principalToCome', p);
    months?.add(installment.dueDate, 'interestToCome', i);
    if (!next) next = { date: installment.dueDate, principal: p, interest: i };
  }
  return { principal, interest, next };
}

function overdueShare(state: LoanState, noteId: string, today: PlainDate): bigint {
  const note = state.notes.find((n) => n.id === noteId)!;
  const investors = state.notes.filter((n) => n.kind === 'investor' && n.principal > 0n);
  if (note.principal === 0n || investors.length === 0) return 0n;
  let owed = 0n;
  for (const installment of state.installments) {
    if (installment.dueDate >= today || !isCharged(state, installment.period)) continue;
    for (const kind of ['principal', 'interest'] as const) {
      const entry = state.periods.get(periodKey(installment.period, kind));
      if (entry) owed += outstandingOf(entry) - (entry.advanced - entry.paidReserve);
    }
  }
  if (owed <= 0n) return 0n;
  const index = investors.findIndex((n) => n.id === noteId);
  return allocate(
    owed,
    investors.map((n) => n.principal),
  )[index]!;
}

export async function investorStatement(
  context: LendingContext,
  investorId: string,
): Promise<InvestorStatement> {
  // Every read in one snapshot, so that a repayment or a sale committing meanwhile is either wholly
  // in the statement or wholly out of it; the valuation date is the business date of that snapshot.
  return inTransaction(
    context.db,
    async (trx) =>
      statementIn(context, trx, investorId, await businessDateIn(trx, context.clock, { lock: false })),
    { isolation: 'repeatable read', readOnly: true },
  );
}

async function statementIn(
  context: LendingContext,
  trx: Executor,
  investorId: string,
  today: PlainDate,
): Promise<InvestorStatement> {
  const notes = await sql<{
    id: string;
    loan_id: string;
    origin: string;
    acquired_on: PlainDate;
    original_principal: bigint;
    parent_note_id: string | null;
  }>`
    select id, loan_id, origin, acquired_on, original_principal, parent_note_id from loan_notes
    where holder_id = ${investorId}::uuid order by created_at`.execute(trx);
  const wallet = walletAccountId(investorId);
  const transfers = await context.ledger.accountTransfers(
    {
      accountId: wallet,
      codes: [...INVESTOR_FLOW_CODES],
      limit: 100_000,
    },
    { tx: trx },
  );
  // Each flow is dated by the business date it was booked on, never by the wall clock: days closed
  // in catch-up book months of business in minutes of wall-clock time.
  const dates = await flowDates(trx, transfers.filter(isInvestorFlow));
  const byNote = new Map<string, { principal: bigint; interest: bigint; advanced: bigint; sale: bigint }>();
  const flows: { date: PlainDate; amount: bigint }[] = [];
  const months = new Months();
  const entry = (id: string) => {
    let e = byNote.get(id);
    if (!e) {
      e = { principal: 0n, interest: 0n, advanced: 0n, sale: 0n };
      byNote.set(id, e);
    }
    return e;
  };
  for (const t of transfers) {
    // Frozen and released bids are not cash flows; posted ones are, on the day they were posted.
    if (!isInvestorFlow(t)) continue;
    const inflow = t.creditAccountId === wallet;
    const date = dates.get(t.id)!;
    if (t.code === LendingCode.bid) {
      flows.push({ date, amount: -t.amount });
      continue;
    }
    if (t.code === LendingCode.notePrice || t.code === LendingCode.noteSellerFee) {
      if (inflow) entry(t.userData!).sale += t.amount;
      flows.push({ date, amount: inflow ? t.amount : -t.amount });
      continue;
    }
    const e = entry(t.userData!);
    if (t.code === LendingCode.payoutPrincipal) {
      e.principal += t.amount;
      months.add(date, 'principalReceived', t.amount);
    }
    if (t.code === LendingCode.payoutInterest) {
      e.interest += t.amount;
      months.add(date, 'interestReceived', t.amount);
    }
    if (t.code === LendingCode.advance) {
      e.advanced += t.amount;
      months.add(date, 'advancedReceived', t.amount);
    }
    flows.push({ date, amount: t.amount });
  }
  const states = new Map<string, LoanState>();
  const statements: NoteStatement[] = [];
  const products = new Map<string, Product>();
  for (const note of notes.rows) {
    let state = states.get(note.loan_id);
    if (!state) {
      state = await loadState(context, trx, note.loan_id, false);
      states.set(note.loan_id, state);
    }
    const key = `${state.loan.productId}@${state.loan.productVersion}`;
    let product = products.get(key);
    if (!product) {
      product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
      products.set(key, product);
    }
    const holding = state.notes.find((n) => n.id === note.id)!;
    const future = shareOfFuture(state, product, note.id, months);
    const received = byNote.get(note.id) ?? { principal: 0n, interest: 0n, advanced: 0n, sale: 0n };
    statements.push({
      noteId: note.id,
      loanId: note.loan_id,
      grade: state.loan.grade,
      annualRate: state.loan.annualRate,
      loanStatus: state.loan.status,
      bucket: bucketOf(daysPastDue(state, today).dpd),
      origin: note.origin,
      acquiredOn: note.acquired_on,
      originalPrincipal: note.original_principal,
      outstandingPrincipal: holding.principal,
      principalReceived: received.principal,
      interestReceived: received.interest,
      advancedReceived: received.advanced,
      saleProceeds: received.sale,
      overdue: overdueShare(state, note.id, today),
      principalToCome: future.principal,
      interestToCome: future.interest,
      nextDue: future.next,
    });
  }
  const frozen = await sql<{
    amount: bigint;
  }>`select coalesce(sum(amount), 0)::bigint as amount from loan_bids
    where investor_id = ${investorId}::uuid and status = 'frozen'`.execute(trx);
  const sum = (pick: (n: NoteStatement) => bigint) => statements.reduce((a, n) => a + pick(n), 0n);
  const outstanding = sum((n) => n.outstandingPrincipal);
  // XIRR: money in and out by date, and what is still held valued at its principal today.
  let rate: Decimal | null = null;
  const ordered = flows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if (ordered.length > 0 && ordered[0]!.amount < 0n) {
    const all = outstanding > 0n ? [...ordered, { date: today, amount: outstanding }] : ordered;
    if (all.some((f) => f.amount > 0n) && all[all.length - 1]!.date > all[0]!.date) {
      try {
        rate = xirr(all);
      } catch {
        rate = null;
      }
    }
  }
  return {
    invested: sum((n) => n.originalPrincipal),
    outstandingPrincipal: outstanding,
    principalReceived: sum((n) => n.principalReceived),
    interestReceived: sum((n) => n.interestReceived),
    interestToCome: sum((n) => n.interestToCome),
    overdue: sum((n) => n.overdue),
    advancedReceived: sum((n) => n.advancedReceived),
    frozenInBids: frozen.rows[0]!.amount,
    xirr: rate ? rate.toFixed(6) : null,
    notes: statements,
    monthly: months.list(),
  };
}

export interface InstallmentView {
  readonly period: number;
  readonly dueDate: PlainDate;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly fee: bigint;
  readonly penalty: bigint;
  readonly paid: bigint;
  readonly outstanding: bigint;
  readonly status: 'scheduled' | 'due' | 'paid' | 'overdue' | 'partly_paid';
}

export interface LoanView {
  readonly loan: Loan;
  readonly installments: InstallmentView[];
  readonly principalOutstanding: bigint;
  readonly due: bigint;
  readonly dpd: number;
  readonly bucket: string;
  readonly nextDue: { date: PlainDate; amount: bigint } | null;
  readonly payoff: PayoffQuote | null;
}

export function scheduleView(state: LoanState, today: PlainDate): InstallmentView[] {
  return state.installments.map((i) => {
    const get = (kind: 'principal' | 'interest' | 'fee' | 'penalty' | 'late_fee') =>
      state.periods.get(periodKey(i.period, kind));
    const charged = isCharged(state, i.period);
    let paid = 0n;
    let outstanding = 0n;
    let penalty = 0n;
    for (const kind of ['principal', 'interest', 'fee', 'penalty', 'late_fee'] as const) {
      const e = get(kind);
      if (!e) continue;
      paid += e.paidHolders + e.paidReserve + e.paidPlatform;
      outstanding += outstandingOf(e);
      if (kind === 'penalty' || kind === 'late_fee') penalty += e.charged;
    }
    let status: InstallmentView['status'] = 'scheduled';
    if (charged) {
      if (outstanding === 0n) status = 'paid';
      else if (i.dueDate < today) status = 'overdue';
      else status = paid > 0n ? 'partly_paid' : 'due';
    }
    return {
      period: i.period,
      dueDate: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      fee: i.fee,
      penalty,
      paid,
      outstanding: charged ? outstanding : i.principal + i.interest + i.fee,
      status,
    };
  });
}

export async function loanView(context: LendingContext, loanId: string): Promise<LoanView> {
  // The loan and its payoff quote from one snapshot, on that snapshot's business date.
  const { state, product, today } = await inTransaction(
    context.db,
    async (trx) => {
      const today = await businessDateIn(trx, context.clock, { lock: false });
      const state = await loadState(context, trx, loanId, false);
      const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
      return { state, product, today };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
  const { dpd } = daysPastDue(state, today);
  const next = state.installments.find((i) => !isCharged(state, i.period));
  return {
    loan: state.loan,
    installments: scheduleView(state, today),
    principalOutstanding: state.principalOutstanding,
    due: amountDue(state),
    dpd,
    bucket: bucketOf(dpd),
    nextDue: next ? { date: next.dueDate, amount: next.principal + next.interest + next.fee } : null,
    payoff: state.loan.status === 'active' ? quote(state, product, today) : null,
  };
}

export async function borrowerStatement(context: LendingContext, borrowerId: string): Promise<LoanView[]> {
  // Every loan of the borrower's, listing and unfunded ones too: the borrower follows them all.
  const loans = await sql<{ id: string }>`select id from loans where borrower_id = ${borrowerId}::uuid
    order by created_at desc`.execute(context.db);
  const views: LoanView[] = [];
  for (const { id } of loans.rows) views.push(await loanView(context, id));
  return views;
}
