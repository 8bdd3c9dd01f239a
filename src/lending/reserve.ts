import type { Executor } from '../db/index.ts';
import { allocate, applyRate, assert, type PlainDate } from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { LendingCode, loanAccount, noteAccountId, RESERVE_ACCOUNT, WRITE_OFF_ACCOUNT } from './accounts.ts';
import { chargedPeriods, type LendingContext, type LoanState, outstandingOf, periodLedger } from './loans.ts';
import {
  availableOf,
  balances,
  type Plan,
  transfer,
  writeAdvance,
  writeClosed,
  writeFullyAdvanced,
  writeWriteOff,
} from './plan.ts';
import type { Product } from './products.ts';
import { reserveGeneral, reserveNote, setPrincipal } from './servicing.ts';

/**
 * The risk reserve fund's part in servicing: advancing an overdue period to the investors (and the
 * whole principal at the full advance), and writing a loan off. Like the rest of servicing, each
 * works in the caller's transaction on a locked LoanState and plans ledger transfers.
 */

export interface AdvanceResult {
  readonly principal: bigint;
  readonly interest: bigint;
  readonly shortfall: bigint;
}

function reserveAvailable(context: LendingContext, trx: Executor, plan: Plan): Promise<bigint> {
  // What the reserve holds now, less what this plan already takes from it.
  return availableOf(context, trx, plan, RESERVE_ACCOUNT);
}

/**
 * The reserve advances a period's overdue principal and interest to the holders: each investor gets
 * their share now (less the service fee on the interest), and their claim on that principal moves
 * to the reserve's note. If the reserve holds less than needed, it advances what it holds, pro rata,
 * and records the shortfall.
 */
export async function advancePeriod(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  period: number,
  on: PlainDate,
  plan: Plan,
): Promise<AdvanceResult> {
  const loanId = state.loan.id;
  const ep = periodLedger(state, period, 'principal');
  const ei = periodLedger(state, period, 'interest');
  const holdersP = outstandingOf(ep) - (ep.advanced - ep.paidReserve);
  const holdersI = outstandingOf(ei) - (ei.advanced - ei.paidReserve);
  const investors = state.notes.filter((n) => n.kind === 'investor' && n.principal > 0n);
  const general = reserveGeneral(state);
  const weights = [...investors.map((n) => n.principal), general];
  if (holdersP + holdersI === 0n) return { principal: 0n, interest: 0n, shortfall: 0n };
  const useWeights = weights.some((w) => w > 0n) ? weights : [...investors.map(() => 0n), 1n];
  const pParts = allocate(holdersP, useWeights);
  const iParts = allocate(holdersI, useWeights);
  const needs = investors.map((_, i) => pParts[i]! + iParts[i]!);
  const needed = needs.reduce((a, b) => a + b, 0n);
  const available = await reserveAvailable(context, trx, plan);
  const paying = needed <= available ? needs : needed === 0n ? needs : allocate(available, needs);
  const reserve = reserveNote(state);
  let advancedP = pParts[useWeights.length - 1]!; // the reserve's own general share counts as advanced
  let advancedI = iParts[useWeights.length - 1]!;
  let fees = 0n;
  investors.forEach((note, i) => {
    const pay = paying[i]!;
    const p = pay < pParts[i]! ? pay : pParts[i]!;
    const interest = pay - p;
    const fee = applyRate(interest, product.investorServiceFeeRate, product.rounding);
    transfer(plan, RESERVE_ACCOUNT, walletAccountId(note.holderId!), pay - fee, LendingCode.advance, note.id);
    transfer(plan, noteAccountId(note.id), noteAccountId(reserve.id), p, LendingCode.advanceClaim, note.id);
    setPrincipal(note, note.principal - p);
    setPrincipal(reserve, reserve.principal + p);
    fees += fee;
    advancedP += p;
    advancedI += interest;
  });
  transfer(plan, RESERVE_ACCOUNT, context.payments.feeIncomeAccount, fees, LendingCode.serviceFee, loanId);
  const shortfall = needed - paying.reduce((a, b) => a + b, 0n);
  ep.advanced += advancedP;
  ei.advanced += advancedI;
  state.advancedPeriods.add(period);
  await writeAdvance(trx, plan, {
    loanId,
    period,
    principal: advancedP,
    interest: advancedI,
    shortfall,
    businessDate: on,
    at: context.clock.now(),
  });
  return { principal: advancedP, interest: advancedI, shortfall };
}

