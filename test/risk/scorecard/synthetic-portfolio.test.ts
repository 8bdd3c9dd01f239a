import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/kernel/clock.ts';
import { parseCsv, parseModel, psi, scoreRows, train } from '../../../src/risk/scorecard/index.ts';
import { seededRandom } from '../../../src/risk/scorecard/random.ts';

/**
 * A made-up portfolio with everything a real file throws at the trainer: missing values that mean
 * something, a category with commas and quotes in its levels, zip codes that look like numbers, an
 * identifier, a constant, an empty column, a near copy of another variable and pure noise. The true
 * risk is known, so the scorecard can be held to it.
 */
function portfolio(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const regions = ['North, East', 'South "Coast"', 'West', 'Centre', 'Islands'];
  const lines = ['id,income,income_k,region,zip,tenure,constant,empty,noise,outcome'];
  for (let i = 0; i < rows; i++) {
    const incomeMissing = random() < 0.1;
    const income = Math.round(1000 + random() * 9000);
    const region = Math.floor(random() * regions.length);
    const zip = ['01234', '01235', '09999'][Math.floor(random() * 3)]!;
    const tenure = Math.floor(random() * 30);
    const logit =
      -1.2 -
      (incomeMissing ? -0.8 : (income - 5500) / 2500) +
      [0.6, 0.2, 0, -0.3, -0.6][region]! -
      tenure / 20 +
      (zip === '09999' ? 0.9 : 0);
    const bad = random() < 1 / (1 + Math.exp(-logit));
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    lines.push(
      [
        `A${i}`,
        incomeMissing ? 'NA' : String(income),
        incomeMissing ? '' : (income / 1000 + random() * 0.01).toFixed(3),
        quote(regions[region]!),
        zip,
        String(tenure),
        '7',
        'NA',
        String(random()),
        bad ? 'default' : 'paid',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('a scorecard trained on a synthetic portfolio', () => {
  const data = portfolio(3000, 11);
  const clock = new ManualClock(new Date('2026-11-22T08:00:00Z'));
  const options = { data, target: 'outcome', bad: 'default', categorical: ['zip'], cv: 3, seed: 7, clock };
  const { model, report } = train(options);

  it('finds the real drivers and leaves out the rest, saying why', () => {
    // income_k is income in thousands: one of the two stays, the other goes as redundant.
    const kept = report.variables.map((v) => v.name).sort();
    const income = kept.includes('income') ? 'income' : 'income_k';
    const copy = income === 'income' ? 'income_k' : 'income';
    expect(kept).toEqual([income, 'region', 'tenure', 'zip']);
    expect(report.warnings.map((w) => [w.code, w.column])).toEqual([
      ['identifier_like_column', 'id'],
      ['constant_column', 'constant'],
      ['all_missing_column', 'empty'],
    ]);
    const dropped = Object.fromEntries(report.dropped.map((d) => [d.name, d.reason]));
    expect(dropped).toEqual({ [copy]: 'correlated', noise: 'weak' });
    expect(report.auc).toBeGreaterThan(0.7);
    expect(report.cv!.aucMean).toBeGreaterThan(0.7);
    expect(report.rows).toEqual({ total: 3000, train: 2100, holdout: 900, bad: report.rows.bad });
  });

  it('bins missing income on its own and keeps monotonic ranges', () => {
    const income = model.variables.find((v) => v.name.startsWith('income'))!;
    expect(income.trend).toBe('descending');
    const missing = income.bins.find((b) => b.kind === 'missing')!;
    expect(missing.count).toBeGreaterThan(150);
    const ranges = income.bins.filter((b) => b.kind === 'range');
    for (const bin of ranges) expect(bin.count).toBeGreaterThanOrEqual(0.05 * model.rows);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i]!.points).toBeGreaterThanOrEqual(ranges[i - 1]!.points);
    const zip = model.variables.find((v) => v.name === 'zip')!;
    expect(zip.type).toBe('categorical');
    expect(zip.bins.flatMap((b) => b.levels ?? []).sort()).toEqual(['01234', '01235', '09999']);
  });

  it('writes a self-describing model that reads back and scores the same rows the same way', () => {
    const json = JSON.stringify(model);
    const again = parseModel(JSON.parse(json));
    expect(again.format).toBe('netfin-scorecard/1');
    expect(again.trainedAt).toBe('2026-11-22T08:00:00.000Z');
    expect(again.scaling).toEqual({ points: 600, odds: 50, pdo: 20 });
    const table = parseCsv(data);
    const scores = scoreRows(again, table);
    expect(scores).toEqual(scoreRows(model, table));
    for (const score of scores.slice(0, 50)) {
      expect(score.reasons.length).toBeLessThanOrEqual(3);
      expect(score.probabilityBad).toBeGreaterThan(0);
      expect(score.probabilityBad).toBeLessThan(1);
    }
    // Each bin's points follow from the scaling: points = -(20 / ln 2) x coefficient x WOE, rounded.
    for (const variable of model.variables) {
      for (const bin of variable.bins) {
        expect(bin.points).toBe(Math.round((-20 / Math.LN2) * variable.coefficient * bin.woe) || 0);
      }
    }
  });

  it('handles a region it never saw with the neutral other bin', () => {
    const [row] = scoreRows(model, [{ income: '3000', region: 'Atlantis', zip: '01234', tenure: 3 }]);
    expect(row!.fallbacks).toEqual(['region']);
    const region = model.variables.find((v) => v.name === 'region')!;
    expect(region.bins.find((b) => b.kind === 'other')).toMatchObject({ woe: 0, points: 0, count: 0 });
  });

  it('is the same model for the same seed, to the byte', () => {
    expect(JSON.stringify(train(options).model)).toBe(JSON.stringify(model));
    expect(JSON.stringify(train(options).report)).toBe(JSON.stringify(report));
  });

  it('is stable against itself and sees a drifting population', () => {
    const same = psi(model, parseCsv(data), parseCsv(data));
    expect(same.score.psi).toBe(0);
    expect(same.variables.every((v) => v.psi === 0)).toBe(true);
    const drifted = parseCsv(
      portfolio(2000, 12).replace(/,(\d+),(\d+\.\d+),/g, (_, income) => {
        const half = Math.round(Number(income) * 0.5);
        return `,${half},${(half / 1000).toFixed(3)},`;
      }),
    );
    const report = psi(model, parseCsv(data), drifted);
    expect(report.variables.find((v) => v.name.startsWith('income'))!.psi).toBeGreaterThan(0.25);
    expect(report.variables.find((v) => v.name === 'tenure')!.psi).toBeLessThan(0.1);
    expect(report.score.psi).toBeGreaterThan(0.1);
  });
});

describe('cross-validation', () => {
  it('re-bins within each fold, so noise does not look like signal', () => {
    // A random outcome and a category of 100 levels of 20 rows: binning on all rows would let the
    // folds see their own outcomes through the WOE and report an AUC well above 0.5.
    const random = seededRandom(3);
    const lines = ['level,noise,y'];
    for (let i = 0; i < 2000; i++) lines.push(`L${i % 100},${random().toFixed(4)},${random() < 0.3 ? 1 : 0}`);
    const { report } = train({ data: lines.join('\n'), target: 'y', bad: '1', cv: 5, minIv: 0 });
    expect(report.trainAuc).toBeGreaterThan(0.55);
    expect(Math.abs(report.cv!.aucMean - 0.5)).toBeLessThan(0.04);
  });
});
