import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { assert, type PlainDate, uuidv7 } from '../kernel/index.ts';
import type { Balances as LedgerBalances, TransferInput } from '../ledger/index.ts';
import { CURRENCY, post } from './accounts.ts';
import type { ChargeKind, LendingContext } from './loans.ts';
import { notifyClosed } from './origin.ts';

/**
 * A plan: what servicing has decided to write, the ledger transfers that move the money and the
 * journal rows that explain them.
 *
 * An immediate plan (`newPlan(on)`: a borrower's repayment, a payoff) writes each journal row at once
 * and posts its transfers when the caller commits, in the caller's transaction.
 *
 * A deferred plan (`newDeferredPlan(on)`: a day-close chunk of hundreds of loans) keeps everything until
 * `flush`, which writes each table's rows in one statement and every transfer in one ledger call. The
 * balances that servicing reads on the way (a borrower's wallet before the auto-debit, the reserve
 * before an advance, a loan's receivables before a write-off) are then the ledger's balance when
 * first read plus every transfer planned since, so they equal what an immediate plan would have read.
 * Hot accounts (the reserve, fee and penalty income) are locked by the ledger only at the flush, just
 * before the chunk commits, instead of from the first loan to the last.
 */
export interface Plan {
  /** The business date the plan books on: an investor's payouts and advances are dated by it. */
  readonly on: PlainDate;
  readonly transfers: TransferInput[];
  readonly deferred: Deferred | null;
}

/** An account's balances as servicing tracks them: the ledger's, kept current as transfers are planned. */
export type Balances = { -readonly [K in keyof LedgerBalances]: LedgerBalances[K] };

interface Deferred {
  readonly balances: Map<string, Balances>;
  readonly days: { loanId: string; date: PlainDate }[];
  readonly charges: ChargeRow[];
  readonly repayments: RepaymentRow[];
  readonly allocations: AllocationRow[];
  readonly advances: AdvanceRow[];
  readonly writeOffs: WriteOffRow[];
  readonly closed: { loanId: string; status: 'repaid' | 'written_off'; on: PlainDate }[];
  readonly fullyAdvanced: { loanId: string; value: boolean }[];
  readonly aged: AgeingRow[];
}

export interface AgeingRow {
  readonly loanId: string;
  readonly overdueAmount: bigint;
  readonly dpd: number;
  readonly nextDueOn: PlainDate;
  readonly on: PlainDate;
}

export const newPlan = (on: PlainDate): Plan => ({ on, transfers: [], deferred: null });

export const newDeferredPlan = (on: PlainDate): Plan => ({
  on,
  transfers: [],
  deferred: {
    balances: new Map(),
    days: [],
    charges: [],
    repayments: [],
    allocations: [],
    advances: [],
    writeOffs: [],
    closed: [],
    fullyAdvanced: [],
    aged: [],
  },
});

/** Transfer ids: unique, and increasing in the order they were planned. */
export function transferId(): string {
  return `l:${uuidv7()}`;
}

export function transfer(
  plan: Plan,
  debit: string,
  credit: string,
  amount: bigint,
  code: number,
  userData?: string,
): void {
  assert(amount >= 0n, 'a planned transfer must not be negative');
  if (amount === 0n) return;
  plan.transfers.push({
    id: transferId(),
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger: CURRENCY,
    code,
    ...(userData ? { userData } : {}),
  });
  const balances = plan.deferred?.balances;
  if (!balances) return;
  const d = balances.get(debit);
  if (d) d.debitsPosted += amount;
  const c = balances.get(credit);
  if (c) c.creditsPosted += amount;
}

/** Posts an immediate plan's transfers; a deferred plan keeps them for `flush`. */
export async function commit(context: LendingContext, trx: Executor, plan: Plan): Promise<void> {
  if (plan.deferred) return;
  if (plan.transfers.length > 0) await post(context.ledger, trx, plan.transfers, plan.on);
  plan.transfers.length = 0;
}

