import { Decimal } from '../../src/kernel/index.ts';

/**
 * The APR worked out independently of src/lending/apr.ts: the monthly IRR of `received` against
 * `payments` (one a month, in the same unit), found by bisection on the net present value, × 12,
 * to 6 places.
 */
export function aprByBisection(received: string, payments: readonly string[]): string {
  const npv = (r: Decimal) =>
    payments.reduce(
      (a, p, k) => a.plus(new Decimal(p).div(r.plus(1).pow(k + 1))),
      new Decimal(received).neg(),
    );
  let lo = new Decimal(0);
  let hi = new Decimal('0.1');
  for (let k = 0; k < 90; k++) {
    const mid = lo.plus(hi).div(2);
    if (npv(mid).gt(0)) lo = mid;
    else hi = mid;
  }
  return lo.times(12).toFixed(6);
}
