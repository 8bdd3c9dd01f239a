import { describe, expect, it } from 'vitest';
import { seededRandom, shuffled } from './random.ts';
import { foldRows, stratifiedFolds, stratifiedHoldout } from './split.ts';

const target = Uint8Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));

describe('seeded splits', () => {
  it('repeat exactly for a seed and differ between seeds', () => {
    expect(shuffled([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(9))).toEqual(
      shuffled([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(9)),
    );
    const a = stratifiedHoldout(target, 0.3, seededRandom(1));
    const b = stratifiedHoldout(target, 0.3, seededRandom(1));
    const c = stratifiedHoldout(target, 0.3, seededRandom(2));
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
  });

  it('keep the bad rate in the holdout and cover every row once', () => {
    const { train, test } = stratifiedHoldout(target, 0.3, seededRandom(3));
    expect(test.length).toBe(300);
    expect(new Set([...train, ...test]).size).toBe(1000);
    expect(test.filter((row) => target[row] === 1).length).toBe(60);
  });

  it('deal each class evenly over the folds', () => {
    const folds = stratifiedFolds(target, 5, seededRandom(4));
    for (let f = 0; f < 5; f++) {
      const { train, test } = foldRows(folds, f);
      expect(test.length).toBe(200);
      expect(train.length).toBe(800);
      expect(test.filter((row) => target[row] === 1).length).toBe(40);
    }
  });
});
