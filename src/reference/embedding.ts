// Reference embedding lookup: the executable spec for embedding_forward / embedding_backward (assembly/).
// Plain loops, not the fast path: out[n, :] = table[ids[n], :]; the gradient scatters back,
// dtable[ids[n], :] += dout[n, :], so a repeated id receives the sum of its rows' gradients.
// ids are integers in [0, V) (the kernel receives them as f32; the façade checks the range, this throws).
// Backward returns a FRESH dtable (the kernel accumulates into the caller's).

export interface EmbeddingParams {
  N: number;
  D: number;
  /** V: rows of the table. */
  V: number;
  ids: ArrayLike<number>;
  /** [V, D] */
  table: ArrayLike<number>;
}

function checkId(id: number, V: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`reference embedding: id ${id} is not an integer in [0, ${V})`);
}

/** out [N, D]. */
export function embeddingForward(p: EmbeddingParams): Float64Array {
  const { N, D, V, ids, table } = p;
  const out = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    checkId(ids[n], V);
    for (let d = 0; d < D; d++) out[n * D + d] = table[ids[n] * D + d];
  }
  return out;
}

/** dtable [V, D] from dout [N, D]. */
export function embeddingBackward(p: EmbeddingParams, dout: ArrayLike<number>): Float64Array {
  const { N, D, V, ids } = p;
  const dtable = new Float64Array(V * D);
  for (let n = 0; n < N; n++) {
    checkId(ids[n], V);
    for (let d = 0; d < D; d++) dtable[ids[n] * D + d] += dout[n * D + d];
  }
  return dtable;
}
