// rnn_forward / rnn_backward (assembly/rnn.ts) against the reference SimpleRNN (src/reference/rnn.ts), on
// both builds.
//
// Two sweeps: (1) every combination of activation, direction, bias, h0, dh_last, dx and dh0 pointers on a
// small odd shape; (2) shapes that hit the kernel's size paths (B = 1, T = 1, H = 1, I = 1, sizes that are
// not multiples of 4, several GEMM tiles: 37, 70) for every activation and direction, all options on and
// all off; then (3) sequence lengths (with zeros, with T, B = 1, past a tile) for every activation and
// direction. Gradient buffers start from random values, so the kernel must ADD (+=) to them; a separate test
// calls backward twice into the same buffers and expects twice the gradient.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../src/kernels.ts';
import { rnnBackward, rnnForward, finalStep, type RnnParams } from '../../src/reference/rnn.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, packed, put, putI32 } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';

const ACTS = Object.entries(Act) as [string, number][];

interface Options {
  act: number;
  reverse: number;
  bias: boolean;
  h0: boolean;
  dhLast: boolean;
  dx: boolean;
  dh0: boolean;
  /** Per-row sequence lengths, or null for the kernel's lengths = 0 (every row has T steps). */
  lengths?: number[] | null;
  /** x's rows one-hot (Rng.oneHotRows: assembly/onehot.ts's gather and scatter) instead of dense. */
  oneHot?: boolean;
}

interface Shape { T: number; B: number; I: number; H: number }

function describeCase(s: Shape, o: Options, name: string): string {
  const on = (flag: boolean, label: string) => (flag ? label : `no ${label}`);
  return `${name} rev=${o.reverse} T=${s.T} B=${s.B} I=${s.I} H=${s.H}, ${on(o.bias, 'bias')}, ${on(o.h0, 'h0')}, `
    + `${on(o.dhLast, 'dh_last')}, ${on(o.dx, 'dx')}, ${on(o.dh0, 'dh0')}${o.lengths ? `, lengths [${o.lengths}]` : ''}`
    + (o.oneHot ? ', one-hot x rows' : '');
}

/** Random data for one case; weights scaled by 1/√fan-in so long sequences neither explode nor saturate. */
function makeCase(rng: Rng, s: Shape, o: Options) {
  const { T, B, I, H } = s;
  const p: RnnParams = {
    act: o.act, reverse: o.reverse, T, B, I, H,
    x: o.oneHot ? rng.oneHotRows(T * B, I) : rng.array(T * B * I),
    wIh: rng.array(H * I, -1.5 / Math.sqrt(I), 1.5 / Math.sqrt(I)),
    wHh: rng.array(H * H, -1 / Math.sqrt(H), 1 / Math.sqrt(H)),
    bIh: o.bias ? rng.array(H, -0.5, 0.5) : null,
    bHh: o.bias ? rng.array(H, -0.5, 0.5) : null,
    h0: o.h0 ? rng.array(B * H) : null,
    lengths: o.lengths ?? null,
  };
  return { p, dhs: rng.array(T * B * H), dhLast: o.dhLast ? rng.array(B * H) : null };
}

const STALE = -777.25;

