import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { ScorecardError } from './errors.ts';
import { MODEL_FORMAT, parseModel, type ScorecardModel } from './model.ts';
import { psi } from './psi.ts';
import { compileModel, scoreRows } from './score.ts';

const bin = (
  label: string,
  kind: 'range' | 'levels' | 'missing' | 'other',
  points: number,
  count: number,
  extra = {},
) => ({
  label,
  kind,
  ...extra,
  woe: points / 10,
  points,
  count,
  badRate: count > 0 ? 0.2 : null,
});

const handModel: ScorecardModel = {
  format: MODEL_FORMAT,
  target: 'status',
  badValue: 'bad',
  scaling: { points: 600, odds: 50, pdo: 20 },
  intercept: -1.5,
  basePoints: 500,
  variables: [
    {
      name: 'age',
      type: 'numeric',
      trend: 'descending',
      iv: 0.3,
      coefficient: -0.8,
      bins: [
        bin('< 30', 'range', -10, 30, { upper: 30 }),
        bin('[30, 50)', 'range', 5, 40, { lower: 30, upper: 50 }),
        bin('>= 50', 'range', 15, 30, { lower: 50 }),
        bin('missing', 'missing', -3, 5),
        bin('other', 'other', 0, 0),
      ],
    },
    {
      name: 'home',
      type: 'categorical',
      iv: 0.2,
      coefficient: -0.9,
      bins: [
        bin('own', 'levels', 12, 60, { levels: ['own'] }),
        bin('rent, parents', 'levels', -8, 45, { levels: ['parents', 'rent'] }),
        bin('missing', 'missing', 0, 0),
        bin('other', 'other', 0, 0),
      ],
    },
  ],
  trainedAt: '2026-01-01T00:00:00.000Z',
  rows: 105,
  badRows: 21,
  settings: {},
};

describe('scoreRows', () => {
  it('adds the points of each bin to the base points and gives the costliest reasons first', () => {
    const [row] = scoreRows(handModel, [{ age: '25', home: 'rent' }]);
    expect(row!.score).toBe(482);
    expect(row!.reasons).toEqual([
      { variable: 'age', bin: '< 30', points: -10, cost: 25 },
      { variable: 'home', bin: 'rent, parents', points: -8, cost: 20 },
    ]);
    expect(row!.fallbacks).toEqual([]);
    // 482 is 118 points under 600 (50:1), so the odds are 50 / 2^(118/20) good:bad.
    const odds = 50 / 2 ** (118 / 20);
    expect(row!.probabilityBad).toBeCloseTo(1 / (1 + odds), 12);
  });

  it('puts bounds in the upper range (lower <= x < upper) and gives a perfect row no reasons', () => {
    const rows = scoreRows(handModel, [
      { age: 30, home: 'own' },
      { age: ' 50 ', home: ' own ' },
    ]);
    expect(rows.map((r) => r.score)).toEqual([517, 527]);
    expect(rows[1]!.reasons).toEqual([]);
  });

  it('scores unseen levels and non-numbers in the neutral other bin, and says so', () => {
    const [row] = scoreRows(handModel, [{ age: 'unknown', home: 'boat' }]);
    expect(row!.score).toBe(500);
    expect(row!.fallbacks).toEqual(['age', 'home']);
    expect(row!.reasons.map((r) => [r.variable, r.bin, r.cost])).toEqual([
      ['age', 'other', 15],
      ['home', 'other', 12],
    ]);
  });

  it('takes absent keys, null, "" and "NA" as missing', () => {
    const rows = scoreRows(handModel, [{}, { age: null, home: '' }, { age: 'NA', home: undefined }]);
    expect(rows.map((r) => r.score)).toEqual([497, 497, 497]);
  });

  it('scores a parsed CSV and refuses one without a column the model uses', () => {
    const table = parseCsv('age,home,extra\n45,parents,1\nNA,own,2\n');
    expect(scoreRows(handModel, table).map((r) => r.score)).toEqual([497, 509]);
    const error = (() => {
      try {
        scoreRows(handModel, parseCsv('age\n45\n'));
      } catch (e) {
        return e as ScorecardError;
      }
    })();
    expect(error).toBeInstanceOf(ScorecardError);
    expect(error!.code).toBe('column_not_found');
    expect(error!.message).toMatch(/"home"/);
  });

  it('compiles a model once and again only when its variables are replaced', () => {
    const model: ScorecardModel = structuredClone(handModel);
    const compiled = compileModel(model);
    expect(compileModel(model)).toBe(compiled);
    expect(scoreRows(model, [{ age: '25', home: 'rent' }])[0]!.score).toBe(482);
    expect(compileModel(model)).toBe(compiled);
    // Another object with the same content is another model: compiled on its own.
    expect(compileModel(structuredClone(handModel))).not.toBe(compiled);
    // Variables replaced (the age variable dropped): scored by the new ones, not the cached ones.
    model.variables = model.variables.filter((v) => v.name !== 'age');
    expect(compileModel(model)).not.toBe(compiled);
    expect(scoreRows(model, [{ age: '25', home: 'rent' }])[0]!.score).toBe(492);
  });
});

