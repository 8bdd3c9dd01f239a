import { describe, expect, it } from 'vitest';
import { binInformationValue, informationValue, totalOf, weightOfEvidence } from './woe.ts';

describe('weight of evidence and information value', () => {
  // Three bins of 100 rows with 10, 20 and 30 bads: 60 bads and 240 goods in all.
  const bins = [
    { bad: 10, good: 90 },
    { bad: 20, good: 80 },
    { bad: 30, good: 70 },
  ];
  const total = totalOf(bins);

  it('matches the textbook values computed by hand (no pseudo-counts)', () => {
    expect(total).toEqual({ bad: 60, good: 240 });
    // ln((90/240) / (10/60)) = ln(2.25); ln((80/240) / (20/60)) = ln(1); ln((70/240) / (30/60)) = ln(7/12).
    expect(weightOfEvidence(bins[0]!, total, 0)).toBeCloseTo(0.810930216, 8);
    expect(weightOfEvidence(bins[1]!, total, 0)).toBeCloseTo(0, 12);
    expect(weightOfEvidence(bins[2]!, total, 0)).toBeCloseTo(-0.538996501, 8);
    // IV = (0.375 - 1/6) x 0.81093 + 0 + (0.291667 - 0.5) x (-0.53900) = 0.208333 x 1.349927.
    expect(informationValue(bins, total, 0)).toBeCloseTo(0.281234733, 8);
  });

  it('stays finite for a bin without bads or without goods, thanks to the half-row pseudo-count', () => {
    const lopsided = [
      { bad: 0, good: 50 },
      { bad: 25, good: 0 },
      { bad: 25, good: 50 },
    ];
    const sum = totalOf(lopsided);
    expect(weightOfEvidence(lopsided[0]!, sum)).toBeCloseTo(Math.log(50.5 / 100.5 / (0.5 / 50.5)), 12);
    expect(Number.isFinite(weightOfEvidence(lopsided[1]!, sum))).toBe(true);
    expect(weightOfEvidence(lopsided[1]!, sum)).toBeLessThan(0);
    for (const bin of lopsided) expect(binInformationValue(bin, sum)).toBeGreaterThanOrEqual(0);
  });

  it('gives a variable that does not separate goods from bads an IV of zero', () => {
    const flat = [
      { bad: 10, good: 40 },
      { bad: 20, good: 80 },
    ];
    expect(informationValue(flat, totalOf(flat), 0)).toBeCloseTo(0, 12);
  });
});
