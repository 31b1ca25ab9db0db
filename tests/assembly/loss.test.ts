// softmax_forward, softmax_cross_entropy, sigmoid_cross_entropy and mse (assembly/loss.ts) against the
// reference (src/reference/loss.ts), on both builds: returned sums, probabilities and scaled gradients,
// optional (0) outputs, row counts and class counts around the SIMD width, and extreme logits that must
// neither overflow nor produce −Infinity/NaN.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mse, sigmoidCrossEntropy, softmax, softmaxCrossEntropy } from '../../src/reference/loss.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, put } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';

const SIZES: [number, number][] = [[1, 1], [1, 2], [3, 3], [4, 4], [5, 7], [2, 8], [7, 9], [3, 37], [6, 70], [33, 5]];
const LENGTHS = [0, 1, 3, 4, 5, 8, 13, 37, 100];
const SENTINEL = 777;

/** A returned loss sum: relative 1e-5 (floor 1) — the kernel may accumulate in f32 or f64. */
function assertLoss(got: number, expected: number): void {
  assert.ok(Math.abs(got - expected) <= FORWARD_TOL * Math.max(1, Math.abs(expected)), `loss: got ${got}, expected ${expected}`);
}

for (const build of BUILDS) {
  describe(`loss kernels (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const [N, C] of SIZES) {
      it(`softmax_forward N=${N} C=${C} (separate output and in place)`, () => {
        const x = new Rng(N * 100 + C).array(N * C, -5, 5);
        const px = put(core, x), py = put(core, new Float64Array(N * C));
        core.kernels.softmax_forward(N, C, px, py);
        assertClose('y', get(core, py, N * C), softmax(N, C, x), FORWARD_TOL, [N, C]);
        core.kernels.softmax_forward(N, C, px, px);
        assertClose('y (in place)', get(core, px, N * C), softmax(N, C, x), FORWARD_TOL, [N, C]);
      });

      for (const sparse of [true, false]) {
        for (const scale of [1, 1 / N, 0.3]) {
          it(`softmax_cross_entropy N=${N} C=${C} ${sparse ? 'sparse' : 'dense'} targets, scale ${scale.toPrecision(3)}`, () => {
            const rng = new Rng(N * 1000 + C * 10 + (sparse ? 1 : 0));
            const logits = rng.array(N * C, -4, 4);
            let targets: Float64Array;
            if (sparse) targets = Float64Array.from({ length: N }, () => rng.int(0, C - 1));
            else {
              targets = new Float64Array(N * C);
              for (let n = 0; n < N; n++) {
                let s = 0;
                for (let c = 0; c < C; c++) s += (targets[n * C + c] = rng.uniform(0, 1));
                for (let c = 0; c < C; c++) targets[n * C + c] = Math.fround(targets[n * C + c] / s);
              }
            }
            const r = softmaxCrossEntropy(N, C, logits, targets, sparse, Math.fround(scale));
            const pl = put(core, logits), pt = put(core, targets);
            const pp = put(core, new Float64Array(N * C)), pd = put(core, new Float64Array(N * C));
            assertLoss(core.kernels.softmax_cross_entropy(N, C, pl, pt, sparse ? 1 : 0, pp, pd, scale), r.loss);
            assertClose('probs', get(core, pp, N * C), r.probs!, FORWARD_TOL, [N, C]);
            assertClose('dlogits', get(core, pd, N * C), r.grad, GRAD_TOL, [N, C], 1e-2 * Math.min(1, scale));
            // Optional outputs: neither probs nor dlogits, and the value must not change.
            assertLoss(core.kernels.softmax_cross_entropy(N, C, pl, pt, sparse ? 1 : 0, 0, 0, scale), r.loss);
            assert.deepEqual(Array.from(get(core, pl, N * C)), Array.from(logits), 'logits were modified');
          });
        }
      }
    }

    it('softmax_cross_entropy: extreme logits stay finite (log p = logit − logsumexp)', () => {
      const logits = [1000, -1000, 0, -80, 80, 3];
      const pd = put(core, new Float64Array(6));
      const loss = core.kernels.softmax_cross_entropy(2, 3, put(core, logits), put(core, [1, 0]), 1, 0, pd, 1);
      const r = softmaxCrossEntropy(2, 3, logits, [1, 0], true);
      assert.ok(Number.isFinite(loss), `loss ${loss}`);
      assertLoss(loss, r.loss); // 2000 + 160 (to f32 rounding)
      assertClose('dlogits', get(core, pd, 6), r.grad, GRAD_TOL);
    });

    for (const n of LENGTHS) {
      for (const scale of [1, 0.25]) {
        it(`sigmoid_cross_entropy n=${n}, scale ${scale}`, () => {
          const rng = new Rng(5000 + n);
          const logits = rng.array(n, -6, 6);
          const targets = Float64Array.from({ length: n }, (_, i) => (i % 3 === 2 ? Math.fround(rng.next()) : i % 3));
          const r = sigmoidCrossEntropy(n, logits, targets, scale);
          const pl = put(core, logits), pt = put(core, targets);
          const pp = put(core, new Float64Array(n).fill(SENTINEL)), pd = put(core, new Float64Array(n).fill(SENTINEL));
          assertLoss(core.kernels.sigmoid_cross_entropy(n, pl, pt, pp, pd, scale), r.loss);
          assertClose('probs', get(core, pp, n), r.probs!, FORWARD_TOL);
          assertClose('dlogits', get(core, pd, n), r.grad, GRAD_TOL);
          assertLoss(core.kernels.sigmoid_cross_entropy(n, pl, pt, 0, 0, scale), r.loss);
        });

        it(`mse n=${n}, scale ${scale}`, () => {
          const rng = new Rng(6000 + n);
          const pred = rng.array(n, -2, 2), target = rng.array(n, -2, 2);
          const r = mse(n, pred, target, scale);
          const pp = put(core, pred), pt = put(core, target), pd = put(core, new Float64Array(n).fill(SENTINEL));
          assertLoss(core.kernels.mse(n, pp, pt, pd, scale), r.loss);
          assertClose('dpred', get(core, pd, n), r.grad, GRAD_TOL);
          assertLoss(core.kernels.mse(n, pp, pt, 0, scale), r.loss);
        });
      }
    }

    it('sigmoid_cross_entropy: huge logits give the exact large loss, not Infinity', () => {
      const logits = [800, -800, 100, -100];
      const targets = [0, 1, 1, 0];
      const loss = core.kernels.sigmoid_cross_entropy(4, put(core, logits), put(core, targets), 0, 0, 1);
      assertLoss(loss, sigmoidCrossEntropy(4, logits, targets).loss); // 800 + 800 + ~0 + ~0
    });

    it('mse by hand', () => {
      // (1 − 0)² + (−1 − 1)² = 5; dpred = 2·0.5·(pred − target) = [1, −2]
      const pd = put(core, [0, 0]);
      assert.equal(core.kernels.mse(2, put(core, [1, -1]), put(core, [0, 1]), pd, 0.5), 5);
      assert.deepEqual(Array.from(get(core, pd, 2)), [1, -2]);
    });
  });
}
