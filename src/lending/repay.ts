import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  applyRate,
  CNY,
  conflict,
  Decimal,
  formatAmount,
  invalid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { CURRENCY, LendingCode, post, RESERVE_ACCOUNT } from './accounts.ts';
import {
  amountDue,
  chargedPeriods,
  isCharged,
  type LendingContext,
  type LoanState,
  loadState,
} from './loans.ts';
import { balances, commit, newPlan, type Plan, transfer, transferId, writeClosed } from './plan.ts';
import type { Product } from './products.ts';
import { buildSchedule, interestBetween } from './schedule.ts';
import {
  chargePeriod,
  insertRepayment,
  interestStart,
  prepayPrincipal,
  settle,
  unchargedPrincipal,
  waterfall,
} from './servicing.ts';

/**
 * What a borrower does with their loan: pay what is due (all or part), pay the next instalment early,
 * prepay part of the principal (shortening the term or lowering the instalment), or pay it off. All
 * from the wallet, in one transaction with the loan locked.
 */
export interface RepaymentResult {
  readonly repaymentId: string;
  readonly amount: bigint;
  readonly allocated: { period: number; kind: string; amount: bigint }[];
  readonly loanStatus: string;
}

async function walletAvailable(context: LendingContext, trx: Executor, userId: string): Promise<bigint> {
  // The wallet row locked as payments' own debits lock it (one statement once the wallet exists).
  const wallet = (await context.payments.lockWallets(trx, [userId])).get(userId)!;
  const account = await context.ledger.getAccount(wallet, { tx: trx });
  return account ? account.creditsPosted - account.debitsPosted - account.debitsPending : 0n;
}

async function loadOwned(context: LendingContext, trx: Executor, borrowerId: string | null, loanId: string) {
  const state = await loadState(context, trx, loanId);
  if (borrowerId !== null && state.loan.borrowerId !== borrowerId)
    throw notFound('loan_not_found', 'no such loan');
  if (state.loan.status !== 'active') throw conflict('loan_not_active', `this loan is ${state.loan.status}`);
  const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
  return { state, product };
}

/** Marks the loan repaid once nothing is owed and nothing is left to fall due. */
export async function closeIfRepaid(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  on: PlainDate,
  plan: Plan = newPlan(on),
): Promise<boolean> {
  const remaining = state.installments.some((i) => !isCharged(state, i.period));
  if (remaining || amountDue(state) > 0n) return false;
  const id = `loan:${state.loan.id}:principal`;
  const principal = (await balances(context, trx, plan, [id])).get(id)!;
  if (principal.debitsPosted !== principal.creditsPosted) return false;
  await writeClosed(context, trx, plan, state.loan.id, 'repaid', on);
  return true;
}

/**
 * Applies `amount` from the wallet to what is due, in the caller's transaction: through the caller's
 * plan (the day-close's), or committed at once.
 */
export async function collect(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  amount: bigint,
  kind: 'auto_debit' | 'manual',
  on: PlainDate,
  outer?: Plan,
): Promise<RepaymentResult | null> {
  if (amount <= 0n) return null;
  const plan = outer ?? newPlan(on);
  const id = uuidv7();
  const allocations = waterfall(state, product, amount);
  const total = allocations.reduce((sum, a) => sum + a.amount, 0n);
  if (total === 0n) return null;
  await insertRepayment(
    context,
    trx,
    { id, loanId: state.loan.id, kind, amount: total, businessDate: on },
    plan,
  );
  await settle(context, trx, state, product, id, allocations, plan);
  await commit(context, trx, plan);
  const closed = await closeIfRepaid(context, trx, state, on, plan);
  return { repaymentId: id, amount: total, allocated: allocations, loanStatus: closed ? 'repaid' : 'active' };
}

/**
 * For another context that repays with money it moves into the wallet first (wealth's repayment
 * from the money-market fund): `beforeDebit` runs in the repayment's own transaction, once the amount
 * is known and before the wallet is checked and debited, so that both commit together or not at all.
 */
