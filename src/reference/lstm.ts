// Reference LSTM (PyTorch nn.LSTM, gate order i, f, g, o): the executable spec for lstm_forward /
// lstm_backward (assembly/). Plain f64 loops over [T, B] with the formulas of src/kernels.ts written out,
// not the fast path (no GEMM batching, no fused gates, no SIMD):
//   [i, f, g, o] = [ract, ract, act, ract](x_t · W_ihᵀ + b_ih + h_prev · W_hhᵀ + b_hh)
//   c_t = f ⊙ c_prev + i ⊙ g;   h_t = o ⊙ act(c_t)
//   x [T, B, I]; w_ih [4H, I]; w_hh [4H, H] (row blocks i, f, g, o); b_ih, b_hh [4H], h0, c0 [B, H], lengths [B]
//   (all optional). Directions, final states and padding (h_t = h_prev and c_t = c_prev at t ≥ lengths[b])
//   as in ./rnn.ts. gates [T, B, 4H] holds the activated i, f, g, o of real positions (0 at padding).
// Backward returns FRESH gradient arrays (the kernel accumulates) and consumes nothing.

import { activate, derivativeFromOutput } from './activations.ts';
import { isPadding, stepOrder, type RnnParams, type RnnGrads, zeroGrads } from './rnn.ts';

/** RnnParams (act is the cell activation: g and act(c), Keras `activation`) plus the gates' activation and c0. */
export interface LstmParams extends RnnParams {
  /** Gate activation (i, f, o); Keras `recurrentActivation`. */
  ract: number;
  c0?: ArrayLike<number> | null;
}

export interface LstmForward {
  /** [T, B, H] */
  hs: Float64Array;
  /** [T, B, H] */
  cs: Float64Array;
  /** [T, B, 4H]: activated i, f, g, o. */
  gates: Float64Array;
}

/** RnnGrads with G = 4H rows in the weight and bias gradients, plus the gradient of c0 [B, H]. */
export interface LstmGrads extends RnnGrads {
  dc0: Float64Array;
}

/** The previous step's position (−1 when step t is the first one processed). */
function prevPos(T: number, reverse: number | boolean, t: number): number {
  return reverse ? (t === T - 1 ? -1 : t + 1) : t - 1;
}

/** state[prev, b, j], or init[b, j] (0 when absent) for the first step. */
function prevOf(state: ArrayLike<number>, init: ArrayLike<number> | null | undefined, prev: number, B: number,
  H: number, b: number, j: number): number {
  if (prev < 0) return init ? init[b * H + j] : 0;
  return state[(prev * B + b) * H + j];
}

export function lstmForward(p: LstmParams): LstmForward {
  const { act, ract, T, B, I, H, x, wIh, wHh, bIh, bHh } = p;
  const G = 4 * H;
  const hs = new Float64Array(T * B * H);
  const cs = new Float64Array(T * B * H);
  const gates = new Float64Array(T * B * G);
  for (const t of stepOrder(T, p.reverse)) {
    const prev = prevPos(T, p.reverse, t);
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * H;
      if (isPadding(p.lengths, t, b)) {
        for (let j = 0; j < H; j++) {
          hs[row + j] = prevOf(hs, p.h0, prev, B, H, b, j);
          cs[row + j] = prevOf(cs, p.c0, prev, B, H, b, j);
        }
        continue;
      }
      // Pre-activations of the 4H gate rows, then the activations: ract for i, f, o, act for g.
      for (let r = 0; r < G; r++) {
        let pre = (bIh ? bIh[r] : 0) + (bHh ? bHh[r] : 0);
        for (let i = 0; i < I; i++) pre += x[(t * B + b) * I + i] * wIh[r * I + i];
        for (let j = 0; j < H; j++) pre += prevOf(hs, p.h0, prev, B, H, b, j) * wHh[r * H + j];
        const block = Math.floor(r / H);
        gates[(t * B + b) * G + r] = activate(block === 2 ? act : ract, pre);
      }
      for (let j = 0; j < H; j++) {
        const gi = gates[(t * B + b) * G + j], gf = gates[(t * B + b) * G + H + j];
        const gg = gates[(t * B + b) * G + 2 * H + j], go = gates[(t * B + b) * G + 3 * H + j];
        const c = gf * prevOf(cs, p.c0, prev, B, H, b, j) + gi * gg;
        cs[row + j] = c;
        hs[row + j] = go * activate(act, c);
      }
    }
  }
  return { hs, cs, gates };
}