/**
 * The full advance: every charged period not yet advanced is advanced, then the reserve buys the
 * principal still in the investors' notes (pro rata if it holds too little), recorded as period -1.
 */
export async function advanceAll(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  product: Product,
  on: PlainDate,
  plan: Plan,
): Promise<AdvanceResult> {
  let principal = 0n;
  let interest = 0n;
  let shortfall = 0n;
  for (const period of chargedPeriods(state)) {
    if (state.advancedPeriods.has(period)) continue;
    const r = await advancePeriod(context, trx, state, product, period, on, plan);
    principal += r.principal;
    interest += r.interest;
    shortfall += r.shortfall;
  }
  const investors = state.notes.filter((n) => n.kind === 'investor' && n.principal > 0n);
  const needs = investors.map((n) => n.principal);
  const needed = needs.reduce((a, b) => a + b, 0n);
  let bought = 0n;
  if (needed > 0n) {
    const available = await reserveAvailable(context, trx, plan);
    const paying = needed <= available ? needs : allocate(available, needs);
    const reserve = reserveNote(state);
    investors.forEach((note, i) => {
      const p = paying[i]!;
      transfer(plan, RESERVE_ACCOUNT, walletAccountId(note.holderId!), p, LendingCode.advance, note.id);
      transfer(plan, noteAccountId(note.id), noteAccountId(reserve.id), p, LendingCode.advanceClaim, note.id);
      setPrincipal(note, note.principal - p);
      setPrincipal(reserve, reserve.principal + p);
    });
    bought = paying.reduce((a, b) => a + b, 0n);
  }
  // Period -1 records the purchase of the principal not yet due (the periods have rows of their own).
  await writeAdvance(trx, plan, {
    loanId: state.loan.id,
    period: -1,
    principal: bought,
    interest: 0n,
    shortfall: needed - bought,
    businessDate: on,
    at: context.clock.now(),
  });
  state.advancedPeriods.add(-1);
  shortfall += needed - bought;
  await writeFullyAdvanced(trx, plan, state.loan.id, shortfall === 0n);
  return { principal: principal + bought, interest, shortfall };
}

/**
 * Write-off: the principal still owed and the interest receivable are cancelled against the notes
 * and the interest payable (the holders, the reserve mostly, bear the loss); accrued fees and
 * penalties go to the write-off expense.
 */
export async function writeOff(
  context: LendingContext,
  trx: Executor,
  state: LoanState,
  on: PlainDate,
  plan: Plan,
): Promise<{ principal: bigint; interest: bigint; charges: bigint }> {
  const loanId = state.loan.id;
  const accounts = await balances(context, trx, plan, [
    loanAccount.principal(loanId),
    loanAccount.interest(loanId),
    loanAccount.fees(loanId),
    loanAccount.penalty(loanId),
  ]);
  const balance = (id: string) => {
    const a = accounts.get(id)!;
    return a.debitsPosted - a.creditsPosted;
  };
  const interest = balance(loanAccount.interest(loanId));
  const fees = balance(loanAccount.fees(loanId));
  const penalty = balance(loanAccount.penalty(loanId));
  let principal = 0n;
  for (const note of state.notes) {
    if (note.principal <= 0n) continue;
    transfer(
      plan,
      noteAccountId(note.id),
      loanAccount.principal(loanId),
      note.principal,
      LendingCode.writeOff,
      note.id,
    );
    principal += note.principal;
    setPrincipal(note, 0n);
  }
  assert(
    principal === balance(loanAccount.principal(loanId)),
    `loan ${loanId}: notes do not add up to the principal`,
  );
  transfer(
    plan,
    loanAccount.interestPayable(loanId),
    loanAccount.interest(loanId),
    interest,
    LendingCode.writeOff,
    loanId,
  );
  transfer(plan, WRITE_OFF_ACCOUNT, loanAccount.fees(loanId), fees, LendingCode.writeOff, loanId);
  transfer(plan, WRITE_OFF_ACCOUNT, loanAccount.penalty(loanId), penalty, LendingCode.writeOff, loanId);
  await writeWriteOff(trx, plan, {
    loanId,
    principal,
    interest,
    charges: fees + penalty,
    businessDate: on,
    at: context.clock.now(),
  });
  await writeClosed(context, trx, plan, loanId, 'written_off', on);
  return { principal, interest, charges: fees + penalty };
}
