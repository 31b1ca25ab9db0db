// Runs the recurrent kernels (rnn_*, lstm_*, gru_*) on a loaded core for a SeqParams case (tests/helpers/
// recurrent.ts), with every optional pointer switchable, so the kernel tests and the PyTorch parity test
// drive them one way. Backward may be called several times into the same gradient buffers (accumulation);
// the consumed buffers (dhs, gates) get a fresh copy each call. Sentinel floats right after the work scratch
// and after each output (in the same allocation) catch a kernel that writes past the end of its buffer.

import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { get, packed as packW, put, putI32 } from './core.ts';
import type { SeqGrads, SeqParams } from './recurrent.ts';
import { gateRows } from './recurrent.ts';

/** Which optional backward pointers are passed (absent ones are 0). */
export interface BackwardPointers {
  dx: boolean;
  dh0: boolean;
  /** LSTM only. */
  dc0: boolean;
}

export interface KernelRun {
  hs: Float32Array;
  /** LSTM only. */
  cs: Float32Array | null;
  /** [T, B, 4H] for LSTM and GRU (both 4 blocks), null for the SimpleRNN. */
  gates: Float32Array | null;
  /**
   * Calls backward `calls` times into gradient buffers that start at `init` (zeros when null); returns
   * their final contents (null for the pointers not passed). Checks that the inputs are unchanged.
   */
  backward(dhs: ArrayLike<number>, dhLast: ArrayLike<number> | null, dcLast: ArrayLike<number> | null,
    ptrs?: BackwardPointers, init?: SeqGrads | null, calls?: number): KernelGrads;
}

export interface KernelGrads {
  dx: Float32Array | null;
  dwIh: Float32Array;
  dwHh: Float32Array;
  dbIh: Float32Array | null;
  dbHh: Float32Array | null;
  dh0: Float32Array | null;
  dc0: Float32Array | null;
}

const SENTINEL = 16;
const SENTINEL_VALUE = 1234.5;
const STALE_VALUE = -777.25;

/**
 * n floats of STALE_VALUE immediately followed (no alignment gap) by SENTINEL floats that must stay untouched:
 * an output the kernel must overwrite everywhere, as a reused buffer would hold, or a scratch it must set.
 */
function guarded(core: Core, n: number): { ptr: number; check: (what: string) => void } {
  const block = new Float64Array(n + SENTINEL).fill(STALE_VALUE, 0, n);
  block.fill(SENTINEL_VALUE, n);
  const ptr = put(core, block);
  return {
    ptr,
    check: (what) => assert.ok(get(core, ptr + n * 4, SENTINEL).every((v) => v === SENTINEL_VALUE), `${what}: written past its end`),
  };
}

/**
 * Runs forward (and, through the returned backward, BPTT) for p. packed = true passes pack_weights copies of
 * w_ih and w_hh (pw_ih, pw_hh: the packed GEMM path the façade uses); false passes 0 (the plain NT path).
 */
