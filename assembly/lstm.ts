// LSTM over a whole time-major sequence: lstm_forward and lstm_backward (BPTT) side by side.
// Not a cell-per-call API: the time loop lives here, one call per layer, direction and batch.
//
//   [i, f, g, o] = [ract, ract, act, ract](x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh)   (PyTorch nn.LSTM)
//   c_t = f ⊙ c_prev + i ⊙ g;   h_t = o ⊙ act(c_t)
//
// act is the cell activation (tanh by default), ract the gate activation (sigmoid by default); codes
// as in activations.ts. Derivatives are taken from outputs, so every code works for either.
// Dims: T time steps, B batch, I input features, H hidden units, G = 4·H gate rows.
// Layout (PyTorch names and order): weight_ih [G, I], weight_hh [G, H], bias_ih [G], bias_hh [G], each
// four blocks of H rows in the gate order i, f, g, o (rows 0..H−1 are i, H..2H−1 f, 2H..3H−1 g, 3H.. o).
// Caches (position-aligned, [T, B, ·] time-major): hs, cs [T, B, H] the states after consuming x[t];
// gates [T, B, G] the ACTIVATED gates i, f, g, o of each row (zeros at padded positions). act(c_t) is
// not cached: backward recomputes it from cs (the same f32 function, so the same values).
// Processing order and padding (lengths): see sequence.ts. Padded rows compute nothing: h and c are
// carried, their gates row is zeroed; backward passes dh to dh_prev, keeps dc, and leaves a zero row.
//
// Recipe (cuDNN): the input projections of all T steps are one x·W_ihᵀ GEMM written into gates (columns of
// W_ih for one-hot x: onehot.ts); each step adds one GEMM h_prev·W_hhᵀ into its [B, G] slice (gemm_wt:
// packed weights when given, else NT), then vectorised passes over each row of the slice add the biases,
// apply the gate nonlinearities and update c, then h. Backward runs t in reverse processing order: one
// pass per step turns dh (and the carried dc) into the pre-activation gate gradients in place in gates,
// then dh_prev += dpre·W_hh; the weight gradients are TN GEMMs over all steps at the end (dW_ih by rows
// for one-hot x).

import { add_into, gemm_wt, sgemm, ACCUMULATE } from "./gemm";
import { actV, dactV, ACT_SIGMOID, ACT_TANH } from "./activations";
import { input_product } from "./onehot";
import { loadW, madd, storeW, zero } from "./simd";
import { add_input_grads, add_recurrent_grads, addBiases, carryRow, isPad, passRow, row, step } from "./sequence";

/**
 * Forward over the sequence.
 * x [T, B, I]; w_ih [G, I]; w_hh [G, H]; pw_ih, pw_hh: pack_weights of w_ih, w_hh, or 0 (then w_ih, w_hh
 * are read unpacked); b_ih, b_hh [G] or 0; h0, c0 [B, H] or 0 (zeros); lengths [B] i32 or 0. Out: hs, cs [T, B, H]; gates [T, B, G] (activated i, f, g, o).
 */
export function lstm_forward(act: i32, ract: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, pw_ih: usize, pw_hh: usize, b_ih: usize, b_hh: usize, h0: usize, c0: usize,
  lengths: usize, hs: usize, cs: usize, gates: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const G = 4 * H, stepH = (<usize>B * <usize>H) << 2, stepG = (<usize>B * <usize>G) << 2;
  // gates[t] = x[t]·W_ihᵀ for every t at once: [T·B, I]·[G, I]ᵀ.
  input_product(T * B, I, G, x, w_ih, pw_ih, gates, G);
  let hPrev = h0, cPrev = c0;
  for (let s = 0; s < T; s++) {
    const t = step(reverse, T, s);
    const g = gates + <usize>t * stepG, h = hs + <usize>t * stepH, c = cs + <usize>t * stepH;
    if (hPrev) gemm_wt(true, B, H, hPrev, H, w_hh, pw_hh, G, 0, G, g, G);
    forwardStep(act, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, cPrev, h, c);
    hPrev = h;
    cPrev = c;
  }
}

/**
 * Backpropagation through time for lstm_forward (same act, ract, reverse, dims, x, weights, h0, c0,
 * lengths and caches hs, cs, gates). gates (consumed) becomes the pre-activation gate gradients dpre
 * [T, B, G]; dhs [T, B, H] (consumed): dLoss/d hs from above. dh_last, dc_last [B, H] or 0: gradients
 * of the final h and c, added at the last processed step. work [B, H]: scratch (the dc carried between
 * steps). Accumulates (+=): dx [T, B, I] or 0; dw_ih [G, I]; dw_hh [G, H]; db_ih, db_hh [G] or 0;
 * dh0, dc0 [B, H] or 0.
 */
