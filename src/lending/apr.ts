import {
  AssertionError,
  applyRate,
  assert,
  CNY,
  Decimal,
  daysBetween,
  type PlainDate,
  parseDecimal,
  type RoundingMode,
  roundToInteger,
} from '../kernel/index.ts';
import type { Loan } from './loans.ts';
import type { Product } from './products.ts';
import { buildSchedule, type RepaymentMethod, type Schedule } from './schedule.ts';

/**
 * The annual percentage rate a borrower is shown (年化利率, by the IRR method): the annualised cost of
 * everything they pay against what they actually receive. The nominal rate alone understates it,
 * because the upfront fee and the reserve contribution are taken out of the disbursement while
 * interest runs on the whole principal; the regulator requires the rate of all borrowing costs.
 *
 * The flows are what the borrower receives at the start (the principal less every deduction) and
 * each instalment of the schedule with the period fee. For a monthly schedule the rate is the IRR
 * per month × 12, not compounded ((1 + IRR)^12 − 1): that is how a nominal rate is quoted, so with no
 * fee the APR equals the nominal rate (to the rounding of the instalments) and the two compare
 * directly. A bullet loan has one flow, so its IRR over the term is the cost over what was received,
 * annualised by actual days / 365 the same way (simple, not compounded).
 *
 * The result is an exact decimal string to six places, rounded half up.
 */
export const APR_PLACES = 6;
export const APR_ROUNDING: RoundingMode = 'half_up';

/**
 * What borrowing costs besides interest, in minor units. Disbursement takes its deductions from
 * here, so the APR and the money the borrower is actually paid out cannot disagree; a new fee taken
 * at disbursement is a new field here, counted by `received`.
 */
export interface BorrowingCosts {
  /** Deducted from the disbursement: platform income. */
  readonly upfrontFee: bigint;
  /** Deducted from the disbursement: paid into the risk reserve fund. */
  readonly reserveContribution: bigint;
  /** Added to every instalment. */
  readonly periodFee: bigint;
}

export const NO_COSTS: BorrowingCosts = { upfrontFee: 0n, reserveContribution: 0n, periodFee: 0n };

/** What the borrower's wallet is paid: the principal less every deduction at disbursement. */
export function received(principal: bigint, costs: BorrowingCosts): bigint {
  return principal - costs.upfrontFee - costs.reserveContribution;
}

/** A loan's fees in money, each rounded once by the product's mode, as disbursement charges them. */
export function borrowingCosts(
  amount: bigint,
  upfrontFeeRate: Decimal,
  product: Pick<Product, 'reserveRate' | 'periodFeeRate' | 'rounding'>,
): BorrowingCosts {
  return {
    upfrontFee: applyRate(amount, upfrontFeeRate, product.rounding),
    reserveContribution: applyRate(amount, product.reserveRate, product.rounding),
    periodFee: applyRate(amount, product.periodFeeRate, product.rounding),
  };
}

/** The terms of a loan (or of the loan a decision offers) that fix its schedule and its costs. */
export type LoanTerms = Pick<
  Loan,
  'amount' | 'annualRate' | 'upfrontFeeRate' | 'term' | 'termUnit' | 'method'
>;

/** What of a product fixes a loan's schedule and costs. */
export type PricingProduct = Pick<Product, 'dayCount' | 'rounding' | 'reserveRate' | 'periodFeeRate'>;

/**
 * A loan on these terms under its product from `startDate`: the schedule it repays by, what it costs
 * besides interest, and its APR. Disbursement records exactly these, and listings, loans and the
 * application's decision show this APR, so the figure shown is the figure of the contract.
 */
export function priceLoan(
  terms: LoanTerms,
  product: PricingProduct,
  startDate: PlainDate,
): { schedule: Schedule; costs: BorrowingCosts; apr: string } {
  const schedule = buildSchedule({
    principal: terms.amount,
    annualRate: new Decimal(terms.annualRate),
    ...(terms.termUnit === 'month' ? { termMonths: terms.term } : { termDays: terms.term }),
    method: terms.method,
    dayCount: product.dayCount,
    startDate,
    rounding: product.rounding,
    currency: CNY,
  });
  const costs = borrowingCosts(terms.amount, new Decimal(terms.upfrontFeeRate), product);
  const apr = annualPercentageRate({
    principal: terms.amount,
    costs,
    schedule,
    method: terms.method,
    startDate,
  });
  return { schedule, costs, apr };
}

/** The APR of a loan on these terms (priceLoan). */
export function loanApr(terms: LoanTerms, product: PricingProduct, startDate: PlainDate): string | null {
  // A loan listed before listings refused fees that take everything it lends has no APR: it is shown
  // as none rather than stopping every list it appears in.
  const costs = borrowingCosts(terms.amount, new Decimal(terms.upfrontFeeRate), product);
  if (received(terms.amount, costs) <= 0n) return null;
  return priceLoan(terms, product, startDate).apr;
}

