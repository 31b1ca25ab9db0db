// SimpleRNN (Elman) over a whole time-major sequence: rnn_forward and rnn_backward (BPTT) side by side.
// Not a cell-per-call API: the time loop lives here, one call per layer, direction and batch.
//
//   h_t = act(x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh)        (PyTorch nn.RNN, one direction)
//
// Dims: T time steps, B batch, I input features, H hidden units.
// Layout (PyTorch names): weight_ih [H, I], weight_hh [H, H], bias_ih [H], bias_hh [H].
// Processing order: s = 0..T−1 visits t = s (reverse = 0) or t = T−1−s (reverse = 1); the previous
// state of step t is hs at the previously visited position (t−1 or t+1), or h0 for the first step.
// Recipe (cuDNN): the input projections of all T steps are one big NT GEMM written straight into hs;
// each step then adds one small NT GEMM for the recurrence. Backward accumulates dW with one TN GEMM
// per weight over all steps once the per-step pre-activation gradients are known.

import { add_col_sums, add_into, sgemm, ACCUMULATE, TRANS_A, TRANS_B } from "./gemm";
import { act_grad, bias_act } from "./activations";

/** x position of the s-th processed step. */
// @ts-ignore: decorator
@inline function step(reverse: i32, T: i32, s: i32): i32 {
  return reverse ? T - 1 - s : s;
}

/**
 * Forward over the sequence.
 * x [T, B, I]; w_ih [H, I]; w_hh [H, H]; b_ih, b_hh [H] or 0; h0 [B, H] or 0 (zeros);
 * hs [T, B, H] (out): hs[t] is the state after consuming x[t].
 */
export function rnn_forward(act: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, b_ih: usize, b_hh: usize, h0: usize, hs: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const BH = B * H, stepB = <usize>BH << 2;
  // hs[t] = x[t]·W_ihᵀ for every t at once: [T·B, I]·[H, I]ᵀ.
  sgemm(TRANS_B, T * B, H, I, x, I, w_ih, I, hs, H);
  let hPrev = h0;
  for (let s = 0; s < T; s++) {
    const h = hs + <usize>step(reverse, T, s) * stepB;
    if (hPrev) sgemm(TRANS_B | ACCUMULATE, B, H, H, hPrev, H, w_hh, H, h, H);
    bias_act(act, B, H, h, h, b_ih, b_hh);
    hPrev = h;
  }
}

/**
 * Backpropagation through time for rnn_forward (same act, reverse, dims, x, weights, h0, hs).
 * dhs [T, B, H] (consumed): dLoss/d hs from above; overwritten with the pre-activation gradients.
 * dh_last [B, H] or 0: dLoss/d(final state), added to the last processed step.
 * Accumulates (+=): dx [T, B, I] or 0; dw_ih [H, I]; dw_hh [H, H]; db_ih, db_hh [H] or 0; dh0 [B, H] or 0.
 */
export function rnn_backward(act: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, h0: usize, hs: usize, dhs: usize, dh_last: usize,
  dx: usize, dw_ih: usize, dw_hh: usize, db_ih: usize, db_hh: usize, dh0: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const BH = B * H, stepB = <usize>BH << 2, TB = T * B;
  // Steps in reverse processing order: dpre_t = dh_t ⊙ act'(h_t), then dh_prev += dpre_t·W_hh.
  for (let s = T - 1; s >= 0; s--) {
    const off = <usize>step(reverse, T, s) * stepB;
    const dh = dhs + off;
    if (s == T - 1 && dh_last) add_into(BH, dh_last, dh);
    act_grad(act, BH, hs + off, dh, dh, false);
    const dhPrev = s > 0 ? dhs + <usize>step(reverse, T, s - 1) * stepB : dh0;
    if (dhPrev) sgemm(ACCUMULATE, B, H, H, dh, H, w_hh, H, dhPrev, H);
  }
  // dw_ih += dpreᵀ·x over all T·B rows.
  sgemm(TRANS_A | ACCUMULATE, H, I, TB, dhs, H, x, I, dw_ih, I);
  // dw_hh += Σ_t dpre_tᵀ·h_prev(t). Steps with a stored previous state pair dpre at positions
  // 1..T−1 with hs at 0..T−2 (forward) or dpre at 0..T−2 with hs at 1..T−1 (reverse): one GEMM.
  if (T > 1) {
    const dpre = reverse ? dhs : dhs + stepB, hPrev = reverse ? hs + stepB : hs;
    sgemm(TRANS_A | ACCUMULATE, H, H, (T - 1) * B, dpre, H, hPrev, H, dw_hh, H);
  }
  if (h0) sgemm(TRANS_A | ACCUMULATE, H, H, B, dhs + <usize>step(reverse, T, 0) * stepB, H, h0, H, dw_hh, H);
  if (db_ih) add_col_sums(TB, H, dhs, db_ih);
  if (db_hh) add_col_sums(TB, H, dhs, db_hh);
  // dx += dpre·W_ih: [T·B, H]·[H, I].
  if (dx) sgemm(ACCUMULATE, TB, I, H, dhs, H, w_ih, I, dx, I);
}