export function lstm_backward(act: i32, ract: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32,
  x: usize, w_ih: usize, w_hh: usize, h0: usize, c0: usize, lengths: usize, hs: usize, cs: usize,
  gates: usize, dhs: usize, dh_last: usize, dc_last: usize, work: usize,
  dx: usize, dw_ih: usize, dw_hh: usize, db_ih: usize, db_hh: usize, dh0: usize, dc0: usize): void {
  if (T <= 0 || B <= 0 || H <= 0) return;
  const G = 4 * H, BH = B * H, TB = T * B;
  const stepH = <usize>BH << 2, stepG = (<usize>B * <usize>G) << 2;
  const dc = work; // [B, H]: dLoss/dc of the step being processed, carried towards the first step
  if (dc_last) memory.copy(dc, dc_last, stepH);
  else memory.fill(dc, 0, stepH);
  for (let s = T - 1; s >= 0; s--) {
    const t = step(reverse, T, s);
    const dh = dhs + <usize>t * stepH, g = gates + <usize>t * stepG;
    if (s == T - 1 && dh_last) add_into(BH, dh_last, dh);
    const p = s > 0 ? <usize>step(reverse, T, s - 1) * stepH : 0;
    const cPrev = s > 0 ? cs + p : c0, dhPrev = s > 0 ? dhs + p : dh0;
    backwardStep(act, ract, lengths, t, B, H, g, cs + <usize>t * stepH, cPrev, dh, dhPrev, dc);
    // dh_prev += dpre_t·W_hh: [B, G]·[G, H].
    if (dhPrev) sgemm(ACCUMULATE, B, H, G, g, G, w_hh, H, dhPrev, H);
  }
  if (dc0) add_into(BH, dc, dc0);
  // Weight gradients over all T·B rows at once (padded rows are zero and add nothing).
  add_input_grads(TB, G, I, gates, G, x, w_ih, dx, dw_ih, db_ih, db_hh);
  add_recurrent_grads(reverse, T, B, H, G, gates, G, hs, h0, dw_hh);
}

// ---- forward: the passes over a step's [B, G] slice -------------------------------------------------

/**
 * One step's pass. The default pair (act tanh, ract sigmoid) gets its own copy with the activations
 * inlined; other codes run the same loop with the code switch evaluated per vector. The two copies are
 * functions of their own, so a model compiles (and the engine optimises) only the one it runs.
 */
function forwardStep(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, cPrev: usize, h: usize, c: usize): void {
  if (act == ACT_TANH && ract == ACT_SIGMOID) forwardDefault(lengths, t, B, H, g, b_ih, b_hh, hPrev, cPrev, h, c);
  else forwardAny(act, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, cPrev, h, c);
}

function forwardDefault(lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize, b_hh: usize, hPrev: usize,
  cPrev: usize, h: usize, c: usize): void {
  forwardRows(ACT_TANH, ACT_SIGMOID, lengths, t, B, H, g, b_ih, b_hh, hPrev, cPrev, h, c);
}

function forwardAny(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, cPrev: usize, h: usize, c: usize): void {
  forwardRows(act, ract, lengths, t, B, H, g, b_ih, b_hh, hPrev, cPrev, h, c);
}

/**
 * Rows of one step. g [B, G]: pre-activations without biases in, activated gates out; b_ih, b_hh [G] or 0;
 * hPrev, cPrev [B, H] or 0; h, c [B, H] out.
 */
// @ts-ignore: decorator
@inline function forwardRows(A: i32, R: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, b_ih: usize,
  b_hh: usize, hPrev: usize, cPrev: usize, h: usize, c: usize): void {
  const hB = <usize>H << 2, gB = hB << 2, end = <usize>(H & ~3) << 2;
  for (let b = 0; b < B; b++, g += gB, h += hB, c += hB) {
    const hp = row(hPrev, b, H), cp = row(cPrev, b, H);
    if (isPad(lengths, t, b)) {
      carryRow(H, hp, h);
      carryRow(H, cp, c);
      memory.fill(g, 0, gB);
      continue;
    }
    // Two passes over the row: the gates and c, then h = o ⊙ act(c). In one pass each vector's act(c) waits
    // on its own four gate activations, a chain of two rational approximations that the CPU could not
    // overlap with the next vector's (measured: the activations took ~100 cycles a vector); the second
    // pass's vectors are independent. A/B, relaxed core: W5's forward 5% faster, W6's 3%, W1's 1–3%.
    let o: usize = 0;
    for (; o < end; o += 16) forwardGates(4, A, R, g + o, hB, b_ih, b_hh, o, cp, c + o);
    for (; o < hB; o += 4) forwardGates(1, A, R, g + o, hB, b_ih, b_hh, o, cp, c + o);
    const og = g + 3 * hB;
    for (o = 0; o < end; o += 16) forwardState(4, A, og + o, c + o, h + o);
    for (; o < hB; o += 4) forwardState(1, A, og + o, c + o, h + o);
  }
}

