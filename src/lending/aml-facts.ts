import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts for anti-money-laundering monitoring: loans paid out to borrowers' wallets (money
 * in, for the rules) and the principal borrowers still owe (for a customer's portrait). Set-based.
 */
export interface Disbursement {
  readonly userId: string;
  readonly loanId: string;
  readonly amount: bigint;
  readonly at: Date;
  readonly businessDate: PlainDate;
}

/** Loans disbursed from `from` to `to` (business dates, inclusive). */
export async function amlDisbursements(
  db: Executor,
  range: { from: PlainDate; to: PlainDate },
): Promise<Disbursement[]> {
  const rows = await sql<{
    borrower_id: string;
    id: string;
    amount: bigint;
    disbursed_at: Date;
    start_date: string;
  }>`
    select borrower_id, id, amount, disbursed_at, start_date::text from loans
    where disbursed_at is not null and start_date between ${range.from}::date and ${range.to}::date
    order by borrower_id, disbursed_at`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.borrower_id,
    loanId: r.id,
    amount: BigInt(r.amount),
    at: r.disbursed_at,
    businessDate: r.start_date as PlainDate,
  }));
}

/** Principal outstanding on each borrower's active loans: scheduled principal less principal repaid. */
export async function outstandingPrincipalOf(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, bigint>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ borrower_id: string; outstanding: bigint }>`
    select l.borrower_id,
           (coalesce(sum((select sum(principal) from loan_installments i where i.loan_id = l.id)), 0)
            - coalesce(sum((select sum(amount) from loan_allocations a where a.loan_id = l.id and a.kind = 'principal')), 0))::bigint as outstanding
    from loans l
    where l.status = 'active' and l.borrower_id = any(${[...userIds]}::uuid[])
    group by l.borrower_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.borrower_id, BigInt(r.outstanding)]));
}