export interface RepaymentOptions {
  readonly beforeDebit?: (trx: Executor, repayment: { loanId: string; amount: bigint }) => Promise<void>;
}

/**
 * Pays what is due now (`due`), or first charges the next instalment and pays that too (`next`).
 * Without an amount, everything due is paid; a smaller amount is applied by the waterfall.
 */
export async function repay(
  context: LendingContext,
  borrowerId: string,
  loanId: string,
  input: { mode: 'due' | 'next'; amount?: bigint | undefined },
  options: RepaymentOptions = {},
): Promise<RepaymentResult> {
  if (input.amount !== undefined && input.amount <= 0n)
    throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const { state, product } = await loadOwned(context, trx, borrowerId, loanId);
    // One plan for the instalment charged early and its payment: the charge's transfers (interest
    // receivable to payable, the fee to income) go first in the one ledger batch that also pays the
    // holders out of what they accrued, so the ledger applies them in that order.
    const plan = newPlan(today);
    if (input.mode === 'next') {
      const next = state.installments.find((i) => !isCharged(state, i.period));
      if (!next) throw ruleViolation('nothing_left_to_fall_due', 'every instalment has already fallen due');
      await chargePeriod(context, trx, state, next.period, today, plan);
    }
    const due = amountDue(state);
    if (due === 0n)
      throw ruleViolation(
        'nothing_due',
        'nothing is due on this loan now; pay the next instalment early or prepay',
      );
    const amount = input.amount ?? due;
    if (amount > due)
      throw ruleViolation(
        'amount_exceeds_due',
        `only ${formatAmount(due, CNY)} is due; prepay to repay more`,
        {
          due: formatAmount(due, CNY),
        },
      );
    if (options.beforeDebit) await options.beforeDebit(trx, { loanId, amount });
    const available = await walletAvailable(context, trx, borrowerId);
    if (available < amount)
      throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
    const result = await collect(context, trx, state, product, amount, 'manual', today, plan);
    // collect has committed the plan; should it ever return early, the charge is still posted.
    await commit(context, trx, plan);
    return result!;
  });
}

export interface PayoffQuote {
  readonly due: bigint;
  readonly principal: bigint;
  readonly interestToDate: bigint;
  readonly prepaymentFee: bigint;
  readonly total: bigint;
  readonly asOf: PlainDate;
}

/** What paying the loan off on `on` costs, from a loaded state. */
export function quote(state: LoanState, product: Product, on: PlainDate): PayoffQuote {
  const due = amountDue(state);
  const principal = unchargedPrincipal(state);
  const interestToDate = interestBetween(
    principal,
    new Decimal(state.loan.annualRate),
    interestStart(state),
    on,
    product.dayCount,
    product.rounding,
  );
  const prepaymentFee = applyRate(principal, product.prepaymentFeeRate, product.rounding);
  return {
    due,
    principal,
    interestToDate,
    prepaymentFee,
    total: due + principal + interestToDate + prepaymentFee,
    asOf: on,
  };
}

export async function payoffQuote(
  context: LendingContext,
  borrowerId: string | null,
  loanId: string,
): Promise<PayoffQuote> {
  return inTransaction(context.db, async (trx) => {
    // The date a payoff now would be booked on (it reads the calendar, not only this process's clock).
    const today = await businessDateIn(trx, context.clock, { lock: false });
    const { state, product } = await loadOwned(context, trx, borrowerId, loanId);
    return quote(state, product, today);
  });
}

/**
 * Pays the loan off: what is due, the principal not yet due with its interest to date, and the
 * prepayment fee. The periods not yet due are removed from the schedule.
 */
