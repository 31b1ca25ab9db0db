// Assertion wrapper around src/reference/gradcheck.ts for the reference's gradient-check tests.

import { gradcheck, type GradcheckOptions } from '../../src/reference/gradcheck.ts';

/** Reference gradients must match central differences to this relative error in f64 (DESIGN.md §4). */
export const GRADCHECK_TOL = 1e-6;

/**
 * Checks `analytic` = ∇f(x) by central differences and throws an Error naming the tensor, the index and both
 * values when the relative error exceeds `tol`. Returns the max relative error (tests may log it).
 */
export function assertGradcheck(name: string, f: (x: Float64Array) => number, x: Float64Array,
  analytic: ArrayLike<number>, tol = GRADCHECK_TOL, options?: GradcheckOptions): number {
  const r = gradcheck(f, x, analytic, options);
  if (!(r.maxError <= tol)) {
    throw new Error(`gradcheck ${name}: relative error ${r.maxError.toExponential(3)} > ${tol} at [${r.index}]: `
      + `analytic ${r.analytic}, numeric ${r.numeric}`);
  }
  return r.maxError;
}
