import { describe, expect, it } from 'vitest';
import { nameForms } from './names.ts';
import { HOMOPHONE_FACTOR, scoreNames } from './scoring.ts';
import { jaroWinkler, jaroWinklerBound } from './similarity.ts';

const score = (a: string, b: string) => scoreNames(nameForms(a), nameForms(b));

describe('jaroWinkler', () => {
  it('gives the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('same', 'same')).toBe(1);
  });

  it('is never above its bound for the lengths', () => {
    for (const [a, b] of [
      ['zhangsan', 'zhangshan'],
      ['li', 'lisi'],
      ['wang', 'wangxiaoming'],
    ] as const)
      expect(jaroWinkler(a, b)).toBeLessThanOrEqual(jaroWinklerBound(a.length, b.length));
  });
});

describe('scoreNames', () => {
  it('scores the same characters 1 and explains it as Han', () => {
    expect(score('张三', '张三')).toMatchObject({ basis: 'han', score: 1 });
  });

  it('scores a pinyin spelling in either order 1, explained through pinyin', () => {
    expect(score('张三', 'ZHANG San')).toMatchObject({ basis: 'pinyin', score: 1 });
    expect(score('张三', 'San Zhang')).toMatchObject({ basis: 'pinyin', score: 1 });
    expect(score('张三', 'zhangsan')).toMatchObject({ basis: 'pinyin', score: 1 });
  });

  it('scores a homophone at the homophone factor, and a near homophone below it', () => {
    expect(score('张三', '章三')).toMatchObject({
      basis: 'homophone',
      similarity: 1,
      score: HOMOPHONE_FACTOR,
    });
    const near = score('张三', '张山');
    expect(near.basis).toBe('homophone');
    expect(near.score).toBeLessThan(HOMOPHONE_FACTOR);
    expect(near.score).toBeGreaterThan(0.88);
  });

  it('scores a different name low', () => {
    expect(score('张三', '李四').score).toBeLessThan(0.7);
    expect(score('Zhang San', 'Li Si').score).toBeLessThan(0.7);
  });

  it('forgives a typing slip in a Latin name', () => {
    const slip = score('Wang Xiaoming', 'Wang Xiaomign');
    expect(slip.basis).toBe('latin');
    expect(slip.score).toBeGreaterThan(0.95);
    expect(slip.score).toBeLessThan(1);
  });
});
