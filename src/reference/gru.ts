// Reference GRU (PyTorch nn.GRU, gate order r, z, n), both variants: the executable spec for gru_forward /
// gru_backward (assembly/). Plain f64 loops with the formulas of src/kernels.ts written out, not the fast path:
//   r = ract(W_ir x + b_ir + W_hr h + b_hr);   z = ract(W_iz x + b_iz + W_hz h + b_hz)
//   resetAfter = 1 (PyTorch; Keras reset_after=True):  n = act(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   resetAfter = 0 (Cho et al. 2014; Keras reset_after=False): n = act(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
//   h_t = (1 − z) ⊙ n + z ⊙ h_prev
//   x [T, B, I]; w_ih [3H, I]; w_hh [3H, H] (row blocks r, z, n); b_ih, b_hh [3H], h0 [B, H], lengths [B]
//   (all optional). Directions, final state and padding (h_t = h_prev at t ≥ lengths[b]) as in ./rnn.ts.
// gates [T, B, 4H] is the kernel's cache layout: r, z, n and a fourth block, W_hn h + b_hn (resetAfter = 1)
// or r ⊙ h_prev (resetAfter = 0); zeros at padding. Backward returns FRESH arrays and consumes nothing.

import { activate, derivativeFromOutput } from './activations.ts';
import { isPadding, stepOrder, type RnnParams, type RnnGrads, zeroGrads } from './rnn.ts';

/** RnnParams (act is the candidate activation, Keras `activation`) plus the gates' activation and the variant. */
export interface GruParams extends RnnParams {
  /** Gate activation (r, z); Keras `recurrentActivation`. */
  ract: number;
  /** 1: reset gate applied after the recurrent matmul (PyTorch); 0: before it (original GRU). */
  resetAfter: number | boolean;
}

export interface GruForward {
  /** [T, B, H] */
  hs: Float64Array;
  /** [T, B, 4H]: r, z, n, then W_hn h + b_hn (resetAfter) or r ⊙ h_prev. */
  gates: Float64Array;
}

/** RnnGrads with G = 3H rows in the weight and bias gradients. */
export type GruGrads = RnnGrads;

/** h_prev[b, :] of position t as a fresh array (h0 or zeros for the first processed step). */
function hPrevRow(p: GruParams, hs: ArrayLike<number>, t: number, b: number): Float64Array {
  const { T, B, H } = p;
  const prev = p.reverse ? (t === T - 1 ? -1 : t + 1) : t - 1;
  const out = new Float64Array(H);
  for (let j = 0; j < H; j++) out[j] = prev < 0 ? (p.h0 ? p.h0[b * H + j] : 0) : hs[(prev * B + b) * H + j];
  return out;
}

/** Σ_i x[t, b, i] · w_ih[r, i] + b_ih[r]: the input part of gate row r. */
function inputPart(p: GruParams, t: number, b: number, r: number): number {
  const { B, I, x, wIh, bIh } = p;
  let s = bIh ? bIh[r] : 0;
  for (let i = 0; i < I; i++) s += x[(t * B + b) * I + i] * wIh[r * I + i];
  return s;
}

/** Σ_j v[j] · w_hh[r, j] + b_hh[r]: the recurrent part of gate row r applied to v. */
function recurrentPart(p: GruParams, v: ArrayLike<number>, r: number): number {
  const { H, wHh, bHh } = p;
  let s = bHh ? bHh[r] : 0;
  for (let j = 0; j < H; j++) s += v[j] * wHh[r * H + j];
  return s;
}

export function gruForward(p: GruParams): GruForward {
  const { act, ract, T, B, H } = p;
  const hs = new Float64Array(T * B * H);
  const gates = new Float64Array(T * B * 4 * H);
  for (const t of stepOrder(T, p.reverse)) {
    for (let b = 0; b < B; b++) {
      const hp = hPrevRow(p, hs, t, b);
      const row = (t * B + b) * H;
      if (isPadding(p.lengths, t, b)) {
        hs.set(hp, row);
        continue;
      }
      const gr = (t * B + b) * 4 * H;
      for (let j = 0; j < H; j++) {
        gates[gr + j] = activate(ract, inputPart(p, t, b, j) + recurrentPart(p, hp, j));
        gates[gr + H + j] = activate(ract, inputPart(p, t, b, H + j) + recurrentPart(p, hp, H + j));
      }
      // The fourth block first: resetAfter needs W_hn h + b_hn, the original variant needs r ⊙ h_prev.
      const rh = new Float64Array(H);
      for (let j = 0; j < H; j++) rh[j] = gates[gr + j] * hp[j];
      for (let j = 0; j < H; j++) gates[gr + 3 * H + j] = p.resetAfter ? recurrentPart(p, hp, 2 * H + j) : rh[j];
      for (let j = 0; j < H; j++) {
        const rec = p.resetAfter ? gates[gr + j] * gates[gr + 3 * H + j] : recurrentPart(p, rh, 2 * H + j);
        const n = activate(act, inputPart(p, t, b, 2 * H + j) + rec);
        const z = gates[gr + H + j];
        gates[gr + 2 * H + j] = n;
        hs[row + j] = (1 - z) * n + z * hp[j];
      }
    }
  }
  return { hs, gates };
}

