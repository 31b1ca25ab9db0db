// Sequence plumbing shared by the recurrent cells (rnn.ts, lstm.ts, gru.ts): which x position a processed
// step visits, which rows of a step are padding, carrying the state through padding (forward) and
// passing gradients through it (backward), and the weight-gradient GEMMs over all steps that every cell
// runs once after its backward time loop (the cuDNN recipe). Not a cell: no gate math here.
//
// Dims: T time steps, B batch, I input features, H hidden units, G gate rows of the weight block being
// reduced (H SimpleRNN, 4H LSTM, 2H or 3H GRU), N = T·B rows, ld the row stride (elements) of a
// gate-gradient cache dpre [T, B, ld] (ld ≥ G: a cell may reduce one block of a wider cache).
//
// Processing order: s = 0..T−1 visits position t = s (reverse = 0) or t = T−1−s (reverse = 1); the
// previous state of step s is the state at the position visited by step s−1, or h0 (c0) for s = 0.
//
// Padding (src/kernels.ts, "Sequences of different lengths"): lengths is 0 (no padding) or B i32 in
// [0, T]; row b is padding at position t ≥ lengths[b]. Forward copies the previous state into padded
// rows (zeros when it is an absent h0 / c0); backward adds their dh to dh_prev unchanged and leaves a
// zero gate-gradient row, so the all-steps GEMMs below add nothing for them.

import { add_col_sums, add_into, sgemm, ACCUMULATE, TRANS_A } from "./gemm";
import { add_input_weight_grads } from "./onehot";
import { loadW } from "./simd";

/** v + bias_ih + bias_hh at byte offset `at`, W lanes (only the biases present, i.e. not 0, are loaded). */
// @ts-ignore: decorator
@inline export function addBiases(W: i32, v: v128, b_ih: usize, b_hh: usize, at: usize): v128 {
  if (b_ih) v = f32x4.add(v, loadW(W, b_ih + at));
  if (b_hh) v = f32x4.add(v, loadW(W, b_hh + at));
  return v;
}

/** x position of the s-th processed step. */
// @ts-ignore: decorator
@inline export function step(reverse: i32, T: i32, s: i32): i32 {
  return reverse ? T - 1 - s : s;
}

/** Is row b padding at position t? (lengths: B i32, or 0 = never.) */
// @ts-ignore: decorator
@inline export function isPad(lengths: usize, t: i32, b: i32): bool {
  return lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2));
}

/** Forward carry of one padded row: dst[n] = src[n], or zeros when src = 0 (an absent h0 / c0). */
// @ts-ignore: decorator
@inline export function carryRow(n: i32, src: usize, dst: usize): void {
  if (src) memory.copy(dst, src, <usize>n << 2);
  else memory.fill(dst, 0, <usize>n << 2);
}

/** Backward identity of one padded row: dhPrev[n] += dh[n] (dropped when dhPrev = 0, an absent dh0). */
// @ts-ignore: decorator
@inline export function passRow(n: i32, dh: usize, dhPrev: usize): void {
  if (dhPrev) add_into(n, dh, dhPrev);
}

/** Row b of a [B, n] slice at p (0 stays 0: an absent h0 / c0 / dh0). */
// @ts-ignore: decorator
@inline export function row(p: usize, b: i32, n: i32): usize {
  return p ? p + ((<usize>b * <usize>n) << 2) : 0;
}

/**
 * Forward padding of one step of a cell without a fused pass (SimpleRNN): for each row b padded at
 * position t, h[b] = hPrev[b] (zeros when hPrev = 0). h, hPrev [B, H].
 */
export function carry_rows(lengths: usize, t: i32, B: i32, H: i32, hPrev: usize, h: usize): void {
  if (!lengths) return;
  for (let b = 0; b < B; b++) if (isPad(lengths, t, b)) carryRow(H, row(hPrev, b, H), row(h, b, H));
}

/**
 * Backward padding of one step of a cell without a fused pass (SimpleRNN): for each row b padded at
 * position t, dhPrev[b] += dh[b] (when dhPrev ≠ 0) and dh[b] = 0. dh, dhPrev [B, H].
 */
export function pass_rows(lengths: usize, t: i32, B: i32, H: i32, dh: usize, dhPrev: usize): void {
  if (!lengths) return;
  for (let b = 0; b < B; b++) {
    if (!isPad(lengths, t, b)) continue;
    const d = row(dh, b, H);
    passRow(H, d, row(dhPrev, b, H));
    memory.fill(d, 0, <usize>H << 2);
  }
}

/**
 * dw_hh[G, H] += Σ_t dpre_tᵀ·h_prev(t) over all steps: dpre [T, B, ld] (G columns used), hs [T, B, H],
 * h0 [B, H] or 0. Steps with a stored previous state pair dpre at positions 1..T−1 with hs at 0..T−2
 * (forward) or dpre at 0..T−2 with hs at 1..T−1 (reverse): one GEMM; the first step pairs with h0.
 */
export function add_recurrent_grads(reverse: i32, T: i32, B: i32, H: i32, G: i32, dpre: usize, ld: i32,
  hs: usize, h0: usize, dw_hh: usize): void {
  const stepD = (<usize>B * <usize>ld) << 2, stepH = (<usize>B * <usize>H) << 2;
  if (T > 1) {
    const d = reverse ? dpre : dpre + stepD, hPrev = reverse ? hs + stepH : hs;
    sgemm(TRANS_A | ACCUMULATE, G, H, (T - 1) * B, d, ld, hPrev, H, dw_hh, H);
  }
  if (h0) sgemm(TRANS_A | ACCUMULATE, G, H, B, dpre + <usize>step(reverse, T, 0) * stepD, ld, h0, H, dw_hh, H);
}

/**
 * The input side of a gate block over all N = T·B rows: dw_ih[G, I] += dpreᵀ·x; dx[N, I] += dpre·w_ih
 * (when dx ≠ 0); db[G] += column sums of dpre (when db ≠ 0). dpre [N, ld] (G columns used); x [N, I];
 * w_ih [G, I] (the rows of this block).
 */
export function add_input_grads(N: i32, G: i32, I: i32, dpre: usize, ld: i32, x: usize, w_ih: usize,
  dx: usize, dw_ih: usize, db: usize, db2: usize): void {
  add_input_weight_grads(N, G, I, dpre, ld, x, dw_ih);
  add_col_sums(N, G, dpre, ld, db, db2);
  if (dx) sgemm(ACCUMULATE, N, I, G, dpre, ld, w_ih, I, dx, I);
}
