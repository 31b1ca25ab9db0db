// The wasm kernels against PyTorch, on both builds: SimpleRNN stacks (tanh / relu, 1–2 layers, with and
// without bias) + Linear on the last step or on every step + mean-reduced MSE or cross-entropy, driven
// kernel by kernel exactly as the façade will: batch-major → time-major, rnn_forward per layer,
// dense_forward, the loss kernel, then dense_backward, rnn_backward per layer (top-down; a layer's dx is
// the dhs of the layer below). Checks outputs, h_n, the loss and every gradient including dx and dh0.
// Fixtures: /usr/bin/python3 tests/fixtures/make_torch_fixtures.py (tests/fixtures/torch/*.json).
//
// Loss scale: PyTorch's reduction='mean' divides MSE by the element count N·O and cross-entropy by the
// row count N; the kernels return sums and take `scale`, so loss = sum · scale with scale = 1/(N·O) or 1/N.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../src/kernels.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, packed, put, zeros } from '../helpers/core.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';
import { loadTorchFixtures, rnnParamNames, slice, toBatchMajor, toTimeMajor } from '../helpers/torch-fixtures.ts';

for (const build of BUILDS) {
  describe(`kernels vs PyTorch fixtures (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const fx of loadTorchFixtures()) {
      it(fx.name, () => {
        const k = core.kernels;
        const { act, layers, I, H, O, T, B, loss: lossKind, head, bias } = fx.config;
        const t = fx.tensors;
        const code = act === 'tanh' ? Act.Tanh : Act.Relu;

        // Forward, layer by layer, time-major.
        const layer: { I: number; x: number; wIh: number; wHh: number; h0: number; hs: number }[] = [];
        let input = put(core, toTimeMajor(t.x.data, B, T, I));
        for (let l = 0; l < layers; l++) {
          const n = rnnParamNames(l);
          const L = { I: l === 0 ? I : H, x: input, wIh: put(core, t[n.wIh].data), wHh: put(core, t[n.wHh].data),
            h0: put(core, slice(t.h0, l)), hs: zeros(core, T * B * H) };
          // Packed weights (pw_ih, pw_hh), as the façade passes them.
          k.rnn_forward(code, 0, T, B, L.I, H, L.x, L.wIh, L.wHh, packed(core, H, L.I, L.wIh), packed(core, H, H, L.wHh),
            bias ? put(core, t[n.bIh].data) : 0,
            bias ? put(core, t[n.bHh].data) : 0, L.h0, 0, L.hs);
          layer.push(L);
          input = L.hs;
        }
        const top = layer[layers - 1].hs;
        assertClose('output', toBatchMajor(get(core, top, T * B * H), T, B, H), t.output.data, FORWARD_TOL, t.output.shape);
        const hN = new Float64Array(layers * B * H);
        layer.forEach((L, l) => hN.set(get(core, L.hs + (T - 1) * B * H * 4, B * H), l * B * H));
        assertClose('h_n', hN, t.h_n.data, FORWARD_TOL, t.h_n.shape);

        // Head: Linear on the last step's states [B, H] (a view into hs) or on all T·B rows.
        const N = head === 'last' ? B : T * B;
        const headIn = head === 'last' ? top + (T - 1) * B * H * 4 : top;
        const fcW = put(core, t['fc.weight'].data), fcB = bias ? put(core, t['fc.bias'].data) : 0;
        const y = zeros(core, N * O);
        k.dense_forward(Act.Linear, N, H, O, headIn, fcW, packed(core, O, H, fcW), fcB, y);
        const yGot = get(core, y, N * O);
        assertClose('fc_out', head === 'last' ? yGot : toBatchMajor(yGot, T, B, O), t.fc_out.data, FORWARD_TOL, t.fc_out.shape);

        // Loss with PyTorch's mean reduction.
        const target = put(core, head === 'last' ? t.target.data : toTimeMajor(t.target.data, B, T, lossKind === 'mse' ? O : 1));
        const scale = lossKind === 'mse' ? 1 / (N * O) : 1 / N;
        const dy = zeros(core, N * O);
        const sum = lossKind === 'mse'
          ? k.mse(N * O, y, target, dy, scale)
          : k.softmax_cross_entropy(N, O, y, target, 1, 0, dy, scale);
        assertClose('loss', [sum * scale], [fx.loss], FORWARD_TOL);

        // Backward: head, then the RNN layers top-down.
        const dHeadIn = zeros(core, N * H), dFcW = zeros(core, O * H), dFcB = bias ? zeros(core, O) : 0;
        k.dense_backward(Act.Linear, N, H, O, headIn, fcW, y, dy, dHeadIn, dFcW, dFcB);
        assertClose('grad fc.weight', get(core, dFcW, O * H), fx.grads['fc.weight'].data, GRAD_TOL, fx.grads['fc.weight'].shape);
        if (bias) assertClose('grad fc.bias', get(core, dFcB, O), fx.grads['fc.bias'].data, GRAD_TOL);
        // Last-step head: its input gradient is dLoss/d(final state) → dh_last, with no per-step gradient.
        // Sequence head: its input gradient IS dhs.
        let dhs = head === 'last' ? zeros(core, T * B * H) : dHeadIn;
        let dhLast = head === 'last' ? dHeadIn : 0;
        const dh0 = new Float64Array(layers * B * H);
        for (let l = layers - 1; l >= 0; l--) {
          const L = layer[l];
          const n = rnnParamNames(l);
          const dx = zeros(core, T * B * L.I), dwIh = zeros(core, H * L.I), dwHh = zeros(core, H * H);
          const dbIh = bias ? zeros(core, H) : 0, dbHh = bias ? zeros(core, H) : 0, dh0l = zeros(core, B * H);
          k.rnn_backward(code, 0, T, B, L.I, H, L.x, L.wIh, L.wHh, L.h0, 0, L.hs, dhs, dhLast, dx, dwIh, dwHh, dbIh, dbHh, dh0l);
          assertClose(`grad ${n.wIh}`, get(core, dwIh, H * L.I), fx.grads[n.wIh].data, GRAD_TOL, fx.grads[n.wIh].shape);
          assertClose(`grad ${n.wHh}`, get(core, dwHh, H * H), fx.grads[n.wHh].data, GRAD_TOL, fx.grads[n.wHh].shape);
          if (bias) {
            assertClose(`grad ${n.bIh}`, get(core, dbIh, H), fx.grads[n.bIh].data, GRAD_TOL);
            assertClose(`grad ${n.bHh}`, get(core, dbHh, H), fx.grads[n.bHh].data, GRAD_TOL);
          } else {
            assert.equal(fx.grads[n.bIh], undefined);
          }
          dh0.set(get(core, dh0l, B * H), l * B * H);
          dhs = dx;
          dhLast = 0;
        }
        assertClose('grad h0', dh0, fx.grads.h0.data, GRAD_TOL, fx.grads.h0.shape);
        assertClose('grad x', toBatchMajor(get(core, dhs, T * B * I), T, B, I), fx.grads.x.data, GRAD_TOL, fx.grads.x.shape);
      });
    }
  });
}
