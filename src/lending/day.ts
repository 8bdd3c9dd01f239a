import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { addDays, Decimal, type PlainDate } from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { RESERVE_ACCOUNT } from './accounts.ts';
import { afterFull, expireListing } from './disbursement.ts';
import {
  ageingOf,
  amountDue,
  bucketOf,
  chargedPeriods,
  daysPastDue,
  type LendingContext,
  type LoanState,
  loadState,
  outstandingOf,
  periodLedger,
} from './loans.ts';
import { runAutoInvest } from './marketplace.ts';
import { availableOf, commit, markDay, newPlan, type Plan, writeAgeing } from './plan.ts';
import { closeIfRepaid, collect } from './repay.ts';
import { advanceAll, advancePeriod, writeOff } from './reserve.ts';
import { expireNoteListings } from './secondary.ts';
import { chargePenalties, chargePeriod, daysBetweenDates } from './servicing.ts';

/**
 * The lending day: for a business date, listings past their date expire (or are disbursed for what
 * they raised), instalments fall due, the borrower's wallet is debited for what is due, overdue
 * periods accrue penalty interest and the late fee, the reserve advances at the configured days past
 * due, and loans are written off. Each loan's day is one transaction, recorded in loan_days, so a
 * date run twice (or resumed after a crash) changes nothing the second time. The day-close runs the
 * same per-loan code through lending's batch steps (day-steps.ts); `netfin lending run-day` runs it
 * on its own, over every active loan.
 */
export interface DaySummary {
  readonly date: PlainDate;
  readonly listingsExpired: number;
  readonly listingsDisbursed: number;
  readonly loansProcessed: number;
  readonly installmentsCharged: number;
  readonly autoDebits: number;
  readonly collected: string;
  readonly penalties: string;
  readonly advances: number;
  readonly writeOffs: number;
  readonly repaid: number;
  readonly noteListingsWithdrawn: number;
}

export const newCounters = (): Counters => ({
  installmentsCharged: 0,
  autoDebits: 0,
  collected: 0n,
  penalties: 0n,
  advances: 0,
  writeOffs: 0,
  repaid: 0,
});

export interface Counters {
  installmentsCharged: number;
  autoDebits: number;
  collected: bigint;
  penalties: bigint;
  advances: number;
  writeOffs: number;
  repaid: number;
}

export async function lastRunDate(db: Executor): Promise<PlainDate | null> {
  const rows = await sql<{ d: PlainDate | null }>`select max(business_date) as d from lending_days`.execute(
    db,
  );
  return rows.rows[0]?.d ?? null;
}

/** Runs every date after the last one run, up to `until`, in order. Returns one summary per date. */
export async function runDays(context: LendingContext, until: PlainDate): Promise<DaySummary[]> {
  const last = await lastRunDate(context.db);
  let date: PlainDate;
  if (last) date = addDays(last, 1);
  else {
    const earliest = await sql<{
      d: PlainDate | null;
    }>`select min(start_date) as d from loans where status = 'active'`.execute(context.db);
    const first = earliest.rows[0]?.d ? addDays(earliest.rows[0].d, 1) : until;
    date = first < until ? first : until;
  }
  const summaries: DaySummary[] = [];
  for (; date <= until; date = addDays(date, 1)) summaries.push(await runDay(context, date));
  return summaries;
}

export async function runDay(context: LendingContext, date: PlainDate): Promise<DaySummary> {
  const done = await sql<{
    summary: DaySummary;
  }>`select summary from lending_days where business_date = ${date}`.execute(context.db);
  if (done.rows[0]) return done.rows[0].summary;
  const { listingsExpired, listingsDisbursed } = await settleListings(context, date);

  const counters = newCounters();
  const active = await sql<{
    id: string;
  }>`select id from loans where status = 'active' and start_date < ${date} order by id`.execute(context.db);
  for (const { id } of active.rows) await runLoanDay(context, id, date, counters);
  const withdrawn = await expireNoteListings(context, context.db, date);
  const summary: DaySummary = {
    date,
    listingsExpired,
    listingsDisbursed,
    loansProcessed: active.rows.length,
    installmentsCharged: counters.installmentsCharged,
    autoDebits: counters.autoDebits,
    collected: counters.collected.toString(),
    penalties: counters.penalties.toString(),
    advances: counters.advances,
    writeOffs: counters.writeOffs,
    repaid: counters.repaid,
    noteListingsWithdrawn: withdrawn,
  };
  await sql`insert into lending_days (business_date, finished_at, summary) values (${date}, ${context.clock.now()}, ${JSON.stringify(summary)}::jsonb)
            on conflict (business_date) do nothing`.execute(context.db);
  return summary;
}

