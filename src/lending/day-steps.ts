import { sql } from 'kysely';
import type { BatchStep, ChunkBounds } from '../batch/index.ts';
import { keyRange, recordSnapshots } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { loanAccount } from './accounts.ts';
import { loanDay, newCounters, reserveStatus, settleListings } from './day.ts';
import { bucketOf, type LendingContext, loadStates } from './loans.ts';
import { balances, flush, newDeferredPlan } from './plan.ts';
import { expireNoteListings } from './secondary.ts';

/**
 * The lending context's steps of the day-close. The loan book is cut into ranges of loan ids (about
 * `chunkSize` active loans each); a chunk touches only the loans that have work that day (an
 * instalment falling due, or something due and unpaid), found with one statement, and the ageing
 * of a chunk is one statement too. The servicing of one loan (charges, auto-debit, penalty, reserve
 * advance, write-off) is the same code as the lending day's, in the chunk's transaction.
 */
export const LOAN_CHUNK_SIZE = 5000;

/** Ranges of active loan ids of about `size` loans each: [from, to), the last one open-ended. */
export async function loanRanges(db: Executor, size = LOAN_CHUNK_SIZE): Promise<ChunkBounds[]> {
  const rows = await sql<{ id: string }>`
    select id from (select id, row_number() over (order by id) as n from loans where status = 'active') t
    where (n - 1) % ${size} = 0 order by id`.execute(db);
  // No active loan: one chunk still, so that steps clearing what loans left (an ageing to reset,
  // a collection case to close) run.
  if (rows.rows.length === 0) return [{ from: null, to: null }];
  return rows.rows.map((r, i) => ({
    from: i === 0 ? null : r.id,
    to: rows.rows[i + 1]?.id ?? null,
  }));
}

