// Data-parallel training arithmetic: how a batch is split into one contiguous shard per thread, and how
// much each shard's gradient weighs in the gradient of the whole batch.
//
// Every loss is a mean over rows (samples, or the real steps of a per-step head; MSE and BCE also divide
// by the row width, the same for every shard), so a shard's gradient is its rows' sum divided by its own
// row count, and the batch's gradient is Σ rowsᵢ·gradᵢ / Σ rowsᵢ. Only the float summation order differs
// from computing the batch in one piece.

/** Contiguous [start, end) ranges cutting n rows into `parts` shards of sizes differing by at most one (the first ones larger); empty shards are left out. */
export function shardRanges(n: number, parts: number): [number, number][] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const ranges: [number, number][] = [];
  for (let p = 0, start = 0; p < parts; p++) {
    const end = start + base + (p < extra ? 1 : 0);
    if (end > start) ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** The weight of each shard's gradient, rowsᵢ / Σ rows: zero for every shard when no shard has a row (all steps padded). */
export function shardWeights(rows: readonly number[]): number[] {
  const total = rows.reduce((a, b) => a + b, 0);
  return rows.map((r) => (total > 0 ? r / total : 0));
}
