import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction, sqlState } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  addMonths,
  CNY,
  conflict,
  Decimal,
  formatAmount,
  invalid,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { type Decision, LINE_GRAPH_NAME, type ReviewOutcome } from '../risk/index.ts';
import {
  CreditCode,
  CURRENCY,
  createLineAccounts,
  ensurePlatformAccounts,
  lineAccount,
  post,
} from './accounts.ts';
import { annualOfDaily, drawApr } from './apr.ts';
import { type CreditContext, getLine, type Line, logEvent } from './lines.ts';
import type { LineProduct } from './products.ts';

export interface LineApplication {
  readonly productId: string;
  /** The limit asked for, minor units; the product's largest when not given. */
  readonly requestedLimit?: bigint | undefined;
  readonly monthlyIncome: bigint;
  readonly monthlyDebt: bigint;
  readonly employmentYears?: number | null | undefined;
  readonly device?: string | null | undefined;
  readonly ip?: string | null | undefined;
}

export interface LineDecision {
  readonly line: Line;
  readonly decision: Pick<Decision, 'decisionId' | 'outcome' | 'grade' | 'reasons' | 'graph'>;
}

/** Limits are granted in whole hundreds of yuan. */
const LIMIT_STEP = 10_000n;

/**
 * The daily rate of a decision: the line graph prices a daily rate and gives it × 365 as the annual
 * rate (risk/line-graph.ts), so ÷ 365 gives it back; the product's cap applies, and a decision that
 * gives no rate leaves the product's default.
 */
export function dailyRateOf(decision: { readonly annualRate: string | null }, product: LineProduct): string {
  const rate = decision.annualRate
    ? new Decimal(decision.annualRate).div(365)
    : new Decimal(product.dailyRate);
  const capped = Decimal.min(rate, new Decimal(product.maxDailyRate));
  return capped.toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toString();
}

/** The limit of an offer: within the product's maximum, in whole hundreds of yuan. */
function limitOf(offered: bigint | null, product: LineProduct): bigint {
  const amount = offered ?? 0n;
  return ((amount < product.maxLimit ? amount : product.maxLimit) / LIMIT_STEP) * LIMIT_STEP;
}

/**
 * Grants a recorded line its terms and its limit in the ledger (limit → available), in the caller's
 * transaction.
 */
async function grant(
  context: CreditContext,
  trx: Executor,
  lineId: string,
  product: LineProduct,
  limit: bigint,
  dailyRate: string,
  today: PlainDate,
  details: Record<string, unknown>,
): Promise<void> {
  await sql`update credit_lines set status = 'active', granted_limit = ${limit}, daily_rate = ${dailyRate}::numeric,
      fee_table = ${JSON.stringify(product.instalmentFees)}::jsonb, review_on = ${addMonths(today, product.reviewMonths)}::date,
      opened_on = ${today}::date, updated_at = ${context.clock.now()}
    where id = ${lineId}::uuid`.execute(trx);
  await ensurePlatformAccounts(context.ledger, trx);
  await createLineAccounts(context.ledger, trx, lineId);
  await post(context.ledger, trx, [
    {
      id: `credit:${uuidv7()}`,
      debitAccountId: lineAccount.limit(lineId),
      creditAccountId: lineAccount.available(lineId),
      amount: limit,
      ledger: CURRENCY,
      code: CreditCode.grant,
      userData: lineId,
    },
  ]);
  await logEvent(context, trx, lineId, { kind: 'granted', amount: limit, details }, today);
  // The line is open: its contract is recorded with the grant.
  const lines = await sql<{
    customer_id: string;
    decision_id: string | null;
    statement_day: number | null;
    grace_days: number | null;
  }>`select customer_id, decision_id, statement_day, grace_days from credit_lines where id = ${lineId}::uuid`.execute(
    trx,
  );
  const line = lines.rows[0]!;
  await context.contracts.issued(trx, {
    kind: 'credit_line',
    lineId,
    customerId: line.customer_id,
    terms: lineTerms(line, product, limit, dailyRate, today),
    signedAt: context.clock.now(),
    businessDate: today,
    decisionId: line.decision_id,
  });
}

/** A line's terms as its contract states them (amounts in yuan, rates as decimal strings). */
function lineTerms(
  line: { statement_day: number | null; grace_days: number | null },
  product: LineProduct,
  limit: bigint,
  dailyRate: string,
  today: PlainDate,
) {
  return {
    limit: formatAmount(limit, CNY),
    currency: 'CNY',
    dailyRate,
    annualRate: annualOfDaily(dailyRate),
    apr: drawApr(dailyRate, today),
    product: `${product.id}@${product.version}`,
    openedOn: today,
    statementDay: line.statement_day,
    graceDays: line.grace_days,
    penaltyDailyRate: product.billing.penaltyDailyRate,
    installmentFees: product.instalmentFees,
    reviewOn: addMonths(today, product.reviewMonths),
  };
}

/**
 * A risk officer's verdict on a referred line, in the review's transaction: approved, the line is
 * granted the amount and rate the review settled (the rate read as the line graph gives it, daily ×
 * 365); declined, it is closed to further use with the officer's reason. A decision that is not a
 * line's is left alone.
 */