const balancesOf = (a: Balances | undefined): Balances => ({
  debitsPending: a?.debitsPending ?? 0n,
  debitsPosted: a?.debitsPosted ?? 0n,
  creditsPending: a?.creditsPending ?? 0n,
  creditsPosted: a?.creditsPosted ?? 0n,
});

/**
 * Accounts' balances as servicing must see them: with everything this plan has planned. An
 * immediate plan is committed first and the ledger read; a deferred plan reads the ledger once per
 * account and adds its own transfers.
 */
export async function balances(
  context: LendingContext,
  trx: Executor,
  plan: Plan,
  ids: readonly string[],
): Promise<Map<string, Balances>> {
  const deferred = plan.deferred;
  if (!deferred) {
    await commit(context, trx, plan);
    const found = await context.ledger.lookupBalances(ids, { tx: trx });
    return new Map(ids.map((id) => [id, balancesOf(found.get(id))]));
  }
  const missing = ids.filter((id) => !deferred.balances.has(id));
  if (missing.length > 0) {
    const found = await context.ledger.lookupBalances(missing, { tx: trx });
    const fresh = new Map(missing.map((id) => [id, balancesOf(found.get(id))]));
    for (const t of plan.transfers) {
      const d = fresh.get(t.debitAccountId ?? '');
      if (d) d.debitsPosted += t.amount;
      const c = fresh.get(t.creditAccountId ?? '');
      if (c) c.creditsPosted += t.amount;
    }
    for (const [id, b] of fresh) deferred.balances.set(id, b);
  }
  return new Map(ids.map((id) => [id, { ...deferred.balances.get(id)! }]));
}

/** What an account can still pay out: posted credits less posted and pending debits. */
export async function availableOf(
  context: LendingContext,
  trx: Executor,
  plan: Plan,
  id: string,
): Promise<bigint> {
  const b = (await balances(context, trx, plan, [id])).get(id)!;
  return b.creditsPosted - b.debitsPosted - b.debitsPending;
}

// Journal rows, written at once by an immediate plan and at the flush by a deferred one.

export interface ChargeRow {
  readonly id: string;
  readonly loanId: string;
  readonly period: number;
  readonly kind: ChargeKind;
  readonly amount: bigint;
  readonly on: PlainDate;
  readonly at: Date;
}

export interface RepaymentRow {
  readonly id: string;
  readonly loanId: string;
  readonly kind: string;
  readonly amount: bigint;
  readonly principalPrepaid: bigint;
  readonly prepaymentInterest: bigint;
  readonly prepaymentFee: bigint;
  readonly option: string | null;
  readonly businessDate: PlainDate;
  readonly at: Date;
}

export interface AllocationRow {
  readonly repaymentId: string;
  readonly loanId: string;
  readonly period: number;
  readonly kind: ChargeKind;
  readonly owner: 'investors' | 'reserve' | 'platform';
  readonly amount: bigint;
}

export interface AdvanceRow {
  readonly loanId: string;
  readonly period: number;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly shortfall: bigint;
  readonly businessDate: PlainDate;
  readonly at: Date;
}

export interface WriteOffRow {
  readonly loanId: string;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly charges: bigint;
  readonly businessDate: PlainDate;
  readonly at: Date;
}

const str = (values: bigint[]) => values.map((v) => v.toString());

async function insertCharges(trx: Executor, rows: readonly ChargeRow[]) {
  if (rows.length === 0) return;
  await sql`insert into loan_charges (id, loan_id, period, kind, amount, charged_on, created_at)
    select * from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.loanId)}::uuid[],
      ${rows.map((r) => r.period)}::int[], ${rows.map((r) => r.kind)}::text[], ${str(rows.map((r) => r.amount))}::bigint[],
      ${rows.map((r) => r.on)}::date[], ${rows.map((r) => r.at.toISOString())}::timestamptz[])`.execute(trx);
}

