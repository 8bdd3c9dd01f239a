import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { CNY, formatAmount, invalid, notFound, type PlainDate, ruleViolation } from '../kernel/index.ts';
import { CreditCode, lineAccount, lineBalances, post, transfer } from './accounts.ts';
import { type CreditContext, getLine, type Line, logEvent } from './lines.ts';

/**
 * Line management: a freeze with its reason and the unfreeze, a temporary raise with an end date,
 * closure once nothing is owed. Each is a decision recorded in the line's history (which the
 * customer sees) and, when staff make it, in the audit log, in the transaction that makes it.
 */

function checkReason(reason: string): string {
  const text = reason.trim();
  if (text.length === 0) throw invalid('reason_required', 'say why');
  return text;
}

async function change<T>(
  context: CreditContext,
  lineId: string,
  work: (trx: Executor, line: Line, today: PlainDate) => Promise<T>,
): Promise<Line> {
  await inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    await work(trx, await getLine(trx, lineId, 'update'), today);
  });
  return getLine(context.db, lineId);
}

export function freeze(context: CreditContext, lineId: string, reason: string, audit: AuditContext) {
  const why = checkReason(reason);
  return change(context, lineId, async (trx, line, today) => {
    if (line.status !== 'active')
      throw ruleViolation('line_not_active', `this credit line is ${line.status}`);
    await sql`update credit_lines set status = 'frozen', frozen_by = 'staff', frozen_reason = ${why}, updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);
    await logEvent(context, trx, lineId, { kind: 'frozen', reason: why }, today, audit);
  });
}

export function unfreeze(context: CreditContext, lineId: string, reason: string, audit: AuditContext) {
  const why = checkReason(reason);
  return change(context, lineId, async (trx, line, today) => {
    if (line.status !== 'frozen') throw ruleViolation('line_not_frozen', 'this credit line is not frozen');
    await sql`update credit_lines set status = 'active', frozen_by = null, frozen_reason = null, updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);
    await logEvent(context, trx, lineId, { kind: 'unfrozen', reason: why }, today, audit);
  });
}

/**
 * A temporary raise: more credit until the end date (inclusive), given back to the limit by the
 * day-close of that date (endRaise). One raise at a time.
 */
export function raise(
  context: CreditContext,
  lineId: string,
  input: { amount: bigint; endsOn: PlainDate; reason: string },
  audit: AuditContext,
) {
  const why = checkReason(input.reason);
  if (input.amount <= 0n) throw invalid('amount_must_be_positive', 'the raise must be more than zero');
  return change(context, lineId, async (trx, line, today) => {
    if (line.status !== 'active')
      throw ruleViolation('line_not_active', `this credit line is ${line.status}`);
    if (input.endsOn <= today) throw invalid('end_date_not_in_future', 'a raise ends after today');
    if (line.temporaryRaise > 0n)
      throw ruleViolation('raise_already_active', 'this line already has a temporary raise');
    const product = await context.products.version(line.productId, line.productVersion, trx);
    const balances = await lineBalances(context.ledger, lineId, trx);
    if (balances.limit + input.amount > product.maxLimit * 2n)
      throw ruleViolation(
        'raise_too_large',
        `a raised limit is at most ${formatAmount(product.maxLimit * 2n, CNY)}`,
      );
    await post(context.ledger, trx, [
      transfer(
        lineAccount.limit(lineId),
        lineAccount.available(lineId),
        input.amount,
        CreditCode.grant,
        lineId,
      ),
    ]);
    await sql`update credit_lines set temporary_raise = ${input.amount}, raise_ends_on = ${input.endsOn}::date,
      updated_at = ${context.clock.now()} where id = ${lineId}::uuid`.execute(trx);
    await logEvent(
      context,
      trx,
      lineId,
      { kind: 'raised', amount: input.amount, reason: why, details: { endsOn: input.endsOn } },
      today,
      audit,
    );
  });
}

/**
 * The end of a temporary raise: the limit goes back down by the raise, out of available credit; what
 * is in use of it is taken back as principal is repaid (reduction_due), since used credit cannot be
 * taken away. Called by the day-close in its chunk's transaction.
 */
export async function endRaise(
  context: CreditContext,
  trx: Executor,
  lineId: string,
  date: PlainDate,
): Promise<void> {
  const line = await getLine(trx, lineId, 'update');
  if (line.temporaryRaise === 0n) return;
  const balances = await lineBalances(context.ledger, lineId, trx);
  const now = line.temporaryRaise < balances.available ? line.temporaryRaise : balances.available;
  await post(context.ledger, trx, [
    transfer(lineAccount.available(lineId), lineAccount.limit(lineId), now, CreditCode.lower, lineId),
  ]);
  await sql`update credit_lines set temporary_raise = 0, raise_ends_on = null,
      reduction_due = reduction_due + ${line.temporaryRaise - now}, updated_at = ${context.clock.now()}
    where id = ${lineId}::uuid`.execute(trx);
  await logEvent(
    context,
    trx,
    lineId,
    { kind: 'raise_ended', amount: line.temporaryRaise, reason: 'end date reached' },
    date,
  );
}

/**
 * Closes a line on which nothing is owed: the whole limit goes back (available → limit) and no
 * draw is possible any more. The customer closes their own line; staff may close any.
 */
export function close(
  context: CreditContext,
  lineId: string,
  by: { customerId: string } | { audit: AuditContext; reason: string },
) {
  return change(context, lineId, async (trx, line, today) => {
    if ('customerId' in by && line.customerId !== by.customerId)
      throw notFound('line_not_found', 'no such credit line');
    if (line.status !== 'active' && line.status !== 'frozen')
      throw ruleViolation('line_not_open', `this credit line is ${line.status}`);
    const balances = await lineBalances(context.ledger, lineId, trx);
    // Everything: cash draws, interest, plans not yet billed and what statements still owe.
    if (balances.total > 0n)
      throw ruleViolation('line_has_debt', 'repay everything owed before closing the line', {
        owed: formatAmount(balances.total, CNY),
      });
    await post(context.ledger, trx, [
      transfer(
        lineAccount.available(lineId),
        lineAccount.limit(lineId),
        balances.available,
        CreditCode.lower,
        lineId,
      ),
    ]);
    await sql`update credit_lines set status = 'closed', temporary_raise = 0, raise_ends_on = null, reduction_due = 0,
      updated_at = ${context.clock.now()} where id = ${lineId}::uuid`.execute(trx);
    const reason = 'audit' in by ? checkReason(by.reason) : 'closed by the customer';
    await logEvent(context, trx, lineId, { kind: 'closed', reason }, today, 'audit' in by ? by.audit : by);
  });
}
