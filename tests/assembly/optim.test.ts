// sgd_update, adam_update and clip_grad_norm (assembly/optim.ts) against the reference
// (src/reference/optim.ts), on both builds, over several consecutive steps (so velocity / moment state is
// carried correctly) and block lengths around the SIMD width.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { adamBiasCorrections, adamUpdate, clipGradNorm, sgdUpdate } from '../../src/reference/optim.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, put } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL } from '../helpers/compare.ts';

const LENGTHS = [0, 1, 3, 4, 5, 8, 9, 17, 100, 1003];
const STEPS = 3;

for (const build of BUILDS) {
  describe(`optimizer kernels (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const n of LENGTHS) {
      for (const [label, momentum, nesterov, wd] of [
        ['plain', 0, false, 0], ['weight decay', 0, false, 0.01], ['momentum', 0.9, false, 0],
        ['nesterov + weight decay', 0.9, true, 0.05],
      ] as const) {
        it(`sgd_update ${label}, n=${n}, ${STEPS} steps`, () => {
          const rng = new Rng(n * 10 + label.length);
          const params = rng.array(n);
          const velocity = momentum ? new Float64Array(n) : null;
          const pp = put(core, params), pv = momentum ? put(core, new Float64Array(n)) : 0;
          const lr = Math.fround(0.1);
          for (let s = 0; s < STEPS; s++) {
            const grads = rng.array(n);
            // f32 hyperparameters, as the kernel receives them.
            sgdUpdate(params, grads, velocity, lr, Math.fround(momentum), nesterov, Math.fround(wd));
            core.kernels.sgd_update(n, pp, put(core, grads), pv, lr, momentum, nesterov ? 1 : 0, wd);
            assertClose(`params after step ${s + 1}`, get(core, pp, n), params, FORWARD_TOL);
            if (velocity) assertClose(`velocity after step ${s + 1}`, get(core, pv, n), velocity, FORWARD_TOL);
          }
        });
      }

      it(`adam_update n=${n}, ${STEPS} steps`, () => {
        const rng = new Rng(7000 + n);
        const params = rng.array(n);
        const m = new Float64Array(n), v = new Float64Array(n);
        const pp = put(core, params), pm = put(core, m), pv = put(core, v);
        // The kernel takes f32 hyperparameters; the reference must use the same values (1 − f32(0.999) is
        // 1.3e-5 away from 0.001 relatively, more than the tolerance).
        const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8].map(Math.fround);
        for (let step = 1; step <= STEPS; step++) {
          // Gradients over several orders of magnitude: Adam normalises them, so every one moves p by ~lr.
          const grads = Float64Array.from(rng.array(n), (g, i) => Math.fround(g * 10 ** ((i % 5) - 3)));
          const bc = adamBiasCorrections(b1, b2, step);
          const bc1 = Math.fround(bc.bc1), bc2 = Math.fround(bc.bc2);
          adamUpdate(params, grads, m, v, lr, b1, b2, eps, bc1, bc2);
          core.kernels.adam_update(n, pp, put(core, grads), pm, pv, lr, b1, b2, eps, bc1, bc2);
          assertClose(`params after step ${step}`, get(core, pp, n), params, FORWARD_TOL);
          assertClose(`m after step ${step}`, get(core, pm, n), m, FORWARD_TOL, undefined, 1e-6);
          assertClose(`v after step ${step}`, get(core, pv, n), v, FORWARD_TOL, undefined, 1e-12);
        }
      });

      for (const [label, maxNorm] of [['above max (clips)', 0.5], ['below max (unchanged)', 1e6], ['maxNorm 0 (report only)', 0]] as const) {
        it(`clip_grad_norm n=${n}, ${label}`, () => {
          const grads = new Rng(8000 + n).array(n);
          const pg = put(core, grads);
          const expected = Float64Array.from(grads);
          const norm = clipGradNorm(expected, maxNorm);
          const got = core.kernels.clip_grad_norm(n, pg, maxNorm);
          assert.ok(Math.abs(got - norm) <= 1e-6 * Math.max(1, norm), `norm: got ${got}, expected ${norm}`);
          assertClose('grads', get(core, pg, n), expected, FORWARD_TOL);
        });
      }
    }

    it('clip_grad_norm by hand: [3, 4] has norm 5 and clips to [0.6, 0.8] at maxNorm 1', () => {
      const pg = put(core, [3, 4]);
      assert.equal(core.kernels.clip_grad_norm(2, pg, 1), 5);
      assertClose('grads', get(core, pg, 2), [0.6, 0.8], 1e-7);
    });
  });
}
