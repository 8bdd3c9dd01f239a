import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import { CNY, formatAmount, invalid, notFound, type PlainDate, ruleViolation } from '../kernel/index.ts';
import type { TransferInput } from '../ledger/index.ts';
import {
  CreditCode,
  type LineBalances,
  lineAccount,
  lineBalances,
  post,
  statementAccount,
  transfer,
} from './accounts.ts';
import { type CreditContext, getLine, type Line, logEvent } from './lines.ts';

/**
 * Repayment by the waterfall (docs/credit.md, "Repayment"): the oldest unsettled statement first,
 * and within a statement its penalty, fees, interest, then principal; then the line's accrued
 * interest not yet billed, then the principal of daily-interest cash draws. Principal of purchases
 * and plans not yet billed is never payable ahead of its statement. Every principal part repaid
 * gives credit back (used → available), less what an ended temporary raise still has to take off
 * the limit (reduction_due). The same waterfall serves a customer's repayment and the day-close's
 * auto-debit.
 */
const yuan = (minor: bigint) => formatAmount(minor, CNY);

/** What a repayment paid, by kind, over every statement and the line's own balances. */
export interface Allocation {
  readonly penalty: bigint;
  readonly fees: bigint;
  readonly interest: bigint;
  readonly principal: bigint;
}

export interface RepaymentResult {
  readonly lineId: string;
  readonly amount: bigint;
  readonly allocation: Allocation;
  /** The interest and principal parts again (all interest, all principal), as the first version returned them. */
  readonly interest: bigint;
  readonly principal: bigint;
  readonly businessDate: PlainDate;
  readonly balances: LineBalances;
}

/** What one statement still owes, by part (the balances of its four accounts). */
export interface StatementParts {
  readonly penalty: bigint;
  readonly fees: bigint;
  readonly interest: bigint;
  readonly principal: bigint;
}

export const partsTotal = (p: StatementParts) => p.penalty + p.fees + p.interest + p.principal;

