// Reference losses: the executable spec for softmax_forward, softmax_cross_entropy, sigmoid_cross_entropy
// and mse (assembly/loss.ts). Plain f64, not the fast path.
//
// Scale convention (as in src/kernels.ts): each function returns the SUM of the per-row / per-element
// losses, and its gradient is `scale` times the gradient of that sum. A mean-reduced loss (PyTorch's
// default reduction='mean') is therefore value = sum / count with scale = 1 / count, where count is the
// number of rows for cross-entropy (N) and the number of elements for BCE and MSE.
//
// Softmax cross-entropy's gradient scale · (probs − targets) is the exact gradient of scale · loss only
// when each target row sums to 1 (always true for class indices; the caller's promise for probabilities).

import { sigmoid } from './activations.ts';

/** Row-wise softmax of x [N, C], max-subtracted so large logits do not overflow. */
export function softmax(N: number, C: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, x[n * C + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x[n * C + c] - max);
    for (let c = 0; c < C; c++) y[n * C + c] = Math.exp(x[n * C + c] - max) / sum;
  }
  return y;
}

/** log Σ_c exp(x[n, c]) for one row, stably. */
export function logSumExp(C: number, x: ArrayLike<number>, row: number): number {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, x[row * C + c]);
  let sum = 0;
  for (let c = 0; c < C; c++) sum += Math.exp(x[row * C + c] - max);
  return max + Math.log(sum);
}

export interface LossResult {
  /** The SUM of the per-row (cross-entropy) or per-element (BCE, MSE) losses. */
  loss: number;
  /** scale · d(sum)/d(input). */
  grad: Float64Array;
  /** softmax / sigmoid outputs (cross-entropy losses only). */
  probs?: Float64Array;
}

/**
 * Softmax cross-entropy over N rows of C logits. sparse: targets [N] class indices; otherwise targets
 * [N, C] probabilities. Loss of a row: −Σ_c t_c (logit_c − logsumexp(row)); grad = scale · (probs − t).
 */
export function softmaxCrossEntropy(N: number, C: number, logits: ArrayLike<number>, targets: ArrayLike<number>,
  sparse: boolean, scale = 1): LossResult {
  const probs = softmax(N, C, logits);
  const grad = new Float64Array(N * C);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const lse = logSumExp(C, logits, n);
    for (let c = 0; c < C; c++) {
      const t = sparse ? (targets[n] === c ? 1 : 0) : targets[n * C + c];
      if (t !== 0) loss -= t * (logits[n * C + c] - lse);
      grad[n * C + c] = scale * (probs[n * C + c] - t);
    }
  }
  return { loss, grad, probs };
}

/**
 * Sigmoid + binary cross-entropy over n logits z with targets t in [0, 1]:
 * −t·log σ(z) − (1 − t)·log(1 − σ(z)) = max(z, 0) − z·t + log(1 + e^{−|z|}) (the stable form);
 * grad = scale · (σ(z) − t).
 */
export function sigmoidCrossEntropy(n: number, logits: ArrayLike<number>, targets: ArrayLike<number>, scale = 1): LossResult {
  const probs = new Float64Array(n);
  const grad = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = logits[i];
    const t = targets[i];
    loss += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
    probs[i] = sigmoid(z);
    grad[i] = scale * (probs[i] - t);
  }
  return { loss, grad, probs };
}

/** Squared error: loss = Σ (pred − target)²; grad = 2 · scale · (pred − target). */
export function mse(n: number, pred: ArrayLike<number>, target: ArrayLike<number>, scale = 1): LossResult {
  const grad = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - target[i];
    loss += d * d;
    grad[i] = 2 * scale * d;
  }
  return { loss, grad };
}