describe('parseModel', () => {
  it('accepts a model that went through JSON', () => {
    expect(parseModel(JSON.parse(JSON.stringify(handModel)))).toEqual(handModel);
  });

  it.each([
    ['another format', { ...handModel, format: 'netfin-scorecard/9' }, /format "netfin-scorecard\/9"/],
    ['a missing field', { ...handModel, basePoints: undefined }, /basePoints/],
    [
      'ranges that do not touch',
      {
        ...handModel,
        variables: [
          {
            ...handModel.variables[0]!,
            bins: handModel.variables[0]!.bins.filter((b) => b.label !== '[30, 50)'),
          },
        ],
      },
      /do not touch/,
    ],
    [
      'a level in two bins',
      {
        ...handModel,
        variables: [
          {
            ...handModel.variables[1]!,
            bins: [...handModel.variables[1]!.bins, bin('again', 'levels', 1, 1, { levels: ['own'] })],
          },
        ],
      },
      /level "own" in two bins/,
    ],
  ])('refuses %s', (_, json, message) => {
    expect(() => parseModel(json)).toThrow(message);
    try {
      parseModel(json);
    } catch (error) {
      expect((error as ScorecardError).code).toBe('model_invalid');
    }
  });
});

describe('psi', () => {
  const population = Array.from({ length: 200 }, (_, i) => ({
    age: String(18 + (i % 50)),
    home: ['own', 'rent', 'parents', 'boat'][i % 4]!,
  }));

  it('is 0 for every variable and the score when the populations are the same', () => {
    const report = psi(handModel, population, population);
    expect(report.score.psi).toBe(0);
    expect(report.score.bins.length).toBeGreaterThan(1);
    for (const variable of report.variables) expect(variable.psi).toBe(0);
    expect(report.score.stability).toBe('stable');
  });

  it('grows when the population shifts, bin by bin', () => {
    const older = population.map((row) => ({ ...row, age: String(Number(row.age) + 20) }));
    const report = psi(handModel, population, older);
    const age = report.variables.find((v) => v.name === 'age')!;
    expect(age.psi).toBeGreaterThan(0.25);
    expect(age.stability).toBe('major_shift');
    expect(report.variables.find((v) => v.name === 'home')!.psi).toBe(0);
    expect(report.score.psi).toBeGreaterThan(0.1);
    const shares = report.score.bins.reduce((sum, b) => sum + b.currentShare, 0);
    expect(shares).toBeCloseTo(1, 12);
  });

  it('refuses an empty population', () => {
    expect(() => psi(handModel, population, [])).toThrow(/current data has no rows/);
  });
});