export async function payoff(
  context: LendingContext,
  borrowerId: string,
  loanId: string,
): Promise<RepaymentResult & { quote: PayoffQuote }> {
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const { state, product } = await loadOwned(context, trx, borrowerId, loanId);
    const q = quote(state, product, today);
    const available = await walletAvailable(context, trx, borrowerId);
    if (available < q.total)
      throw ruleViolation(
        'insufficient_funds',
        `paying off needs ${formatAmount(q.total, CNY)} available in the wallet`,
        {
          needed: formatAmount(q.total, CNY),
        },
      );
    const id = uuidv7();
    const plan = newPlan(today);
    await insertRepayment(
      context,
      trx,
      {
        id,
        loanId,
        kind: 'payoff',
        amount: q.total,
        principalPrepaid: q.principal,
        prepaymentInterest: q.interestToDate,
        prepaymentFee: q.prepaymentFee,
        businessDate: today,
      },
      plan,
    );
    const allocations = waterfall(state, product, q.due);
    await settle(context, trx, state, product, id, allocations, plan);
    if (q.principal > 0n || q.interestToDate > 0n)
      await prepayPrincipal(context, trx, state, product, id, q.principal, q.interestToDate, today, plan);
    prepaymentFeeTransfer(context, plan, state, q.prepaymentFee);
    await commit(context, trx, plan);
    await sql`delete from loan_installments where loan_id = ${loanId}::uuid and period <> all(${chargedPeriods(state)}::int[])`.execute(
      trx,
    );
    state.installments.splice(
      0,
      state.installments.length,
      ...state.installments.filter((i) => isCharged(state, i.period)),
    );
    const closed = await closeIfRepaid(context, trx, state, today);
    return {
      repaymentId: id,
      amount: q.total,
      allocated: allocations,
      loanStatus: closed ? 'repaid' : 'active',
      quote: q,
    };
  });
}

function prepaymentFeeTransfer(context: LendingContext, plan: Plan, state: LoanState, fee: bigint): void {
  if (fee <= 0n) return;
  transfer(
    plan,
    walletAccountId(state.loan.borrowerId),
    context.payments.feeIncomeAccount,
    fee,
    LendingCode.prepaymentFee,
    state.loan.id,
  );
}

/**
 * A partial prepayment of `principal`, with its interest to date and the prepayment fee; nothing may
 * be overdue. `shorten_term` keeps the instalment and ends the loan sooner (annuity and equal
 * principal loans); `lower_installment` keeps the term and lowers what is left to pay each period.
 */
export async function prepay(
  context: LendingContext,
  borrowerId: string,
  loanId: string,
  input: { principal: bigint; option: 'shorten_term' | 'lower_installment' },
): Promise<RepaymentResult & { principal: bigint; interest: bigint; fee: bigint }> {
  if (input.principal <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const { state, product } = await loadOwned(context, trx, borrowerId, loanId);
    if (amountDue(state) > 0n) throw ruleViolation('pay_due_first', 'pay what is due before prepaying');
    const remaining = unchargedPrincipal(state);
    if (input.principal >= remaining)
      throw ruleViolation(
        'prepayment_covers_loan',
        'that is all the principal left: pay the loan off instead',
        {
          principalLeft: formatAmount(remaining, CNY),
        },
      );
    const loan = state.loan;
    const shortenable = loan.method === 'equal_installment' || loan.method === 'equal_principal';
    if (input.option === 'shorten_term' && !shortenable)
      throw ruleViolation('option_not_available', 'this repayment method can only lower the instalment');
    const interest = interestBetween(
      input.principal,
      new Decimal(loan.annualRate),
      interestStart(state),
      today,
      product.dayCount,
      product.rounding,
    );
    const fee = applyRate(input.principal, product.prepaymentFeeRate, product.rounding);
    const total = input.principal + interest + fee;
    const available = await walletAvailable(context, trx, borrowerId);
    if (available < total)
      throw ruleViolation(
        'insufficient_funds',
        `this prepayment needs ${formatAmount(total, CNY)} available in the wallet`,
        {
          needed: formatAmount(total, CNY),
        },
      );
    const id = uuidv7();
    const plan = newPlan(today);
    await insertRepayment(
      context,
      trx,
      {
        id,
        loanId,
        kind: 'prepayment',
        amount: total,
        principalPrepaid: input.principal,
        prepaymentInterest: interest,
        prepaymentFee: fee,
        option: input.option,
        businessDate: today,
      },
      plan,
    );
    await prepayPrincipal(context, trx, state, product, id, input.principal, interest, today, plan);
    prepaymentFeeTransfer(context, plan, state, fee);
    await commit(context, trx, plan);
    await reschedule(trx, state, product, remaining - input.principal, input.option);
    return {
      repaymentId: id,
      amount: total,
      allocated: [],
      loanStatus: 'active',
      principal: input.principal,
      interest,
      fee,
    };
  });
}

