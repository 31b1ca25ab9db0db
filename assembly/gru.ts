// GRU over a whole time-major sequence: gru_forward and gru_backward (BPTT) side by side, both variants.
// Not a cell-per-call API: the time loop lives here, one call per layer, direction and batch.
//
//   r = ract(W_ir x + b_ir + W_hr h + b_hr);   z = ract(W_iz x + b_iz + W_hz h + b_hz)      (PyTorch nn.GRU)
//   resetAfter = 1 (PyTorch, Keras reset_after=True):   n = act(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   resetAfter = 0 (Keras reset_after=False):            n = act(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
//   h_t = (1 − z) ⊙ n + z ⊙ h_prev  (computed as n + z ⊙ (h_prev − n))
//
// act is the candidate activation (tanh by default), ract the gate activation (sigmoid by default); codes
// as in activations.ts. Derivatives are taken from outputs, so every code works for either.
// Dims: T time steps, B batch, I input features, H hidden units, G = 3·H gate rows, L = 4·H cache row.
// Layout (PyTorch names and order): weight_ih [G, I], weight_hh [G, H], bias_ih [G], bias_hh [G], each
// three blocks of H rows in the gate order r, z, n.
// Caches (position-aligned, time-major): hs [T, B, H] the states after consuming x[t]; gates [T, B, L],
// four blocks of H per row: r, z, n (activated) and m = W_hn h_prev + b_hn (resetAfter = 1) or
// m = r ⊙ h_prev (resetAfter = 0). Padded rows are zeros.
// Processing order and padding (lengths): see sequence.ts. Padded rows compute nothing: h is carried,
// their gates row is zeroed; backward passes dh to dh_prev and leaves a zero row.
//
// Recipe (cuDNN): the input projections of all T steps are one NT GEMM into blocks r, z, n of gates
// (columns of W_ih for one-hot x: onehot.ts).
// resetAfter = 1: per step, the x-part of n moves to block m and block n is cleared, so ONE accumulating
//   NT GEMM h_prev·W_hhᵀ [B, G] lands r and z on their x-parts and W_hn h in block n; per row, one
//   vectorised pass then applies the biases and the gate nonlinearities and writes r, z, m and n's
//   pre-activation, and a second writes n and h.
// resetAfter = 0: per step, an NT GEMM [B, 2H] for r and z, a pass making r, z and m = r ⊙ h_prev, an NT
//   GEMM m·W_hnᵀ [B, H] into block n, and a pass making n and h.
// Backward: per step one pass (two for resetAfter = 0, around the GEMM d(r⊙h) = dn·W_hn into work) turns
// dh into the gate gradients in place, then dh_prev += [dr, dz, dn_h]·W_hh; the weight gradients are TN
// GEMMs over all steps at the end. Backward cache rows: resetAfter = 1: [dr, dz, dm, dn] (pre-activation
// gradients; dm = dn ⊙ r is the gradient of W_hn h + b_hn, so blocks 0..2 are the recurrent side and
// blocks 0, 1, 3 the input side); resetAfter = 0: [dr, dz, dn, m] (m kept for dW_hn += dnᵀ·m).

import { add_col_sums, add_into, gemm_wt, sgemm, ACCUMULATE, TRANS_A } from "./gemm";
import { actV, dactV, ACT_SIGMOID, ACT_TANH } from "./activations";
import { input_product } from "./onehot";
import { loadW, madd, storeW, zero } from "./simd";
import { add_input_grads, add_recurrent_grads, addBiases, carryRow, isPad, passRow, row, step } from "./sequence";

/**
 * Forward over the sequence.
 * x [T, B, I]; w_ih [G, I]; w_hh [G, H]; pw_ih, pw_hh: pack_weights of w_ih, w_hh, or 0 (then w_ih, w_hh
 * are read unpacked); b_ih, b_hh [G] or 0; h0 [B, H] or 0 (zeros); lengths [B] i32 or 0.
 * Out: hs [T, B, H]; gates [T, B, L] (r, z, n, m as in the header).
 * resetAfter = 0 splits the recurrent product into rows [0, 2H) (r, z) and [2H, 3H) (n) of W_hh; with pw_hh
 * both are column ranges of the one packed W_hh (gemm_wt): when 2H is not a multiple of 8 the strip that
 * holds row 2H is shared by the two products, each computing it whole and storing only its own columns.
 */
