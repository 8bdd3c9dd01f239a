import { assert } from './assert.ts';

/**
 * Splits `total` minor units in proportion to `weights` by the largest-remainder method: every part
 * gets the floor of its exact share, then the units left over go one each to the parts with the
 * largest remainders, ties going to the lower index. The parts always sum to the total, each is
 * within one unit of its exact share, and the result depends only on the inputs.
 *
 * A negative total is split as its magnitude and negated, so the rounding is symmetric.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  assert(weights.length > 0, 'allocate needs at least one weight');
  let sum = 0n;
  for (const weight of weights) {
    assert(weight >= 0n, 'allocate weights must not be negative');
    sum += weight;
  }
  assert(sum > 0n, 'allocate weights must not all be zero');
  if (total < 0n) return allocate(-total, weights).map((part) => -part);

  const parts = new Array<bigint>(weights.length);
  const remainders = new Array<bigint>(weights.length);
  let allocated = 0n;
  for (let i = 0; i < weights.length; i++) {
    const product = total * weights[i]!;
    parts[i] = product / sum;
    remainders[i] = product % sum;
    allocated += parts[i]!;
  }
  let leftover = total - allocated;
  if (leftover === 0n) return parts;
  assert(leftover < BigInt(weights.length), 'largest remainder leftover must be below the part count');

  const order = weights.map((_, i) => i);
  order.sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    if (ra !== rb) return ra > rb ? -1 : 1;
    return a - b;
  });
  for (const index of order) {
    if (leftover === 0n) break;
    parts[index]! += 1n;
    leftover -= 1n;
  }
  return parts;
}

/** Splits `total` into `count` parts that differ by at most one unit, the larger parts first. */
export function splitEvenly(total: bigint, count: number): bigint[] {
  assert(Number.isInteger(count) && count > 0, 'splitEvenly needs a positive count');
  return allocate(total, new Array<bigint>(count).fill(1n));
}