/** Rewrites the periods not yet charged for the principal left after a prepayment. */
async function reschedule(
  trx: Executor,
  state: LoanState,
  product: Product,
  principal: bigint,
  option: 'shorten_term' | 'lower_installment',
): Promise<void> {
  const loan = state.loan;
  const future = state.installments.filter((i) => !isCharged(state, i.period));
  const first = future[0]!;
  const base = {
    principal,
    annualRate: new Decimal(loan.annualRate),
    method: loan.method,
    dayCount: product.dayCount,
    startDate: loan.startDate!,
    rounding: product.rounding,
    currency: CNY,
  };
  let rows: { period: number; dueDate: PlainDate; principal: bigint; interest: bigint }[];
  if (loan.termUnit === 'day') {
    rows = buildSchedule({ ...base, termDays: loan.term }).installments;
  } else if (loan.method === 'bullet') {
    // One instalment at maturity, whatever the option: what is left, over the whole term.
    rows = buildSchedule({ ...base, termMonths: loan.term }).installments;
  } else {
    let n = future.length;
    if (option === 'shorten_term') {
      if (loan.method === 'equal_installment') {
        const level = first.principal + first.interest;
        for (n = 1; n < future.length; n++) {
          const trial = buildSchedule({ ...base, termMonths: n, offsetMonths: first.period - 1 });
          if (trial.installments[0]!.total <= level) break;
        }
      } else {
        const part = first.principal;
        n = Number((principal + part - 1n) / part);
        if (n > future.length) n = future.length;
      }
    }
    rows = buildSchedule({ ...base, termMonths: n, offsetMonths: first.period - 1 }).installments.map(
      (i) => ({
        ...i,
        period: i.period + first.period - 1,
      }),
    );
  }
  await sql`delete from loan_installments where loan_id = ${loan.id}::uuid and period >= ${first.period}`.execute(
    trx,
  );
  await sql`insert into loan_installments (loan_id, period, due_date, principal, interest, fee)
    select ${loan.id}::uuid, * from unnest(${rows.map((i) => i.period)}::int[], ${rows.map((i) => i.dueDate)}::date[],
      ${rows.map((i) => i.principal.toString())}::bigint[], ${rows.map((i) => i.interest.toString())}::bigint[],
      ${rows.map(() => first.fee.toString())}::bigint[])`.execute(trx);
}

/**
 * A payment on a written-off loan: a recovery. It goes to the risk reserve fund, which bore the loss
 * (investors' unadvanced shortfall, if any, stays written off).
 */
export async function recover(
  context: LendingContext,
  borrowerId: string,
  loanId: string,
  amount: bigint,
): Promise<RepaymentResult> {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const state = await loadState(context, trx, loanId);
    if (state.loan.borrowerId !== borrowerId) throw notFound('loan_not_found', 'no such loan');
    if (state.loan.status !== 'written_off')
      throw conflict('loan_not_written_off', `this loan is ${state.loan.status}`);
    const wallet = await context.payments.walletAccount(trx, borrowerId, { lock: true });
    const id = uuidv7();
    await insertRepayment(
      context,
      trx,
      {
        id,
        loanId,
        kind: 'recovery',
        amount,
        businessDate: today,
      },
      newPlan(today),
    );
    await post(context.ledger, trx, [
      {
        id: transferId(),
        debitAccountId: wallet,
        creditAccountId: RESERVE_ACCOUNT,
        amount,
        ledger: CURRENCY,
        code: LendingCode.reserveRecovery,
        userData: loanId,
      },
    ]);
    return { repaymentId: id, amount, allocated: [], loanStatus: 'written_off' };
  });
}