/**
 * Backpropagation through time. fwd is lstmForward's result; dhs [T, B, H] is dLoss/d hs from above;
 * dhLast, dcLast [B, H] (optional) are dLoss/d(final h) and dLoss/d(final c), added at the last processed step.
 */
export function lstmBackward(p: LstmParams, fwd: LstmForward, dhs: ArrayLike<number>,
  dhLast?: ArrayLike<number> | null, dcLast?: ArrayLike<number> | null): LstmGrads {
  const { act, ract, T, B, I, H, x, wIh, wHh } = p;
  const { hs, cs, gates } = fwd;
  const G = 4 * H;
  const g: LstmGrads = { ...zeroGrads(T, B, I, H, G), dc0: new Float64Array(B * H) };
  // carryH, carryC = dLoss/d h_prev, d c_prev flowing back from the step processed after the current one.
  let carryH = new Float64Array(B * H);
  let carryC = new Float64Array(B * H);
  if (dhLast) carryH.set(Array.from(dhLast));
  if (dcLast) carryC.set(Array.from(dcLast));
  const order = stepOrder(T, p.reverse);
  for (let s = T - 1; s >= 0; s--) {
    const t = order[s];
    const prev = prevPos(T, p.reverse, t);
    const nextH = new Float64Array(B * H);
    const nextC = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * H;
      if (isPadding(p.lengths, t, b)) {
        // h_t = h_prev and c_t = c_prev: both gradients pass through unchanged.
        for (let j = 0; j < H; j++) {
          nextH[b * H + j] = dhs[row + j] + carryH[b * H + j];
          nextC[b * H + j] = carryC[b * H + j];
        }
        continue;
      }
      const da = new Float64Array(G); // pre-activation gradients of the gate rows
      for (let j = 0; j < H; j++) {
        const base = (t * B + b) * G;
        const gi = gates[base + j], gf = gates[base + H + j], gg = gates[base + 2 * H + j], go = gates[base + 3 * H + j];
        const tc = activate(act, cs[row + j]);
        const dh = dhs[row + j] + carryH[b * H + j];
        // c_t reaches the loss through h_t = o ⊙ act(c_t) and through c_{t+1} (carryC).
        const dc = carryC[b * H + j] + dh * go * derivativeFromOutput(act, tc);
        const cPrev = prevOf(cs, p.c0, prev, B, H, b, j);
        da[j] = dc * gg * derivativeFromOutput(ract, gi);
        da[H + j] = dc * cPrev * derivativeFromOutput(ract, gf);
        da[2 * H + j] = dc * gi * derivativeFromOutput(act, gg);
        da[3 * H + j] = dh * tc * derivativeFromOutput(ract, go);
        nextC[b * H + j] = dc * gf;
      }
      for (let r = 0; r < G; r++) {
        const d = da[r];
        g.dbIh[r] += d;
        g.dbHh[r] += d;
        for (let i = 0; i < I; i++) {
          g.dwIh[r * I + i] += d * x[(t * B + b) * I + i];
          g.dx[(t * B + b) * I + i] += d * wIh[r * I + i];
        }
        for (let j = 0; j < H; j++) {
          g.dwHh[r * H + j] += d * prevOf(hs, p.h0, prev, B, H, b, j);
          nextH[b * H + j] += d * wHh[r * H + j];
        }
      }
    }
    carryH = nextH;
    carryC = nextC;
  }
  g.dh0.set(carryH);
  g.dc0.set(carryC);
  return g;
}
