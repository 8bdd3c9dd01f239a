import type { Money } from '../../api.ts';
import { fromMinor, toMinor } from '../invest/lending.ts';
import type { LinePricing, PurchaseOption } from './types.ts';

/**
 * Figures the pages show before the server is asked: all in integer cents from decimal strings,
 * never a float, with the rounding the credit context uses (docs/credit.md).
 */
export const yuan = (minor: bigint): Money => ({ amount: fromMinor(minor), currency: 'CNY' });
export const minorOf = (money: Money | null | undefined): bigint => (money ? toMinor(money.amount) : 0n);

/** minor × rate, rounded half up to the cent (a day's interest, a fee). */
export function timesRateHalfUp(minor: bigint, rate: string): bigint {
  const [w = '0', f = ''] = rate.split('.');
  const scale = 10n ** BigInt(f.length);
  const product = minor * BigInt(w + f);
  return (product * 2n + scale) / (2n * scale);
}

/** Equal parts rounded down to the cent, the remainder in the first part (the rule). */
export function firstTakesRemainder(total: bigint, parts: number): bigint[] {
  const each = total / BigInt(parts);
  return Array.from({ length: parts }, (_, k) => (k === 0 ? total - each * BigInt(parts - 1) : each));
}

/** What a daily-interest draw costs if kept for `days` days unrepaid: each day's interest rounded half up. */
export function drawInterest(minor: bigint, dailyRate: string, days: number): bigint {
  return timesRateHalfUp(minor, dailyRate) * BigInt(days);
}

/**
 * The purchase options a line's pricing gives for an amount, as the server computes them: in full by
 * the due date at no cost, or n instalments with the fee table's share of the amount, principal and
 * fee each split equally with the remainder in the first. Used until the server's own
 * purchase-options route answers.
 */
export function purchaseOptionsOf(minor: bigint, pricing: LinePricing): PurchaseOption[] {
  const full: PurchaseOption = {
    instalments: 1,
    fee: yuan(0n),
    feeRate: '0',
    total: yuan(minor),
    first: { principal: yuan(minor), fee: yuan(0n) },
    rest: null,
    apr: '0',
    firstDueOn: null,
  };
  return [
    full,
    ...pricing.instalments.map((option) => {
      const fee = timesRateHalfUp(minor, option.feeRate);
      const principal = firstTakesRemainder(minor, option.months);
      const fees = firstTakesRemainder(fee, option.months);
      return {
        instalments: option.months,
        fee: yuan(fee),
        feeRate: option.feeRate,
        total: yuan(minor + fee),
        first: { principal: yuan(principal[0]!), fee: yuan(fees[0]!) },
        rest: option.months > 1 ? { principal: yuan(principal[1]!), fee: yuan(fees[1]!) } : null,
        apr: option.apr,
        firstDueOn: null,
      };
    }),
  ];
}

/** A + B of two amounts in the same currency. */
export function plus(a: Money, b: Money): Money {
  return yuan(minorOf(a) + minorOf(b));
}
