// Replays one LSTM / GRU PyTorch fixture (make_torch_gated_fixtures.py) through a recurrent "driver" — the
// f64 reference or the wasm kernels — and checks every recorded tensor. Written once so that the reference
// test and the kernel test read the fixtures identically.
//
// How a PyTorch module maps onto recur's kernels (what the façade will do):
//   - batch-major [B, T, F] → time-major [T, B, F];
//   - a bidirectional layer is two calls with the same lengths: reverse = 0 with the plain parameters and
//     h0[l·dirs], reverse = 1 with the `_reverse` ones and h0[l·dirs + 1]; the layer's output is the concat
//     [T, B, dirs·H] (forward half first), which the next layer reads as its x;
//   - h_n[l·dirs + d] is hs at the final position (T − 1 forward, 0 reverse), where padding has carried each
//     sequence's own final state;
//   - PyTorch's padded output is 0 past each length while the kernels carry the state there, so outputs are
//     compared at valid positions only;
//   - backward runs top-down; the dx of both directions of layer l adds up to the dhs of layer l − 1, split
//     into its forward and backward halves.
// The Linear head and the loss run in the f64 reference (their kernels have their own PyTorch parity test,
// tests/assembly/torch-parity.test.ts); only the recurrent layers go through the driver.

import assert from 'node:assert/strict';
import { denseBackward, denseForward } from '../../src/reference/dense.ts';
import { mse, softmaxCrossEntropy } from '../../src/reference/loss.ts';
import { Act } from '../../src/kernels.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from './compare.ts';
import { rnnParamNames, slice, toTimeMajor, type GatedFixture } from './torch-fixtures.ts';
import { finalPos, type SeqGrads, type SeqParams } from './recurrent.ts';

/** One direction of one layer, run forward then (once) backward. */
export interface RecurrentRun {
  hs: ArrayLike<number>;
  /** LSTM only. */
  cs: ArrayLike<number> | null;
  backward(dhs: Float64Array, dhLast: Float64Array, dcLast: Float64Array | null): SeqGrads;
}

/** Runs the LSTM (act tanh, ract sigmoid) or the PyTorch GRU (cell 'gru') on p. */
export type Driver = (p: SeqParams) => RecurrentRun;