async function insertRepayments(trx: Executor, rows: readonly RepaymentRow[]) {
  if (rows.length === 0) return;
  await sql`insert into loan_repayments (id, loan_id, kind, amount, principal_prepaid, prepayment_interest, prepayment_fee,
      option, business_date, created_at)
    select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.loanId)}::uuid[], ${rows.map((r) => r.kind)}::text[],
      ${str(rows.map((r) => r.amount))}::bigint[], ${str(rows.map((r) => r.principalPrepaid))}::bigint[],
      ${str(rows.map((r) => r.prepaymentInterest))}::bigint[], ${str(rows.map((r) => r.prepaymentFee))}::bigint[],
      ${rows.map((r) => r.option)}::text[], ${rows.map((r) => r.businessDate)}::date[],
      ${rows.map((r) => r.at.toISOString())}::timestamptz[])`.execute(trx);
}

async function insertAllocations(trx: Executor, rows: readonly AllocationRow[]) {
  if (rows.length === 0) return;
  await sql`insert into loan_allocations (repayment_id, loan_id, period, kind, owner, amount)
    select * from unnest(${rows.map((r) => r.repaymentId)}::uuid[], ${rows.map((r) => r.loanId)}::uuid[],
      ${rows.map((r) => r.period)}::int[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.owner)}::text[],
      ${str(rows.map((r) => r.amount))}::bigint[])`.execute(trx);
}

async function insertAdvances(trx: Executor, rows: readonly AdvanceRow[]) {
  if (rows.length === 0) return;
  await sql`insert into loan_advances (loan_id, period, principal, interest, shortfall, business_date, created_at)
    select * from unnest(${rows.map((r) => r.loanId)}::uuid[], ${rows.map((r) => r.period)}::int[],
      ${str(rows.map((r) => r.principal))}::bigint[], ${str(rows.map((r) => r.interest))}::bigint[],
      ${str(rows.map((r) => r.shortfall))}::bigint[], ${rows.map((r) => r.businessDate)}::date[],
      ${rows.map((r) => r.at.toISOString())}::timestamptz[])`.execute(trx);
}

async function insertWriteOffs(trx: Executor, rows: readonly WriteOffRow[]) {
  if (rows.length === 0) return;
  await sql`insert into loan_write_offs (loan_id, principal, interest, charges, business_date, created_at)
    select * from unnest(${rows.map((r) => r.loanId)}::uuid[], ${str(rows.map((r) => r.principal))}::bigint[],
      ${str(rows.map((r) => r.interest))}::bigint[], ${str(rows.map((r) => r.charges))}::bigint[],
      ${rows.map((r) => r.businessDate)}::date[], ${rows.map((r) => r.at.toISOString())}::timestamptz[])`.execute(
    trx,
  );
}

async function closeLoans(trx: Executor, rows: Deferred['closed']) {
  if (rows.length === 0) return;
  await sql`update loans l set status = v.status, closed_on = v.closed_on
    from unnest(${rows.map((r) => r.loanId)}::uuid[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.on)}::date[])
      as v(id, status, closed_on)
    where l.id = v.id`.execute(trx);
}

async function markFullyAdvanced(trx: Executor, rows: Deferred['fullyAdvanced']) {
  if (rows.length === 0) return;
  await sql`update loans l set fully_advanced = v.value
    from unnest(${rows.map((r) => r.loanId)}::uuid[], ${rows.map((r) => r.value)}::bool[]) as v(id, value)
    where l.id = v.id`.execute(trx);
}

async function ageLoans(trx: Executor, rows: readonly AgeingRow[]) {
  if (rows.length === 0) return;
  await sql`update loans l set overdue_amount = v.overdue, dpd = v.dpd, next_due_on = v.next_due, aged_on = v.aged_on
    from unnest(${rows.map((r) => r.loanId)}::uuid[], ${str(rows.map((r) => r.overdueAmount))}::bigint[],
      ${rows.map((r) => r.dpd)}::int[], ${rows.map((r) => r.nextDueOn)}::date[], ${rows.map((r) => r.on)}::date[])
      as v(id, overdue, dpd, next_due, aged_on)
    where l.id = v.id`.execute(trx);
}

