// One interface over the four reference recurrent cells (SimpleRNN, LSTM, GRU reset-after and reset-before),
// so the gradient checks and the masking tests are written once and run for every cell. Test-only glue:
// each call goes straight to the reference functions in src/reference/.

import { Act } from '../../src/kernels.ts';
import { rnnBackward, rnnForward, type RnnGrads } from '../../src/reference/rnn.ts';
import { lstmBackward, lstmForward, type LstmForward } from '../../src/reference/lstm.ts';
import { gruBackward, gruForward, type GruForward } from '../../src/reference/gru.ts';
import type { Rng } from './random.ts';

export type Cell = 'rnn' | 'lstm' | 'gru' | 'gru_reset_before';
export const CELLS: readonly Cell[] = ['rnn', 'lstm', 'gru', 'gru_reset_before'];

export interface SeqParams {
  cell: Cell;
  act: number;
  /** Gate activation (ignored by the SimpleRNN). */
  ract: number;
  reverse: number;
  T: number;
  B: number;
  I: number;
  H: number;
  x: Float64Array;
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array | null;
  bHh: Float64Array | null;
  h0: Float64Array | null;
  /** LSTM only. */
  c0: Float64Array | null;
  lengths: number[] | null;
}

export interface SeqForward {
  hs: Float64Array;
  /** LSTM only. */
  cs: Float64Array | null;
  /** The reference's own result object, handed back to seqBackward. */
  raw: Float64Array | LstmForward | GruForward;
}

/** The reference gradients of every cell (RnnGrads), plus the LSTM's dc0. */
export interface SeqGrads extends RnnGrads {
  /** LSTM only. */
  dc0: Float64Array | null;
}

/** Gate rows G of w_ih / w_hh: H, 4H or 3H. */
export function gateRows(cell: Cell, H: number): number {
  return cell === 'rnn' ? H : cell === 'lstm' ? 4 * H : 3 * H;
}

export function seqForward(p: SeqParams): SeqForward {
  if (p.cell === 'rnn') { const hs = rnnForward(p); return { hs, cs: null, raw: hs }; }
  if (p.cell === 'lstm') { const f = lstmForward(p); return { hs: f.hs, cs: f.cs, raw: f }; }
  const f = gruForward({ ...p, resetAfter: p.cell === 'gru' ? 1 : 0 });
  return { hs: f.hs, cs: null, raw: f };
}

export function seqBackward(p: SeqParams, f: SeqForward, dhs: ArrayLike<number>, dhLast: ArrayLike<number> | null,
  dcLast: ArrayLike<number> | null): SeqGrads {
  if (p.cell === 'rnn') return { ...rnnBackward(p, f.hs, dhs, dhLast), dc0: null };
  if (p.cell === 'lstm') return lstmBackward(p, f.raw as LstmForward, dhs, dhLast, dcLast);
  return { ...gruBackward({ ...p, resetAfter: p.cell === 'gru' ? 1 : 0 }, f.raw as GruForward, dhs, dhLast), dc0: null };
}

export interface DrawOptions {
  act?: number;
  ract?: number;
  reverse: number;
  bias: boolean;
  h0: boolean;
  /** LSTM only. */
  c0: boolean;
  lengths: number[] | null;
  /** x's rows one-hot (Rng.oneHotRows) instead of dense. */
  oneHot?: boolean;
}

/**
 * Random parameters for one case. Weights scale with 1/√fan-in (and the gates' biases stay small) so that
 * neither tanh nor sigmoid saturates: a saturated unit has a near-zero gradient and would weaken every check.
 */
export function drawParams(rng: Rng, cell: Cell, s: { T: number; B: number; I: number; H: number }, o: DrawOptions): SeqParams {
  const { T, B, I, H } = s;
  const G = gateRows(cell, H);
  const a = 1.2 / Math.sqrt(I), r = 0.9 / Math.sqrt(H);
  return {
    cell, act: o.act ?? Act.Tanh, ract: o.ract ?? Act.Sigmoid, reverse: o.reverse, T, B, I, H,
    x: o.oneHot ? rng.oneHotRows(T * B, I) : rng.array(T * B * I), wIh: rng.array(G * I, -a, a), wHh: rng.array(G * H, -r, r),
    bIh: o.bias ? rng.array(G, -0.4, 0.4) : null, bHh: o.bias ? rng.array(G, -0.4, 0.4) : null,
    h0: o.h0 ? rng.array(B * H) : null, c0: o.c0 && cell === 'lstm' ? rng.array(B * H) : null,
    lengths: o.lengths,
  };
}

/** Position of the final state in hs / cs: T−1 forward, 0 reverse (padding carries it there). */
export function finalPos(T: number, reverse: number): number {
  return reverse ? 0 : T - 1;
}
