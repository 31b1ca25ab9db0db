// Fused output losses: softmax (+ cross-entropy), sigmoid + binary cross-entropy, mean squared error.
// Each returns the SUM of the per-element (or per-row) losses as f64 and, when asked, writes the logit
// gradient scaled by `scale` (the caller passes 1/N for a mean). Not hot next to the GEMMs: softmax and
// the cross-entropies are scalar, written for numerical safety (max-subtracted exps, log-sum-exp, the
// stable logistic loss), with f64 sums. mse is vectorised because it runs over whole outputs.
//
// No f64 Math.exp or Math.log here: at the release builds' shrink level AssemblyScript implements them
// with lookup tables, 6 KB of data that made up a third of the compressed core (20.6 KB with them, 13.9
// KB without, gzip -9). The exps are f32 (Mathf.exp, a 256-byte table; the probabilities they make are
// f32), and log Σ exp is log1p(s − 1), which for s ≥ 1 is as accurate as log(s).
//
// Dims: N rows, C classes, n elements.

import { addSquaresF64, hsumF64, loadW, storeW, zero } from "./simd";

/** max of x[C] (C ≥ 1). */
// @ts-ignore: decorator
@inline function rowMax(C: i32, x: usize): f32 {
  let m = load<f32>(x);
  for (let c = 1; c < C; c++) m = max(m, load<f32>(x + (<usize>c << 2)));
  return m;
}

/** log Σ exp(x[c]) over x[C], max-subtracted so it neither overflows nor underflows to −Infinity. */
// @ts-ignore: decorator
@inline function logSumExp(C: i32, x: usize): f64 {
  const m = rowMax(C, x);
  let s: f64 = 0;
  for (let c = 0; c < C; c++) s += Mathf.exp(load<f32>(x + (<usize>c << 2)) - m);
  return <f64>m + Math.log1p(s - 1);
}

/** Row-wise softmax: y[N, C] = softmax(x[N, C]); in place allowed (y = x). */
export function softmax_forward(N: i32, C: i32, x: usize, y: usize): void {
  if (C <= 0) return;
  const row = <usize>C << 2;
  for (let r = 0; r < N; r++, x += row, y += row) {
    const lse = logSumExp(C, x);
    for (let o: usize = 0; o < row; o += 4) store<f32>(y + o, Mathf.exp(<f32>(<f64>load<f32>(x + o) - lse)));
  }
}

/**
 * Softmax + cross-entropy over N rows of C logits [N, C]. targets: [N, C] probabilities (sparse = 0)
 * or [N] class indices stored as f32 (sparse = 1). Writes probs [N, C] (or 0) and, when dlogits ≠ 0,
 * dlogits [N, C] = scale·(probs − targets) (overwrite). Returns Σ over rows of −Σ target·log p with
 * log p = logit − logsumexp (finite for finite logits, so a zero target never meets −Infinity).
 */
export function softmax_cross_entropy(N: i32, C: i32, logits: usize, targets: usize, sparse: i32,
  probs: usize, dlogits: usize, scale: f32): f64 {
  if (C <= 0) return 0;
  const row = <usize>C << 2;
  let loss: f64 = 0;
  for (let r = 0; r < N; r++) {
    const z = logits + <usize>r * row;
    const lse = logSumExp(C, z);
    const cls = sparse ? <i32>load<f32>(targets + (<usize>r << 2)) : -1;
    const t = targets + <usize>r * row;
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 2;
      const logp = <f64>load<f32>(z + o) - lse;
      const target: f32 = sparse ? (c == cls ? 1 : 0) : load<f32>(t + o);
      if (target != 0) loss -= <f64>target * logp;
      const p = Mathf.exp(<f32>logp);
      if (probs) store<f32>(probs + <usize>r * row + o, p);
      if (dlogits) store<f32>(dlogits + <usize>r * row + o, scale * (p - target));
    }
  }
  return loss;
}

/**
 * Sigmoid + binary cross-entropy over n logits with targets [n] in [0, 1]. Writes probs [n] (or 0) and,
 * when dlogits ≠ 0, dlogits [n] = scale·(sigmoid(logit) − target) (overwrite). Returns Σ of
 * max(z, 0) − z·y + log1p(exp(−|z|)), the form that neither overflows nor takes log(0).
 */
export function sigmoid_cross_entropy(n: i32, logits: usize, targets: usize, probs: usize, dlogits: usize, scale: f32): f64 {
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const z = <f64>load<f32>(logits + o), y = <f64>load<f32>(targets + o);
    const e = <f64>Mathf.exp(<f32>-Math.abs(z));
    loss += max(z, 0) - z * y + Math.log1p(e);
    // sigmoid from the same e = exp(−|z|): 1/(1+e) for z ≥ 0, e/(1+e) below.
    const p = <f32>((z >= 0 ? 1 : e) / (1 + e));
    if (probs) store<f32>(probs + o, p);
    if (dlogits) store<f32>(dlogits + o, scale * (p - <f32>y));
  }
  return loss;
}

/** Returns Σ (pred − target)² over [n] (f64 sum); when dpred ≠ 0, dpred [n] = 2·scale·(pred − target) (overwrite). */
export function mse(n: i32, pred: usize, target: usize, dpred: usize, scale: f32): f64 {
  const g = f32x4.splat(2 * scale);
  const end = <usize>(n & ~3) << 2, all = <usize>n << 2;
  let sum = zero(), o: usize = 0;
  for (; o < end; o += 16) sum = mseW(4, pred + o, target + o, dpred, o, g, sum);
  for (; o < all; o += 4) sum = mseW(1, pred + o, target + o, dpred, o, g, sum);
  return hsumF64(sum);
}

// @ts-ignore: decorator
@inline function mseW(W: i32, pred: usize, target: usize, dpred: usize, o: usize, g: v128, sum: v128): v128 {
  const d = f32x4.sub(loadW(W, pred), loadW(W, target));
  if (dpred) storeW(W, dpred + o, f32x4.mul(g, d));
  return addSquaresF64(sum, d);
}
