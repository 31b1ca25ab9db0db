// Checks of the reference losses (src/reference/loss.ts): each gradient is gradient-checked against
// scale · (returned SUM), and each value is compared with the textbook formula written out directly
// (−log of the naive softmax probability; −t·log σ − (1 − t)·log(1 − σ)), which is a different computation.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mse, sigmoidCrossEntropy, softmax, softmaxCrossEntropy } from '../../../src/reference/loss.ts';
import { Rng } from '../../helpers/random.ts';
import { assertGradcheck } from '../../helpers/gradcheck.ts';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('reference softmax', () => {
  it('rows sum to 1, are shift-invariant, and survive huge logits', () => {
    const y = softmax(2, 3, [1, 2, 3, 1001, 1002, 1003]);
    for (let c = 0; c < 3; c++) near(y[c], y[3 + c]);
    near(y[0] + y[1] + y[2], 1);
    // e^1 / (e^1 + e^2 + e^3) by hand:
    near(y[0], Math.E / (Math.E + Math.E ** 2 + Math.E ** 3));
  });
});

describe('reference softmax cross-entropy', () => {
  const N = 4, C = 5;
  for (const scale of [1, 1 / N]) {
    it(`sparse targets (class indices), scale ${scale}`, () => {
      const rng = new Rng(3001);
      const logits = rng.array(N * C, -3, 3);
      const targets = [2, 0, 4, 2];
      const r = softmaxCrossEntropy(N, C, logits, targets, true, scale);
      let naive = 0;
      for (let n = 0; n < N; n++) {
        let z = 0;
        for (let c = 0; c < C; c++) z += Math.exp(logits[n * C + c]);
        naive -= Math.log(Math.exp(logits[n * C + targets[n]]) / z);
      }
      near(r.loss, naive);
      assertGradcheck('logits', (v) => scale * softmaxCrossEntropy(N, C, v, targets, true).loss, Float64Array.from(logits), r.grad);
    });
    it(`dense targets (probability rows), scale ${scale}`, () => {
      const rng = new Rng(3002);
      const logits = rng.array(N * C, -3, 3);
      const targets = new Float64Array(N * C);
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += (targets[n * C + c] = rng.uniform(0, 1));
        for (let c = 0; c < C; c++) targets[n * C + c] /= s;
      }
      const r = softmaxCrossEntropy(N, C, logits, targets, false, scale);
      let naive = 0;
      for (let n = 0; n < N; n++) {
        let z = 0;
        for (let c = 0; c < C; c++) z += Math.exp(logits[n * C + c]);
        for (let c = 0; c < C; c++) naive -= targets[n * C + c] * Math.log(Math.exp(logits[n * C + c]) / z);
      }
      near(r.loss, naive);
      assertGradcheck('logits', (v) => scale * softmaxCrossEntropy(N, C, v, targets, false).loss, Float64Array.from(logits), r.grad);
    });
  }
  it('stays finite for extreme logits (log p = logit − logsumexp, never log 0)', () => {
    const r = softmaxCrossEntropy(1, 3, [1000, -1000, 0], [1], true);
    near(r.loss, 2000);
    assert.ok(Number.isFinite(r.loss));
  });
});

describe('reference sigmoid cross-entropy', () => {
  for (const scale of [1, 0.125]) {
    it(`value and gradient, scale ${scale}`, () => {
      const rng = new Rng(3003);
      const n = 7;
      const logits = rng.array(n, -4, 4);
      const targets = Float64Array.from([0, 1, 0.25, 1, 0, 0.5, 0.9]);
      const r = sigmoidCrossEntropy(n, logits, targets, scale);
      let naive = 0;
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + Math.exp(-logits[i]));
        naive -= targets[i] * Math.log(s) + (1 - targets[i]) * Math.log(1 - s);
      }
      near(r.loss, naive, 1e-10);
      assertGradcheck('logits', (v) => scale * sigmoidCrossEntropy(n, v, targets).loss, Float64Array.from(logits), r.grad);
    });
  }
  it('is finite and right for huge logits (where the naive formula gives Infinity)', () => {
    const r = sigmoidCrossEntropy(2, [800, -800], [0, 0]);
    near(r.loss, 800);
  });
});

describe('reference mse', () => {
  for (const scale of [1, 1 / 6]) {
    it(`value and gradient, scale ${scale}`, () => {
      const rng = new Rng(3004);
      const pred = rng.array(6, -2, 2);
      const target = rng.array(6, -2, 2);
      const r = mse(6, pred, target, scale);
      near(r.loss, pred.reduce((s, p, i) => s + (p - target[i]) ** 2, 0));
      assertGradcheck('pred', (v) => scale * mse(6, v, target).loss, Float64Array.from(pred), r.grad);
    });
  }
});
