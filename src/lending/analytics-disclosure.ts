import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, type PlainDate } from '../kernel/index.ts';
import { noteAccountId } from './accounts.ts';
import { loanBookDay } from './analytics-book-days.ts';

/**
 * Set-based queries for analytics (docs/analytics.md): the loan book as it stood at the end of a
 * business date, recomputed from lending's own dated rows (disbursements by start_date, principal
 * paid by the repayment's business_date, write-offs and advances by theirs, charges by charged_on),
 * so that a backfilled date equals what the day-close computed that night. Nothing about any one
 * person comes out: only counts and sums.
 */
export interface LoanBookAsOf {
  /** Principal of every loan disbursed by the date. */
  readonly lentTotal: bigint;
  readonly loansTotal: number;
  /** People who had a loan disbursed by the date. */
  readonly borrowersTotal: number;
  /** Principal still owed at the end of the date: disbursed − principal repaid − principal written off. */
  readonly outstandingPrincipal: bigint;
  /** Loans with principal still owed. */
  readonly outstandingLoans: number;
  /** People with principal still owed. */
  readonly borrowersCurrent: number;
  /** The principal owed by the ten people who owe the most. */
  readonly top10Principal: bigint;
  /** Outstanding loans and their principal by bucket of days past due (lending's bucketOf) at the date. */
  readonly buckets: readonly { bucket: string; loans: number; principal: bigint }[];
  /** What the reserve advanced to investors (principal and interest) by the date. */
  readonly advancesTotal: bigint;
  /** People who held an investor note (funded a loan or bought one) by the date. */
  readonly investorsTotal: number;
}

export async function disclosureBookAsOf(db: Executor, date: PlainDate): Promise<LoanBookAsOf> {
  const day = await loanBookDay(db, date);
  const rows = await sql<{ advances: bigint; investors_total: number }>`
    select
      (select coalesce(sum(principal + interest), 0)::int8 from loan_advances where business_date <= ${date}) as advances,
      (select count(*)::int from (select holder_id from loan_notes
        where kind = 'investor' and acquired_on <= ${date} and holder_id is not null group by 1) h) as investors_total`.execute(
    db,
  );
  const byBucket = new Map<string, { bucket: string; loans: number; principal: bigint }>();
  let lent = 0n;
  let loans = 0;
  for (const c of day.cells) {
    lent += c.originated;
    loans += c.loans;
    if (c.openLoans === 0) continue;
    const b = byBucket.get(c.bucket) ?? { bucket: c.bucket, loans: 0, principal: 0n };
    byBucket.set(c.bucket, {
      bucket: c.bucket,
      loans: b.loans + c.openLoans,
      principal: b.principal + c.openPrincipal,
    });
  }
  const buckets = [...byBucket.values()];
  return {
    lentTotal: lent,
    loansTotal: loans,
    borrowersTotal: day.borrowers,
    outstandingPrincipal: buckets.reduce((sum, b) => sum + b.principal, 0n),
    outstandingLoans: buckets.reduce((sum, b) => sum + b.loans, 0),
    borrowersCurrent: day.borrowersOwing,
    top10Principal: day.top10Principal,
    buckets,
    advancesTotal: BigInt(rows.rows[0]!.advances),
    investorsTotal: rows.rows[0]!.investors_total,
  };
}

/**
 * The investors who held a note by the date, as a statement of (holder) rows, one each: the labels
 * of the ledger's countLabelsInCreditAt for the disclosure's investors holding a note at the date's
 * end (with investorNoteAccountsOf). Neither ids nor holders leave the database.
 */
export function investorNoteHolders(date: PlainDate): RawBuilder<unknown> {
  return sql`(select holder_id from loan_notes
    where kind = 'investor' and acquired_on <= ${date}::date and holder_id is not null group by 1)`;
}

/**
 * The ledger accounts (id) of a holder's investor notes acquired by the date on loans not closed by
 * it (a note sold or repaid in full holds nothing): `holder` is an SQL expression, the label of
 * investorNoteHolders' row. Found through loan_notes_holder.
 */
export function investorNoteAccountsOf(date: PlainDate, holder: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(
    select ${sql.lit(noteAccountId(''))} || n.id::text
    from loan_notes n join loans l on l.id = n.loan_id
    where n.holder_id = ${holder} and n.kind = 'investor' and n.acquired_on <= ${date}::date
      and (l.closed_on is null or l.closed_on > ${date}::date)
  )`;
}

/**
 * What borrowers' schedules ask within each horizon after the date (due in (date, date + h]), of the
 * loans disbursed by the date and not closed by it: principal + interest + fee is due to the
 * platform; principal + interest passes through to the note holders. From the schedule as it stands
 * now: a partial prepayment rewrites the periods not yet charged, and the schedule before it is not
 * kept (docs/analytics.md).
 */
export async function loanDuesAsOf(
  db: Executor,
  date: PlainDate,
  horizons: readonly number[],
): Promise<Map<number, { toPlatform: bigint; toInvestors: bigint }>> {
  // One pass over the instalments due within the longest horizon, each horizon a filtered sum.
  const sums = horizons.map(
    (
      h,
      k,
    ) => sql`coalesce(sum(i.principal + i.interest + i.fee) filter (where i.due_date <= ${date}::date + ${h}::int), 0)::int8
        as ${sql.raw(`platform_${k}`)},
      coalesce(sum(i.principal + i.interest) filter (where i.due_date <= ${date}::date + ${h}::int), 0)::int8
        as ${sql.raw(`investors_${k}`)}`,
  );
  const rows = await sql<Record<string, bigint | string>>`
    select ${sql.join(sums)}
    from loan_installments i join loans l on l.id = i.loan_id
    where l.disbursed_at is not null and l.start_date <= ${date}
      and (l.closed_on is null or l.closed_on > ${date})
      and i.due_date > ${date} and i.due_date <= ${addDays(date, Math.max(...horizons))}`.execute(db);
  const row = rows.rows[0] ?? {};
  return new Map(
    horizons.map((h, k) => [
      h,
      { toPlatform: BigInt(row[`platform_${k}`] ?? 0), toInvestors: BigInt(row[`investors_${k}`] ?? 0) },
    ]),
  );
}
