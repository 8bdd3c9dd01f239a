import { shuffled } from './random.ts';

/**
 * Stratified splits: each part keeps the bad rate of the whole, which matters when bads are rare and
 * a plain random split could leave a fold with a handful of them.
 */
function classRows(target: Uint8Array, random: () => number): [number[], number[]] {
  const goods: number[] = [];
  const bads: number[] = [];
  for (let row = 0; row < target.length; row++) (target[row] ? bads : goods).push(row);
  return [shuffled(goods, random), shuffled(bads, random)];
}

/** A holdout of about `fraction` of each class (at least one row of each on both sides). */
export function stratifiedHoldout(
  target: Uint8Array,
  fraction: number,
  random: () => number,
): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of classRows(target, random)) {
    const held = Math.min(Math.max(Math.round(rows.length * fraction), 1), rows.length - 1);
    test.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
  }
  return {
    train: Int32Array.from(train.sort((a, b) => a - b)),
    test: Int32Array.from(test.sort((a, b) => a - b)),
  };
}

/** The fold (0 to k - 1) of every row, dealing each class's shuffled rows round the folds in turn. */
export function stratifiedFolds(target: Uint8Array, k: number, random: () => number): Int32Array {
  const fold = new Int32Array(target.length);
  let next = 0;
  for (const rows of classRows(target, random)) {
    for (const row of rows) {
      fold[row] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/** The rows of one fold and of the rest. */
export function foldRows(fold: Int32Array, k: number): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  fold.forEach((f, row) => {
    (f === k ? test : train).push(row);
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
