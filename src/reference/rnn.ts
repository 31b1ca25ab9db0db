// Reference SimpleRNN (Elman): the executable spec for rnn_forward / rnn_backward (assembly/rnn.ts).
//
// Plain f64 loops over [T, B] with the formulas written out, not the fast path (no GEMM batching, no SIMD).
// Layouts and semantics are those of src/kernels.ts:
//   h_t = act(x_t · W_ihᵀ + b_ih + h_prev · W_hhᵀ + b_hh)
//   x [T, B, I] time-major; w_ih [H, I]; w_hh [H, H]; b_ih, b_hh [H] (optional); h0 [B, H] (optional: zeros).
//   hs [T, B, H]: hs[t] is the state after consuming x[t], stored at x's position t.
//   reverse = 0 processes t = 0..T−1 (h_prev = hs[t−1], h0 at t = 0), final state hs[T−1];
//   reverse = 1 processes t = T−1..0 (h_prev = hs[t+1], h0 at t = T−1), final state hs[0].
//   lengths [B] (optional): at t ≥ lengths[b] row b is padding and carries h_prev unchanged (h_t = h_prev), so
//   the forward direction ends each sequence at its own last step and the reverse direction carries h0 through
//   the padding to the sequence's own end; backward passes dh_t straight to h_prev there (the identity).
// Backward returns FRESH gradient arrays (the kernel accumulates into the caller's; tests account for that),
// and does not consume dhs.

import { activate, derivativeFromOutput } from './activations.ts';

export interface RnnParams {
  act: number;
  /** 0 or 1 (or a boolean): process the sequence from its end. */
  reverse: number | boolean;
  T: number;
  B: number;
  I: number;
  H: number;
  x: ArrayLike<number>;
  wIh: ArrayLike<number>;
  wHh: ArrayLike<number>;
  bIh?: ArrayLike<number> | null;
  bHh?: ArrayLike<number> | null;
  h0?: ArrayLike<number> | null;
  /** [B] valid steps per row, each in [0, T] (optional: every row has T steps). */
  lengths?: ArrayLike<number> | null;
}

export interface RnnGrads {
  /** [T, B, I] */
  dx: Float64Array;
  /** [H, I] */
  dwIh: Float64Array;
  /** [H, H] */
  dwHh: Float64Array;
  /** [H] (zeros when the layer has no bias: the gradient a bias would have) */
  dbIh: Float64Array;
  /** [H] */
  dbHh: Float64Array;
  /** [B, H] */
  dh0: Float64Array;
}

/** Zero gradients for a cell with G gate rows (G = H, 4H or 3H): the accumulators of the backward passes. */
export function zeroGrads(T: number, B: number, I: number, H: number, G: number): RnnGrads {
  return {
    dx: new Float64Array(T * B * I),
    dwIh: new Float64Array(G * I),
    dwHh: new Float64Array(G * H),
    dbIh: new Float64Array(G),
    dbHh: new Float64Array(G),
    dh0: new Float64Array(B * H),
  };
}

/** The time steps in processing order. */
export function stepOrder(T: number, reverse: number | boolean): number[] {
  const order: number[] = [];
  for (let s = 0; s < T; s++) order.push(reverse ? T - 1 - s : s);
  return order;
}

/** Index of the final state in hs: the last processed step. */
export function finalStep(T: number, reverse: number | boolean): number {
  return reverse ? 0 : T - 1;
}

/** Whether position t of row b is padding (t ≥ lengths[b]); shared by every recurrent reference. */
export function isPadding(lengths: ArrayLike<number> | null | undefined, t: number, b: number): boolean {
  return lengths ? t >= lengths[b] : false;
}

/** h_prev[b, j] for step t (from hs of the previously processed step, or h0, or 0). */
function hPrev(p: RnnParams, hs: ArrayLike<number>, t: number, b: number, j: number): number {
  const { T, B, H } = p;
  const first = p.reverse ? t === T - 1 : t === 0;
  if (first) return p.h0 ? p.h0[b * H + j] : 0;
  const prev = p.reverse ? t + 1 : t - 1;
  return hs[(prev * B + b) * H + j];
}

/** Forward pass: returns hs [T, B, H]. */
export function rnnForward(p: RnnParams): Float64Array {
  const { act, T, B, I, H, x, wIh, wHh, bIh, bHh } = p;
  const hs = new Float64Array(T * B * H);
  for (const t of stepOrder(T, p.reverse)) {
    for (let b = 0; b < B; b++) {
      if (isPadding(p.lengths, t, b)) {
        for (let h = 0; h < H; h++) hs[(t * B + b) * H + h] = hPrev(p, hs, t, b, h);
        continue;
      }
      for (let h = 0; h < H; h++) {
        let pre = (bIh ? bIh[h] : 0) + (bHh ? bHh[h] : 0);
        for (let i = 0; i < I; i++) pre += x[(t * B + b) * I + i] * wIh[h * I + i];
        for (let j = 0; j < H; j++) pre += hPrev(p, hs, t, b, j) * wHh[h * H + j];
        hs[(t * B + b) * H + h] = activate(act, pre);
      }
    }
  }
  return hs;
}

/**
 * Backpropagation through time. hs is rnnForward's output; dhs [T, B, H] is dLoss/d hs from above;
 * dhLast [B, H] (optional) is dLoss/d(final state), added at the last processed step.
 */
export function rnnBackward(p: RnnParams, hs: ArrayLike<number>, dhs: ArrayLike<number>,
  dhLast?: ArrayLike<number> | null): RnnGrads {
  const { act, T, B, I, H, x, wIh, wHh } = p;
  const g = zeroGrads(T, B, I, H, H);
  // carry[b, j] = dLoss/d h_prev flowing back from the step processed after the current one.
  let carry = new Float64Array(B * H);
  if (dhLast) for (let k = 0; k < B * H; k++) carry[k] = dhLast[k];
  const order = stepOrder(T, p.reverse);
  for (let s = T - 1; s >= 0; s--) {
    const t = order[s];
    const dpre = new Float64Array(B * H);
    const nextCarry = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const k = (t * B + b) * H + h;
        // Padding: h_t = h_prev, so dLoss/d h_prev gets dLoss/d h_t unchanged and no weight sees it.
        if (isPadding(p.lengths, t, b)) nextCarry[b * H + h] = dhs[k] + carry[b * H + h];
        else dpre[b * H + h] = (dhs[k] + carry[b * H + h]) * derivativeFromOutput(act, hs[k]);
      }
    }
    for (let b = 0; b < B; b++) {
      if (isPadding(p.lengths, t, b)) continue;
      for (let h = 0; h < H; h++) {
        const d = dpre[b * H + h];
        g.dbIh[h] += d;
        g.dbHh[h] += d;
        for (let i = 0; i < I; i++) {
          g.dwIh[h * I + i] += d * x[(t * B + b) * I + i];
          g.dx[(t * B + b) * I + i] += d * wIh[h * I + i];
        }
        for (let j = 0; j < H; j++) {
          g.dwHh[h * H + j] += d * hPrev(p, hs, t, b, j);
          nextCarry[b * H + j] += d * wHh[h * H + j];
        }
      }
    }
    carry = nextCarry;
  }
  g.dh0.set(carry);
  return g;
}
