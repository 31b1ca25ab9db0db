// Gradient checks of the reference dense layer (src/reference/dense.ts) for every activation, with and
// without bias. Loss L = Σ c ⊙ y with random c, so every output element carries a distinct weight.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../../src/kernels.ts';
import { denseBackward, denseForward, type DenseParams } from '../../../src/reference/dense.ts';
import { Rng } from '../../helpers/random.ts';
import { assertGradcheck } from '../../helpers/gradcheck.ts';

const ACTS = Object.entries(Act) as [string, number][];

/** Smallest |pre-activation|: ReLU cases redraw until no finite difference straddles the kink at 0. */
function minAbsPre(p: DenseParams): number {
  const pre = denseForward({ ...p, act: Act.Linear });
  return Math.min(...Array.from(pre, Math.abs));
}

describe('reference dense: gradient check', () => {
  for (const [actName, act] of ACTS) {
    for (const withBias of [true, false]) {
      it(`${actName}, ${withBias ? 'bias' : 'no bias'}`, () => {
        const rng = new Rng(2000 + act * 2 + (withBias ? 1 : 0));
        const N = 3, I = 4, O = 5;
        const draw = (): DenseParams => ({ act, N, I, O, x: rng.array(N * I), w: rng.array(O * I), b: withBias ? rng.array(O) : null });
        let p = draw();
        while (act === Act.Relu && minAbsPre(p) < 1e-2) p = draw();
        const c = rng.array(N * O);
        const lossOf = (q: DenseParams) => denseForward(q).reduce((s, y, k) => s + c[k] * y, 0);
        const g = denseBackward(p, denseForward(p), c);
        assertGradcheck('x', (v) => lossOf({ ...p, x: v }), Float64Array.from(p.x), g.dx);
        assertGradcheck('w', (v) => lossOf({ ...p, w: v }), Float64Array.from(p.w), g.dw);
        // db is the gradient w.r.t. a bias, present or not (a bias of zeros when absent).
        assertGradcheck('b', (v) => lossOf({ ...p, b: v }), withBias ? Float64Array.from(p.b!) : new Float64Array(O), g.db);
      });
    }
  }

  it('forward by hand: one row, two outputs', () => {
    // pre = [1, 2]·[[1, −1], [0.5, 0.25]]ᵀ + [1.5, −2] = [1 − 2 + 1.5, 0.5 + 0.5 − 2] = [0.5, −1]
    const p = { N: 1, I: 2, O: 2, x: [1, 2], w: [1, -1, 0.5, 0.25], b: [1.5, -2] };
    assert.deepEqual(Array.from(denseForward({ ...p, act: Act.Linear })), [0.5, -1]);
    assert.deepEqual(Array.from(denseForward({ ...p, act: Act.Relu })), [0.5, 0]);
  });
});
