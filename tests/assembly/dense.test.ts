// dense_forward / dense_backward (assembly/dense.ts) against the reference (src/reference/dense.ts), on
// both builds: every activation, with and without bias and dx, forward with and without packed weights,
// shapes with N = 0 and 1, sizes that are not multiples of 4, and several GEMM tiles; inputs with one-hot
// rows (assembly/onehot.ts). Gradient buffers start at random values: the kernel must add.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Act, Gemm } from '../../src/kernels.ts';
import { denseBackward, denseForward, type DenseParams } from '../../src/reference/dense.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, packed, put } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';

const ACTS = Object.entries(Act) as [string, number][];
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [0, 5, 3], [1, 7, 5], [3, 5, 7], [4, 8, 8], [2, 1, 9], [9, 37, 13], [5, 70, 3], [17, 6, 70], [33, 40, 37],
];

const plus = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);

/** x's rows: dense, or one-hot (Rng.oneHotRows: assembly/onehot.ts's gather forward and scattered dw). */
type Rows = 'dense' | 'one-hot';

function checkCase(core: Core, seed: number, [N, I, O]: [number, number, number], act: number, bias: boolean, withDx: boolean,
  rows: Rows): void {
  const rng = new Rng(seed);
  const p: DenseParams = { act, N, I, O, x: rows === 'one-hot' ? rng.oneHotRows(N, I) : rng.array(N * I),
    w: rng.array(O * I, -1.5 / Math.sqrt(I), 1.5 / Math.sqrt(I)), b: bias ? rng.array(O, -0.5, 0.5) : null };
  const dy = rng.array(N * O);
  const init = { dx: rng.array(N * I), dw: rng.array(O * I), db: rng.array(O) };
  const k = core.kernels;
  // Outputs start stale (as a reused buffer would be): the kernel must overwrite every element.
  const px = put(core, p.x), pw = put(core, p.w), py = put(core, new Float64Array(N * O).fill(-777.25));
  const pb = bias ? put(core, p.b!) : 0;
  const y = denseForward(p);
  // With packed weights (pw = pack_weights(O, I, w)), then without (pw = 0): the y backward reads.
  const pyPacked = put(core, new Float64Array(N * O).fill(-777.25));
  k.dense_forward(act, N, I, O, px, pw, packed(core, O, I, pw), pb, pyPacked);
  assertClose('y (packed)', get(core, pyPacked, N * O), y, FORWARD_TOL, [N, O]);
  k.dense_forward(act, N, I, O, px, pw, 0, pb, py);
  assertClose('y', get(core, py, N * O), y, FORWARD_TOL, [N, O]);

  const pdx = withDx ? put(core, init.dx) : 0, pdw = put(core, init.dw), pdb = bias ? put(core, init.db) : 0;
  k.dense_backward(act, N, I, O, px, pw, py, put(core, dy), pdx, pdw, pdb);
  const g = denseBackward(p, y, dy);
  if (withDx) assertClose('dx', get(core, pdx, N * I), plus(init.dx, g.dx), GRAD_TOL, [N, I]);
  assertClose('dw', get(core, pdw, O * I), plus(init.dw, g.dw), GRAD_TOL, [O, I]);
  if (bias) assertClose('db', get(core, pdb, O), plus(init.db, g.db), GRAD_TOL, [O]);
  assert.deepEqual(Array.from(get(core, pw, O * I)), Array.from(p.w), 'w was modified');
}

for (const build of BUILDS) {
  describe(`dense_forward / dense_backward (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    let seed = 1;
    for (const shape of SHAPES) {
      for (const [name, act] of ACTS) {
        for (const bias of [true, false]) {
          for (const withDx of [true, false]) {
            const caseSeed = seed++;
            it(`${name} N=${shape[0]} I=${shape[1]} O=${shape[2]}, ${bias ? 'bias' : 'no bias'}, ${withDx ? 'dx' : 'no dx'}`,
              () => checkCase(core, caseSeed, shape, act, bias, withDx, 'dense'));
          }
        }
      }
    }

    // One-hot rows: the nonzero in a vector or the scalar tail (I = 70), outputs that cut a packed strip
    // (O = 13, 37), an accumulator of 24 columns taking two passes over the rows (I = 2100, O = 37), and an
    // input too wide for it (I = 8200).
    for (const shape of [[1, 1, 1], [9, 70, 13], [33, 5, 37], [6, 2100, 37], [4, 8200, 5]] as [number, number, number][]) {
      for (const [name, act] of [['Linear', Act.Linear], ['Tanh', Act.Tanh]] as [string, number][]) {
        const caseSeed = seed++;
        it(`${name} N=${shape[0]} I=${shape[1]} O=${shape[2]}, bias, dx, one-hot x rows`,
          () => checkCase(core, caseSeed, shape, act, true, true, 'one-hot'));
      }
    }

    it('one-hot rows: the forward is bit-identical to the dense product (sgemm over the packed weight)', () => {
      const rng = new Rng(4242);
      const [N, I, O] = [37, 70, 45];
      const px = put(core, rng.oneHotRows(N, I)), pw = put(core, rng.array(O * I)), pp = packed(core, O, I, pw);
      const py = put(core, new Float64Array(N * O)), pdense = put(core, new Float64Array(N * O));
      core.kernels.dense_forward(Act.Linear, N, I, O, px, pw, pp, 0, py);
      core.kernels.sgemm(Gemm.PackedB, N, O, I, px, I, pp, O, pdense, O);
      assert.deepEqual(Array.from(get(core, py, N * O)), Array.from(get(core, pdense, N * O)));
    });

    it('forward by hand: one row, two outputs, relu', () => {
      // pre = [1, 2]·[[1, −1], [0.5, 0.25]]ᵀ + [1.5, −2] = [0.5, −1] → relu [0.5, 0]
      const py = put(core, [9, 9]);
      core.kernels.dense_forward(Act.Relu, 1, 2, 2, put(core, [1, 2]), put(core, [1, -1, 0.5, 0.25]), 0, put(core, [1.5, -2]), py);
      assert.deepEqual(Array.from(get(core, py, 2)), [0.5, 0]);
    });
  });
}
