import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import { type Clock, daysBetween, notFound, type PlainDate } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import { loanAccount, noteAccountId } from './accounts.ts';
import type { ContractHookRegistry } from './contract-hooks.ts';
import type { OriginRegistry } from './origin.ts';
import type { ProductStore } from './products.ts';
import type { RepaymentMethod } from './schedule.ts';

/** What every lending operation shares. */
export interface LendingContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly products: ProductStore;
  /** The hooks of loans that originate outside the marketplace (credit's assigned draws). */
  readonly origins: OriginRegistry;
  /** The contracts register's hooks on deals and acceptances (contract-hooks.ts). */
  readonly contracts: ContractHookRegistry;
}

export type LoanStatus = 'listing' | 'full' | 'failed' | 'active' | 'repaid' | 'written_off';

export interface Loan {
  readonly id: string;
  readonly applicationId: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly productVersion: number;
  readonly amount: bigint;
  readonly annualRate: string;
  readonly upfrontFeeRate: string;
  readonly term: number;
  readonly termUnit: 'month' | 'day';
  readonly method: RepaymentMethod;
  readonly grade: string;
  readonly riskLevel: number;
  readonly purpose: string;
  readonly borrowerSummary: Record<string, unknown>;
  readonly status: LoanStatus;
  readonly manualOpen: boolean;
  readonly listedAt: Date;
  readonly expiresOn: PlainDate;
  readonly fullAt: Date | null;
  readonly disbursedAt: Date | null;
  readonly startDate: PlainDate | null;
  readonly closedOn: PlainDate | null;
  readonly createdAt: Date;
}

interface LoanRow {
  id: string;
  application_id: string;
  borrower_id: string;
  product_id: string;
  product_version: number;
  amount: bigint;
  annual_rate: string;
  upfront_fee_rate: string;
  term: number;
  term_unit: 'month' | 'day';
  method: RepaymentMethod;
  grade: string;
  risk_level: number;
  purpose: string;
  borrower_summary: Record<string, unknown>;
  status: LoanStatus;
  manual_open: boolean;
  listed_at: Date;
  expires_on: PlainDate;
  full_at: Date | null;
  disbursed_at: Date | null;
  start_date: PlainDate | null;
  closed_on: PlainDate | null;
  created_at: Date;
}

const toLoan = (r: LoanRow): Loan => ({
  id: r.id,
  applicationId: r.application_id,
  borrowerId: r.borrower_id,
  productId: r.product_id,
  productVersion: r.product_version,
  amount: r.amount,
  annualRate: r.annual_rate,
  upfrontFeeRate: r.upfront_fee_rate,
  term: r.term,
  termUnit: r.term_unit,
  method: r.method,
  grade: r.grade,
  riskLevel: r.risk_level,
  purpose: r.purpose,
  borrowerSummary: r.borrower_summary,
  status: r.status,
  manualOpen: r.manual_open,
  listedAt: r.listed_at,
  expiresOn: r.expires_on,
  fullAt: r.full_at,
  disbursedAt: r.disbursed_at,
  startDate: r.start_date,
  closedOn: r.closed_on,
  createdAt: r.created_at,
});

export async function findLoan(db: Executor, id: string, lock = false): Promise<Loan | undefined> {
  const rows =
    await sql<LoanRow>`select * from loans where id = ${id}::uuid ${lock ? sql`for update` : sql``}`.execute(
      db,
    );
  return rows.rows[0] ? toLoan(rows.rows[0]) : undefined;
}

export async function getLoan(db: Executor, id: string, lock = false): Promise<Loan> {
  const loan = await findLoan(db, id, lock);
  if (!loan) throw notFound('loan_not_found', 'no such loan');
  return loan;
}

