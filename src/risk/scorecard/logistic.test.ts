import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLogistic, sigmoid, solveSymmetric } from './logistic.ts';
import { seededRandom } from './random.ts';

describe('fitLogistic', () => {
  it('recovers the closed-form maximum-likelihood fit of one binary feature', () => {
    // x = 0: 20 bads in 100 rows; x = 1: 60 in 100. The MLE reproduces both rates exactly:
    // intercept = logit(0.2) = ln(0.25), slope = logit(0.6) - logit(0.2) = ln(1.5 / 0.25) = ln 6.
    const x = new Float64Array(200);
    const y = new Uint8Array(200);
    for (let i = 0; i < 200; i++) {
      x[i] = i < 100 ? 0 : 1;
      y[i] = (i < 100 ? i < 20 : i < 160) ? 1 : 0;
    }
    const fit = fitLogistic(x, y, 1, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(Math.log(0.25), 8);
    expect(fit.coefficients[0]!).toBeCloseTo(Math.log(6), 8);
  });

  it('converges to finite coefficients on perfectly separable data', () => {
    const n = 100;
    const x = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 10 : -i / 10));
    const y = Uint8Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    for (const l2 of [1, 1e-3]) {
      const fit = fitLogistic(x, y, 1, { l2 });
      expect(fit.converged).toBe(true);
      expect(Number.isFinite(fit.coefficients[0]!)).toBe(true);
      expect(fit.coefficients[0]!).toBeGreaterThan(0);
    }
  });

  it('converges on two identical columns, splitting the weight between them', () => {
    const random = seededRandom(5);
    const n = 500;
    const x = new Float64Array(2 * n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = random() * 4 - 2;
      x[2 * i] = v;
      x[2 * i + 1] = v;
      y[i] = random() < sigmoid(1.5 * v) ? 1 : 0;
    }
    const fit = fitLogistic(x, y, 2, { l2: 1 });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]!).toBeCloseTo(fit.coefficients[1]!, 6);
  });

  it('stops where the penalised score equations hold, on any data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 4 }), (seed, p) => {
        const random = seededRandom(seed);
        const n = 300;
        const x = Float64Array.from({ length: n * p }, () => random() * 2 - 1);
        const y = Uint8Array.from({ length: n }, (_, i) => (random() < sigmoid(x[i * p]! * 2 - 0.5) ? 1 : 0));
        const l2 = 0.5;
        const fit = fitLogistic(x, y, p, { l2 });
        expect(fit.converged).toBe(true);
        const gradient = new Float64Array(p + 1);
        for (let i = 0; i < n; i++) {
          let z = fit.intercept;
          for (let j = 0; j < p; j++) z += x[i * p + j]! * fit.coefficients[j]!;
          const residual = y[i]! - sigmoid(z);
          gradient[0]! += residual;
          for (let j = 0; j < p; j++) gradient[j + 1]! += residual * x[i * p + j]!;
        }
        for (let j = 0; j < p; j++) gradient[j + 1]! -= l2 * fit.coefficients[j]!;
        for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-6);
      }),
      { numRuns: 25 },
    );
  });
});

describe('solveSymmetric', () => {
  it('solves a positive definite system', () => {
    const a = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const v = solveSymmetric(a, Float64Array.of(2, 3, 4), 3);
    const back = [0, 1, 2].map((i) => a[i * 3]! * v[0]! + a[i * 3 + 1]! * v[1]! + a[i * 3 + 2]! * v[2]!);
    back.forEach((value, i) => {
      expect(value).toBeCloseTo([2, 3, 4][i]!, 12);
    });
  });
});
