// The reference optimizers (src/reference/optim.ts) against numbers worked out by hand from the PyTorch
// update rules (torch.optim.SGD, torch.optim.Adam, clip_grad_norm_ as adapted in src/kernels.ts).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adamBiasCorrections, adamUpdate, clipGradNorm, sgdUpdate } from '../../../src/reference/optim.ts';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12, `${a} vs ${b}`);

describe('reference sgd', () => {
  it('plain: p −= lr·(g + wd·p)', () => {
    const p = Float64Array.from([1, -2]);
    sgdUpdate(p, [0.5, 0.25], null, 0.1, 0, false, 0.01);
    near(p[0], 1 - 0.1 * (0.5 + 0.01));
    near(p[1], -2 - 0.1 * (0.25 - 0.02));
  });
  it('momentum, two steps', () => {
    const p = Float64Array.from([1]);
    const v = new Float64Array(1);
    sgdUpdate(p, [1], v, 0.1, 0.9, false, 0); // v = 1, p = 0.9
    sgdUpdate(p, [1], v, 0.1, 0.9, false, 0); // v = 1.9, p = 0.71
    near(v[0], 1.9);
    near(p[0], 0.71);
  });
  it('nesterov, two steps', () => {
    const p = Float64Array.from([1]);
    const v = new Float64Array(1);
    sgdUpdate(p, [1], v, 0.1, 0.9, true, 0); // v = 1, p = 1 − 0.1·(1 + 0.9) = 0.81
    sgdUpdate(p, [1], v, 0.1, 0.9, true, 0); // v = 1.9, p = 0.81 − 0.1·(1 + 1.71) = 0.539
    near(p[0], 0.539);
  });
});

describe('reference adam', () => {
  it('first step moves every parameter by ≈ lr·sign(g)', () => {
    const p = Float64Array.from([1, 1, 1]);
    const m = new Float64Array(3), v = new Float64Array(3);
    const { bc1, bc2 } = adamBiasCorrections(0.9, 0.999, 1);
    adamUpdate(p, [0.5, -3, 1e-3], m, v, 0.01, 0.9, 0.999, 1e-8, bc1, bc2);
    // m̂ = g, v̂ = g², step = lr·g/(|g| + eps)
    near(p[0], 1 - 0.01 * 0.5 / (0.5 + 1e-8));
    near(p[1], 1 + 0.01 * 3 / (3 + 1e-8));
    near(p[2], 1 - 0.01 * 1e-3 / (1e-3 + 1e-8));
  });
  it('second step by hand', () => {
    const p = Float64Array.from([0]);
    const m = new Float64Array(1), v = new Float64Array(1);
    for (const [step, g] of [[1, 1], [2, 2]]) {
      const { bc1, bc2 } = adamBiasCorrections(0.9, 0.999, step);
      adamUpdate(p, [g], m, v, 0.1, 0.9, 0.999, 1e-8, bc1, bc2);
    }
    // step 1: m = 0.1, v = 0.001, p = −0.1·1/(1 + 1e-8)
    // step 2: m = 0.09 + 0.2 = 0.29, v = 0.000999 + 0.004 = 0.004999; m̂ = 0.29/0.19, v̂ = 0.004999/0.001999
    const p1 = -0.1 / (1 + 1e-8);
    near(m[0], 0.29);
    near(v[0], 0.004999);
    near(p[0], p1 - 0.1 * (0.29 / 0.19) / (Math.sqrt(0.004999 / 0.001999) + 1e-8));
  });
});

describe('reference clip_grad_norm', () => {
  it('returns the norm and scales only above maxNorm', () => {
    const g = Float64Array.from([3, 4]);
    near(clipGradNorm(g, 10), 5);
    assert.deepEqual(Array.from(g), [3, 4]);
    near(clipGradNorm(g, 1), 5);
    near(g[0], 0.6);
    near(g[1], 0.8);
    const h = Float64Array.from([3, 4]);
    clipGradNorm(h, 0); // maxNorm 0: report only
    assert.deepEqual(Array.from(h), [3, 4]);
  });
});
