import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFee, splitInstalments } from './plans.ts';

describe('the instalment split', () => {
  it('adds up to the principal and the fee, equal parts rounded down, the remainder in the first', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 13n }),
        fc.bigInt({ min: 0n, max: 10n ** 11n }),
        fc.constantFrom(1, 3, 6, 12, 24, 36),
        (principal, fee, count) => {
          const parts = splitInstalments(principal, fee, count);
          expect(parts).toHaveLength(count);
          expect(parts.reduce((sum, p) => sum + p.principal, 0n)).toBe(principal);
          expect(parts.reduce((sum, p) => sum + p.charge, 0n)).toBe(fee);
          // Every instalment after the first is the amount ÷ n rounded down, computed here by hand.
          const each = principal / BigInt(count);
          const eachFee = fee / BigInt(count);
          for (const p of parts.slice(1)) expect(p).toEqual({ principal: each, charge: eachFee });
          expect(parts[0]!.principal).toBe(principal - each * BigInt(count - 1));
          expect(parts[0]!.principal - each).toBeLessThan(BigInt(count));
          expect(parts[0]!.charge - eachFee).toBeLessThan(BigInt(count));
        },
      ),
    );
  });

  it('puts the cents that do not divide into the first instalment', () => {
    // 1,000.00 in 3: 333.34 then 333.33 twice; a fee of 2.5% = 25.00: 8.34, 8.33, 8.33.
    expect(splitInstalments(100_000n, planFee(100_000n, '0.025'), 3)).toEqual([
      { principal: 33_334n, charge: 834n },
      { principal: 33_333n, charge: 833n },
      { principal: 33_333n, charge: 833n },
    ]);
    // 0.05 in 6: nothing divides; the first takes it all.
    expect(splitInstalments(5n, 0n, 6).map((p) => p.principal)).toEqual([5n, 0n, 0n, 0n, 0n, 0n]);
    // 99.99 in 12 at 8.8%: the fee 8.80 (8.79912 half up), 0.73 each and 0.77 first; 8.33 each and 8.36 first.
    const twelve = splitInstalments(9_999n, planFee(9_999n, '0.088'), 12);
    expect(planFee(9_999n, '0.088')).toBe(880n);
    expect(twelve[0]).toEqual({ principal: 836n, charge: 77n });
    expect(twelve[11]).toEqual({ principal: 833n, charge: 73n });
  });

  it('rounds the fee half up to the cent', () => {
    expect(planFee(1_000n, '0.045')).toBe(45n);
    expect(planFee(10n, '0.045')).toBe(0n); // 0.45 of a cent
    expect(planFee(100n, '0.045')).toBe(5n); // 4.5 cents → 5
    expect(planFee(1_234_567n, '0.088')).toBe(108_642n); // 108,641.896 → 108,642
  });
});