/** Runs rnn_forward and rnn_backward on the core; gradient buffers start at `init` (same layout as RnnGrads). */
function runKernels(core: Core, p: RnnParams, o: Options, dhs: Float64Array, dhLast: Float64Array | null,
  init: { dx: Float64Array; dwIh: Float64Array; dwHh: Float64Array; dbIh: Float64Array; dbHh: Float64Array; dh0: Float64Array },
  calls = 1) {
  const { T, B, I, H } = p;
  const k = core.kernels;
  const px = put(core, p.x), pwIh = put(core, p.wIh), pwHh = put(core, p.wHh);
  const pbIh = p.bIh ? put(core, p.bIh) : 0, pbHh = p.bHh ? put(core, p.bHh) : 0, ph0 = p.h0 ? put(core, p.h0) : 0;
  const plen = p.lengths ? putI32(core, p.lengths) : 0;
  // Forward with packed weights (pw_ih, pw_hh) first, then unpacked into the hs that backward reads.
  // Outputs start stale (as a reused buffer would be): the kernel must overwrite every element.
  const phsPacked = put(core, new Float64Array(T * B * H).fill(STALE));
  k.rnn_forward(p.act, o.reverse, T, B, I, H, px, pwIh, pwHh, packed(core, H, I, pwIh), packed(core, H, H, pwHh), pbIh, pbHh, ph0, plen, phsPacked);
  const hsPacked = get(core, phsPacked, T * B * H);
  const phs = put(core, new Float64Array(T * B * H).fill(STALE));
  k.rnn_forward(p.act, o.reverse, T, B, I, H, px, pwIh, pwHh, 0, 0, pbIh, pbHh, ph0, plen, phs);
  const hs = get(core, phs, T * B * H);
  const pdx = o.dx ? put(core, init.dx) : 0;
  const pdwIh = put(core, init.dwIh), pdwHh = put(core, init.dwHh);
  const pdbIh = o.bias ? put(core, init.dbIh) : 0, pdbHh = o.bias ? put(core, init.dbHh) : 0;
  const pdh0 = o.dh0 ? put(core, init.dh0) : 0;
  const pdhLast = dhLast ? put(core, dhLast) : 0;
  for (let c = 0; c < calls; c++) {
    // dhs is consumed by each call, so every call gets a fresh copy.
    k.rnn_backward(p.act, o.reverse, T, B, I, H, px, pwIh, pwHh, ph0, plen, phs, put(core, dhs), pdhLast,
      pdx, pdwIh, pdwHh, pdbIh, pdbHh, pdh0);
  }
  return {
    hs, hsPacked,
    dx: o.dx ? get(core, pdx, T * B * I) : null,
    dwIh: get(core, pdwIh, H * I), dwHh: get(core, pdwHh, H * H),
    dbIh: o.bias ? get(core, pdbIh, H) : null, dbHh: o.bias ? get(core, pdbHh, H) : null,
    dh0: o.dh0 ? get(core, pdh0, B * H) : null,
    inputsUnchanged: () => {
      assert.deepEqual(Array.from(get(core, px, p.x.length)), Array.from(p.x), 'x was modified');
      assert.deepEqual(Array.from(get(core, pwHh, H * H)), Array.from(p.wHh), 'w_hh was modified');
    },
  };
}

const plus = (a: ArrayLike<number>, b: ArrayLike<number>, times = 1) => Float64Array.from(a, (v, i) => v + times * b[i]);

function checkCase(core: Core, seed: number, s: Shape, o: Options): void {
  const rng = new Rng(seed);
  const { p, dhs, dhLast } = makeCase(rng, s, o);
  const { T, B, I, H } = s;
  const init = { dx: rng.array(T * B * I), dwIh: rng.array(H * I), dwHh: rng.array(H * H), dbIh: rng.array(H), dbHh: rng.array(H), dh0: rng.array(B * H) };
  const got = runKernels(core, p, o, dhs, dhLast, init);
  const hs = rnnForward(p);
  assertClose('hs', got.hs, hs, FORWARD_TOL, [T, B, H]);
  assertClose('hs (packed)', got.hsPacked, hs, FORWARD_TOL, [T, B, H]);
  const g = rnnBackward(p, hs, dhs, dhLast);
  // Accumulation: kernel result − initial value = reference gradient. Comparing (init + g) keeps the metric
  // on the gradient's scale because init is of order one like the gradients.
  if (got.dx) assertClose('dx', got.dx, plus(init.dx, g.dx), GRAD_TOL, [T, B, I]);
  assertClose('dw_ih', got.dwIh, plus(init.dwIh, g.dwIh), GRAD_TOL, [H, I]);
  assertClose('dw_hh', got.dwHh, plus(init.dwHh, g.dwHh), GRAD_TOL, [H, H]);
  if (got.dbIh) assertClose('db_ih', got.dbIh, plus(init.dbIh, g.dbIh), GRAD_TOL, [H]);
  if (got.dbHh) assertClose('db_hh', got.dbHh, plus(init.dbHh, g.dbHh), GRAD_TOL, [H]);
  if (got.dh0) assertClose('dh0', got.dh0, plus(init.dh0, g.dh0), GRAD_TOL, [B, H]);
  got.inputsUnchanged();
}

