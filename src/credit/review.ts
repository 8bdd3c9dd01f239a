import { sql } from 'kysely';
import { type ChunkBounds, keyRange } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import {
  addMonths,
  applyRate,
  CNY,
  Decimal,
  daysBetween,
  formatAmount,
  type PlainDate,
  uuidv7,
} from '../kernel/index.ts';
import { CreditCode, CURRENCY, lineAccount, lineBalances, post } from './accounts.ts';
import { type CreditContext, getLine, logEvent } from './lines.ts';

/**
 * The periodic review (docs/credit.md, "The periodic review"), the close's step credit.review (370):
 * every active or frozen line whose review date has come is judged on its behaviour since the last
 * review, as the delinquency step recorded it (the worst days past due, the most credit used):
 * - delinquent more than 30 days at worst → frozen (frozen_by 'review': curing does not lift it);
 * - delinquent at all → the limit lowered to the larger of what is used and 80% of it, in whole
 *   hundreds of yuan (down), out of available credit only;
 * - never delinquent, active, and at least half the limit used at some close → raised by 20%, in
 *   whole hundreds of yuan (down), within the product's largest limit;
 * - otherwise kept.
 * The limit here is the permanent one (without a temporary raise or what an ended raise still has to
 * take back); the change is a memo posting as manage.ts's, granted_limit follows it. The decision and
 * its reason are a 'reviewed' event the customer sees; the next review date is the product's review
 * period ahead, which also makes the step idempotent.
 */
export const REVIEW = {
  freezeAboveDpd: 30,
  lowerTo: '0.8',
  raiseBy: '1.2',
  raiseFromUtilisation: '0.5',
  /** Limits move in whole hundreds of yuan. */
  step: 10_000n,
} as const;

export type ReviewDecision = 'raise' | 'lower' | 'freeze' | 'keep';

const hundreds = (minor: bigint) => (minor / REVIEW.step) * REVIEW.step;

function memo(debit: string, credit: string, amount: bigint, code: number, lineId: string) {
  return {
    id: `credit:${uuidv7()}`,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger: CURRENCY,
    code,
    userData: lineId,
  };
}

export async function reviewLine(
  context: CreditContext,
  trx: Executor,
  lineId: string,
  date: PlainDate,
): Promise<ReviewDecision | null> {
  const line = await getLine(trx, lineId, 'update');
  if (line.status !== 'active' && line.status !== 'frozen') return null;
  if (line.reviewOn !== null && line.reviewOn > date) return null;
  const behaviour = await sql<{
    worst_dpd: number;
    peak_used: bigint;
    overdue_since: PlainDate | null;
    frozen_by: string | null;
  }>`select worst_dpd, peak_used, overdue_since::text as overdue_since, frozen_by from credit_lines
     where id = ${lineId}::uuid`.execute(trx);
  const b = behaviour.rows[0]!;
  const product = await context.products.version(line.productId, line.productVersion, trx);
  const balances = await lineBalances(context.ledger, lineId, trx);
  const dpdNow = b.overdue_since === null ? 0 : Math.max(0, daysBetween(b.overdue_since, date));
  const worst = Math.max(b.worst_dpd, dpdNow);
  const peak = b.peak_used > balances.used ? b.peak_used : balances.used;
  const base = balances.limit - line.temporaryRaise - line.reductionDue;
  const utilisation = base > 0n ? new Decimal(peak.toString()).div(base.toString()) : new Decimal(0);
  let decision: ReviewDecision = 'keep';
  let target = base;
  let reason: string;
  const now = context.clock.now();
  if (worst > REVIEW.freezeAboveDpd) {
    decision = 'freeze';
    reason = `payments were up to ${worst} days late since the last review: the line is frozen`;
    if (line.status === 'active')
      await sql`update credit_lines set status = 'frozen', frozen_by = 'review', frozen_reason = ${reason},
        updated_at = ${now} where id = ${lineId}::uuid`.execute(trx);
    else if (b.frozen_by === 'delinquency')
      // Frozen for the delinquency already: now by the review, so that curing it does not lift it.
      await sql`update credit_lines set frozen_by = 'review', frozen_reason = ${reason}, updated_at = ${now}
        where id = ${lineId}::uuid`.execute(trx);
  } else if (worst > 0) {
    const lowered = hundreds(applyRate(base, new Decimal(REVIEW.lowerTo), 'down'));
    const floor = balances.used < base ? balances.used : base;
    target = lowered > floor ? lowered : floor;
    if (target < base) {
      decision = 'lower';
      reason = `a payment was up to ${worst} days late since the last review: the limit is lowered`;
    } else reason = `a payment was up to ${worst} days late, but all of the limit is in use: kept`;
  } else if (
    line.status === 'active' &&
    utilisation.greaterThanOrEqualTo(REVIEW.raiseFromUtilisation) &&
    base < product.maxLimit
  ) {
    const raised = hundreds(applyRate(base, new Decimal(REVIEW.raiseBy), 'down'));
    target = raised < product.maxLimit ? raised : product.maxLimit;
    if (target > base) {
      decision = 'raise';
      reason = 'paid on time and used well since the last review: the limit is raised';
    } else reason = 'paid on time since the last review: kept';
  } else
    reason =
      line.status !== 'active'
        ? 'the line is frozen: kept'
        : base >= product.maxLimit
          ? "paid on time, at the product's largest limit: kept"
          : 'paid on time since the last review: kept';
  if (target < base)
    await post(context.ledger, trx, [
      memo(lineAccount.available(lineId), lineAccount.limit(lineId), base - target, CreditCode.lower, lineId),
    ]);
  else if (target > base)
    await post(context.ledger, trx, [
      memo(lineAccount.limit(lineId), lineAccount.available(lineId), target - base, CreditCode.grant, lineId),
    ]);
  const nextReview = addMonths(date, product.reviewMonths);
  await sql`update credit_lines set granted_limit = ${target}, review_on = ${nextReview}::date,
      worst_dpd = ${dpdNow}, peak_used = ${balances.used}, updated_at = ${now}
    where id = ${lineId}::uuid`.execute(trx);
  await logEvent(
    context,
    trx,
    lineId,
    {
      kind: 'reviewed',
      amount: target,
      reason,
      details: {
        decision,
        from: formatAmount(base, CNY),
        to: formatAmount(target, CNY),
        worstDpd: worst,
        utilisation: utilisation.toFixed(4),
        nextReviewOn: nextReview,
      },
    },
    date,
  );
  return decision;
}

/** The close's review step, a chunk of lines: every line due for review, judged and moved on to its next date. */
export async function reviewLines(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds = { from: null, to: null },
): Promise<number> {
  const due = await sql<{ id: string }>`select id from credit_lines
    where status in ('active', 'frozen') and review_on <= ${date} and ${keyRange('id', bounds)} order by id`.execute(
    trx,
  );
  let reviewed = 0;
  for (const { id } of due.rows) if ((await reviewLine(context, trx, id, date)) !== null) reviewed += 1;
  return reviewed;
}