/**
 * Listings past their date expire (or are disbursed for what they raised); auto-invest rounds and
 * disbursements a crash left half done are finished. Each listing in its own transaction.
 */
export async function settleListings(context: LendingContext, date: PlainDate) {
  let listingsExpired = 0;
  let listingsDisbursed = 0;
  const expiring = await sql<{
    id: string;
  }>`select id from loans where status = 'listing' and expires_on < ${date} order by id`.execute(context.db);
  for (const { id } of expiring.rows) {
    const result = await expireListing(context, id, date);
    if (result === 'failed') listingsExpired += 1;
    if (result === 'disbursed') listingsDisbursed += 1;
  }
  // Work a crash may have left half done: auto-invest rounds not finished, full listings not disbursed.
  const unopened = await sql<{
    id: string;
  }>`select id from loans where status = 'listing' and not manual_open`.execute(context.db);
  for (const { id } of unopened.rows) await runAutoInvest(context, id);
  const full = await sql<{ id: string }>`select id from loans where status = 'full'`.execute(context.db);
  for (const { id } of full.rows) await afterFull(context, id);

  return { listingsExpired, listingsDisbursed };
}

/** One loan's business day, in one transaction; a (loan, date) already done is skipped. */
export async function runLoanDay(
  context: LendingContext,
  loanId: string,
  date: PlainDate,
  counters: Counters,
): Promise<void> {
  await inTransaction(context.db, (trx) => loanDay(context, trx, loanId, date, counters));
}

/**
 * One loan's business day inside the caller's transaction: its own (an immediate plan, `netfin
 * lending run-day`), or a day-close chunk's, whose deferred plan writes every loan of the chunk at
 * once. A chunk has locked its loans and their borrowers' wallets and left out the loans whose date
 * is done; an immediate plan locks and checks here.
 */
