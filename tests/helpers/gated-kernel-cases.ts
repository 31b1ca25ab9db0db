// One kernel-vs-reference case for lstm_* and gru_* (tests/assembly/lstm.test.ts, gru.test.ts): random data,
// the kernels through tests/helpers/recurrent-kernels.ts, the f64 reference through tests/helpers/recurrent.ts.
// Forward, with packed weights (pw_ih, pw_hh) and without: hs and cs everywhere (padding carries the state in
// both), the gate cache at valid positions only (the contract computes no gate at padding). Backward: gradient buffers start from random values, so the
// kernel must ADD; the result must be init + reference gradient (forward ≤ 1e-5, gradients ≤ 1e-4).

import type { Core } from '../../src/wasm.ts';
import { Act } from '../../src/kernels.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from './compare.ts';
import { Rng } from './random.ts';
import { drawParams, gateRows, seqBackward, seqForward, type Cell, type SeqGrads } from './recurrent.ts';
import { runKernelForward } from './recurrent-kernels.ts';

export interface Shape { T: number; B: number; I: number; H: number }

export interface CaseOptions {
  act: number;
  ract: number;
  reverse: number;
  bias: boolean;
  h0: boolean;
  c0: boolean;
  dhLast: boolean;
  dcLast: boolean;
  dx: boolean;
  /** dh0 and dc0 pointers. */
  dInit: boolean;
  /** null: lengths = 0; 'random': drawn with a 0 and a T among them when B ≥ 2; or the lengths themselves. */
  lengths: number[] | 'random' | null;
  /**
   * x's rows: dense (absent); 'one-hot' (Rng.oneHotRows: assembly/onehot.ts's gather and scatter); one-hot
   * but for a row with two nonzeros, at 0 and 2 ('pair in a vector') or at 1 and I − 1 ('pair apart': two
   * vectors, or a vector and the scalar tail), which makes the kernels take the dense products.
   */
  x?: 'one-hot' | 'one-hot but a pair in a vector' | 'one-hot but a pair apart';
}

export const ACT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Act).map(([k, v]) => [v, k.toLowerCase()]));

/** Lengths in [0, T] with, when B ≥ 2, one row of 0 (all padding) and one of T (no padding). */
export function randomLengths(rng: Rng, B: number, T: number): number[] {
  const l = Array.from({ length: B }, () => rng.int(0, T));
  if (B >= 2) { l[rng.int(0, B - 1)] = 0; l[(l.indexOf(0) + 1) % B] = T; }
  return l;
}

export function describeCase(cell: Cell, s: Shape, o: CaseOptions): string {
  const on = (flag: boolean, label: string) => (flag ? label : `no ${label}`);
  const lstm = cell === 'lstm';
  return `${cell} ${ACT_NAMES[o.act]}/${ACT_NAMES[o.ract]} rev=${o.reverse} T=${s.T} B=${s.B} I=${s.I} H=${s.H}, ${on(o.bias, 'bias')}, `
    + `${on(o.h0, 'h0')}${lstm ? `, ${on(o.c0, 'c0')}` : ''}, ${on(o.dhLast, 'dh_last')}${lstm ? `, ${on(o.dcLast, 'dc_last')}` : ''}, `
    + `${on(o.dx, 'dx')}, ${on(o.dInit, lstm ? 'dh0/dc0' : 'dh0')}, lengths ${o.lengths === null ? '0' : Array.isArray(o.lengths) ? `[${o.lengths}]` : 'random'}`
    + (o.x ? `, x ${o.x}` : '');
}

/** Rows of a [T, B, F] tensor at the valid positions (t < lengths[b]), flattened. */
function validRows(a: ArrayLike<number>, T: number, B: number, F: number, lengths: ArrayLike<number> | null): Float64Array {
  const out: number[] = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
    if (lengths && t >= lengths[b]) continue;
    for (let f = 0; f < F; f++) out.push(a[(t * B + b) * F + f]);
  }
  return Float64Array.from(out);
}

const plus = (a: ArrayLike<number>, b: ArrayLike<number>, times = 1) => Float64Array.from(a, (v, i) => v + times * b[i]);

/**
 * Checks one case; `calls` > 1 calls backward that many times into gradient buffers starting at zero and
 * expects `calls` × the gradient (accumulation).
 */