export async function writeCharges(trx: Executor, plan: Plan, rows: readonly ChargeRow[]) {
  if (plan.deferred) plan.deferred.charges.push(...rows);
  else await insertCharges(trx, rows);
}

export async function writeRepayment(trx: Executor, plan: Plan, row: RepaymentRow) {
  if (plan.deferred) plan.deferred.repayments.push(row);
  else await insertRepayments(trx, [row]);
}

export async function writeAllocations(trx: Executor, plan: Plan, rows: readonly AllocationRow[]) {
  if (plan.deferred) plan.deferred.allocations.push(...rows);
  else await insertAllocations(trx, rows);
}

export async function writeAdvance(trx: Executor, plan: Plan, row: AdvanceRow) {
  if (plan.deferred) plan.deferred.advances.push(row);
  else await insertAdvances(trx, [row]);
}

export async function writeWriteOff(trx: Executor, plan: Plan, row: WriteOffRow) {
  if (plan.deferred) plan.deferred.writeOffs.push(row);
  else await insertWriteOffs(trx, [row]);
}

export async function writeClosed(
  context: LendingContext,
  trx: Executor,
  plan: Plan,
  loanId: string,
  status: 'repaid' | 'written_off',
  on: PlainDate,
) {
  if (plan.deferred) plan.deferred.closed.push({ loanId, status, on });
  else {
    await closeLoans(trx, [{ loanId, status, on }]);
    // A loan credit originated (an assigned draw) gives the line its credit back when it closes.
    await notifyClosed(context, trx, [{ loanId, status, on }]);
  }
}

export async function writeFullyAdvanced(trx: Executor, plan: Plan, loanId: string, value: boolean) {
  if (plan.deferred) plan.deferred.fullyAdvanced.push({ loanId, value });
  else await markFullyAdvanced(trx, [{ loanId, value }]);
}

/** Records a loan's ageing (see ageingOf): at once, or at a deferred plan's flush. */
export async function writeAgeing(trx: Executor, plan: Plan, row: AgeingRow): Promise<void> {
  if (plan.deferred) plan.deferred.aged.push(row);
  else await ageLoans(trx, [row]);
}

/** Records that a loan's business date is done (a deferred plan only: an immediate one marks it first). */
export function markDay(plan: Plan, loanId: string, date: PlainDate): void {
  assert(plan.deferred, 'only a deferred plan records days at its flush');
  plan.deferred.days.push({ loanId, date });
}

/** Writes a deferred plan: each table's rows in one statement, the transfers in one ledger call. */
export async function flush(context: LendingContext, trx: Executor, plan: Plan): Promise<void> {
  const d = plan.deferred;
  assert(d, 'only a deferred plan is flushed');
  if (d.days.length > 0)
    await sql`insert into loan_days (loan_id, business_date)
      select * from unnest(${d.days.map((r) => r.loanId)}::uuid[], ${d.days.map((r) => r.date)}::date[])`.execute(
      trx,
    );
  await insertCharges(trx, d.charges);
  await insertRepayments(trx, d.repayments);
  await insertAllocations(trx, d.allocations);
  await insertAdvances(trx, d.advances);
  await insertWriteOffs(trx, d.writeOffs);
  await closeLoans(trx, d.closed);
  await notifyClosed(context, trx, d.closed);
  await markFullyAdvanced(trx, d.fullyAdvanced);
  await ageLoans(trx, d.aged);
  if (plan.transfers.length > 0) await post(context.ledger, trx, plan.transfers, plan.on);
  plan.transfers.length = 0;
  for (const rows of [
    d.days,
    d.charges,
    d.repayments,
    d.allocations,
    d.advances,
    d.writeOffs,
    d.closed,
    d.aged,
  ])
    rows.length = 0;
  d.fullyAdvanced.length = 0;
  d.balances.clear();
}