export async function loanDay(
  context: LendingContext,
  trx: Executor,
  loanId: string,
  date: PlainDate,
  counters: Counters,
  preloaded?: LoanState,
  plan: Plan = newPlan(date),
): Promise<void> {
  const state = preloaded ?? (await loadState(context, trx, loanId));
  if (plan.deferred) markDay(plan, loanId, date);
  else {
    const marked = await sql`insert into loan_days (loan_id, business_date) values (${loanId}::uuid, ${date})
      on conflict do nothing returning loan_id`.execute(trx);
    if (marked.rows.length === 0) return;
  }
  if (state.loan.status !== 'active') return;
  const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
  for (const installment of state.installments) {
    if (installment.dueDate > date || chargedPeriods(state).includes(installment.period)) continue;
    await chargePeriod(context, trx, state, installment.period, installment.dueDate, plan);
    counters.installmentsCharged += 1;
  }
  await commit(context, trx, plan);
  const due = amountDue(state);
  if (due > 0n) {
    const wallet = plan.deferred
      ? walletAccountId(state.loan.borrowerId)
      : await context.payments.walletAccount(trx, state.loan.borrowerId, { lock: true });
    const available = await availableOf(context, trx, plan, wallet);
    const take = available < due ? available : due;
    const result = await collect(context, trx, state, product, take, 'auto_debit', date, plan);
    if (result) {
      counters.autoDebits += 1;
      counters.collected += result.amount;
      if (result.loanStatus === 'repaid') {
        counters.repaid += 1;
        return;
      }
    }
  }
  counters.penalties += await chargePenalties(context, trx, state, product, date, plan);
  await commit(context, trx, plan);
  for (const period of chargedPeriods(state)) {
    const installment = state.installments.find((i) => i.period === period)!;
    if (daysBetweenDates(installment.dueDate, date) < product.reserve.advanceInstallmentDays) continue;
    // Once per period, even when a short reserve could advance nothing (the shortfall is recorded).
    if (state.advancedPeriods.has(period)) continue;
    const ep = periodLedger(state, period, 'principal');
    const ei = periodLedger(state, period, 'interest');
    if (outstandingOf(ep) + outstandingOf(ei) === 0n) continue;
    await advancePeriod(context, trx, state, product, period, date, plan);
    counters.advances += 1;
  }
  const { dpd } = daysPastDue(state, date);
  if (dpd >= product.reserve.advanceAllDays) {
    if (!state.advancedPeriods.has(-1)) {
      await advanceAll(context, trx, state, product, date, plan);
      counters.advances += 1;
    }
  }
  await commit(context, trx, plan);
  if (dpd >= product.reserve.writeOffDays) {
    await writeOff(context, trx, state, date, plan);
    await commit(context, trx, plan);
    counters.writeOffs += 1;
    return;
  }
  if (await closeIfRepaid(context, trx, state, date, plan)) {
    counters.repaid += 1;
    return;
  }
  // Still active: aged from the state in memory (the lending.ageing step ages the loans not serviced).
  await writeAgeing(trx, plan, { loanId, ...ageingOf(state, date), on: date });
}

/**
 * The reserve's balance, the principal overdue on active loans, and their ratio. Only loans the
 * last ageing found overdue are summed: a loan with nothing overdue then has no principal overdue.
 */
export async function reserveStatus(context: LendingContext, on: PlainDate) {
  const account = await context.ledger.getAccount(RESERVE_ACCOUNT, { tx: context.db });
  const balance = account ? account.creditsPosted - account.debitsPosted : 0n;
  const overdue = await sql<{ charged: bigint; paid: bigint }>`
    select
      (select coalesce(sum(c.amount), 0)::bigint from loan_charges c
         join loan_installments i on i.loan_id = c.loan_id and i.period = c.period
         join loans l on l.id = c.loan_id
        where c.kind = 'principal' and i.due_date < ${on} and l.status = 'active' and l.overdue_amount > 0) as charged,
      (select coalesce(sum(a.amount), 0)::bigint from loan_allocations a
         join loan_installments i on i.loan_id = a.loan_id and i.period = a.period
         join loans l on l.id = a.loan_id
        where a.kind = 'principal' and i.due_date < ${on} and l.status = 'active' and l.overdue_amount > 0) as paid`.execute(
    context.db,
  );
  const overduePrincipal = overdue.rows[0]!.charged - overdue.rows[0]!.paid;
  const advanced = await sql<{ principal: bigint; interest: bigint; shortfall: bigint }>`
    select coalesce(sum(principal), 0)::bigint as principal, coalesce(sum(interest), 0)::bigint as interest,
           coalesce(sum(shortfall), 0)::bigint as shortfall from loan_advances`.execute(context.db);
  return {
    balance,
    overduePrincipal,
    coverage:
      overduePrincipal === 0n
        ? null
        : new Decimal(balance.toString()).div(overduePrincipal.toString()).toFixed(4),
    advancedPrincipal: advanced.rows[0]!.principal,
    advancedInterest: advanced.rows[0]!.interest,
    shortfall: advanced.rows[0]!.shortfall,
  };
}

/** The loan book by delinquency bucket on a date: loans and principal outstanding in each. */
export async function delinquencyOf(context: LendingContext, loanId: string, on: PlainDate) {
  return inTransaction(context.db, async (trx) => {
    const state = await loadState(context, trx, loanId, false);
    const { dpd, oldestDue } = daysPastDue(state, on);
    return { dpd, oldestDue, bucket: bucketOf(dpd) };
  });
}