for (const build of BUILDS) {
  describe(`rnn_forward / rnn_backward (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    describe('every option combination, T=3 B=2 I=5 H=7', () => {
      const shape = { T: 3, B: 2, I: 5, H: 7 };
      let seed = 1;
      for (const [name, act] of ACTS) {
        for (const reverse of [0, 1]) {
          for (const bias of [true, false]) {
            for (const h0 of [true, false]) {
              for (const dhLast of [true, false]) {
                for (const dx of [true, false]) {
                  for (const dh0 of [true, false]) {
                    const o = { act, reverse, bias, h0, dhLast, dx, dh0 };
                    const caseSeed = seed++;
                    it(describeCase(shape, o, name), () => checkCase(core, caseSeed, shape, o));
                  }
                }
              }
            }
          }
        }
      }
    });

    describe('shapes', () => {
      const SHAPES: Shape[] = [
        { T: 1, B: 1, I: 1, H: 1 }, { T: 1, B: 3, I: 5, H: 7 }, { T: 6, B: 1, I: 3, H: 2 }, { T: 4, B: 3, I: 1, H: 5 },
        { T: 5, B: 2, I: 4, H: 1 }, { T: 3, B: 4, I: 8, H: 8 }, { T: 4, B: 5, I: 9, H: 17 }, { T: 3, B: 2, I: 37, H: 13 },
        { T: 2, B: 3, I: 11, H: 37 }, { T: 2, B: 2, I: 70, H: 9 }, { T: 3, B: 6, I: 6, H: 70 }, { T: 7, B: 9, I: 3, H: 33 },
      ];
      let seed = 10_000;
      for (const s of SHAPES) {
        for (const [name, act] of ACTS) {
          for (const reverse of [0, 1]) {
            for (const all of [true, false]) {
              const o = { act, reverse, bias: all, h0: all, dhLast: all, dx: all, dh0: all };
              const caseSeed = seed++;
              it(describeCase(s, o, name), () => checkCase(core, caseSeed, s, o));
            }
          }
        }
      }
    });

    describe('sequence lengths (padding carries the state; backward passes its gradient through)', () => {
      // Every set has a 0 (all padding: final state = h0) and a full-length row where B allows; the big
      // shapes take more than one GEMM tile with rows of every kind.
      const CASES: [Shape, number[]][] = [
        [{ T: 5, B: 4, I: 3, H: 6 }, [5, 0, 3, 1]], [{ T: 1, B: 3, I: 2, H: 5 }, [1, 0, 1]],
        [{ T: 4, B: 1, I: 3, H: 4 }, [0]], [{ T: 4, B: 1, I: 3, H: 4 }, [3]], [{ T: 3, B: 2, I: 1, H: 1 }, [2, 3]],
        [{ T: 6, B: 9, I: 11, H: 37 }, [6, 0, 1, 5, 6, 2, 0, 3, 4]], [{ T: 4, B: 5, I: 70, H: 9 }, [4, 4, 0, 2, 1]],
      ];
      let seed = 20_000;
      for (const [s, lengths] of CASES) {
        for (const [name, act] of ACTS) {
          for (const reverse of [0, 1]) {
            for (const all of [true, false]) {
              const o = { act, reverse, bias: all, h0: all, dhLast: all, dx: all, dh0: all, lengths };
              const caseSeed = seed++;
              it(describeCase(s, o, name), () => checkCase(core, caseSeed, s, o));
            }
          }
        }
      }
    });

    describe('one-hot input rows (assembly/onehot.ts)', () => {
      // I = 70: the nonzero in a vector or the scalar tail; I = 2100: two passes of the weight gradient's
      // accumulator; I = 8200: added into dw directly.
      const SHAPES: Shape[] = [{ T: 3, B: 4, I: 5, H: 7 }, { T: 2, B: 3, I: 70, H: 37 }, { T: 2, B: 3, I: 2100, H: 33 }, { T: 2, B: 2, I: 8200, H: 3 }];
      let seed = 30_000;
      for (const s of SHAPES) {
        for (const reverse of [0, 1]) {
          const o = { act: Act.Tanh, reverse, bias: true, h0: true, dhLast: true, dx: true, dh0: true, lengths: [s.T, 1, ...Array(s.B - 2).fill(s.T)], oneHot: true };
          const caseSeed = seed++;
          it(describeCase(s, o, 'Tanh'), () => checkCase(core, caseSeed, s, o));
        }
      }
    });

    it('backward accumulates: two calls into the same buffers give twice the gradient', () => {
      const s = { T: 4, B: 3, I: 5, H: 6 };
      const o = { act: Act.Tanh, reverse: 0, bias: true, h0: true, dhLast: true, dx: true, dh0: true };
      const rng = new Rng(77);
      const { p, dhs, dhLast } = makeCase(rng, s, o);
      const zero = { dx: new Float64Array(4 * 3 * 5), dwIh: new Float64Array(30), dwHh: new Float64Array(36),
        dbIh: new Float64Array(6), dbHh: new Float64Array(6), dh0: new Float64Array(18) };
      const got = runKernels(core, p, o, dhs, dhLast, zero, 2);
      const g = rnnBackward(p, rnnForward(p), dhs, dhLast);
      const twice = (a: Float64Array) => a.map((v) => 2 * v);
      assertClose('dx (2 calls)', got.dx!, twice(g.dx), GRAD_TOL);
      assertClose('dw_ih (2 calls)', got.dwIh, twice(g.dwIh), GRAD_TOL);
      assertClose('dw_hh (2 calls)', got.dwHh, twice(g.dwHh), GRAD_TOL);
      assertClose('db_ih (2 calls)', got.dbIh!, twice(g.dbIh), GRAD_TOL);
      assertClose('db_hh (2 calls)', got.dbHh!, twice(g.dbHh), GRAD_TOL);
      assertClose('dh0 (2 calls)', got.dh0!, twice(g.dh0), GRAD_TOL);
    });

    it('the final state is hs[T−1] forward and hs[0] reverse (dh_last lands on the last processed step)', () => {
      // With dhs = 0, only dh_last drives the gradients; put it on the wrong step and dw_hh changes.
      for (const reverse of [0, 1]) {
        const s = { T: 3, B: 2, I: 3, H: 4 };
        const o = { act: Act.Tanh, reverse, bias: true, h0: true, dhLast: true, dx: true, dh0: true };
        const { p, dhLast } = makeCase(new Rng(88 + reverse), s, o);
        const zero = { dx: new Float64Array(18), dwIh: new Float64Array(12), dwHh: new Float64Array(16),
          dbIh: new Float64Array(4), dbHh: new Float64Array(4), dh0: new Float64Array(8) };
        const dhs = new Float64Array(3 * 2 * 4);
        const got = runKernels(core, p, o, dhs, dhLast, zero);
        const g = rnnBackward(p, rnnForward(p), dhs, dhLast);
        assert.equal(finalStep(3, reverse), reverse ? 0 : 2);
        assertClose(`dx (reverse ${reverse})`, got.dx!, g.dx, GRAD_TOL);
        assertClose(`dh0 (reverse ${reverse})`, got.dh0!, g.dh0, GRAD_TOL);
      }
    });
  });
}
