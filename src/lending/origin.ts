import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type PlainDate, ruleViolation, uuidv7 } from '../kernel/index.ts';
import type { LendingContext } from './loans.ts';
import { createListing, gradeLetter } from './marketplace.ts';
import type { RepaymentMethod } from './schedule.ts';

/**
 * Loans that originate outside the marketplace: a consumer-credit line's cash draw in instalments
 * that credit assigns to investors (docs/credit.md, "Assigning a draw to the marketplace"). The
 * customer already has the money, so the listing is an ordinary one but its disbursement pays no
 * wallet: the loan's principal receivable takes over the customer's debt from the line. Lending
 * does not know credit: credit registers the hooks below and lending calls them in its own
 * transactions (disbursement, the listing's failure, the loan's closure), as risk's review
 * listeners are called.
 */
export interface AssignedDraw {
  /** Credit's plan (the draw's instalment plan). */
  readonly planId: string;
  /** The line's risk decision, which stands for the loan (no new decision is made). */
  readonly decisionId: string | null;
  readonly borrowerId: string;
  readonly productId: string;
  readonly amount: bigint;
  readonly term: number;
  readonly method: RepaymentMethod;
  readonly annualRate: string;
  readonly grade: string;
}

export interface DrawDisbursed {
  readonly loanId: string;
  readonly planId: string;
  readonly amount: bigint;
  readonly on: PlainDate;
}

/** What credit tells lending at a disbursement: whose debt the loan takes over, who pays the reserve. */
export interface DebtTakeover {
  /** Credited with the loan's principal (the line's unbilled receivable). */
  readonly debtAccountId: string;
  /** Debited with the reserve contribution the borrower is not charged (the platform's funding). */
  readonly contributionAccountId: string;
}

export interface AssignedLoanClosed {
  readonly loanId: string;
  readonly planId: string;
  readonly status: 'repaid' | 'written_off';
  readonly on: PlainDate;
}

export interface CreditDrawHooks {
  disbursed(trx: Executor, event: DrawDisbursed): Promise<DebtTakeover>;
  failed(trx: Executor, event: { loanId: string; planId: string; on: PlainDate }): Promise<void>;
  closed(trx: Executor, event: AssignedLoanClosed): Promise<void>;
}

/** Where credit's hooks are registered (one per Lending instance). */
export class OriginRegistry {
  private current: CreditDrawHooks | null = null;

  register(hooks: CreditDrawHooks): void {
    this.current = hooks;
  }

  get hooks(): CreditDrawHooks {
    if (!this.current) throw new Error('a credit-originated loan, but no credit hooks are registered');
    return this.current;
  }
}

/** The credit plan a loan was listed for, or null for an ordinary (marketplace) loan. */
export async function creditPlanOf(db: Executor, applicationId: string): Promise<string | null> {
  const rows = await sql<{ credit_plan_id: string | null }>`select credit_plan_id from loan_applications
    where id = ${applicationId}::uuid`.execute(db);
  return rows.rows[0]?.credit_plan_id ?? null;
}

/**
 * Lists a credit plan as a loan, in the caller's (credit's) transaction: an application row that
 * records the line's decision instead of a new one, then the usual listing with no upfront fee (the
 * customer has had the money since the draw). Checked against the lending product first.
 */
export async function listAssignedDraw(
  context: LendingContext,
  trx: Executor,
  draw: AssignedDraw,
): Promise<string> {
  const product = await context.products.current(draw.productId, trx);
  if (product.status !== 'active')
    throw ruleViolation('product_retired', 'this loan product is no longer offered');
  if (draw.amount < product.minAmount || draw.amount > product.maxAmount)
    throw ruleViolation('amount_out_of_range', 'the draw is outside the loan product’s amounts', {
      min: product.minAmount.toString(),
      max: product.maxAmount.toString(),
    });
  if (product.termUnit !== 'month' || !product.terms.includes(draw.term))
    throw ruleViolation(
      'term_not_offered',
      `terms offered: ${product.terms.join(', ')} ${product.termUnit}s`,
    );
  if (!product.methods.includes(draw.method))
    throw ruleViolation('method_not_offered', `repayment methods offered: ${product.methods.join(', ')}`);
  if (!product.grades.includes(gradeLetter(draw.grade)))
    throw ruleViolation(
      'grade_not_offered_by_product',
      `the loan product does not lend to grade ${draw.grade}`,
    );
  const id = uuidv7();
  const now = context.clock.now();
  await sql`insert into loan_applications (id, borrower_id, product_id, product_version, amount, term, method, purpose,
      decision_id, status, reasons, credit_plan_id, credit_decision_id, created_at, updated_at)
    values (${id}::uuid, ${draw.borrowerId}::uuid, ${product.id}, ${product.version}, ${draw.amount}, ${draw.term},
      ${draw.method}, 'consumption', null, 'listed', '[]'::jsonb, ${draw.planId}::uuid, ${draw.decisionId}::uuid, ${now}, ${now})`.execute(
    trx,
  );
  return createListing(context, trx, id, {
    amount: draw.amount,
    annualRate: draw.annualRate,
    upfrontFeeRate: '0',
    grade: draw.grade,
  });
}

/** Tells credit that loans it originated have closed (repaid or written off), in lending's transaction. */
export async function notifyClosed(
  context: LendingContext,
  trx: Executor,
  rows: readonly { loanId: string; status: 'repaid' | 'written_off'; on: PlainDate }[],
): Promise<void> {
  if (rows.length === 0) return;
  const origins = await sql<{ id: string; credit_plan_id: string }>`
    select l.id, a.credit_plan_id from loans l join loan_applications a on a.id = l.application_id
    where l.id = any(${rows.map((r) => r.loanId)}::uuid[]) and a.credit_plan_id is not null`.execute(trx);
  for (const origin of origins.rows) {
    const row = rows.find((r) => r.loanId === origin.id)!;
    await context.origins.hooks.closed(trx, {
      loanId: row.loanId,
      planId: origin.credit_plan_id,
      status: row.status,
      on: row.on,
    });
  }
}
