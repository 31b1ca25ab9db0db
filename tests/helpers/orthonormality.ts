// How far a matrix is from having orthonormal rows or columns: the check of the orthogonal initializer's
// results (its f64 reference, the core's orthogonal_q, and recur's against tfjs' Keras initialisers).

/** max |Gram − I| over the rows (MMᵀ) or the columns (MᵀM) of the row-major rows×cols matrix `w`. */
export function orthonormalityError(w: ArrayLike<number>, rows: number, cols: number, of: 'rows' | 'columns'): number {
  const count = of === 'rows' ? rows : cols;
  const length = of === 'rows' ? cols : rows;
  const at = (vector: number, k: number): number => (of === 'rows' ? w[vector * cols + k] : w[k * cols + vector]);
  let worst = 0;
  for (let p = 0; p < count; p++) {
    for (let q = 0; q < count; q++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(p, k) * at(q, k);
      worst = Math.max(worst, Math.abs(dot - (p === q ? 1 : 0)));
    }
  }
  return worst;
}
