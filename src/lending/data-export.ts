import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * What a user's data export reads from lending: as a borrower, their applications, loans (with
 * their contracts' numbers and digests) and repayments; as an investor, their bids and notes.
 * Amounts in minor units (the exporter writes them as yuan). Read-only.
 */
export async function lendingForExport(db: Executor, userId: string) {
  const [applications, loans, repayments, bids, notes] = await Promise.all([
    sql<Record<string, unknown>>`
      select id, product_id as "productId", amount, term, method, purpose, status, reasons, loan_id as "loanId",
             decision_id as "decisionId", created_at as "createdAt"
      from loan_applications where borrower_id = ${userId}::uuid order by created_at, id`.execute(db),
    sql<Record<string, unknown>>`
      select l.id, l.product_id as "productId", l.amount, l.annual_rate::text as "annualRate", l.term, l.term_unit as "termUnit",
             l.method, l.grade, l.purpose, l.status, l.start_date::text as "startDate", l.closed_on::text as "closedOn",
             l.created_at as "createdAt", c.number as "contractNumber", c.digest as "contractDigest",
             c.digest_algorithm as "contractDigestAlgorithm", c.signed_at as "contractSignedAt"
      from loans l left join loan_contracts c on c.loan_id = l.id
      where l.borrower_id = ${userId}::uuid order by l.created_at, l.id`.execute(db),
    sql<Record<string, unknown>>`
      select r.id, r.loan_id as "loanId", r.kind, r.amount, r.principal_prepaid as "principalPrepaid",
             r.prepayment_interest as "prepaymentInterest", r.prepayment_fee as "prepaymentFee",
             r.business_date::text as "businessDate", r.created_at as "createdAt"
      from loan_repayments r join loans l on l.id = r.loan_id
      where l.borrower_id = ${userId}::uuid order by r.created_at, r.id`.execute(db),
    sql<Record<string, unknown>>`
      select id, loan_id as "loanId", requested, amount, source, status, created_at as "createdAt"
      from loan_bids where investor_id = ${userId}::uuid order by created_at, id`.execute(db),
    sql<Record<string, unknown>>`
      select id, loan_id as "loanId", origin, original_principal as "originalPrincipal",
             acquired_on::text as "acquiredOn", created_at as "createdAt"
      from loan_notes where holder_id = ${userId}::uuid order by created_at, id`.execute(db),
  ]);
  return {
    applications: applications.rows,
    loans: loans.rows,
    repayments: repayments.rows,
    bids: bids.rows,
    notes: notes.rows,
  };
}

/**
 * What still binds a customer to the marketplace: loans they owe on (listed, funded or running) and
 * notes they hold on loans still running. An account with either is not closed.
 */
export async function openPositionsOf(
  db: Executor,
  userId: string,
): Promise<{ loans: number; notes: number }> {
  const rows = await sql<{ loans: bigint; notes: bigint }>`
    select (select count(*) from loans where borrower_id = ${userId}::uuid and status in ('listing', 'full', 'active')) as loans,
           (select count(*) from loan_notes n join loans l on l.id = n.loan_id
             where n.holder_id = ${userId}::uuid and l.status in ('listing', 'full', 'active')) as notes`.execute(
    db,
  );
  return { loans: Number(rows.rows[0]!.loans), notes: Number(rows.rows[0]!.notes) };
}
