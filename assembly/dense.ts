// Fully connected layer (PyTorch nn.Linear layout) with a fused activation: dense_forward and
// dense_backward side by side. Not a layer object: shapes and pointers come from the façade.
//
//   y = act(x·wᵀ + b)
//
// Dims: N rows (= T·B for a per-step head, or B), I input features, O outputs.
// Layout: weight [O, I], bias [O].

import { add_col_sums, sgemm, ACCUMULATE } from "./gemm";
import { act_grad, bias_act } from "./activations";
import { add_input_weight_grads, input_product } from "./onehot";

/** y [N, O] = act(x [N, I]·wᵀ + b); w [O, I]; pw = pack_weights(O, I, w) or 0 (then w is read); b [O] or 0. */
export function dense_forward(act: i32, N: i32, I: i32, O: i32, x: usize, w: usize, pw: usize, b: usize, y: usize): void {
  input_product(N, I, O, x, w, pw, y, O);
  bias_act(act, N, O, y, y, b, 0);
}

/**
 * Backward of dense_forward. x [N, I]; w [O, I]; y [N, O] the forward output; dy [N, O] (consumed:
 * becomes the pre-activation gradient). Accumulates (+=): dx [N, I] or 0, dw [O, I], db [O] or 0.
 */
export function dense_backward(act: i32, N: i32, I: i32, O: i32, x: usize, w: usize, y: usize, dy: usize,
  dx: usize, dw: usize, db: usize): void {
  act_grad(act, N * O, y, dy, dy, false);
  // dx += dpre·w: [N, O]·[O, I]
  if (dx) sgemm(ACCUMULATE, N, I, O, dy, O, w, I, dx, I);
  // dw += dpreᵀ·x: [N, O]ᵀ·[N, I]
  add_input_weight_grads(N, O, I, dy, O, x, dw);
  add_col_sums(N, O, dy, O, db, 0);
}
