// SimpleRNN (Elman) over a whole time-major sequence: rnn_forward and rnn_backward (BPTT) side by side.
// Not a cell-per-call API: the time loop lives here, one call per layer, direction and batch.
//
//   h_t = act(x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh)        (PyTorch nn.RNN, one direction)
//
// Dims: T time steps, B batch, I input features, H hidden units.
// Layout (PyTorch names): weight_ih [H, I], weight_hh [H, H], bias_ih [H], bias_hh [H].
// Processing order: s = 0..T−1 visits t = s (reverse = 0) or t = T−1−s (reverse = 1); the previous
// state of step t is hs at the previously visited position (t−1 or t+1), or h0 for the first step.
// Padding (lengths, see sequence.ts): padded rows are computed like the others, then overwritten with
// the carried state; backward passes their dh through and zeroes their pre-activation gradient.
// Recipe (cuDNN): the input projections of all T steps are one big x·W_ihᵀ GEMM written straight into hs
// (columns of W_ih for one-hot x: onehot.ts);
// each step then adds one small h·W_hhᵀ GEMM for the recurrence (both gemm_wt: over the packed weights
// pw_ih / pw_hh when given, else the plain NT GEMM). Backward accumulates dW with one TN GEMM
// per weight over all steps once the per-step pre-activation gradients are known.

import { add_into, gemm_wt, sgemm, ACCUMULATE } from "./gemm";
import { act_grad, bias_act } from "./activations";
import { input_product } from "./onehot";
import { add_input_grads, add_recurrent_grads, carry_rows, pass_rows, step } from "./sequence";

/**
 * Forward over the sequence.
 * x [T, B, I]; w_ih [H, I]; w_hh [H, H]; pw_ih, pw_hh: pack_weights of w_ih, w_hh, or 0 (then w_ih, w_hh
 * are read unpacked); b_ih, b_hh [H] or 0; h0 [B, H] or 0 (zeros); lengths [B] i32 or 0; hs [T, B, H] (out): hs[t] is the state after consuming x[t] (the carried state at padded positions).
 */
export function rnn_forward(act: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, pw_ih: usize, pw_hh: usize, b_ih: usize, b_hh: usize, h0: usize,
  lengths: usize, hs: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const stepB = (<usize>B * <usize>H) << 2;
  // hs[t] = x[t]·W_ihᵀ for every t at once: [T·B, I]·[H, I]ᵀ.
  input_product(T * B, I, H, x, w_ih, pw_ih, hs, H);
  let hPrev = h0;
  for (let s = 0; s < T; s++) {
    const t = step(reverse, T, s);
    const h = hs + <usize>t * stepB;
    if (hPrev) gemm_wt(true, B, H, hPrev, H, w_hh, pw_hh, H, 0, H, h, H);
    bias_act(act, B, H, h, h, b_ih, b_hh);
    carry_rows(lengths, t, B, H, hPrev, h);
    hPrev = h;
  }
}

/**
 * Backpropagation through time for rnn_forward (same act, reverse, dims, x, weights, h0, lengths, hs).
 * dhs [T, B, H] (consumed): dLoss/d hs from above; overwritten with the pre-activation gradients (zero
 * rows at padded positions). dh_last [B, H] or 0: dLoss/d(final state), added to the last processed step.
 * Accumulates (+=): dx [T, B, I] or 0; dw_ih [H, I]; dw_hh [H, H]; db_ih, db_hh [H] or 0; dh0 [B, H] or 0.
 */
export function rnn_backward(act: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, h0: usize, lengths: usize, hs: usize, dhs: usize, dh_last: usize,
  dx: usize, dw_ih: usize, dw_hh: usize, db_ih: usize, db_hh: usize, dh0: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const BH = B * H, stepB = <usize>BH << 2, TB = T * B;
  // Steps in reverse processing order: padded rows pass dh_t to dh_prev and become 0, then
  // dpre_t = dh_t ⊙ act'(h_t) and dh_prev += dpre_t·W_hh.
  for (let s = T - 1; s >= 0; s--) {
    const t = step(reverse, T, s);
    const dh = dhs + <usize>t * stepB;
    if (s == T - 1 && dh_last) add_into(BH, dh_last, dh);
    const dhPrev = s > 0 ? dhs + <usize>step(reverse, T, s - 1) * stepB : dh0;
    pass_rows(lengths, t, B, H, dh, dhPrev);
    act_grad(act, BH, hs + <usize>t * stepB, dh, dh, false);
    if (dhPrev) sgemm(ACCUMULATE, B, H, H, dh, H, w_hh, H, dhPrev, H);
  }
  // Weight gradients over all T·B rows at once (padded rows are zero and add nothing).
  add_input_grads(TB, H, I, dhs, H, x, w_ih, dx, dw_ih, db_ih, db_hh);
  add_recurrent_grads(reverse, T, B, H, H, dhs, H, hs, h0, dw_hh);
}