export function checkGatedFixture(fx: GatedFixture, run: Driver): void {
  const { cell, layers, bidirectional, I, H, O, T, B, bias, head, loss: lossKind, state_loss: stateLoss } = fx.config;
  const t = fx.tensors, grads = fx.grads;
  const dirs = bidirectional ? 2 : 1, DH = dirs * H;
  const lstm = cell === 'lstm';
  const lengths = fx.config.packed ? t.lengths.data : null;
  const len = (b: number) => (lengths ? lengths[b] : T);
  const zeros = (n: number) => new Float64Array(n);

  // Forward, layer by layer.
  const runs: RecurrentRun[][] = [];
  const inputs: Float64Array[] = [];
  let input = toTimeMajor(t.x.data, B, T, I);
  for (let l = 0; l < layers; l++) {
    inputs.push(input);
    const inF = l === 0 ? I : DH;
    const out = zeros(T * B * DH);
    runs.push([]);
    for (let d = 0; d < dirs; d++) {
      const n = rnnParamNames(l, d === 1);
      const k = l * dirs + d;
      const r = run({ cell, act: Act.Tanh, ract: Act.Sigmoid, reverse: d, T, B, I: inF, H, x: input,
        wIh: Float64Array.from(t[n.wIh].data), wHh: Float64Array.from(t[n.wHh].data),
        bIh: bias ? Float64Array.from(t[n.bIh].data) : null, bHh: bias ? Float64Array.from(t[n.bHh].data) : null,
        h0: Float64Array.from(slice(t.h0, k)), c0: lstm ? Float64Array.from(slice(t.c0, k)) : null, lengths });
      runs[l].push(r);
      for (let q = 0; q < T * B; q++) for (let j = 0; j < H; j++) out[q * DH + d * H + j] = r.hs[q * H + j];
    }
    input = out;
  }
  const top = input;

  // Outputs at valid positions (fixture [B, T, DH], ours time-major).
  const validPos: [number, number][] = []; // (b, t), batch-major like PyTorch's boolean-mask selection
  for (let b = 0; b < B; b++) for (let s = 0; s < len(b); s++) validPos.push([b, s]);
  const pick = (a: ArrayLike<number>, F: number, batchMajor: boolean) => {
    const o = zeros(validPos.length * F);
    validPos.forEach(([b, s], r) => {
      for (let f = 0; f < F; f++) o[r * F + f] = a[(batchMajor ? b * T + s : s * B + b) * F + f];
    });
    return o;
  };
  assertClose('output (valid positions)', pick(top, DH, false), pick(t.output.data, DH, true), FORWARD_TOL, [validPos.length, DH]);
  if (lengths) {
    // PyTorch pads with exact zeros: a check that the fixture is what this pipeline assumes.
    for (let b = 0; b < B; b++) for (let s = len(b); s < T; s++) {
      for (let f = 0; f < DH; f++) assert.equal(t.output.data[(b * T + s) * DH + f], 0, 'fixture output padding');
    }
  }
  const finalOf = (a: ArrayLike<number>, d: number) => Float64Array.from(a).subarray(finalPos(T, d) * B * H, (finalPos(T, d) + 1) * B * H);
  const hN = zeros(layers * dirs * B * H), cN = zeros(layers * dirs * B * H);
  runs.forEach((rs, l) => rs.forEach((r, d) => {
    hN.set(finalOf(r.hs, d), (l * dirs + d) * B * H);
    if (r.cs) cN.set(finalOf(r.cs, d), (l * dirs + d) * B * H);
  }));
  assertClose('h_n', hN, t.h_n.data, FORWARD_TOL, t.h_n.shape);
  if (lstm) assertClose('c_n', cN, t.c_n.data, FORWARD_TOL, t.c_n.shape);

  // Head: [B, DH] from the last layer's final states, or the valid positions' rows of the top output.
  const headIn = head === 'last' ? zeros(B * DH) : pick(top, DH, false);
  if (head === 'last') {
    for (let b = 0; b < B; b++) for (let d = 0; d < dirs; d++) {
      for (let j = 0; j < H; j++) headIn[b * DH + d * H + j] = hN[(((layers - 1) * dirs + d) * B + b) * H + j];
    }
  }
  const N = head === 'last' ? B : validPos.length;
  const dp = { act: Act.Linear, N, I: DH, O, x: headIn, w: t['fc.weight'].data, b: bias ? t['fc.bias'].data : null };
  const y = denseForward(dp);
  assertClose('fc_out', y, head === 'last' ? t.fc_out.data : pick(t.fc_out.data, O, true), FORWARD_TOL);

  // Loss with PyTorch's mean reduction over the valid elements (MSE) or rows (cross-entropy).
  const tF = lossKind === 'mse' ? O : 1;
  const target = head === 'last' ? t.target.data : pick(t.target.data, tF, true);
  const scale = lossKind === 'mse' ? 1 / (N * O) : 1 / N;
  const r = lossKind === 'mse' ? mse(N * O, y, target, scale) : softmaxCrossEntropy(N, O, y, target, true, scale);
  let loss = r.loss * scale;
  // The state term sums up to 72 products of order one that largely cancel (one fixture's loss is −0.058), so
  // float32 states leave an error proportional to the terms, not to the result: the comparison is scaled by
  // the sum of the terms' magnitudes (compare.ts's floor), as compare.ts argues for any cancelling sum.
  let magnitude = Math.abs(loss);
  if (stateLoss) {
    hN.forEach((v, k) => { loss += v * t.h_n_weight.data[k]; magnitude += Math.abs(v * t.h_n_weight.data[k]); });
    if (lstm) cN.forEach((v, k) => { loss += v * t.c_n_weight.data[k]; magnitude += Math.abs(v * t.c_n_weight.data[k]); });
  }
  assertClose('loss', [loss], [fx.loss], FORWARD_TOL, undefined, Math.max(1e-2, magnitude));

  // Backward: head, then the layers top-down.
  const dg = denseBackward(dp, y, r.grad);
  assertClose('grad fc.weight', dg.dw, grads['fc.weight'].data, GRAD_TOL, grads['fc.weight'].shape);
  if (bias) assertClose('grad fc.bias', dg.db, grads['fc.bias'].data, GRAD_TOL);
  else assert.equal(grads['fc.bias'], undefined);
  const stateGrad = (name: string, k: number) => (stateLoss && t[name] ? Float64Array.from(slice(t[name], k)) : zeros(B * H));
  let dTop = zeros(T * B * DH); // dLoss/d(output of the layer being processed), [T, B, DH]
  if (head === 'sequence') validPos.forEach(([b, s], q) => dTop.set(dg.dx.subarray(q * DH, (q + 1) * DH), (s * B + b) * DH));
  const dh0 = zeros(layers * dirs * B * H), dc0 = zeros(layers * dirs * B * H);
  let dx = zeros(0);
  for (let l = layers - 1; l >= 0; l--) {
    const inF = l === 0 ? I : DH;
    const dIn = zeros(T * B * inF);
    for (let d = 0; d < dirs; d++) {
      const k = l * dirs + d;
      const dhs = zeros(T * B * H);
      for (let q = 0; q < T * B; q++) for (let j = 0; j < H; j++) dhs[q * H + j] = dTop[q * DH + d * H + j];
      const dhLast = stateGrad('h_n_weight', k);
      if (head === 'last' && l === layers - 1) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dhLast[b * H + j] += dg.dx[b * DH + d * H + j];
      const g = runs[l][d].backward(dhs, dhLast, lstm ? stateGrad('c_n_weight', k) : null);
      const n = rnnParamNames(l, d === 1);
      assertClose(`grad ${n.wIh}`, g.dwIh, grads[n.wIh].data, GRAD_TOL, grads[n.wIh].shape);
      assertClose(`grad ${n.wHh}`, g.dwHh, grads[n.wHh].data, GRAD_TOL, grads[n.wHh].shape);
      if (bias) {
        assertClose(`grad ${n.bIh}`, g.dbIh, grads[n.bIh].data, GRAD_TOL);
        assertClose(`grad ${n.bHh}`, g.dbHh, grads[n.bHh].data, GRAD_TOL);
      } else {
        assert.equal(grads[n.bIh], undefined);
      }
      dh0.set(g.dh0, k * B * H);
      if (lstm) dc0.set(g.dc0!, k * B * H);
      g.dx.forEach((v, q) => { dIn[q] += v; });
    }
    dTop = dIn;
    dx = dIn;
  }
  assertClose('grad h0', dh0, grads.h0.data, GRAD_TOL, grads.h0.shape);
  if (lstm) assertClose('grad c0', dc0, grads.c0.data, GRAD_TOL, grads.c0.shape);
  // dx over the whole [B, T, I], padding included: PyTorch's is exactly 0 there, and so must ours be.
  const dxBatchMajor = zeros(B * T * I);
  for (let s = 0; s < T; s++) for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) dxBatchMajor[(b * T + s) * I + i] = dx[(s * B + b) * I + i];
  assertClose('grad x', dxBatchMajor, grads.x.data, GRAD_TOL, grads.x.shape);
}
