// The reference (src/reference/) against PyTorch: SimpleRNN stacks + Linear + mean-reduced loss, forward
// values and every gradient. The fixtures come from
//   /usr/bin/python3 tests/fixtures/make_torch_fixtures.py
// PyTorch computed in float32, the reference in f64 from the same float32 inputs, so they agree to float32
// rounding: ≤ 1e-5 forward, ≤ 1e-4 gradients (tests/helpers/compare.ts metric).
//
// The same pipeline runs on the wasm kernels in tests/assembly/torch-parity.test.ts; this copy checks the
// spec itself and the reading of the fixtures (layouts, loss scale) independently of the kernels.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../../src/kernels.ts';
import { rnnBackward, rnnForward, type RnnParams } from '../../../src/reference/rnn.ts';
import { denseBackward, denseForward } from '../../../src/reference/dense.ts';
import { mse, softmaxCrossEntropy } from '../../../src/reference/loss.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../../helpers/compare.ts';
import { loadTorchFixtures, rnnParamNames, slice, toBatchMajor, toTimeMajor } from '../../helpers/torch-fixtures.ts';

describe('reference vs PyTorch fixtures', () => {
  for (const fx of loadTorchFixtures()) {
    it(fx.name, () => {
      const { act, layers, I, H, O, T, B, loss: lossKind, head, bias } = fx.config;
      const t = fx.tensors;
      const code = act === 'tanh' ? Act.Tanh : Act.Relu;

      // Forward: layer by layer, time-major.
      const ps: RnnParams[] = [];
      const hss: Float64Array[] = [];
      let input: Float64Array = toTimeMajor(t.x.data, B, T, I);
      for (let l = 0; l < layers; l++) {
        const n = rnnParamNames(l);
        const p: RnnParams = { act: code, reverse: 0, T, B, I: l === 0 ? I : H, H, x: input, wIh: t[n.wIh].data,
          wHh: t[n.wHh].data, bIh: bias ? t[n.bIh].data : null, bHh: bias ? t[n.bHh].data : null, h0: slice(t.h0, l) };
        ps.push(p);
        hss.push(input = rnnForward(p));
      }
      const top = hss[layers - 1];
      assertClose('output', toBatchMajor(top, T, B, H), t.output.data, FORWARD_TOL, t.output.shape);
      const hN = new Float64Array(layers * B * H);
      hss.forEach((hs, l) => hN.set(hs.subarray((T - 1) * B * H), l * B * H));
      assertClose('h_n', hN, t.h_n.data, FORWARD_TOL, t.h_n.shape);

      // Head: the last step's states [B, H], or all steps [T·B, H] (time-major rows).
      const N = head === 'last' ? B : T * B;
      const headIn = head === 'last' ? top.subarray((T - 1) * B * H) : top;
      const dp = { act: Act.Linear, N, I: H, O, x: headIn, w: t['fc.weight'].data, b: bias ? t['fc.bias'].data : null };
      const y = denseForward(dp);
      assertClose('fc_out', head === 'last' ? y : toBatchMajor(y, T, B, O), t.fc_out.data, FORWARD_TOL, t.fc_out.shape);

      // Loss, mean-reduced like PyTorch: MSE over all N·O elements, cross-entropy over the N rows.
      const target = head === 'last' ? t.target.data : toTimeMajor(t.target.data, B, T, lossKind === 'mse' ? O : 1);
      const scale = lossKind === 'mse' ? 1 / (N * O) : 1 / N;
      const r = lossKind === 'mse' ? mse(N * O, y, target, scale) : softmaxCrossEntropy(N, O, y, target, true, scale);
      assertClose('loss', [r.loss * scale], [fx.loss], FORWARD_TOL);

      // Backward: loss → head → RNN layers top-down (each layer's dx is the dhs of the layer below).
      const dg = denseBackward(dp, y, r.grad);
      assertClose('grad fc.weight', dg.dw, fx.grads['fc.weight'].data, GRAD_TOL, fx.grads['fc.weight'].shape);
      if (bias) assertClose('grad fc.bias', dg.db, fx.grads['fc.bias'].data, GRAD_TOL);
      let dhs: Float64Array<ArrayBufferLike> = new Float64Array(T * B * H);
      let dhLast: Float64Array<ArrayBufferLike> | null = null;
      if (head === 'last') dhLast = dg.dx; else dhs = dg.dx;
      const dh0 = new Float64Array(layers * B * H);
      for (let l = layers - 1; l >= 0; l--) {
        const g = rnnBackward(ps[l], hss[l], dhs, dhLast);
        const n = rnnParamNames(l);
        assertClose(`grad ${n.wIh}`, g.dwIh, fx.grads[n.wIh].data, GRAD_TOL, fx.grads[n.wIh].shape);
        assertClose(`grad ${n.wHh}`, g.dwHh, fx.grads[n.wHh].data, GRAD_TOL, fx.grads[n.wHh].shape);
        if (bias) {
          assertClose(`grad ${n.bIh}`, g.dbIh, fx.grads[n.bIh].data, GRAD_TOL);
          assertClose(`grad ${n.bHh}`, g.dbHh, fx.grads[n.bHh].data, GRAD_TOL);
        } else {
          assert.equal(fx.grads[n.bIh], undefined);
        }
        dh0.set(g.dh0, l * B * H);
        dhs = g.dx;
        dhLast = null;
      }
      assertClose('grad h0', dh0, fx.grads.h0.data, GRAD_TOL, fx.grads.h0.shape);
      assertClose('grad x', toBatchMajor(dhs, T, B, I), fx.grads.x.data, GRAD_TOL, fx.grads.x.shape);
    });
  }
});
