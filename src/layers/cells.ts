// The three recurrent cells as the recurrent layers see them: parameter shapes, the cache each direction
// keeps for BPTT, and the calls into the core's kernel pair (rnn_*, lstm_*, gru_*). Everything else
// (directions, merging, masking, states, Keras options) is shared in recurrent.ts.
//
// Cache of one direction (floats, in this order): hs [T, B, H], then cs [T, B, H] (LSTM only), then the
// gate cache [T, B, gateCache·H] (LSTM 4H, GRU 4H, SimpleRNN none).

import type { Kernels } from '../kernels.ts';

export type CellKind = 'simpleRNN' | 'lstm' | 'gru';

/** Addresses and settings of one call of one direction of a cell. */
export interface CellRun {
  readonly k: Kernels;
  readonly act: number;
  readonly ract: number;
  readonly resetAfter: boolean;
  readonly reverse: boolean;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly x: number;
  /** Parameters by PyTorch name without the direction suffix (biases 0 when absent), and the packed weights. */
  readonly p: { readonly wIh: number; readonly wHh: number; readonly bIh: number; readonly bHh: number; readonly pwIh: number; readonly pwHh: number };
  /** Initial h and c (0 = zeros). */
  readonly h0: number;
  readonly c0: number;
  readonly lengths: number;
  /** Start of this direction's cache (cacheFloats). */
  readonly cache: number;
}

export interface CellGrads {
  readonly wIh: number;
  readonly wHh: number;
  readonly bIh: number;
  readonly bHh: number;
}

export interface CellBackward {
  /** dLoss/d hs [T, B, H] (consumed). */
  readonly dhs: number;
  readonly dhLast: number;
  readonly dcLast: number;
  /** Scratch of workFloats(B, H). */
  readonly work: number;
  readonly dx: number;
  readonly g: CellGrads;
  readonly dh0: number;
  readonly dc0: number;
}

export interface Cell {
  readonly kind: CellKind;
  /** Gate blocks per unit: rows of weight_ih are gates·H. */
  readonly gates: number;
  /** Carried states: h, or h and c. */
  readonly stateNames: readonly ('h' | 'c')[];
  cacheFloats(T: number, B: number, H: number): number;
  workFloats(B: number, H: number): number;
  forward(r: CellRun): void;
  backward(r: CellRun, b: CellBackward): void;
}

const simpleRNN: Cell = {
  kind: 'simpleRNN',
  gates: 1,
  stateNames: ['h'],
  cacheFloats: (T, B, H) => T * B * H,
  workFloats: () => 0,
  forward(r) {
    r.k.rnn_forward(r.act, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh, r.p.pwIh, r.p.pwHh, r.p.bIh, r.p.bHh, r.h0, r.lengths, r.cache);
  },
  backward(r, b) {
    r.k.rnn_backward(r.act, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh, r.h0, r.lengths, r.cache,
      b.dhs, b.dhLast, b.dx, b.g.wIh, b.g.wHh, b.g.bIh, b.g.bHh, b.dh0);
  },
};

const lstm: Cell = {
  kind: 'lstm',
  gates: 4,
  stateNames: ['h', 'c'],
  cacheFloats: (T, B, H) => 2 * T * B * H + T * B * 4 * H,
  workFloats: (B, H) => B * H,
  forward(r) {
    const { cs, gates } = lstmCache(r);
    r.k.lstm_forward(r.act, r.ract, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh, r.p.pwIh, r.p.pwHh, r.p.bIh, r.p.bHh,
      r.h0, r.c0, r.lengths, r.cache, cs, gates);
  },
  backward(r, b) {
    const { cs, gates } = lstmCache(r);
    r.k.lstm_backward(r.act, r.ract, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh, r.h0, r.c0, r.lengths,
      r.cache, cs, gates, b.dhs, b.dhLast, b.dcLast, b.work, b.dx, b.g.wIh, b.g.wHh, b.g.bIh, b.g.bHh, b.dh0, b.dc0);
  },
};

const gru: Cell = {
  kind: 'gru',
  gates: 3,
  stateNames: ['h'],
  cacheFloats: (T, B, H) => T * B * H + T * B * 4 * H,
  workFloats: (B, H) => B * H,
  forward(r) {
    r.k.gru_forward(r.act, r.ract, r.resetAfter ? 1 : 0, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh,
      r.p.pwIh, r.p.pwHh, r.p.bIh, r.p.bHh, r.h0, r.lengths, r.cache, r.cache + r.T * r.B * r.H * 4);
  },
  backward(r, b) {
    r.k.gru_backward(r.act, r.ract, r.resetAfter ? 1 : 0, r.reverse ? 1 : 0, r.T, r.B, r.I, r.H, r.x, r.p.wIh, r.p.wHh,
      r.h0, r.lengths, r.cache, r.cache + r.T * r.B * r.H * 4, b.dhs, b.dhLast, b.work, b.dx, b.g.wIh, b.g.wHh, b.g.bIh, b.g.bHh, b.dh0);
  },
};

function lstmCache(r: CellRun): { cs: number; gates: number } {
  const cs = r.cache + r.T * r.B * r.H * 4;
  return { cs, gates: cs + r.T * r.B * r.H * 4 };
}

export const CELLS: Readonly<Record<CellKind, Cell>> = { simpleRNN, lstm, gru };

/** Address of state `which` (0 = h, 1 = c) at time position t inside a direction's cache. */
export function stateAt(cache: number, which: number, t: number, T: number, B: number, H: number): number {
  return cache + (which * T + t) * B * H * 4;
}
