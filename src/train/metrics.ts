// Metrics reported by fit/evaluate (Keras names). Each is a sum over rows plus a count, so batches of
// different sizes average exactly. Computed in TypeScript over the predictions in core memory: they are
// a few operations per row, far from the hot path.

import type { LossName } from './losses.ts';

export const METRICS = ['accuracy', 'acc', 'mse', 'mae'] as const;
export type MetricName = (typeof METRICS)[number];

export interface MetricBatch {
  /** Predictions (after the head's activation), rows × width starting at predStart. */
  readonly pred: Float32Array;
  readonly predStart: number;
  /** Targets: rows × width, or rows class indices when sparse. */
  readonly targets: Float32Array;
  readonly targetStart: number;
  readonly rows: number;
  readonly width: number;
  readonly sparse: boolean;
}

/** Throws if `metric` makes no sense with `loss` (accuracy needs a classification loss). */
export function checkMetric(metric: MetricName, loss: LossName): void {
  if ((metric === 'accuracy' || metric === 'acc') && (loss === 'mse' || loss === 'meanSquaredError')) {
    throw new Error(`metric "${metric}" needs a classification loss (categoricalCrossentropy, sparseCategoricalCrossentropy or binaryCrossentropy), got "${loss}"`);
  }
}

/** The metric summed over the batch's rows (accuracy) or values (mse, mae), with the count it divides by. */
export function metricSum(metric: MetricName, loss: LossName, b: MetricBatch): { sum: number; count: number } {
  const { pred, predStart: p, targets, targetStart: t, rows, width } = b;
  let sum = 0;
  if (metric === 'mse' || metric === 'mae') {
    if (b.sparse) throw new Error(`metric "${metric}" needs dense targets, but loss "${loss}" takes class indices`);
    for (let i = 0; i < rows * width; i++) {
      const e = pred[p + i] - targets[t + i];
      sum += metric === 'mse' ? e * e : Math.abs(e);
    }
    return { sum, count: rows * width };
  }
  if (loss === 'binaryCrossentropy') {
    for (let i = 0; i < rows * width; i++) sum += (pred[p + i] > 0.5) === (targets[t + i] > 0.5) ? 1 : 0;
    return { sum, count: rows * width };
  }
  for (let r = 0; r < rows; r++) {
    const predicted = argmax(pred, p + r * width, width);
    const actual = b.sparse ? targets[t + r] : argmax(targets, t + r * width, width);
    if (predicted === actual) sum++;
  }
  return { sum, count: rows };
}

function argmax(a: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[start + i] > a[start + best]) best = i;
  return best;
}