export function gru_forward(act: i32, ract: i32, resetAfter: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, pw_ih: usize, pw_hh: usize, b_ih: usize, b_hh: usize, h0: usize,
  lengths: usize, hs: usize, gates: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const G = 3 * H, L = 4 * H, hB = <usize>H << 2;
  const stepH = (<usize>B * <usize>H) << 2, stepL = (<usize>B * <usize>L) << 2;
  // Blocks r, z, n of gates[t] = x[t]·W_ihᵀ for every t at once: [T·B, I]·[G, I]ᵀ, row stride L.
  input_product(T * B, I, G, x, w_ih, pw_ih, gates, L);
  let hPrev = h0;
  for (let s = 0; s < T; s++) {
    const t = step(reverse, T, s);
    const g = gates + <usize>t * stepL, h = hs + <usize>t * stepH;
    if (resetAfter) {
      moveInputN(B, H, g);
      if (hPrev) gemm_wt(true, B, H, hPrev, H, w_hh, pw_hh, G, 0, G, g, L);
      afterStep(act, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, h);
    } else {
      if (hPrev) gemm_wt(true, B, H, hPrev, H, w_hh, pw_hh, G, 0, 2 * H, g, L);
      beforeGatesStep(ract, lengths, t, B, H, g, b_ih, b_hh, hPrev);
      // n block: (r ⊙ h_prev)·W_hnᵀ, rows 2H..3H−1 of W_hh.
      if (hPrev) gemm_wt(true, B, H, g + 3 * hB, L, w_hh, pw_hh, G, 2 * H, G, g + 2 * hB, L);
      beforeStateStep(act, lengths, t, B, H, g, b_ih, b_hh, hPrev, h);
    }
    hPrev = h;
  }
}

/**
 * Backpropagation through time for gru_forward (same act, ract, resetAfter, reverse, dims, x, weights,
 * h0, lengths and caches hs, gates). gates (consumed) becomes the gate gradients (see the header);
 * dhs [T, B, H] (consumed): dLoss/d hs from above; dh_last [B, H] or 0: dLoss/d(final state), added at
 * the last processed step. work [B, H]: scratch (d(r ⊙ h_prev), resetAfter = 0 only). Accumulates (+=):
 * dx [T, B, I] or 0; dw_ih [G, I]; dw_hh [G, H]; db_ih, db_hh [G] or 0; dh0 [B, H] or 0.
 */