export function runKernelForward(core: Core, p: SeqParams, packed = false): KernelRun {
  const k = core.kernels;
  const { cell, T, B, I, H } = p;
  const G = gateRows(cell, H);
  const gateWidth = cell === 'rnn' ? 0 : 4 * H; // GRU's cache has a fourth block too
  const px = put(core, p.x), pwIh = put(core, p.wIh), pwHh = put(core, p.wHh);
  const ppIh = packed ? packW(core, G, I, pwIh) : 0, ppHh = packed ? packW(core, G, H, pwHh) : 0;
  const pbIh = p.bIh ? put(core, p.bIh) : 0, pbHh = p.bHh ? put(core, p.bHh) : 0;
  const ph0 = p.h0 ? put(core, p.h0) : 0, pc0 = p.c0 ? put(core, p.c0) : 0;
  const plen = p.lengths ? putI32(core, p.lengths) : 0;
  const hs = guarded(core, T * B * H), cs = guarded(core, T * B * H), gates = guarded(core, T * B * gateWidth);
  const resetAfter = cell === 'gru' ? 1 : 0;
  if (cell === 'rnn') {
    k.rnn_forward(p.act, p.reverse, T, B, I, H, px, pwIh, pwHh, ppIh, ppHh, pbIh, pbHh, ph0, plen, hs.ptr);
  } else if (cell === 'lstm') {
    k.lstm_forward(p.act, p.ract, p.reverse, T, B, I, H, px, pwIh, pwHh, ppIh, ppHh, pbIh, pbHh, ph0, pc0, plen, hs.ptr, cs.ptr, gates.ptr);
  } else {
    k.gru_forward(p.act, p.ract, resetAfter, p.reverse, T, B, I, H, px, pwIh, pwHh, ppIh, ppHh, pbIh, pbHh, ph0, plen, hs.ptr, gates.ptr);
  }
  hs.check('hs'); cs.check('cs'); gates.check('gates');
  const hsOut = get(core, hs.ptr, T * B * H);
  const csOut = cell === 'lstm' ? get(core, cs.ptr, T * B * H) : null;
  const gatesOut = cell === 'rnn' ? null : get(core, gates.ptr, T * B * gateWidth);

  const backward: KernelRun['backward'] = (dhs, dhLast, dcLast, ptrs = { dx: true, dh0: true, dc0: true }, init = null, calls = 1) => {
    const lstm = cell === 'lstm';
    const start = (a: ArrayLike<number> | undefined | null, n: number) => put(core, a ?? new Float64Array(n));
    const pdx = ptrs.dx ? start(init?.dx, T * B * I) : 0;
    const pdwIh = start(init?.dwIh, G * I), pdwHh = start(init?.dwHh, G * H);
    const pdbIh = p.bIh ? start(init?.dbIh, G) : 0, pdbHh = p.bHh ? start(init?.dbHh, G) : 0;
    const pdh0 = ptrs.dh0 ? start(init?.dh0, B * H) : 0;
    const pdc0 = lstm && ptrs.dc0 ? start(init?.dc0, B * H) : 0;
    const pdhLast = dhLast ? put(core, dhLast) : 0, pdcLast = dcLast ? put(core, dcLast) : 0;
    for (let c = 0; c < calls; c++) {
      const pdhs = put(core, dhs);
      const pgates = gatesOut ? put(core, gatesOut) : 0;
      const work = guarded(core, (lstm ? 2 : 4) * B * H);
      if (cell === 'rnn') {
        k.rnn_backward(p.act, p.reverse, T, B, I, H, px, pwIh, pwHh, ph0, plen, hs.ptr, pdhs, pdhLast,
          pdx, pdwIh, pdwHh, pdbIh, pdbHh, pdh0);
      } else if (lstm) {
        k.lstm_backward(p.act, p.ract, p.reverse, T, B, I, H, px, pwIh, pwHh, ph0, pc0, plen, hs.ptr, cs.ptr,
          pgates, pdhs, pdhLast, pdcLast, work.ptr, pdx, pdwIh, pdwHh, pdbIh, pdbHh, pdh0, pdc0);
      } else {
        k.gru_backward(p.act, p.ract, resetAfter, p.reverse, T, B, I, H, px, pwIh, pwHh, ph0, plen, hs.ptr,
          pgates, pdhs, pdhLast, work.ptr, pdx, pdwIh, pdwHh, pdbIh, pdbHh, pdh0);
      }
      if (cell !== 'rnn') work.check('work');
    }
    // Inputs the contract does not call consumed must come back unchanged.
    const same = (what: string, ptr: number, a: ArrayLike<number> | null) => {
      if (a) assert.deepEqual(Array.from(get(core, ptr, a.length)), Array.from(a, Math.fround), `${what} was modified`);
    };
    same('x', px, p.x); same('w_ih', pwIh, p.wIh); same('w_hh', pwHh, p.wHh); same('h0', ph0, p.h0); same('c0', pc0, p.c0);
    same('hs', hs.ptr, hsOut); same('cs', cs.ptr, csOut);
    same('dh_last', pdhLast, dhLast); same('dc_last', pdcLast, dcLast);
    return {
      dx: pdx ? get(core, pdx, T * B * I) : null,
      dwIh: get(core, pdwIh, G * I), dwHh: get(core, pdwHh, G * H),
      dbIh: pdbIh ? get(core, pdbIh, G) : null, dbHh: pdbHh ? get(core, pdbHh, G) : null,
      dh0: pdh0 ? get(core, pdh0, B * H) : null, dc0: pdc0 ? get(core, pdc0, B * H) : null,
    };
  };
  return { hs: hsOut, cs: csOut, gates: gatesOut, backward };
}