/** Loans in the chunk with work on `date`: an instalment due and not charged, or an amount due and unpaid. */
async function loansWithWork(trx: Executor, date: PlainDate, bounds: ChunkBounds): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select id from loans
    where status = 'active' and start_date < ${date} and ${keyRange('id', bounds)}
      and (next_due_on is null or next_due_on <= ${date} or overdue_amount > 0)
    order by id`.execute(trx);
  return rows.rows.map((r) => r.id);
}

/**
 * Ages the chunk's loans that may have changed (set-based, one statement): amount due and unpaid,
 * days past due since the oldest unpaid due date, and the next due date not yet charged. Loans that
 * are no longer active are cleared.
 */
async function age(trx: Executor, date: PlainDate, bounds: ChunkBounds): Promise<number> {
  const aged = await sql`
    with candidates as (
      select id from loans
      where status = 'active' and ${keyRange('id', bounds)} and aged_on is distinct from ${date}
        and (next_due_on is null or next_due_on <= ${date} or overdue_amount > 0 or aged_on is null)
    ),
    charged as (
      select c.loan_id, c.period, sum(c.amount) as amount
      from loan_charges c join candidates k on k.id = c.loan_id group by c.loan_id, c.period
    ),
    paid as (
      select a.loan_id, a.period, sum(a.amount) as amount
      from loan_allocations a join candidates k on k.id = a.loan_id group by a.loan_id, a.period
    ),
    owed as (
      select ch.loan_id, i.due_date, ch.amount - coalesce(p.amount, 0) as owed
      from charged ch
      join loan_installments i on i.loan_id = ch.loan_id and i.period = ch.period
      left join paid p on p.loan_id = ch.loan_id and p.period = ch.period
      where i.due_date <= ${date}
    ),
    overdue as (
      select loan_id, sum(owed) as amount, min(due_date) as oldest from owed where owed > 0 group by loan_id
    ),
    upcoming as (
      select i.loan_id, min(i.due_date) as next_due
      from loan_installments i join candidates k on k.id = i.loan_id
      where not exists (select 1 from loan_charges c where c.id = i.loan_id::text || ':' || i.period || ':principal')
      group by i.loan_id
    )
    update loans l set
      overdue_amount = coalesce(o.amount, 0),
      dpd = coalesce(${date}::date - o.oldest, 0),
      next_due_on = coalesce(u.next_due, '9999-12-31'::date),
      aged_on = ${date}
    from candidates k
    left join overdue o on o.loan_id = k.id
    left join upcoming u on u.loan_id = k.id
    where l.id = k.id`.execute(trx);
  const cleared = await sql`
    update loans set dpd = 0, overdue_amount = 0, aged_on = ${date}
    where status <> 'active' and (dpd > 0 or overdue_amount > 0) and ${keyRange('id', bounds)}`.execute(trx);
  return Number(aged.numAffectedRows ?? 0n) + Number(cleared.numAffectedRows ?? 0n);
}

export function lendingDaySteps(context: LendingContext): BatchStep[] {
  return [
    {
      name: 'lending.listings',
      owner: 'lending',
      position: 200,
      description:
        'Expire unfilled listings (or disburse what they raised); finish half-done auto-invest and disbursements',
      transactional: false,
      async run(_db, date) {
        const { listingsExpired, listingsDisbursed } = await settleListings(context, date);
        return listingsExpired + listingsDisbursed;
      },
    },
    {
      name: 'lending.servicing',
      owner: 'lending',
      position: 300,
      description:
        'Charge instalments falling due, auto-debit what is due, accrue penalty interest and late fees, reserve advances and write-offs',
      plan: (db) => loanRanges(db),
      async run(trx, date, bounds) {
        const counters = newCounters();
        const loans = await loansWithWork(trx, date, bounds);
        // Every loan's state in a few statements (locked in id order), less the loans whose date
        // already ran (through `netfin lending run-day`); then their borrowers' wallets, locked.
        const states = await loadStates(context, trx, loans);
        const done = await sql<{ loan_id: string }>`select loan_id from loan_days
          where business_date = ${date} and loan_id = any(${loans}::uuid[])`.execute(trx);
        const skip = new Set(done.rows.map((r) => r.loan_id));
        const todo = loans.filter((id) => !skip.has(id) && states.has(id));
        const wallets = await context.payments.lockWallets(
          trx,
          todo.map((id) => states.get(id)!.loan.borrowerId),
        );
        // One deferred plan for the chunk: the loans' journal rows and transfers are written together
        // at the end (plan.ts), the balances read on the way kept current in memory.
        const plan = newDeferredPlan(date);
        await balances(context, trx, plan, [...wallets.values()]);
        for (const id of todo) await loanDay(context, trx, id, date, counters, states.get(id), plan);
        await flush(context, trx, plan);
        return loans.length;
      },
    },
    {
      name: 'lending.ageing',
      owner: 'lending',
      position: 400,
      description:
        'Mark overdue loans and age them into delinquency buckets (days past due, amount due and unpaid)',
      plan: (db) => loanRanges(db),
      run: (trx, date, bounds) => age(trx, date, bounds),
    },
    {
      name: 'lending.notes',
      owner: 'lending',
      position: 450,
      description: 'Withdraw note listings past their date or on loans no longer active',
      run: (trx, date) => expireNoteListings(context, trx, date),
    },
    {
      name: 'lending.snapshot',
      owner: 'lending',
      position: 900,
      description:
        'Daily figures: loan book by bucket, outstanding principal, funded volume, reserve coverage',
      async run(trx, date) {
        // The loan book by delinquency bucket: counted by days past due here, bucketed as everywhere else.
        const byDpd = await sql<{ dpd: number; loans: number; overdue: bigint }>`
          select dpd, count(*)::int as loans, coalesce(sum(overdue_amount), 0)::int8 as overdue
          from loans where status = 'active' group by dpd`.execute(trx);
        const book = new Map<string, { loans: number; overdue: bigint; principal: bigint }>();
        for (const row of byDpd.rows) {
          const bucket = book.get(bucketOf(row.dpd)) ?? { loans: 0, overdue: 0n, principal: 0n };
          book.set(bucketOf(row.dpd), {
            ...bucket,
            loans: bucket.loans + row.loans,
            overdue: bucket.overdue + row.overdue,
          });
        }
        // Outstanding principal is each loan's principal account in the ledger (the one balance
        // there is), summed by the ledger per bucket, 50,000 loans at a time.
        let after: string | null = null;
        for (;;) {
          const page: { rows: { id: string; dpd: number }[] } = await sql<{ id: string; dpd: number }>`
            select id, dpd from loans where status = 'active' and (${after}::uuid is null or id > ${after}::uuid)
            order by id limit 50000`.execute(trx);
          if (page.rows.length === 0) break;
          after = page.rows.at(-1)!.id;
          const principal = await context.ledger.sumBalances(
            page.rows.map((loan) => ({ id: loanAccount.principal(loan.id), group: bucketOf(loan.dpd) })),
            { tx: trx },
          );
          for (const [bucket, b] of principal)
            book.get(bucket)!.principal += b.debitsPosted - b.creditsPosted;
        }
        const funded = await sql<{ loans: number; amount: bigint }>`
          select count(*)::int as loans, coalesce(sum(amount), 0)::int8 as amount from loans
          where start_date = ${date}`.execute(trx);
        const reserve = await reserveStatus({ ...context, db: trx }, date);
        const snapshots = [
          ...[...book].flatMap(([bucket, b]) => [
            { metric: 'loans.count', dimension: bucket, unit: 'count' as const, value: b.loans },
            { metric: 'loans.overdue_amount', dimension: bucket, unit: 'money' as const, value: b.overdue },
            {
              metric: 'loans.outstanding_principal',
              dimension: bucket,
              unit: 'money' as const,
              value: b.principal,
            },
          ]),
          { metric: 'loans.funded_count', unit: 'count' as const, value: funded.rows[0]!.loans },
          { metric: 'loans.funded_amount', unit: 'money' as const, value: funded.rows[0]!.amount },
          { metric: 'reserve.balance', unit: 'money' as const, value: reserve.balance },
          { metric: 'reserve.overdue_principal', unit: 'money' as const, value: reserve.overduePrincipal },
          ...(reserve.coverage === null
            ? []
            : [{ metric: 'reserve.coverage', unit: 'ratio' as const, value: reserve.coverage }]),
        ];
        return recordSnapshots(trx, date, snapshots);
      },
    },
  ];
}

/** What collections needs of an overdue loan (read through lending's public surface). */
export interface OverdueLoan {
  readonly loanId: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly dpd: number;
  readonly overdueAmount: bigint;
}

/** Loans in a chunk with something unpaid past its due date, as the ageing step left them. */
export async function overdueLoans(db: Executor, bounds: ChunkBounds): Promise<OverdueLoan[]> {
  const rows = await sql<{
    id: string;
    borrower_id: string;
    product_id: string;
    dpd: number;
    overdue_amount: bigint;
  }>`
    select id, borrower_id, product_id, dpd, overdue_amount from loans
    where status = 'active' and dpd > 0 and ${keyRange('id', bounds)} order by id`.execute(db);
  return rows.rows.map((r) => ({
    loanId: r.id,
    borrowerId: r.borrower_id,
    productId: r.product_id,
    dpd: r.dpd,
    overdueAmount: r.overdue_amount,
  }));
}

/** Instalments falling due on `due`, not yet charged: whom to remind. */
export async function dueOn(
  db: Executor,
  due: PlainDate,
): Promise<{ loanId: string; borrowerId: string; amount: bigint }[]> {
  const rows = await sql<{ loan_id: string; borrower_id: string; amount: bigint }>`
    select i.loan_id, l.borrower_id, (i.principal + i.interest + i.fee)::int8 as amount
    from loan_installments i join loans l on l.id = i.loan_id
    where i.due_date = ${due} and l.status = 'active'
      and not exists (select 1 from loan_charges c where c.id = i.loan_id::text || ':' || i.period || ':principal')`.execute(
    db,
  );
  return rows.rows.map((r) => ({ loanId: r.loan_id, borrowerId: r.borrower_id, amount: r.amount }));
}

/**
 * Repayments received on each loan from its own date up to `to` (inclusive), in the order given:
 * whether promises to pay were kept. One statement for every window.
 */
export async function repaidBetween(
  db: Executor,
  windows: readonly { loanId: string; from: PlainDate }[],
  to: PlainDate,
): Promise<bigint[]> {
  if (windows.length === 0) return [];
  const rows = await sql<{ n: number; amount: bigint }>`
    select w.n::int as n, coalesce(sum(r.amount), 0)::int8 as amount
    from unnest(${windows.map((w) => w.loanId)}::uuid[], ${windows.map((w) => w.from)}::date[]) with ordinality as w(loan_id, from_date, n)
    left join loan_repayments r on r.loan_id = w.loan_id and r.business_date between w.from_date and ${to}
    group by w.n order by w.n`.execute(db);
  return rows.rows.map((r) => r.amount);
}