export function gru_backward(act: i32, ract: i32, resetAfter: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, h0: usize, lengths: usize, hs: usize, gates: usize,
  dhs: usize, dh_last: usize, work: usize,
  dx: usize, dw_ih: usize, dw_hh: usize, db_ih: usize, db_hh: usize, dh0: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const G = 3 * H, L = 4 * H, BH = B * H, TB = T * B, hB = <usize>H << 2;
  const stepH = <usize>BH << 2, stepL = (<usize>B * <usize>L) << 2;
  const w_hn = w_hh + hnRows(H);
  for (let s = T - 1; s >= 0; s--) {
    const t = step(reverse, T, s);
    const dh = dhs + <usize>t * stepH, g = gates + <usize>t * stepL;
    if (s == T - 1 && dh_last) add_into(BH, dh_last, dh);
    const p = s > 0 ? <usize>step(reverse, T, s - 1) * stepH : 0;
    const hPrev = s > 0 ? hs + p : h0, dhPrev = s > 0 ? dhs + p : dh0;
    if (resetAfter) {
      afterBackStep(act, ract, lengths, t, B, H, g, hPrev, dh, dhPrev);
      // dh_prev += [dr, dz, dm]·W_hh: [B, G]·[G, H].
      if (dhPrev) sgemm(ACCUMULATE, B, H, G, g, L, w_hh, H, dhPrev, H);
    } else {
      beforeStateBackStep(act, ract, lengths, t, B, H, g, hPrev, dh, dhPrev);
      // work = d(r ⊙ h_prev) = dn·W_hn: [B, H]·[H, H].
      sgemm(0, B, H, H, g + 2 * hB, L, w_hn, H, work, H);
      beforeGatesBackStep(ract, lengths, t, B, H, g, hPrev, work, dhPrev);
      // dh_prev += [dr, dz]·W_h[rz]: [B, 2H]·[2H, H].
      if (dhPrev) sgemm(ACCUMULATE, B, H, 2 * H, g, L, w_hh, H, dhPrev, H);
    }
  }
  // Weight gradients over all T·B rows at once (padded rows are zero and add nothing).
  const nI = <usize>2 * hB * <usize>I; // byte offset of the n rows of W_ih / dW_ih
  if (resetAfter) {
    // Blocks r, z: the same pre-activation gradient on both sides, so one set of sums feeds b_ih and b_hh;
    // block n: dn on the input side, dm on the recurrent side.
    add_input_grads(TB, 2 * H, I, gates, L, x, w_ih, dx, dw_ih, db_ih, db_hh);
    add_input_grads(TB, H, I, gates + 3 * hB, L, x, w_ih + nI, dx, dw_ih + nI, db_ih ? db_ih + 2 * hB : 0, 0);
    add_col_sums(TB, H, gates + 2 * hB, L, db_hh ? db_hh + 2 * hB : 0, 0);
    add_recurrent_grads(reverse, T, B, H, G, gates, L, hs, h0, dw_hh);
  } else {
    add_input_grads(TB, G, I, gates, L, x, w_ih, dx, dw_ih, db_ih, db_hh);
    add_recurrent_grads(reverse, T, B, H, 2 * H, gates, L, hs, h0, dw_hh);
    // dW_hn += dnᵀ·(r ⊙ h_prev) over all rows.
    sgemm(TRANS_A | ACCUMULATE, H, H, TB, gates + 2 * hB, L, gates + 3 * hB, L, dw_hh + hnRows(H), H);
  }
}

/** Byte offset of the n rows (2H..3H−1) of an [G, H] weight. */
// @ts-ignore: decorator
@inline function hnRows(H: i32): usize {
  return (<usize>2 * <usize>H * <usize>H) << 2;
}

// ---- dispatch: the default codes (act tanh, ract sigmoid) get their own copy of each pass with the
// activations inlined; other codes run the same loop with the code switch evaluated per vector.

function afterStep(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, h: usize): void {
  if (act == ACT_TANH && ract == ACT_SIGMOID) rows(AFTER, ACT_TANH, ACT_SIGMOID, lengths, t, B, H, g, b_ih, b_hh, hPrev, h, 0, 0);
  else rows(AFTER, act, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, h, 0, 0);
}

function beforeGatesStep(ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize): void {
  if (ract == ACT_SIGMOID) rows(GATES, 0, ACT_SIGMOID, lengths, t, B, H, g, b_ih, b_hh, hPrev, 0, 0, 0);
  else rows(GATES, 0, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, 0, 0, 0);
}

function beforeStateStep(act: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, h: usize): void {
  if (act == ACT_TANH) rows(STATE, ACT_TANH, 0, lengths, t, B, H, g, b_ih, b_hh, hPrev, h, 0, 0);
  else rows(STATE, act, 0, lengths, t, B, H, g, b_ih, b_hh, hPrev, h, 0, 0);
}

function afterBackStep(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, hPrev: usize,
  dh: usize, dhPrev: usize): void {
  if (act == ACT_TANH && ract == ACT_SIGMOID) rows(AFTER_BACK, ACT_TANH, ACT_SIGMOID, lengths, t, B, H, g, 0, 0, hPrev, 0, dh, dhPrev);
  else rows(AFTER_BACK, act, ract, lengths, t, B, H, g, 0, 0, hPrev, 0, dh, dhPrev);
}