/** The unpaid parts of these statements, from the ledger. */
export async function unpaidParts(
  context: CreditContext,
  db: Executor,
  statementIds: readonly string[],
): Promise<Map<string, StatementParts>> {
  const ids = statementIds.flatMap((id) => [
    statementAccount.penalty(id),
    statementAccount.fees(id),
    statementAccount.interest(id),
    statementAccount.principal(id),
  ]);
  const accounts = ids.length === 0 ? [] : await context.ledger.lookupAccounts(ids, { tx: db });
  const byId = new Map(accounts.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
  return new Map(
    statementIds.map((id) => [
      id,
      {
        penalty: byId.get(statementAccount.penalty(id)) ?? 0n,
        fees: byId.get(statementAccount.fees(id)) ?? 0n,
        interest: byId.get(statementAccount.interest(id)) ?? 0n,
        principal: byId.get(statementAccount.principal(id)) ?? 0n,
      },
    ]),
  );
}

/** A line's unsettled statements, oldest first, locked for update (the caller holds the line's lock). */
export async function lockOpenStatements(trx: Executor, lineId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id from credit_statements
    where line_id = ${lineId}::uuid and settled_on is null
    order by statement_date for update`.execute(trx);
  return rows.rows.map((r) => r.id);
}

/** What a wallet can pay now: posted credits less posted and pending debits. */
export async function walletAvailable(
  context: CreditContext,
  trx: Executor,
  wallet: string,
): Promise<bigint> {
  const [a] = await context.ledger.lookupAccounts([wallet], { tx: trx });
  return a ? a.creditsPosted - a.debitsPosted - a.debitsPending : 0n;
}

/**
 * The waterfall in the caller's transaction, which holds the line's row lock (`update`) and the
 * wallet's. Refuses (422) an amount above what is payable now, and a wallet that cannot pay.
 */
export async function applyRepayment(
  context: CreditContext,
  trx: Executor,
  line: Line,
  wallet: string,
  amount: bigint,
  today: PlainDate,
  via: 'customer' | 'auto_debit',
): Promise<Allocation> {
  const lineId = line.id;
  const statements = await lockOpenStatements(trx, lineId);
  const unpaid = await unpaidParts(context, trx, statements);
  const [principalAccount, interestAccount] = await context.ledger
    .lookupAccounts([lineAccount.principal(lineId), lineAccount.interest(lineId)], { tx: trx })
    .then((found) => {
      const byId = new Map(found.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
      return [byId.get(lineAccount.principal(lineId)) ?? 0n, byId.get(lineAccount.interest(lineId)) ?? 0n];
    });
  let payable = principalAccount! + interestAccount!;
  for (const parts of unpaid.values()) payable += partsTotal(parts);
  if (amount > payable)
    throw ruleViolation(
      'repayment_exceeds_debt',
      `the line owes ${yuan(payable)} now (instalments not yet billed are paid on their statements)`,
      { owed: yuan(payable) },
    );

  let left = amount;
  const take = (owed: bigint) => {
    const part = left < owed ? left : owed;
    left -= part;
    return part;
  };
  const transfers: TransferInput[] = [];
  const allocation = { penalty: 0n, fees: 0n, interest: 0n, principal: 0n };
  const settled: string[] = [];
  for (const id of statements) {
    const parts = unpaid.get(id)!;
    const penalty = take(parts.penalty);
    const fees = take(parts.fees);
    const interest = take(parts.interest);
    const principal = take(parts.principal);
    transfers.push(
      transfer(wallet, statementAccount.penalty(id), penalty, CreditCode.repayPenalty, lineId),
      transfer(wallet, statementAccount.fees(id), fees, CreditCode.repayFee, lineId),
      transfer(wallet, statementAccount.interest(id), interest, CreditCode.repayStatementInterest, lineId),
      transfer(wallet, statementAccount.principal(id), principal, CreditCode.repayStatementPrincipal, lineId),
    );
    allocation.penalty += penalty;
    allocation.fees += fees;
    allocation.interest += interest;
    allocation.principal += principal;
    if (penalty + fees + interest + principal === partsTotal(parts)) settled.push(id);
  }
  const interest = take(interestAccount!);
  const principal = take(principalAccount!);
  transfers.push(
    transfer(wallet, lineAccount.interest(lineId), interest, CreditCode.repayInterest, lineId),
    transfer(wallet, lineAccount.principal(lineId), principal, CreditCode.repayPrincipal, lineId),
  );
  allocation.interest += interest;
  allocation.principal += principal;

  // Principal repaid gives credit back, except what a temporary raise that ended in use still has
  // to take off the limit.
  const reduce = allocation.principal < line.reductionDue ? allocation.principal : line.reductionDue;
  transfers.push(
    transfer(
      lineAccount.used(lineId),
      lineAccount.available(lineId),
      allocation.principal - reduce,
      CreditCode.restoreLimit,
      lineId,
    ),
    transfer(lineAccount.used(lineId), lineAccount.limit(lineId), reduce, CreditCode.lower, lineId),
  );
  await post(context.ledger, trx, transfers);
  if (reduce > 0n)
    await sql`update credit_lines set reduction_due = reduction_due - ${reduce}, updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);
  if (settled.length > 0)
    await sql`update credit_statements set settled_on = ${today}
      where id = any(${settled}::uuid[])`.execute(trx);
  await logEvent(
    context,
    trx,
    lineId,
    {
      kind: 'repayment',
      amount,
      // Shown to the customer beside the amount: in yuan, as the amount is.
      details: {
        penalty: yuan(allocation.penalty),
        fees: yuan(allocation.fees),
        interest: yuan(allocation.interest),
        principal: yuan(allocation.principal),
        ...(via === 'auto_debit' ? { via } : {}),
      },
    },
    today,
    via === 'customer' ? { customerId: line.customerId } : undefined,
  );
  return allocation;
}

/** A customer's repayment of any amount up to what is payable now, from the wallet. */
export async function repay(
  context: CreditContext,
  customerId: string,
  lineId: string,
  amount: bigint,
): Promise<RepaymentResult> {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const line = await getLine(trx, lineId, 'update');
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    const wallet = await context.payments.walletAccount(trx, customerId, { lock: true });
    const allocation = await applyRepayment(context, trx, line, wallet, amount, today, 'customer');
    return {
      lineId,
      amount,
      allocation,
      interest: allocation.interest,
      principal: allocation.principal,
      businessDate: today,
      balances: await lineBalances(context.ledger, lineId, trx),
    };
  });
}

/**
 * Auto-debit, in the day-close of a statement's due date: for each line that opted in and has a
 * statement due on `date`, what every unsettled statement of the line still owes, or as much of it
 * as the wallet holds (never failing for want of money), through the waterfall.
 */
export async function autoDebit(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  lineIds: readonly string[],
): Promise<number> {
  let debited = 0;
  for (const lineId of lineIds) {
    const line = await getLine(trx, lineId, 'update');
    const statements = await lockOpenStatements(trx, lineId);
    let owed = 0n;
    for (const parts of (await unpaidParts(context, trx, statements)).values()) owed += partsTotal(parts);
    if (owed === 0n) continue;
    const wallet = await context.payments.walletAccount(trx, line.customerId, { lock: true });
    const available = await walletAvailable(context, trx, wallet);
    const amount = available < owed ? available : owed;
    if (amount <= 0n) continue;
    await applyRepayment(context, trx, line, wallet, amount, date, 'auto_debit');
    debited += 1;
  }
  return debited;
}
