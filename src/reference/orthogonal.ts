// Reference orthogonal factorisation: the executable spec for orthogonal_q (assembly/orthogonal.ts), the
// QR behind the orthogonal initializer. Householder reflections in plain f64, not the fast path.
//
// Q of the thin QR of an m×n matrix (m ≥ n), each column multiplied by sign(R_kk): the sign correction
// makes the factorisation unique (R with a positive diagonal), so this yields the Q that LAPACK's QR gives
// after Keras' correction for the same matrix (tests/src/initializers.test.ts checks numpy's numbers).

import type { Rng } from '../random.ts';
import { normalReference } from './normal.ts';

/**
 * The initializer's Orthogonal (src/initializers.ts) from the references: the m×n normal matrix drawn row by
 * row as normalReference draws it, then orthogonalQReference; out gets Q (or Qᵀ), rounded to its type.
 */
export function orthogonalReference(rng: Rng, out: Float32Array | Float64Array, m: number, n: number, transposed: boolean): void {
  const a = new Float64Array(m * n);
  normalReference(rng, a, 0, 1, false);
  out.set(orthogonalQReference(a, m, n, transposed));
}

/**
 * orthogonal_q's contract on top of householderQ: `a` row-major m×n (m >= n); returns Q row-major m×n, or
 * Qᵀ row-major n×m when `transposed` (the layouts the initializer needs).
 */
export function orthogonalQReference(a: Float64Array, m: number, n: number, transposed: boolean): Float64Array {
  const q = householderQ(transpose(a, m, n), m, n); // column-major: Qᵀ row-major
  return transposed ? q : transpose(q, n, m);
}

/** The cols×rows transpose of the row-major rows×cols matrix x. */
function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/**
 * Thin QR of the column-major m×n matrix `a` (m >= n, destroyed) by Householder reflections; returns the
 * column-major m×n factor Q with each column already multiplied by sign(R_kk).
 */
export function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const reflectors = new Float64Array(m * n); // column k holds unit vector v_k in rows k..m-1
  const diagSign = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const col = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[col + i] * a[col + i];
    const x0 = a[col + k];
    // H_k maps column k to alpha·e_k; alpha takes the sign opposite to x0 to avoid cancellation in v.
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    diagSign[k] = alpha < 0 ? -1 : 1; // R_kk = alpha (sign(0) taken as +1 so no column is zeroed)
    const vNorm2 = norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha);
    if (vNorm2 === 0) continue; // the column is already zero below the diagonal: H_k = I
    const vNorm = Math.sqrt(vNorm2);
    reflectors[col + k] = (x0 - alpha) / vNorm;
    for (let i = k + 1; i < m; i++) reflectors[col + i] = a[col + i] / vNorm;
    // A[k:, k:] -= 2 v (vᵀ A[k:, k:])
    for (let j = k; j < n; j++) applyReflector(reflectors, col, a, j * m, k, m);
  }
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of I, innermost reflector first. H_k touches rows
  // k.. only, where the columns j < k of the product so far are still zero: they are skipped.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    for (let j = k; j < n; j++) applyReflector(reflectors, k * m, q, j * m, k, m);
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) q[j * m + i] *= diagSign[j];
  }
  return q;
}

/** x[rows k..m) −= 2·v·(vᵀx) for the unit reflector v at reflectors[v0 + k..], x at target[x0 + k..]. */
function applyReflector(reflectors: Float64Array, v0: number, target: Float64Array, x0: number, k: number, m: number): void {
  let dot = 0;
  for (let i = k; i < m; i++) dot += reflectors[v0 + i] * target[x0 + i];
  dot *= 2;
  for (let i = k; i < m; i++) target[x0 + i] -= reflectors[v0 + i] * dot;
}