function beforeStateBackStep(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, hPrev: usize,
  dh: usize, dhPrev: usize): void {
  if (act == ACT_TANH && ract == ACT_SIGMOID) rows(STATE_BACK, ACT_TANH, ACT_SIGMOID, lengths, t, B, H, g, 0, 0, hPrev, 0, dh, dhPrev);
  else rows(STATE_BACK, act, ract, lengths, t, B, H, g, 0, 0, hPrev, 0, dh, dhPrev);
}

function beforeGatesBackStep(ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, hPrev: usize,
  drh: usize, dhPrev: usize): void {
  if (ract == ACT_SIGMOID) rows(GATES_BACK, 0, ACT_SIGMOID, lengths, t, B, H, g, 0, 0, hPrev, 0, drh, dhPrev);
  else rows(GATES_BACK, 0, ract, lengths, t, B, H, g, 0, 0, hPrev, 0, drh, dhPrev);
}

// ---- the passes over a step's [B, L] slice ------------------------------------------------------------

/** Pass kinds of rows(). */
const AFTER = 0; //       resetAfter = 1 forward: r, z, m and n's pre-activation, then (as STATE) n and h
const GATES = 1; //       resetAfter = 0 forward, first pass: r, z and m = r ⊙ h_prev
const STATE = 2; //       resetAfter = 0 forward, second pass: n and h
const AFTER_BACK = 3; //  resetAfter = 1 backward: dr, dz, dm, dn; dh_prev += dh ⊙ z
const STATE_BACK = 4; //  resetAfter = 0 backward, first pass: dz, dn; dh_prev += dh ⊙ z
const GATES_BACK = 5; //  resetAfter = 0 backward, second pass: dr; dh_prev += d(r ⊙ h) ⊙ r

/**
 * The rows of one step for pass kind K (a constant). g [B, L]: the step's cache rows; b_ih, b_hh [G] or 0
 * (forward); hPrev [B, H] or 0; h [B, H] (forward out); d [B, H]: dh (AFTER_BACK, STATE_BACK) or
 * d(r ⊙ h_prev) (GATES_BACK); dhPrev [B, H] or 0 (backward, accumulated). Padded rows: forward carries
 * h and zeroes the cache row (GATES zeroes, STATE carries); backward zeroes the row and passes dh once
 * (STATE_BACK / AFTER_BACK; GATES_BACK leaves them alone).
 */
// @ts-ignore: decorator
@inline function rows(K: i32, A: i32, R: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, h: usize, d: usize, dhPrev: usize): void {
  const hB = <usize>H << 2, lB = hB << 2, end = <usize>(H & ~3) << 2;
  for (let b = 0; b < B; b++, g += lB) {
    const hp = row(hPrev, b, H), hb = row(h, b, H), db = row(d, b, H), dp = row(dhPrev, b, H);
    if (isPad(lengths, t, b)) {
      if (K == AFTER || K == STATE) carryRow(H, hp, hb);
      if (K == AFTER || K == GATES || K == AFTER_BACK || K == STATE_BACK) memory.fill(g, 0, lB);
      if (K == AFTER_BACK || K == STATE_BACK) passRow(H, db, dp);
      continue;
    }
    let o: usize = 0;
    for (; o < end; o += 16) cell(4, K, A, R, g + o, hB, b_ih, b_hh, o, hp, hb, db, dp);
    for (; o < hB; o += 4) cell(1, K, A, R, g + o, hB, b_ih, b_hh, o, hp, hb, db, dp);
    if (K == AFTER) {
      // Second pass: n = act(pre-activation) and h, the STATE pass with the biases already in. In one pass
      // each vector's act(n) waited on its own r, as the LSTM's act(c) did on its gates (lstm.ts). A/B,
      // relaxed core: W3's forward 5% faster, at batch 32 6%; the plain core's W3 5%.
      for (o = 0; o < end; o += 16) cell(4, STATE, A, R, g + o, hB, 0, 0, o, hp, hb, db, dp);
      for (; o < hB; o += 4) cell(1, STATE, A, R, g + o, hB, 0, 0, o, hp, hb, db, dp);
    }
  }
}

