// Central-difference gradient checking in f64: how the reference's backward passes are verified.
//
// The numerical gradient of a scalar f at x is a central difference. The default is the five-point stencil
//   n_i = (−f(x + 2h·e_i) + 8 f(x + h·e_i) − 8 f(x − h·e_i) + f(x − 2h·e_i)) / 12h,   h = 1e-4,
// whose truncation error is O(h⁴) (~1e-17 here) so only rounding remains, about ε·|f|/h ≈ 1e-11 absolute
// for f of order ten. The textbook three-point form (f(x + h) − f(x − h)) / 2h (stencil: 3, h = 1e-5) is
// about ten times noisier (O(h²) + ε·|f|/h ≈ 1e-10), which is too much for a 1e-6 relative check on
// gradient elements of order 1e-5 — sigmoid RNNs have plenty of those. h stays small so that ReLU kinks
// are rarely crossed.
// The comparison is the usual relative error (CS231n, "Gradient checks"):
//   rel_i = |a_i − n_i| / max(|a_i|, |n_i|, tiny),
// with `tiny` (default 1e-6) as the magnitude below which an element is compared absolutely: a parameter
// behind a dead ReLU has an analytic gradient of exactly 0 while the numeric one is rounding noise
// (~1e-13), so the floor must sit well above that noise: rel < 1e-6 then means |a − n| < 1e-12 there.
// This is a test tool: it evaluates f 2·x.length times and is not meant for large inputs.

export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-4 (five-point) or 1e-5 (three-point). */
  h?: number;
  /** 5 (default) or 3 points. */
  stencil?: 3 | 5;
  /** Floor of the relative error's denominator. Default 1e-6. */
  tiny?: number;
}

/** The central-difference gradient of f at x. x is perturbed in place and restored exactly. */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, stencil: 3 | 5 = 5,
  h = stencil === 5 ? 1e-4 : 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  const at = (i: number, saved: number, offset: number) => { x[i] = saved + offset; return f(x); };
  for (let i = 0; i < x.length; i++) {
    const saved = x[i];
    if (stencil === 3) {
      grad[i] = (at(i, saved, h) - at(i, saved, -h)) / (2 * h);
    } else {
      // Differences first, (8(f₊₁ − f₋₁) − (f₊₂ − f₋₂)) / 12h: an f that does not depend on x_i (a padded input
      // position) then gives exactly 0, where −f₊₂ + 8f₊₁ − 8f₋₁ + f₋₂ left the rounding of 7f (~1e-12 · |f|).
      const f1 = at(i, saved, h) - at(i, saved, -h);
      const f2 = at(i, saved, 2 * h) - at(i, saved, -2 * h);
      grad[i] = (8 * f1 - f2) / (12 * h);
    }
    x[i] = saved;
  }
  return grad;
}

/** |a − n| / max(|a|, |n|, tiny). */
export function relativeError(a: number, n: number, tiny = 1e-6): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), tiny);
}

export interface GradcheckResult {
  /** Largest relative error over all elements (0 for an empty x). */
  maxError: number;
  /** Index of that element (−1 when x is empty). */
  index: number;
  analytic: number;
  numeric: number;
}

/** Compares an analytic gradient of f at x with the central-difference one. */
export function gradcheck(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>,
  options: GradcheckOptions = {}): GradcheckResult {
  if (analytic.length !== x.length) throw new Error(`gradcheck: analytic gradient has ${analytic.length} elements, x has ${x.length}`);
  const numeric = numericGradient(f, x, options.stencil ?? 5, options.h);
  const result: GradcheckResult = { maxError: 0, index: -1, analytic: NaN, numeric: NaN };
  for (let i = 0; i < x.length; i++) {
    const e = relativeError(analytic[i], numeric[i], options.tiny ?? 1e-6);
    if (result.index < 0 || e > result.maxError || Number.isNaN(e)) {
      result.maxError = Number.isNaN(e) ? Infinity : e;
      result.index = i;
      result.analytic = analytic[i];
      result.numeric = numeric[i];
    }
  }
  if (x.length === 0) result.maxError = 0;
  return result;
}