export async function closeReferral(
  context: CreditContext,
  trx: Executor,
  outcome: ReviewOutcome,
): Promise<void> {
  const rows = await sql<{ id: string; product_id: string; product_version: number }>`
    select id, product_id, product_version from credit_lines
    where decision_id = ${outcome.decisionId}::uuid and status = 'referred' for update`.execute(trx);
  const row = rows.rows[0];
  if (!row) return;
  const today = await businessDateIn(trx, context.clock);
  const product = await context.products.version(row.product_id, row.product_version, trx);
  const limit = limitOf(outcome.amount, product);
  const details = { decisionId: outcome.decisionId, grade: outcome.grade, review: true };
  if (outcome.status === 'approved' && limit >= product.minLimit) {
    await grant(context, trx, row.id, product, limit, dailyRateOf(outcome, product), today, details);
    return;
  }
  const reason =
    outcome.status === 'approved' ? 'limit_below_product_minimum' : (outcome.reason ?? 'declined on review');
  await sql`update credit_lines set status = 'declined', reasons = reasons || ${JSON.stringify([reason])}::jsonb,
      updated_at = ${context.clock.now()} where id = ${row.id}::uuid`.execute(trx);
  await logEvent(context, trx, row.id, { kind: 'declined', reason, details }, today);
}

/**
 * A verified customer applies for a line: the line graph decides; an approved line is granted its
 * limit in the ledger (limit → available) in the transaction that records it; a referred or declined
 * application is kept with the engine's reasons.
 */
export async function applyForLine(
  context: CreditContext,
  customerId: string,
  input: LineApplication,
  audit?: AuditContext,
): Promise<LineDecision> {
  const product = await context.products.current(input.productId);
  if (product.status !== 'active')
    throw ruleViolation('product_retired', 'this line product is no longer offered');
  if (input.requestedLimit !== undefined && input.requestedLimit < product.minLimit)
    throw invalid('limit_below_minimum', 'the limit asked for is below the product minimum');
  if (input.monthlyIncome < 0n || input.monthlyDebt < 0n)
    throw invalid('amount_must_not_be_negative', 'income and debt cannot be negative');
  const facts = await context.identity.kyc.identityFacts(customerId);
  if (facts.kycLevel < 1)
    throw ruleViolation('kyc_required', 'verify your identity before you apply for credit');
  const open = await sql<{ id: string }>`select id from credit_lines where customer_id = ${customerId}::uuid
    and status in ('referred', 'active', 'frozen') limit 1`.execute(context.db);
  if (open.rows[0])
    throw conflict('line_already_open', 'you already have a credit line', { lineId: open.rows[0].id });
  const asked =
    input.requestedLimit && input.requestedLimit < product.maxLimit ? input.requestedLimit : product.maxLimit;
  const decision = await context.risk.decide(
    {
      applicantId: customerId,
      product: `credit-line:${product.id}`,
      amount: asked,
      termMonths: 12,
      purpose: 'consumption',
      monthlyIncome: input.monthlyIncome,
      monthlyDebt: input.monthlyDebt,
      employmentYears: input.employmentYears ?? null,
      device: input.device ?? null,
      ip: input.ip ?? null,
    },
    { graph: LINE_GRAPH_NAME },
  );
  const lineId = uuidv7();
  const reasons = [...decision.reasons];
  let status: Line['status'] =
    decision.outcome === 'approve' ? 'active' : decision.outcome === 'refer' ? 'referred' : 'declined';
  let limit = 0n;
  if (status === 'active') {
    limit = limitOf(decision.amount, product);
    if (limit < product.minLimit) {
      status = 'declined';
      reasons.push('limit_below_product_minimum');
    }
  }
  try {
    await inTransaction(context.db, async (trx) => {
      const today = await businessDateIn(trx, context.clock);
      const now = context.clock.now();
      // Recorded first as referred: granting it is the same step as for a referral a risk officer
      // approves later.
      // The billing cycle starts at the product's defaults; the customer may choose within its bounds.
      await sql`insert into credit_lines (id, customer_id, product_id, product_version, decision_id, status, reasons, grade,
          statement_day, grace_days, created_at, updated_at)
        values (${lineId}::uuid, ${customerId}::uuid, ${product.id}, ${product.version}, ${decision.decisionId}::uuid,
          ${status === 'active' ? 'referred' : status}, ${JSON.stringify(reasons)}::jsonb, ${decision.grade},
          ${product.billing.statementDay}, ${product.billing.graceDays}, ${now}, ${now})`.execute(trx);
      const details = { decisionId: decision.decisionId, grade: decision.grade };
      // Applying is the customer's acceptance of the line's terms as offered (or, referred, of the
      // product's terms for the limit asked); a declined application offers nothing to accept.
      if (status !== 'declined')
        await context.contracts.accepted(trx, audit, {
          kind: 'credit_line',
          subjectType: 'credit_line',
          subjectId: lineId,
          userId: customerId,
          role: 'customer',
          acceptedAt: now,
          terms: {
            product: `${product.id}@${product.version}`,
            requestedLimit: formatAmount(asked, CNY),
            limit: status === 'active' ? formatAmount(limit, CNY) : null,
            currency: 'CNY',
            dailyRate: status === 'active' ? dailyRateOf(decision, product) : product.dailyRate,
            statementDay: product.billing.statementDay,
            graceDays: product.billing.graceDays,
            penaltyDailyRate: product.billing.penaltyDailyRate,
            installmentFees: product.instalmentFees,
          },
        });
      if (status === 'active')
        await grant(context, trx, lineId, product, limit, dailyRateOf(decision, product), today, details);
      else
        await logEvent(
          context,
          trx,
          lineId,
          { kind: status, reason: reasons.join(', ') || null, details },
          today,
        );
    });
  } catch (error) {
    // Two applications at once: the one-open-line index lets only one in.
    if (sqlState(error) === '23505') throw conflict('line_already_open', 'you already have a credit line');
    throw error;
  }
  return {
    line: await getLine(context.db, lineId),
    decision: {
      decisionId: decision.decisionId,
      outcome: decision.outcome,
      grade: decision.grade,
      reasons,
      graph: decision.graph,
    },
  };
}