/**
 * W lanes of one row for pass kind K: g points at block r (z, n, m follow hB bytes apart); o is the byte
 * offset in H; hp, h, d, dp are row pointers (or 0) indexed by o.
 */
// @ts-ignore: decorator
@inline function cell(W: i32, K: i32, A: i32, R: i32, g: usize, hB: usize, b_ih: usize, b_hh: usize, o: usize,
  hp: usize, h: usize, d: usize, dp: usize): void {
  const gz = g + hB, gn = g + 2 * hB, gm = g + 3 * hB;
  const hv = hp && K != AFTER ? loadW(W, hp + o) : zero(); // h_prev (0 for an absent h0); AFTER does not read it
  if (K == AFTER) {
    // r, z from their x- and h-parts; m = W_hn h + b_hn; block n gets n's pre-activation x-part + b_in + r ⊙ m
    const r = actV(R, addBiases(W, loadW(W, g), b_ih, b_hh, o));
    const z = actV(R, addBiases(W, loadW(W, gz), b_ih, b_hh, o + hB));
    const m = addBiases(W, loadW(W, gn), 0, b_hh, o + 2 * hB);
    storeW(W, g, r);
    storeW(W, gz, z);
    storeW(W, gn, madd(addBiases(W, loadW(W, gm), b_ih, 0, o + 2 * hB), r, m));
    storeW(W, gm, m);
  } else if (K == GATES) {
    const r = actV(R, addBiases(W, loadW(W, g), b_ih, b_hh, o));
    storeW(W, g, r);
    storeW(W, gz, actV(R, addBiases(W, loadW(W, gz), b_ih, b_hh, o + hB)));
    storeW(W, gm, f32x4.mul(r, hv));
  } else if (K == STATE) {
    const n = actV(A, addBiases(W, loadW(W, gn), b_ih, b_hh, o + 2 * hB));
    storeW(W, gn, n);
    storeW(W, h + o, madd(n, loadW(W, gz), f32x4.sub(hv, n)));
  } else {
    const dv = loadW(W, d + o);
    if (K == AFTER_BACK) {
      const r = loadW(W, g), z = loadW(W, gz), n = loadW(W, gn), m = loadW(W, gm);
      const dn = dactV(A, n, f32x4.sub(dv, f32x4.mul(dv, z))); // dh ⊙ (1 − z) ⊙ act'
      storeW(W, g, dactV(R, r, f32x4.mul(dn, m)));
      storeW(W, gz, dactV(R, z, f32x4.mul(dv, f32x4.sub(hv, n))));
      storeW(W, gn, f32x4.mul(dn, r)); // dm: gradient of W_hn h + b_hn
      storeW(W, gm, dn);
      if (dp) storeW(W, dp + o, madd(loadW(W, dp + o), dv, z));
    } else if (K == STATE_BACK) {
      const z = loadW(W, gz), n = loadW(W, gn);
      storeW(W, gz, dactV(R, z, f32x4.mul(dv, f32x4.sub(hv, n))));
      storeW(W, gn, dactV(A, n, f32x4.sub(dv, f32x4.mul(dv, z))));
      if (dp) storeW(W, dp + o, madd(loadW(W, dp + o), dv, z));
    } else { // GATES_BACK: dv = d(r ⊙ h_prev)
      const r = loadW(W, g);
      storeW(W, g, dactV(R, r, f32x4.mul(dv, hv)));
      if (dp) storeW(W, dp + o, madd(loadW(W, dp + o), dv, r));
    }
  }
}

/** resetAfter = 1, before the step's GEMM: block m = block n (the x-part of n), block n = 0. g [B, L]. */
function moveInputN(B: i32, H: i32, g: usize): void {
  const hB = <usize>H << 2, lB = hB << 2;
  for (let b = 0; b < B; b++, g += lB) {
    memory.copy(g + 3 * hB, g + 2 * hB, hB);
    memory.fill(g + 2 * hB, 0, hB);
  }
}