export async function listLoans(
  db: Executor,
  filter: { status?: LoanStatus[]; borrowerId?: string; limit: number; before?: string },
): Promise<Loan[]> {
  const rows = await sql<LoanRow>`select * from loans where true
    ${filter.status ? sql`and status = any(${filter.status}::text[])` : sql``}
    ${filter.borrowerId ? sql`and borrower_id = ${filter.borrowerId}::uuid` : sql``}
    ${filter.before ? sql`and id < ${filter.before}::uuid` : sql``}
    order by id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toLoan);
}

/** The kinds a charge (and a payment against it) can be. */
export type ChargeKind = 'principal' | 'interest' | 'fee' | 'penalty' | 'late_fee';

export interface InstallmentRow {
  readonly period: number;
  readonly dueDate: PlainDate;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly fee: bigint;
}

export interface NoteHolding {
  readonly id: string;
  readonly holderId: string | null;
  readonly kind: 'investor' | 'reserve';
  readonly principal: bigint;
  readonly acquiredOn: PlainDate;
}

/** Per period and kind: what was charged, paid to holders, and advanced by and repaid to the reserve. */
export interface PeriodLedger {
  charged: bigint;
  paidHolders: bigint;
  paidReserve: bigint;
  paidPlatform: bigint;
  advanced: bigint;
}

/**
 * A loan as servicing sees it: the row (locked), its schedule, its notes with their principal from
 * the ledger, and per period and kind the sums of the charge, allocation and advance journals.
 */
export interface LoanState {
  readonly loan: Loan;
  readonly installments: InstallmentRow[];
  readonly notes: NoteHolding[];
  readonly periods: Map<string, PeriodLedger>;
  /** Periods the reserve has dealt with (a loan_advances row, even one that advanced nothing); -1: the full advance. */
  readonly advancedPeriods: Set<number>;
  /** Principal outstanding on the ledger (account loan:<id>:principal). */
  readonly principalOutstanding: bigint;
}

export const periodKey = (period: number, kind: ChargeKind) => `${period}:${kind}`;

export function periodLedger(state: LoanState, period: number, kind: ChargeKind): PeriodLedger {
  const key = periodKey(period, kind);
  let entry = state.periods.get(key);
  if (!entry) {
    entry = { charged: 0n, paidHolders: 0n, paidReserve: 0n, paidPlatform: 0n, advanced: 0n };
    state.periods.set(key, entry);
  }
  return entry;
}

export const outstandingOf = (e: PeriodLedger) => e.charged - e.paidHolders - e.paidReserve - e.paidPlatform;

export async function loadInstallments(db: Executor, loanId: string): Promise<InstallmentRow[]> {
  const rows = await sql<{
    period: number;
    due_date: PlainDate;
    principal: bigint;
    interest: bigint;
    fee: bigint;
  }>`
    select period, due_date, principal, interest, fee from loan_installments where loan_id = ${loanId}::uuid order by period`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    period: r.period,
    dueDate: r.due_date,
    principal: r.principal,
    interest: r.interest,
    fee: r.fee,
  }));
}

export async function loadNotes(ledger: Ledger, db: Executor, loanId: string): Promise<NoteHolding[]> {
  const rows = await sql<{
    id: string;
    holder_id: string | null;
    kind: 'investor' | 'reserve';
    acquired_on: PlainDate;
  }>`
    select id, holder_id, kind, acquired_on from loan_notes where loan_id = ${loanId}::uuid order by id`.execute(
    db,
  );
  const balances = await ledger.lookupBalances(
    rows.rows.map((r) => noteAccountId(r.id)),
    { tx: db },
  );
  return rows.rows.map((r) => {
    const b = balances.get(noteAccountId(r.id));
    return {
      id: r.id,
      holderId: r.holder_id,
      kind: r.kind,
      principal: b ? b.creditsPosted - b.debitsPosted : 0n,
      acquiredOn: r.acquired_on,
    };
  });
}

export async function loadState(
  context: LendingContext,
  trx: Executor,
  loanId: string,
  lock = true,
): Promise<LoanState> {
  const loan = await getLoan(trx, loanId, lock);
  const [installments, notes, charges, allocations, advances, principal] = await Promise.all([
    loadInstallments(trx, loanId),
    loadNotes(context.ledger, trx, loanId),
    sql<{ period: number; kind: ChargeKind; amount: bigint }>`
      select period, kind, sum(amount)::bigint as amount from loan_charges where loan_id = ${loanId}::uuid group by period, kind`.execute(
      trx,
    ),
    sql<{ period: number; kind: ChargeKind; owner: 'investors' | 'reserve' | 'platform'; amount: bigint }>`
      select period, kind, owner, sum(amount)::bigint as amount from loan_allocations where loan_id = ${loanId}::uuid group by period, kind, owner`.execute(
      trx,
    ),
    sql<{ period: number; principal: bigint; interest: bigint }>`
      select period, principal, interest from loan_advances where loan_id = ${loanId}::uuid`.execute(trx),
    context.ledger.getAccount(loanAccount.principal(loanId), { tx: trx }),
  ]);
  const state: LoanState = {
    loan,
    installments,
    notes,
    periods: new Map(),
    advancedPeriods: new Set(advances.rows.map((a) => a.period)),
    principalOutstanding: principal ? principal.debitsPosted - principal.creditsPosted : 0n,
  };
  for (const c of charges.rows) periodLedger(state, c.period, c.kind).charged += c.amount;
  for (const a of allocations.rows) {
    const entry = periodLedger(state, a.period, a.kind);
    if (a.owner === 'investors') entry.paidHolders += a.amount;
    else if (a.owner === 'reserve') entry.paidReserve += a.amount;
    else entry.paidPlatform += a.amount;
  }
  for (const a of advances.rows) {
    if (a.period < 1) continue; // -1: the full advance's purchase of principal not yet due
    periodLedger(state, a.period, 'principal').advanced += a.principal;
    periodLedger(state, a.period, 'interest').advanced += a.interest;
  }
  return state;
}

/**
 * The states of many loans at once, each exactly as loadState would load it, in a handful of
 * statements whatever their number (the day-close's servicing of a chunk of loans). The loans are
 * locked in id order.
 */
export async function loadStates(
  context: LendingContext,
  trx: Executor,
  loanIds: readonly string[],
): Promise<Map<string, LoanState>> {
  const states = new Map<string, LoanState>();
  if (loanIds.length === 0) return states;
  const ids = [...loanIds];
  const loans =
    await sql<LoanRow>`select * from loans where id = any(${ids}::uuid[]) order by id for update`.execute(
      trx,
    );
  const [installments, notes, charges, allocations, advances] = await Promise.all([
    sql<{
      loan_id: string;
      period: number;
      due_date: PlainDate;
      principal: bigint;
      interest: bigint;
      fee: bigint;
    }>`
      select loan_id, period, due_date, principal, interest, fee from loan_installments
      where loan_id = any(${ids}::uuid[]) order by loan_id, period`.execute(trx),
    sql<{
      loan_id: string;
      id: string;
      holder_id: string | null;
      kind: 'investor' | 'reserve';
      acquired_on: PlainDate;
    }>`
      select loan_id, id, holder_id, kind, acquired_on from loan_notes where loan_id = any(${ids}::uuid[]) order by loan_id, id`.execute(
      trx,
    ),
    sql<{ loan_id: string; period: number; kind: ChargeKind; amount: bigint }>`
      select loan_id, period, kind, sum(amount)::bigint as amount from loan_charges
      where loan_id = any(${ids}::uuid[]) group by loan_id, period, kind`.execute(trx),
    sql<{
      loan_id: string;
      period: number;
      kind: ChargeKind;
      owner: 'investors' | 'reserve' | 'platform';
      amount: bigint;
    }>`
      select loan_id, period, kind, owner, sum(amount)::bigint as amount from loan_allocations
      where loan_id = any(${ids}::uuid[]) group by loan_id, period, kind, owner`.execute(trx),
    sql<{ loan_id: string; period: number; principal: bigint; interest: bigint }>`
      select loan_id, period, principal, interest from loan_advances where loan_id = any(${ids}::uuid[])`.execute(
      trx,
    ),
  ]);
  const account = await context.ledger.lookupBalances(
    [...notes.rows.map((n) => noteAccountId(n.id)), ...ids.map((id) => loanAccount.principal(id))],
    { tx: trx },
  );
  for (const row of loans.rows) {
    const principal = account.get(loanAccount.principal(row.id));
    states.set(row.id, {
      loan: toLoan(row),
      installments: [],
      notes: [],
      periods: new Map(),
      advancedPeriods: new Set(),
      principalOutstanding: principal ? principal.debitsPosted - principal.creditsPosted : 0n,
    });
  }
  for (const i of installments.rows)
    states.get(i.loan_id)?.installments.push({
      period: i.period,
      dueDate: i.due_date,
      principal: i.principal,
      interest: i.interest,
      fee: i.fee,
    });
  for (const n of notes.rows) {
    const a = account.get(noteAccountId(n.id));
    states.get(n.loan_id)?.notes.push({
      id: n.id,
      holderId: n.holder_id,
      kind: n.kind,
      principal: a ? a.creditsPosted - a.debitsPosted : 0n,
      acquiredOn: n.acquired_on,
    });
  }
  for (const c of charges.rows) {
    const state = states.get(c.loan_id);
    if (state) periodLedger(state, c.period, c.kind).charged += c.amount;
  }
  for (const a of allocations.rows) {
    const state = states.get(a.loan_id);
    if (!state) continue;
    const entry = periodLedger(state, a.period, a.kind);
    if (a.owner === 'investors') entry.paidHolders += a.amount;
    else if (a.owner === 'reserve') entry.paidReserve += a.amount;
    else entry.paidPlatform += a.amount;
  }
  for (const a of advances.rows) {
    const state = states.get(a.loan_id);
    if (!state) continue;
    state.advancedPeriods.add(a.period);
    if (a.period < 1) continue;
    periodLedger(state, a.period, 'principal').advanced += a.principal;
    periodLedger(state, a.period, 'interest').advanced += a.interest;
  }
  return states;
}

/** Periods that have been charged (fallen due, or been paid early), in order. */
export function chargedPeriods(state: LoanState): number[] {
  return state.installments.filter((i) => isCharged(state, i.period)).map((i) => i.period);
}

/** A charged period always has a principal charge row (of zero for an interest-only period). */
export function isCharged(state: LoanState, period: number): boolean {
  return state.periods.has(periodKey(period, 'principal'));
}

/** What the borrower owes now on charged periods, by kind. */
export function amountDue(state: LoanState): bigint {
  let total = 0n;
  for (const entry of state.periods.values()) total += outstandingOf(entry);
  return total;
}

/**
 * The loan's ageing on `date`, exactly as the lending.ageing step computes it in SQL (day-steps.ts):
 * the amount charged and unpaid on periods due by then, the days past due since the oldest of those
 * periods, and the next due date not yet charged. The day-close's servicing ages the loans it has in
 * memory with this, and the step ages the rest.
 */
export function ageingOf(
  state: LoanState,
  date: PlainDate,
): { overdueAmount: bigint; dpd: number; nextDueOn: PlainDate } {
  let overdueAmount = 0n;
  let oldest: PlainDate | null = null;
  let nextDueOn = '9999-12-31' as PlainDate;
  for (const installment of state.installments) {
    if (!isCharged(state, installment.period)) {
      if (installment.dueDate < nextDueOn) nextDueOn = installment.dueDate;
      continue;
    }
    if (installment.dueDate > date) continue;
    let owed = 0n;
    for (const kind of CHARGE_KINDS) {
      const entry = state.periods.get(periodKey(installment.period, kind));
      if (entry) owed += outstandingOf(entry);
    }
    if (owed <= 0n) continue;
    overdueAmount += owed;
    if (oldest === null || installment.dueDate < oldest) oldest = installment.dueDate;
  }
  return { overdueAmount, dpd: oldest === null ? 0 : daysBetween(oldest, date), nextDueOn };
}

const CHARGE_KINDS = ['principal', 'interest', 'fee', 'penalty', 'late_fee'] as const;

/** Days past due: from the oldest due date with something unpaid to `date` (0 if nothing is overdue). */
export function daysPastDue(state: LoanState, date: PlainDate): { dpd: number; oldestDue: PlainDate | null } {
  let oldest: PlainDate | null = null;
  for (const installment of state.installments) {
    if (installment.dueDate >= date) continue;
    let owed = 0n;
    for (const kind of ['principal', 'interest', 'fee', 'penalty', 'late_fee'] as const) {
      const entry = state.periods.get(periodKey(installment.period, kind));
      if (entry) owed += outstandingOf(entry);
    }
    if (owed > 0n) {
      oldest = installment.dueDate;
      break;
    }
  }
  if (!oldest) return { dpd: 0, oldestDue: null };
  return { dpd: daysBetween(oldest, date), oldestDue: oldest };
}

export function bucketOf(dpd: number): 'current' | 'M1' | 'M2' | 'M3' | 'M3+' {
  if (dpd <= 0) return 'current';
  if (dpd <= 30) return 'M1';
  if (dpd <= 60) return 'M2';
  if (dpd <= 90) return 'M3';
  return 'M3+';
}