/**
 * Whether an upfront fee rate, with the product's reserve contribution, leaves the borrower part of
 * the loan: a rate the risk decision priced is checked here before a listing is made from it.
 */
export function deductionsLeaveSomething(
  upfrontFeeRate: string,
  product: Pick<Product, 'reserveRate'>,
): boolean {
  const rate = parseDecimal(upfrontFeeRate);
  return rate.ok && rate.value.plus(product.reserveRate).lt(1);
}

/**
 * The APR (see above) of a schedule with its costs. Every caller (the preview, listings, loans, the
 * contract, the application's decision) comes through here.
 */
export function annualPercentageRate(input: {
  readonly principal: bigint;
  readonly costs: BorrowingCosts;
  readonly schedule: Schedule;
  readonly method: RepaymentMethod;
  readonly startDate: PlainDate;
}): string {
  const { schedule, costs } = input;
  const net = received(input.principal, costs);
  // Listings refuse fees that leave nothing (deductionsLeaveSomething), and so does the preview.
  assert(net > 0n, 'the borrower must receive something for an APR to exist');
  const rate =
    input.method === 'bullet'
      ? bulletRate(net, schedule, costs.periodFee, input.startDate)
      : monthlyIrr(
          net,
          schedule.installments.map((i) => i.total + costs.periodFee),
        ).times(12);
  return formatRate(rate);
}

function formatRate(rate: Decimal): string {
  const scale = 10n ** BigInt(APR_PLACES);
  const units = roundToInteger(rate.times(scale.toString()), APR_ROUNDING);
  return new Decimal(units.toString()).div(scale.toString()).toFixed(APR_PLACES);
}

/** One payment at maturity: (what is paid − what was received) / what was received × 365 / days. */
function bulletRate(net: bigint, schedule: Schedule, periodFee: bigint, startDate: PlainDate): Decimal {
  const last = schedule.installments[schedule.installments.length - 1]!;
  const days = daysBetween(startDate, last.dueDate);
  assert(days > 0, 'a bullet loan falls due after it starts');
  const cost = schedule.totalPayable + periodFee * BigInt(schedule.installments.length) - net;
  return new Decimal(cost.toString()).div(net.toString()).times(365).div(days);
}

/**
 * The rate per month r at which the payments, one a month from the first month, are worth what was
 * received: Σ p_k / (1 + r)^k = received, in 40 significant digits. That worth falls as r rises, so
 * the root is first bracketed (widening the bounds outwards) and then found by Newton's method kept
 * inside the bracket, bisecting whenever a step would leave it. Newton alone converges quadratically
 * near the root but crawls from far away (fees that take nearly all the principal, hundreds of
 * months), and an input like that must give an answer, not a failure. Powers of 1 / (1 + r) are
 * built by multiplication, so a step costs three multiplications per payment.
 */
function monthlyIrr(net: bigint, payments: readonly bigint[]): Decimal {
  const D = Decimal.clone({ precision: 40 });
  const flows = payments.map((p) => new D(p.toString()));
  const pv = new D(net.toString());
  const weighted = flows.map((p, k) => p.times(k + 1));
  const at = (r: Decimal) => {
    const v = new D(1).div(r.plus(1));
    let discount = new D(1);
    let value = pv.neg();
    let moment = new D(0);
    flows.forEach((p, k) => {
      discount = discount.times(v);
      value = value.plus(p.times(discount));
      moment = moment.plus(weighted[k]!.times(discount));
    });
    return { value, slope: moment.times(v).neg() };
  };
  // The worth is Σ p_k − received at r = 0, tends to −received as r grows and to +∞ as r nears −1.
  // The first bound tried above zero is 10% a month, beyond any loan's real cost, so one evaluation
  // usually brackets the root.
  let lo = new D(0);
  let hi = new D(0);
  const atZero = flows.reduce((sum, p) => sum.plus(p), pv.neg());
  if (atZero.isZero()) return new Decimal(0);
  if (atZero.gt(0)) {
    hi = new D('0.1');
    while (at(hi).value.gt(0)) [lo, hi] = [hi, hi.times(4)];
  } else {
    lo = new D('-0.5');
    while (at(lo).value.lt(0)) [hi, lo] = [lo, lo.minus(1).div(2)];
  }
  let r = lo.lt('0.01') && hi.gt('0.01') ? new D('0.01') : lo.plus(hi).div(2);
  for (let iteration = 0; iteration < 400; iteration++) {
    const { value, slope } = at(r);
    if (value.isZero()) return new Decimal(r.toFixed(30));
    if (value.gt(0)) lo = r;
    else hi = r;
    let next = r.minus(value.div(slope));
    if (!(next.gt(lo) && next.lt(hi))) next = lo.plus(hi).div(2);
    if (next.minus(r).abs().lt('1e-24') || hi.minus(lo).lt('1e-24')) return new Decimal(next.toFixed(30));
    r = next;
  }
  throw new AssertionError('the monthly IRR did not converge');
}