export function checkKernelCase(core: Core, seed: number, cell: Cell, s: Shape, o: CaseOptions, calls = 1): void {
  const rng = new Rng(seed);
  const { T, B, I, H } = s;
  const lstm = cell === 'lstm';
  const lengths = o.lengths === 'random' ? randomLengths(rng, B, T) : o.lengths;
  const p = drawParams(rng, cell, s, { act: o.act, ract: o.ract, reverse: o.reverse, bias: o.bias, h0: o.h0, c0: o.c0, lengths,
    oneHot: o.x !== undefined });
  if (o.x !== undefined && o.x !== 'one-hot') {
    const row = (T * B - 1) * I, [a, b] = o.x === 'one-hot but a pair in a vector' ? [0, 2] : [1, I - 1];
    p.x.fill(0, row, row + I);
    p.x[row + a] = 0.5;
    p.x[row + b] = -1.25;
  }
  const dhs = rng.array(T * B * H);
  const dhLast = o.dhLast ? rng.array(B * H) : null;
  const dcLast = lstm && o.dcLast ? rng.array(B * H) : null;
  const G = gateRows(cell, H);
  const init: SeqGrads | null = calls > 1 ? null : {
    dx: rng.array(T * B * I), dwIh: rng.array(G * I), dwHh: rng.array(G * H), dbIh: rng.array(G), dbHh: rng.array(G),
    dh0: rng.array(B * H), dc0: rng.array(B * H),
  };

  const ref = seqForward(p);
  const refGates = (ref.raw as { gates: Float64Array }).gates;
  // Forward twice: with packed weights (pw_ih, pw_hh: the packed GEMMs) and without (the plain NT GEMMs).
  const runs = [true, false].map((packed) => {
    const run = runKernelForward(core, p, packed);
    const tag = packed ? ' (packed)' : '';
    assertClose(`hs${tag}`, run.hs, ref.hs, FORWARD_TOL, [T, B, H]);
    if (lstm) assertClose(`cs${tag}`, run.cs!, ref.cs!, FORWARD_TOL, [T, B, H]);
    assertClose(`gates (valid positions)${tag}`, validRows(run.gates!, T, B, 4 * H, lengths), validRows(refGates, T, B, 4 * H, lengths), FORWARD_TOL);
    return run;
  });
  const got = runs[1];

  const g = seqBackward(p, ref, dhs, dhLast, dcLast);
  const k = got.backward(dhs, dhLast, dcLast, { dx: o.dx, dh0: o.dInit, dc0: o.dInit }, init, calls);
  const want = (name: keyof SeqGrads) => (init ? plus(init[name]!, g[name]!) : g[name]!.map((v) => calls * v));
  if (o.dx) assertClose('dx', k.dx!, want('dx'), GRAD_TOL, [T, B, I]);
  assertClose('dw_ih', k.dwIh, want('dwIh'), GRAD_TOL, [G, I]);
  assertClose('dw_hh', k.dwHh, want('dwHh'), GRAD_TOL, [G, H]);
  if (o.bias) {
    assertClose('db_ih', k.dbIh!, want('dbIh'), GRAD_TOL, [G]);
    assertClose('db_hh', k.dbHh!, want('dbHh'), GRAD_TOL, [G]);
  }
  if (o.dInit) {
    assertClose('dh0', k.dh0!, want('dh0'), GRAD_TOL, [B, H]);
    if (lstm) assertClose('dc0', k.dc0!, want('dc0'), GRAD_TOL, [B, H]);
  }
}

/** Activation pairs (act / ract) the shape sweep cycles through: the defaults and the other code paths. */
const ACT_PAIRS: [number, number][] = [[Act.Tanh, Act.Sigmoid], [Act.Relu, Act.Sigmoid], [Act.Linear, Act.Tanh], [Act.Sigmoid, Act.Relu]];

const SHAPES: Shape[] = [
  { T: 1, B: 1, I: 1, H: 1 }, { T: 1, B: 3, I: 5, H: 7 }, { T: 6, B: 1, I: 3, H: 2 }, { T: 4, B: 3, I: 1, H: 5 },
  { T: 5, B: 2, I: 4, H: 1 }, { T: 3, B: 4, I: 8, H: 8 }, { T: 4, B: 5, I: 9, H: 17 }, { T: 2, B: 3, I: 11, H: 37 },
  { T: 7, B: 9, I: 3, H: 33 }, { T: 3, B: 9, I: 6, H: 37 }, { T: 2, B: 2, I: 70, H: 9 },
  // B = 3 leaves a single row, whose step product runs over W_hh's row blocks of 28 columns, then its strips:
  // LSTM's 240 gate columns as 8 blocks and 2 strips; GRU's ranges [0, 2H) (4 blocks, a strip) and [2H, 3H)
  // (from an 8-aligned 2H: strips up to the block at 140, the block, a cut last strip). B = 1, H = 57: GRU's
  // second range starts inside a strip (2H = 114) and ends inside one (171); LSTM's 228 columns, 8 blocks
  // and a half strip.
  { T: 2, B: 3, I: 5, H: 60 }, { T: 2, B: 1, I: 4, H: 57 },
];

/**
 * The kernel-vs-reference sweeps for one gated cell, declared with node:test's describe/it (`it` is passed in
 * so this helper does not register tests by itself). `core()` returns the loaded core of the current build.
 */
