/**
 * L2-regularised logistic regression by Newton's method (iteratively reweighted least squares) with
 * step halving. The penalty (on the coefficients, never the intercept) makes the problem strictly
 * concave, so the optimum exists and is finite even when the classes are perfectly separable, where
 * the unpenalised estimate runs off to infinity; the halving keeps every step an ascent.
 */
export interface LogisticOptions {
  /** The L2 penalty, on the log-likelihood summed over rows; 0 for the plain maximum-likelihood fit. */
  readonly l2?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export interface LogisticFit {
  readonly intercept: number;
  readonly coefficients: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Fits P(y = 1) = 1 / (1 + exp(-(intercept + x . coefficients))). `x` is row-major, `rows` x `p`.
 */
export function fitLogistic(
  x: Float64Array,
  y: Uint8Array,
  p: number,
  options: LogisticOptions = {},
): LogisticFit {
  const n = y.length;
  if (x.length !== n * p) throw new RangeError(`x has ${x.length} values, expected ${n} x ${p}`);
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  const d = p + 1;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  const mean = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  // beta[0] is the intercept; starting from the base rate makes the first step a small one.
  let beta = new Float64Array(d);
  beta[0] = Math.log(mean / (1 - mean));
  let objective = penalisedLogLikelihood(x, y, p, beta, l2);
  const gradient = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      for (let j = 0; j < p; j++) row[j + 1] = x[i * p + j]!;
      const mu = sigmoid(dot(row, beta));
      const residual = y[i]! - mu;
      const weight = Math.max(mu * (1 - mu), 1e-12);
      for (let a = 0; a < d; a++) {
        gradient[a]! += row[a]! * residual;
        const wa = weight * row[a]!;
        for (let b = 0; b <= a; b++) hessian[a * d + b]! += wa * row[b]!;
      }
    }
    for (let a = 1; a < d; a++) {
      gradient[a]! -= l2 * beta[a]!;
      hessian[a * d + a]! += l2;
    }
    // A tiny ridge on the intercept too keeps the solve well posed when a class is empty.
    hessian[0]! += 1e-10;
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) hessian[a * d + b] = hessian[b * d + a]!;
    const step = solveSymmetric(hessian, gradient, d);
    let scale = 1;
    let candidate = beta;
    let candidateObjective = objective;
    for (let halving = 0; halving < 40; halving++) {
      candidate = beta.map((value, a) => value + scale * step[a]!);
      candidateObjective = penalisedLogLikelihood(x, y, p, candidate, l2);
      if (candidateObjective >= objective - 1e-12 * Math.abs(objective)) break;
      scale /= 2;
    }
    let largestChange = 0;
    for (let a = 0; a < d; a++) largestChange = Math.max(largestChange, Math.abs(candidate[a]! - beta[a]!));
    beta = candidate;
    const improvement = candidateObjective - objective;
    objective = candidateObjective;
    if (largestChange < tolerance || Math.abs(improvement) < tolerance * 1e-3 * (1 + Math.abs(objective))) {
      return {
        intercept: beta[0]!,
        coefficients: [...beta.subarray(1)],
        iterations: iteration,
        converged: true,
      };
    }
  }
  return {
    intercept: beta[0]!,
    coefficients: [...beta.subarray(1)],
    iterations: maxIterations,
    converged: false,
  };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function penalisedLogLikelihood(
  x: Float64Array,
  y: Uint8Array,
  p: number,
  beta: Float64Array,
  l2: number,
): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    let z = beta[0]!;
    for (let j = 0; j < p; j++) z += x[i * p + j]! * beta[j + 1]!;
    // log(1 + e^z) computed without overflow.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    sum += y[i]! * z - softplus;
  }
  let penalty = 0;
  for (let a = 1; a < beta.length; a++) penalty += beta[a]! * beta[a]!;
  return sum - (l2 / 2) * penalty;
}

/**
 * Solves A v = b for a symmetric positive definite A by Cholesky decomposition. The Newton matrix is
 * positive definite whenever l2 > 0; a pivot that still comes out non-positive (collinear columns with
 * l2 = 0) is floored so the step stays finite rather than the fit failing.
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) l[i * d + i] = Math.sqrt(Math.max(sum, 1e-12 * Math.max(1, Math.abs(a[i * d + i]!))));
      else l[i * d + j] = sum / l[j * d + j]!;
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * d + k]! * z[k]!;
    z[i] = sum / l[i * d + i]!;
  }
  const v = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < d; k++) sum -= l[k * d + i]! * v[k]!;
    v[i] = sum / l[i * d + i]!;
  }
  return v;
}