/**
 * W lanes of one row's gates and cell state: g points at gate i (blocks f, g, o follow hB bytes apart); o is
 * the byte offset in H.
 */
// @ts-ignore: decorator
@inline function forwardGates(W: i32, A: i32, R: i32, g: usize, hB: usize, b_ih: usize, b_hh: usize, o: usize,
  cp: usize, c: usize): void {
  const pi = addBiases(W, loadW(W, g), b_ih, b_hh, o), pf = addBiases(W, loadW(W, g + hB), b_ih, b_hh, o + hB);
  const pg = addBiases(W, loadW(W, g + 2 * hB), b_ih, b_hh, o + 2 * hB), po = addBiases(W, loadW(W, g + 3 * hB), b_ih, b_hh, o + 3 * hB);
  const i = actV(R, pi), f = actV(R, pf), gg = actV(A, pg), og = actV(R, po);
  storeW(W, g, i);
  storeW(W, g + hB, f);
  storeW(W, g + 2 * hB, gg);
  storeW(W, g + 3 * hB, og);
  let cv = f32x4.mul(i, gg);
  if (cp) cv = madd(cv, f, loadW(W, cp + o));
  storeW(W, c, cv);
}

/** W lanes of one row's h = o ⊙ act(c), from the activated gate o at og and the cell state at c. */
// @ts-ignore: decorator
@inline function forwardState(W: i32, A: i32, og: usize, c: usize, h: usize): void {
  storeW(W, h, f32x4.mul(loadW(W, og), actV(A, loadW(W, c))));
}

// ---- backward: one pass over a step's [B, G] slice ---------------------------------------------------

/** One step's pass; specialised like forwardStep. */
function backwardStep(act: i32, ract: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, c: usize,
  cPrev: usize, dh: usize, dhPrev: usize, dc: usize): void {
  if (act == ACT_TANH && ract == ACT_SIGMOID) backwardRows(ACT_TANH, ACT_SIGMOID, lengths, t, B, H, g, c, cPrev, dh, dhPrev, dc);
  else backwardRows(act, ract, lengths, t, B, H, g, c, cPrev, dh, dhPrev, dc);
}

/**
 * Rows of one step. g [B, G]: activated gates in, dpre out; c [B, H] (cs at t); cPrev [B, H] or 0;
 * dh [B, H] (total dLoss/dh_t); dhPrev [B, H] or 0 (padded rows add dh to it); dc [B, H]: dLoss/dc_t in,
 * dLoss/dc_prev out.
 */
// @ts-ignore: decorator
@inline function backwardRows(A: i32, R: i32, lengths: usize, t: i32, B: i32, H: i32, g: usize, c: usize,
  cPrev: usize, dh: usize, dhPrev: usize, dc: usize): void {
  const hB = <usize>H << 2, gB = hB << 2, end = <usize>(H & ~3) << 2;
  for (let b = 0; b < B; b++, g += gB, c += hB, dh += hB, dc += hB) {
    if (isPad(lengths, t, b)) {
      passRow(H, dh, row(dhPrev, b, H));
      memory.fill(g, 0, gB);
      continue;
    }
    const cp = row(cPrev, b, H);
    let o: usize = 0;
    for (; o < end; o += 16) backwardCell(4, A, R, g + o, hB, c + o, cp, o, dh + o, dc + o);
    for (; o < hB; o += 4) backwardCell(1, A, R, g + o, hB, c + o, cp, o, dh + o, dc + o);
  }
}

/** W lanes of one row (pointers as in forwardGates; dh, dc at the lanes). */
// @ts-ignore: decorator
@inline function backwardCell(W: i32, A: i32, R: i32, g: usize, hB: usize, c: usize, cp: usize, o: usize,
  dh: usize, dc: usize): void {
  const i = loadW(W, g), f = loadW(W, g + hB), gg = loadW(W, g + 2 * hB), og = loadW(W, g + 3 * hB);
  const tc = actV(A, loadW(W, c)); // act(c_t), recomputed
  const d = loadW(W, dh);
  // dLoss/dc_t = carried dc + dh ⊙ o ⊙ act'(c_t)
  const dct = f32x4.add(loadW(W, dc), dactV(A, tc, f32x4.mul(d, og)));
  storeW(W, dc, f32x4.mul(dct, f)); // dLoss/dc_prev
  storeW(W, g, dactV(R, i, f32x4.mul(dct, gg)));
  storeW(W, g + hB, dactV(R, f, cp ? f32x4.mul(dct, loadW(W, cp + o)) : zero()));
  storeW(W, g + 2 * hB, dactV(A, gg, f32x4.mul(dct, i)));
  storeW(W, g + 3 * hB, dactV(R, og, f32x4.mul(d, tc)));
}