/**
 * Backpropagation through time. fwd is gruForward's result; dhs [T, B, H] is dLoss/d hs from above; dhLast
 * [B, H] (optional) is dLoss/d(final state), added at the last processed step.
 */
export function gruBackward(p: GruParams, fwd: GruForward, dhs: ArrayLike<number>,
  dhLast?: ArrayLike<number> | null): GruGrads {
  const { act, ract, T, B, I, H, x, wIh, wHh } = p;
  const { hs, gates } = fwd;
  const G = 3 * H;
  const g: GruGrads = zeroGrads(T, B, I, H, G);
  let carry = new Float64Array(B * H);
  if (dhLast) carry.set(Array.from(dhLast));
  const order = stepOrder(T, p.reverse);
  for (let s = T - 1; s >= 0; s--) {
    const t = order[s];
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * H;
      if (isPadding(p.lengths, t, b)) {
        for (let j = 0; j < H; j++) next[b * H + j] = dhs[row + j] + carry[b * H + j];
        continue;
      }
      const hp = hPrevRow(p, hs, t, b);
      const gr = (t * B + b) * 4 * H;
      // daIh: gradients of the input-side pre-activations (rows r, z, n of w_ih);
      // daHh: of the recurrent-side ones (rows of w_hh, applied to h_prev, or to r ⊙ h_prev for the n rows of the
      // original variant). They differ only in the n rows when resetAfter = 1 (r sits between W_hn h and n).
      const daIh = new Float64Array(G), daHh = new Float64Array(G);
      for (let j = 0; j < H; j++) {
        const r = gates[gr + j], z = gates[gr + H + j], n = gates[gr + 2 * H + j], fourth = gates[gr + 3 * H + j];
        const dh = dhs[row + j] + carry[b * H + j];
        next[b * H + j] += dh * z; // the direct path h_t ← z ⊙ h_prev
        const dan = dh * (1 - z) * derivativeFromOutput(act, n);
        daIh[H + j] = daHh[H + j] = dh * (hp[j] - n) * derivativeFromOutput(ract, z);
        daIh[2 * H + j] = dan;
        if (p.resetAfter) {
          // n's recurrent part is r ⊙ (W_hn h + b_hn): d r = dan ⊙ hn, d(W_hn h + b_hn) = dan ⊙ r.
          daHh[2 * H + j] = dan * r;
          daIh[j] = daHh[j] = dan * fourth * derivativeFromOutput(ract, r);
        } else {
          daHh[2 * H + j] = dan;
        }
      }
      if (!p.resetAfter) {
        // n's recurrent part is W_hn (r ⊙ h_prev) + b_hn: d(r ⊙ h) = W_hnᵀ dan, then d r = d(r ⊙ h) ⊙ h_prev.
        const drh = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          for (let k = 0; k < H; k++) drh[j] += daHh[2 * H + k] * wHh[(2 * H + k) * H + j];
        }
        for (let j = 0; j < H; j++) {
          const r = gates[gr + j];
          daIh[j] = daHh[j] = drh[j] * hp[j] * derivativeFromOutput(ract, r);
          next[b * H + j] += drh[j] * r;
        }
      }
      for (let q = 0; q < G; q++) {
        g.dbIh[q] += daIh[q];
        g.dbHh[q] += daHh[q];
        for (let i = 0; i < I; i++) {
          g.dwIh[q * I + i] += daIh[q] * x[(t * B + b) * I + i];
          g.dx[(t * B + b) * I + i] += daIh[q] * wIh[q * I + i];
        }
        // Row q of w_hh multiplied r ⊙ h_prev (n rows, original variant) or h_prev (every other row).
        const nRowOriginal = !p.resetAfter && q >= 2 * H;
        for (let j = 0; j < H; j++) {
          g.dwHh[q * H + j] += daHh[q] * (nRowOriginal ? gates[gr + j] * hp[j] : hp[j]);
          if (!nRowOriginal) next[b * H + j] += daHh[q] * wHh[q * H + j];
        }
      }
    }
    carry = next;
  }
  g.dh0.set(carry);
  return g;
}
