import { CNY, Decimal, type PlainDate } from '../kernel/index.ts';
import { annualPercentageRate, buildSchedule, priceLoan } from '../lending/index.ts';

/**
 * Every rate a line shows comes with its APR by the IRR method with every fee, computed by lending's
 * APR (one IRR in netfin). The figures are for an illustrative amount, since a daily rate or a fee
 * share costs the same in proportion whatever is borrowed (up to the rounding of cents).
 */
export const APR_EXAMPLE_AMOUNT = 1_000_000n; // 10,000.00
export const APR_EXAMPLE_DAYS = 30;

const noFees = {
  dayCount: 'actual/365' as const,
  rounding: 'half_up' as const,
  reserveRate: new Decimal(0),
  periodFeeRate: new Decimal(0),
};

/** The annual rate of a daily rate, as the nominal rate beside the APR: daily × 365, exact. */
export function annualOfDaily(dailyRate: string): string {
  return new Decimal(dailyRate).times(365).toFixed(6);
}

/**
 * A cash draw at a daily rate, repaid with its interest after 30 days: a bullet loan by actual days
 * over 365, whose APR is the cost over what was received, annualised.
 */
export function drawApr(dailyRate: string, start: PlainDate): string {
  return priceLoan(
    {
      amount: APR_EXAMPLE_AMOUNT,
      annualRate: annualOfDaily(dailyRate),
      upfrontFeeRate: '0',
      term: APR_EXAMPLE_DAYS,
      termUnit: 'day',
      method: 'bullet',
    },
    noFees,
    start,
  ).apr;
}

/**
 * A purchase in n monthly instalments with a total fee of `feeShare` of the amount: principal and
 * fee each split equally, rounded down to the cent, the remainder in the first instalment, and no
 * interest. Its APR is the monthly IRR of those instalments against the amount, × 12.
 */
export function instalmentApr(months: number, feeShare: string, start: PlainDate): string {
  const fee = BigInt(new Decimal(APR_EXAMPLE_AMOUNT.toString()).times(feeShare).toFixed(0));
  const principalParts = firstTakesRemainder(APR_EXAMPLE_AMOUNT, months);
  const feeParts = firstTakesRemainder(fee, months);
  const shape = buildSchedule({
    principal: APR_EXAMPLE_AMOUNT,
    annualRate: new Decimal(0),
    termMonths: months,
    method: 'equal_principal',
    dayCount: 'actual/365',
    startDate: start,
    rounding: 'half_up',
    currency: CNY,
  });
  const installments = shape.installments.map((i, k) => {
    const principal = principalParts[k]!;
    return { ...i, principal, interest: 0n, total: principal + feeParts[k]! };
  });
  return annualPercentageRate({
    principal: APR_EXAMPLE_AMOUNT,
    costs: { upfrontFee: 0n, reserveContribution: 0n, periodFee: 0n },
    schedule: {
      installments,
      totalInterest: 0n,
      totalPayable: installments.reduce((sum, i) => sum + i.total, 0n),
    },
    method: 'equal_principal',
    startDate: start,
  });
}

/** Equal parts rounded down to the cent, the remainder in the first part (the rule). */
export function firstTakesRemainder(total: bigint, parts: number): bigint[] {
  const each = total / BigInt(parts);
  return Array.from({ length: parts }, (_, k) => (k === 0 ? total - each * BigInt(parts - 1) : each));
}

export interface LinePricing {
  readonly dailyRate: string;
  readonly annualRate: string;
  readonly drawApr: string;
  readonly instalments: { months: number; feeRate: string; apr: string }[];
}

export function linePricing(
  dailyRate: string,
  fees: Readonly<Record<string, string>>,
  start: PlainDate,
): LinePricing {
  return {
    dailyRate,
    annualRate: annualOfDaily(dailyRate),
    drawApr: drawApr(dailyRate, start),
    instalments: Object.entries(fees)
      .map(([months, feeRate]) => ({
        months: Number(months),
        feeRate,
        apr: instalmentApr(Number(months), feeRate, start),
      }))
      .sort((a, b) => a.months - b.months),
  };
}