export function declareKernelSweeps(it: (name: string, fn: () => void) => void, describe: (name: string, fn: () => void) => void,
  core: () => Core, cell: Cell, seedBase: number): void {
  const lstm = cell === 'lstm';
  const base = { act: Act.Tanh, ract: Act.Sigmoid };
  let seed = seedBase;

  describe('every option combination, T=3 B=4 I=5 H=7', () => {
    const shape = { T: 3, B: 4, I: 5, H: 7 };
    for (const reverse of [0, 1]) for (const bias of [true, false]) for (const init of [true, false]) {
      for (const dLast of [true, false]) for (const outs of [true, false]) for (const lengths of [null, 'random'] as const) {
        const o: CaseOptions = { ...base, reverse, bias, h0: init, c0: init, dhLast: dLast, dcLast: dLast, dx: outs, dInit: outs, lengths };
        const s = seed++;
        it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o));
      }
    }
    if (lstm) {
      // The LSTM's two states separately: h0 without c0 and the reverse, dh_last without dc_last and the reverse.
      for (const reverse of [0, 1]) for (const [h0, c0, dhLast, dcLast] of [[true, false, true, false], [false, true, false, true]]) {
        const o: CaseOptions = { ...base, reverse, bias: true, h0, c0, dhLast, dcLast, dx: true, dInit: true, lengths: 'random' };
        const s = seed++;
        it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o));
      }
    }
  });

  describe('shapes (B = 1, T = 1, H = 1, I = 1, sizes not multiples of 4, past a tile) × activations', () => {
    for (const shape of SHAPES) for (const [act, ract] of ACT_PAIRS) for (const reverse of [0, 1]) for (const all of [true, false]) {
      const o: CaseOptions = { act, ract, reverse, bias: all, h0: all, c0: all, dhLast: all, dcLast: all, dx: all, dInit: all,
        lengths: all ? 'random' : null };
      const s = seed++;
      it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o));
    }
  });

  describe('lengths', () => {
    const CASES: [Shape, number[]][] = [
      [{ T: 4, B: 1, I: 3, H: 5 }, [0]], [{ T: 4, B: 1, I: 3, H: 5 }, [4]], [{ T: 4, B: 1, I: 3, H: 5 }, [1]],
      [{ T: 3, B: 3, I: 2, H: 6 }, [0, 0, 0]], [{ T: 1, B: 3, I: 2, H: 6 }, [1, 0, 1]], [{ T: 5, B: 4, I: 3, H: 6 }, [5, 0, 3, 1]],
      [{ T: 6, B: 9, I: 11, H: 37 }, [6, 0, 1, 5, 6, 2, 0, 3, 4]], [{ T: 4, B: 5, I: 70, H: 9 }, [4, 4, 0, 2, 1]],
    ];
    for (const [shape, lengths] of CASES) for (const reverse of [0, 1]) {
      const o: CaseOptions = { ...base, reverse, bias: true, h0: true, c0: true, dhLast: true, dcLast: true, dx: true, dInit: true, lengths };
      const s = seed++;
      it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o));
    }
  });

  describe('one-hot input rows (assembly/onehot.ts), and one row of two nonzeros among them', () => {
    // I = 70: the nonzero in a vector or in the scalar tail; H = 37: gate blocks that cut packed strips;
    // I = 2100: the weight gradient's accumulator holds 24 columns, so it takes two passes; I = 8200: too
    // wide for the accumulator, added into dw directly. A pair apart: at I = 5 its second nonzero is in the
    // scalar tail, at I = 8 in the second vector. No padding with a pair, so that its row counts.
    const CASES: [Shape, CaseOptions['x']][] = [
      [{ T: 3, B: 4, I: 5, H: 7 }, 'one-hot'], [{ T: 2, B: 3, I: 70, H: 37 }, 'one-hot'], [{ T: 2, B: 3, I: 2100, H: 9 }, 'one-hot'],
      [{ T: 2, B: 2, I: 8200, H: 3 }, 'one-hot'], [{ T: 3, B: 4, I: 5, H: 7 }, 'one-hot but a pair in a vector'],
      [{ T: 3, B: 4, I: 5, H: 7 }, 'one-hot but a pair apart'], [{ T: 2, B: 3, I: 8, H: 9 }, 'one-hot but a pair apart'],
    ];
    for (const [shape, x] of CASES) for (const reverse of [0, 1]) {
      const o: CaseOptions = { ...base, reverse, bias: true, h0: true, c0: true, dhLast: true, dcLast: true, dx: true, dInit: true,
        lengths: x === 'one-hot' ? 'random' : null, x };
      const s = seed++;
      it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o));
    }
  });

  describe('backward accumulates: two calls into the same buffers give twice the gradient', () => {
    for (const reverse of [0, 1]) {
      const shape = { T: 4, B: 3, I: 5, H: 6 };
      const o: CaseOptions = { ...base, reverse, bias: true, h0: true, c0: true, dhLast: true, dcLast: true, dx: true, dInit: true, lengths: [4, 0, 2] };
      const s = seed++;
      it(describeCase(cell, shape, o), () => checkKernelCase(core(), s, cell, shape, o, 2));
    }
  });
}
