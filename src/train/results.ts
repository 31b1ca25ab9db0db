// Batch results and the logs made from them: the mean loss and metric sums over rows, as fit and
// evaluate report them (Keras names; "val_" prefix for validation).

import type { Training } from '../model.ts';

/** Results of one or more batches: the loss summed over rows (mean × rows) and metric sums with their counts. */
export interface BatchResult {
  lossSum: number;
  rows: number;
  metrics: { sum: number; count: number }[];
}

/** Adds a batch's results into a running total. */
export function accumulate(total: BatchResult, batch: BatchResult): void {
  total.lossSum += batch.lossSum;
  total.rows += batch.rows;
  batch.metrics.forEach((m, i) => { total.metrics[i].sum += m.sum; total.metrics[i].count += m.count; });
}

/** Logs as Keras names them: loss and each metric (prefixed "val_" for validation). */
export function logs(total: BatchResult, training: Training, prefix: string): Record<string, number> {
  const out: Record<string, number> = { [`${prefix}loss`]: total.lossSum / Math.max(1, total.rows) };
  training.metrics.forEach((m, i) => { out[`${prefix}${m}`] = total.metrics[i].sum / Math.max(1, total.metrics[i].count); });
  return out;
}

