// How layers.bidirectional combines its two directions, per row of H units: forward and backward of the
// merge (Keras merge_mode). Plain loops over core memory: O(rows·H), negligible beside the cells' GEMMs.

export const MERGE_MODES = ['concat', 'sum', 'ave', 'mul'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

/** out = merge(a, b) for `rows` rows of H floats (out rows are 2H wide for concat). Float indices into view. */
export function mergeForward(view: Float32Array, mode: MergeMode, a: number, b: number, out: number, rows: number, H: number): void {
  if (mode === 'concat') {
    for (let r = 0; r < rows; r++) {
      view.copyWithin(out + 2 * r * H, a + r * H, a + (r + 1) * H);
      view.copyWithin(out + (2 * r + 1) * H, b + r * H, b + (r + 1) * H);
    }
    return;
  }
  const n = rows * H;
  for (let i = 0; i < n; i++) {
    const x = view[a + i];
    const y = view[b + i];
    view[out + i] = mode === 'sum' ? x + y : mode === 'ave' ? 0.5 * (x + y) : x * y;
  }
}

/** da, db (overwritten) = dLoss/da, dLoss/db given dy = dLoss/d merge(a, b). */
export function mergeBackward(view: Float32Array, mode: MergeMode, dy: number, a: number, b: number, da: number, db: number, rows: number, H: number): void {
  if (mode === 'concat') {
    for (let r = 0; r < rows; r++) {
      view.copyWithin(da + r * H, dy + 2 * r * H, dy + (2 * r + 1) * H);
      view.copyWithin(db + r * H, dy + (2 * r + 1) * H, dy + (2 * r + 2) * H);
    }
    return;
  }
  const n = rows * H;
  for (let i = 0; i < n; i++) {
    const g = view[dy + i];
    if (mode === 'mul') {
      const x = view[a + i];
      view[da + i] = g * view[b + i];
      view[db + i] = g * x;
    } else {
      const share = mode === 'ave' ? 0.5 * g : g;
      view[da + i] = share;
      view[db + i] = share;
    }
  }
}
