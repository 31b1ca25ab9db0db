// Tensor comparison for kernel and parity tests: one metric, one failure message.
//
// Metric ("max relative error, scaled by the tensor"): err = max_i |got_i − expected_i| / s with
// s = max(max_j |expected_j|, floor). Scaling by the tensor's largest magnitude rather than each element's
// own magnitude is what float32 rounding allows: a sum of many terms carries an absolute error
// proportional to the size of its terms, so a near-zero element from cancellation cannot be held to a
// tight elementwise relative error. The floor (default 1e-2) does the same for a tensor that is small as a
// whole, e.g. the single pre-activation of a T = B = H = 1 RNN where O(1) inputs cancel to 5e-4: the test
// data is of order one, so below 1e-2 the comparison becomes absolute (err ≤ 1e-5 ⇔ |diff| ≤ 1e-7). It also
// keeps an all-zero expected tensor from dividing by zero. Pass a smaller floor for data of smaller scale.
// NaN or ±Infinity in `got` where `expected` is finite always fails.
//
// Tolerances used by the suites: forward values 1e-5, gradients 1e-4 (DESIGN.md §4).

export const FORWARD_TOL = 1e-5;
export const GRAD_TOL = 1e-4;

export interface CompareResult {
  /** The metric above. */
  error: number;
  /** Flat index of the worst element (−1 for empty tensors). */
  index: number;
  /** The normaliser s. */
  scale: number;
}

/** Computes the metric above without asserting. */
export function compareTensors(got: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-2): CompareResult {
  if (got.length !== expected.length) throw new Error(`compareTensors: length ${got.length} ≠ expected length ${expected.length}`);
  let scale = floor;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let error = 0;
  let index = got.length > 0 ? 0 : -1;
  for (let i = 0; i < got.length; i++) {
    const diff = Math.abs(got[i] - expected[i]);
    // A NaN difference must count as the worst possible, and `NaN > error` is false, so test it explicitly.
    const e = Number.isNaN(diff) ? Infinity : diff / scale;
    if (e > error) { error = e; index = i; }
  }
  return { error, index, scale };
}

/** Renders a flat index as [i, j, k] for a row-major shape (or just the flat index without a shape). */
export function formatIndex(index: number, shape?: readonly number[]): string {
  if (!shape || shape.length === 0) return `[${index}]`;
  const parts: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    parts.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${parts.join(', ')}]`;
}

/**
 * Throws an Error naming the tensor, the worst index, got and expected when the metric exceeds `tol`.
 * `shape` (optional) turns the flat index into a multi-index in the message.
 */
export function assertClose(name: string, got: ArrayLike<number>, expected: ArrayLike<number>, tol: number,
  shape?: readonly number[], floor = 1e-2): void {
  if (shape) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== expected.length) throw new Error(`${name}: shape [${shape.join(', ')}] has ${size} elements but expected has ${expected.length}`);
  }
  if (got.length !== expected.length) throw new Error(`${name}: got ${got.length} elements, expected ${expected.length}`);
  const { error, index, scale } = compareTensors(got, expected, floor);
  if (!(error <= tol)) {
    throw new Error(`${name}: max error ${error.toExponential(3)} > tolerance ${tol.toExponential(1)} at ${formatIndex(index, shape)}: `
      + `got ${got[index]}, expected ${expected[index]} (|diff| ${Math.abs(got[index] - expected[index]).toExponential(3)}, scale ${scale.toExponential(3)})`);
  }
}
