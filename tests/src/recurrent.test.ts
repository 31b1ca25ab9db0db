// Tests for the recurrent layers through the public API (src/layers/recurrent.ts, cells.ts, merge.ts,
// embedding.ts, masking.ts and the state handling of src/model.ts): LSTM, both GRUs and SimpleRNN against
// the f64 reference, stacked and bidirectional (every merge mode), gradients of a training step,
// variable-length batches against each sequence run alone, embeddings, initial and carried states
// (predictStep, stateful, setStates), Keras defaults, and the model file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, Sequential, layers, optimizers, tensor, saveModel, loadModel, Tensor, type Layer } from '../../src/entry-node.ts';
import { Act } from '../../src/kernels.ts';
import { rnnForward, rnnBackward } from '../../src/reference/rnn.ts';
import { lstmForward, lstmBackward } from '../../src/reference/lstm.ts';
import { gruForward, gruBackward } from '../../src/reference/gru.ts';
import { embeddingForward } from '../../src/reference/embedding.ts';
import { denseForward, denseBackward } from '../../src/reference/dense.ts';
import { mse } from '../../src/reference/loss.ts';
import { Rng } from '../../src/random.ts';
import { assertClose } from '../helpers/compare.ts';

await init();

type Cell = 'simpleRNN' | 'lstm' | 'gru' | 'gruResetBefore';
const CELLS: Cell[] = ['simpleRNN', 'lstm', 'gru', 'gruResetBefore'];

function make(cell: Cell, options: Record<string, unknown>): Layer {
  switch (cell) {
    case 'simpleRNN': return layers.simpleRNN(options as never);
    case 'lstm': return layers.lstm(options as never);
    case 'gru': return layers.gru(options as never);
    case 'gruResetBefore': return layers.gru({ ...options, resetAfter: false } as never);
  }
}

function randomTensor(rng: Rng, shape: number[], scale = 1): Tensor {
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-scale, scale)), shape);
}

function timeMajor(data: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  const out = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = data[(b * T + t) * F + f];
  return out;
}

function batchMajor(data: ArrayLike<number>, T: number, B: number, F: number): Float64Array {
  const out = new Float64Array(B * T * F);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = data[(t * B + b) * F + f];
  return out;
}

interface Ref { hs: Float64Array; forward: unknown }

/** Reference forward of one direction of a recurrent layer whose weights are `w` (names with `suffix`). */
function reference(cell: Cell, w: Record<string, Tensor>, prefix: string, suffix: string, dims: { T: number; B: number; I: number; H: number },
  x: Float64Array, reverse: boolean, extra: { h0?: ArrayLike<number>; c0?: ArrayLike<number>; lengths?: ArrayLike<number> } = {}): Ref & { params: Record<string, unknown> } {
  const get = (n: string): Float32Array | undefined => w[`${prefix}.${n}_l0${suffix}`]?.data;
  const params = { ...dims, x, reverse, wIh: get('weight_ih') as Float32Array, wHh: get('weight_hh') as Float32Array,
    bIh: get('bias_ih') ?? null, bHh: get('bias_hh') ?? null, h0: extra.h0 ?? null, lengths: extra.lengths ?? null };
  if (cell === 'simpleRNN') {
    const p = { ...params, act: Act.Tanh };
    return { hs: rnnForward(p), forward: undefined, params: p };
  }
  if (cell === 'lstm') {
    const p = { ...params, act: Act.Tanh, ract: Act.Sigmoid, c0: extra.c0 ?? null };
    const f = lstmForward(p);
    return { hs: f.hs, forward: f, params: p };
  }
  const p = { ...params, act: Act.Tanh, ract: Act.Sigmoid, resetAfter: cell === 'gru' };
  const f = gruForward(p);
  return { hs: f.hs, forward: f, params: p };
}

/** Reference backward of one direction: gradients by PyTorch name stem. */
function referenceBackward(cell: Cell, ref: Ref & { params: Record<string, unknown> }, dhs: Float64Array, dhLast: Float64Array | null): Record<string, Float64Array> {
  if (cell === 'simpleRNN') {
    const g = rnnBackward(ref.params as never, ref.hs, dhs, dhLast);
    return { weight_ih: g.dwIh, weight_hh: g.dwHh, bias_ih: g.dbIh, bias_hh: g.dbHh, x: g.dx };
  }
  const g = cell === 'lstm'
    ? lstmBackward(ref.params as never, ref.forward as never, dhs, dhLast, null)
    : gruBackward(ref.params as never, ref.forward as never, dhs, dhLast);
  return { weight_ih: g.dwIh, weight_hh: g.dwHh, bias_ih: g.dbIh, bias_hh: g.dbHh, x: g.dx };
}

const [B, T, I, H] = [3, 6, 5, 7];

for (const cell of CELLS) {
  test(`${cell}: predict matches the reference (sequences, last state, goBackwards)`, () => {
    const rng = new Rng(11);
    for (const goBackwards of [false, true]) {
      for (const returnSequences of [true, false]) {
        const model = new Sequential({ seed: 5, layers: [make(cell, { units: H, goBackwards, returnSequences, inputShape: [T, I], name: 'rec' })] });
        const x = randomTensor(rng, [B, T, I]);
        const ref = reference(cell, model.getWeights(), 'rec', '', { T, B, I, H }, timeMajor(x.data, B, T, I), goBackwards);
        const y = model.predict(x);
        if (returnSequences) {
          const seq = new Float64Array(B * T * H);
          // Keras goBackwards returns the sequence in processing order.
          for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) {
            const t = goBackwards ? T - 1 - s : s;
            for (let j = 0; j < H; j++) seq[(b * T + s) * H + j] = ref.hs[(t * B + b) * H + j];
          }
          assertClose(`${cell} sequence`, y.data, seq, 1e-5);
        } else {
          const last = goBackwards ? 0 : T - 1;
          assertClose(`${cell} final state`, y.data, ref.hs.subarray(last * B * H, (last + 1) * B * H), 1e-5);
        }
        model.dispose();
      }
    }
  });

  // Forward may add the model's own sum of the two biases (LSTM, SimpleRNN), which must follow every write.
  test(`${cell}: predict uses the biases as they are now (after setting bias_hh alone, after a training step)`, () => {
    const rng = new Rng(23);
    const G = { simpleRNN: 1, lstm: 4, gru: 3, gruResetBefore: 3 }[cell] * H;
    const model = new Sequential({ seed: 9, layers: [make(cell, { units: H, returnSequences: true, inputShape: [T, I], name: 'rec' })] });
    const x = randomTensor(rng, [B, T, I]);
    const check = (what: string): void => {
      const ref = reference(cell, model.getWeights(), 'rec', '', { T, B, I, H }, timeMajor(x.data, B, T, I), false);
      assertClose(`${cell} ${what}`, model.predict(x).data, batchMajor(ref.hs, T, B, H), 1e-5);
    };
    check('as built');
    model.setWeights({ 'rec.bias_hh_l0': randomTensor(rng, [G], 0.5) });
    check('after setWeights of bias_hh alone');
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    model.trainOnBatch(x, randomTensor(rng, [B, T, H]));
    check('after a training step');
    model.dispose();
  });

  test(`${cell}: bidirectional, every merge mode, matches both reference directions`, () => {
    const rng = new Rng(12);
    for (const mergeMode of ['concat', 'sum', 'ave', 'mul'] as const) {
      for (const returnSequences of [true, false]) {
        const model = new Sequential({ seed: 6, layers: [layers.bidirectional({ layer: make(cell, { units: H, returnSequences, inputShape: [T, I] }) as never, mergeMode })] });
        const x = randomTensor(rng, [B, T, I]);
        const w = model.getWeights();
        const xs = timeMajor(x.data, B, T, I);
        const f = reference(cell, w, 'bidirectional', '', { T, B, I, H }, xs, false).hs;
        const r = reference(cell, w, 'bidirectional', '_reverse', { T, B, I, H }, xs, true).hs;
        const merge = (a: number, b: number): number => (mergeMode === 'sum' ? a + b : mergeMode === 'ave' ? (a + b) / 2 : a * b);
        const width = mergeMode === 'concat' ? 2 * H : H;
        const rows = returnSequences ? T : 1;
        const expected = new Float64Array(B * rows * width);
        for (let b = 0; b < B; b++) for (let s = 0; s < rows; s++) for (let j = 0; j < H; j++) {
          const fv = f[((returnSequences ? s : T - 1) * B + b) * H + j];
          const rv = r[((returnSequences ? s : 0) * B + b) * H + j];
          const at = (b * rows + s) * width;
          if (mergeMode === 'concat') { expected[at + j] = fv; expected[at + H + j] = rv; } else expected[at + j] = merge(fv, rv);
        }
        assertClose(`${cell} bidirectional ${mergeMode}`, model.predict(x).data, expected, 1e-5);
        assert.ok('bidirectional.weight_hh_l0_reverse' in w, 'PyTorch _reverse names');
        model.dispose();
      }
    }
  });

  test(`${cell}: gradients of one training step match the reference (bidirectional concat → dense, MSE)`, () => {
    const rng = new Rng(13);
    const O = 2;
    const model = new Sequential({ seed: 7, layers: [
      layers.bidirectional({ layer: make(cell, { units: H, inputShape: [T, I] }) as never }),
      layers.dense({ units: O }),
    ] });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'mse' });
    const x = randomTensor(rng, [B, T, I]);
    const y = randomTensor(rng, [B, O]);
    const w = model.getWeights();
    const xs = timeMajor(x.data, B, T, I);
    const f = reference(cell, w, 'bidirectional', '', { T, B, I, H }, xs, false);
    const r = reference(cell, w, 'bidirectional', '_reverse', { T, B, I, H }, xs, true);
    const features = new Float64Array(B * 2 * H);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
      features[b * 2 * H + j] = f.hs[((T - 1) * B + b) * H + j];
      features[b * 2 * H + H + j] = r.hs[b * H + j];
    }
    const dp = { act: Act.Linear, N: B, I: 2 * H, O, x: features, w: w['dense.weight'].data, b: w['dense.bias'].data };
    const out = denseForward(dp);
    const loss = mse(B * O, out, y.data, 1 / (B * O));
    const dd = denseBackward(dp, out, loss.grad);
    const split = (offset: number): Float64Array => Float64Array.from({ length: B * H }, (_, k) => dd.dx[Math.floor(k / H) * 2 * H + offset + (k % H)]);
    const gf = referenceBackward(cell, f, new Float64Array(T * B * H), split(0));
    const gr = referenceBackward(cell, r, new Float64Array(T * B * H), split(H));
    const logs = model.trainOnBatch(x, y);
    assertClose('loss', [logs.loss], [loss.loss / (B * O)], 1e-5);
    const g = model.getGradients();
    assertClose('dense.weight', g['dense.weight'].data, dd.dw, 1e-4);
    for (const [suffix, ref] of [['', gf], ['_reverse', gr]] as const) {
      for (const name of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) {
        assertClose(`${cell} ${name}${suffix}`, g[`bidirectional.${name}_l0${suffix}`].data, ref[name], 1e-4);
      }
    }
    model.dispose();
  });

  test(`${cell}: a padded batch equals each sequence run alone (outputs, final states, gradients)`, () => {
    const rng = new Rng(14);
    const lengths = [6, 2, 4];
    for (const bidirectional of [false, true]) {
      const build = (): Sequential => {
        const inner = make(cell, { units: H, returnSequences: true, inputShape: [null, I] });
        const model = new Sequential({ seed: 8, layers: [
          bidirectional ? layers.bidirectional({ layer: inner as never }) : inner,
          make(cell, { units: 4 }),
          layers.dense({ units: 2 }),
        ] });
        model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'mse' });
        return model;
      };
      const model = build();
      const x = randomTensor(rng, [B, T, I]);
      // Garbage in the padding must not matter.
      lengths.forEach((n, b) => { for (let t = n; t < T; t++) for (let f = 0; f < I; f++) x.data[(b * T + t) * I + f] = 100 * (t + 1); });
      const y = randomTensor(rng, [B, 2]);
      const batch = model.predict(x, { lengths });
      model.trainOnBatch(x, y, { lengths });
      const batchGrads = model.getGradients();
      const sum: Record<string, Float64Array> = {};
      for (let b = 0; b < B; b++) {
        const alone = tensor(x.data.slice(b * T * I, (b * T + lengths[b]) * I), [1, lengths[b], I]);
        const yb = tensor(y.data.slice(b * 2, b * 2 + 2), [1, 2]);
        assertClose(`${cell} sample ${b}`, batch.data.subarray(b * 2, b * 2 + 2), model.predict(alone).data, 1e-5);
        model.trainOnBatch(alone, yb);
        for (const [name, t] of Object.entries(model.getGradients())) {
          sum[name] ??= new Float64Array(t.data.length);
          t.data.forEach((v, i) => { sum[name][i] += v / B; });
        }
      }
      for (const [name, t] of Object.entries(batchGrads)) assertClose(`${cell}${bidirectional ? ' bidirectional' : ''} grad ${name}`, t.data, sum[name], 1e-4);
      model.dispose();
    }
  });
}

test('per-step loss with padded sequences counts only the real steps; padded outputs are zero', () => {
  const rng = new Rng(15);
  const lengths = [5, 1, 3];
  const model = new Sequential({ seed: 9, layers: [layers.lstm({ units: 6, returnSequences: true, inputShape: [null, 3] }), layers.dense({ units: 4, activation: 'softmax' })] });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = randomTensor(rng, [3, 5, 3]);
  const y = tensor(Float32Array.from({ length: 15 }, () => rng.int(4)), [3, 5]);
  const out = model.predict(x, { lengths });
  lengths.forEach((n, b) => { for (let t = n; t < 5; t++) assert.ok(out.data.subarray((b * 5 + t) * 4, (b * 5 + t + 1) * 4).every((v) => v === 0)); });
  const batch = model.trainOnBatch(x, y, { lengths });
  const grads = model.getGradients();
  const N = lengths.reduce((a, b) => a + b, 0);
  let loss = 0;
  const sum: Record<string, Float64Array> = {};
  lengths.forEach((n, b) => {
    const logs = model.trainOnBatch(tensor(x.data.slice(b * 15, b * 15 + n * 3), [1, n, 3]), tensor(y.data.slice(b * 5, b * 5 + n), [1, n]));
    loss += logs.loss * n / N;
    for (const [name, t] of Object.entries(model.getGradients())) {
      sum[name] ??= new Float64Array(t.data.length);
      t.data.forEach((v, i) => { sum[name][i] += v * n / N; });
    }
  });
  assertClose('masked loss', [batch.loss], [loss], 1e-5);
  for (const [name, t] of Object.entries(grads)) assertClose(`masked grad ${name}`, t.data, sum[name], 1e-4);
});

test('a masking layer derives the lengths from trailing padding', () => {
  const rng = new Rng(16);
  const x = randomTensor(rng, [3, 5, 2]);
  const lengths = [5, 2, 4];
  lengths.forEach((n, b) => x.data.fill(-1, (b * 5 + n) * 2, (b + 1) * 10));
  const masked = new Sequential({ seed: 3, layers: [layers.masking({ maskValue: -1, inputShape: [5, 2] }), layers.gru({ units: 4 })] });
  const plain = new Sequential({ seed: 3, layers: [layers.gru({ units: 4, inputShape: [5, 2] })] });
  plain.setWeights(masked.getWeights());
  assert.deepEqual(masked.predict(x).data, plain.predict(x, { lengths }).data);
  x.data.fill(-1, 2, 4); // sample 0, step 1 all padding, before real data
  assert.throws(() => masked.predict(x), /sample 0 has a masked step at 1 before data at step 4: only trailing padding is supported/);
});

test('embedding → LSTM matches the reference, ids are validated, and maskZero pads', () => {
  const model = new Sequential({ seed: 4, layers: [layers.embedding({ inputDim: 9, outputDim: 5, inputShape: [null], maskZero: true }), layers.lstm({ units: 4, returnSequences: true })] });
  const ids = tensor([3, 1, 8, 2, 0, 4, 4, 7, 0, 0], [2, 5]);
  const w = model.getWeights();
  const emb = embeddingForward({ N: 10, D: 5, V: 9, ids: timeMajor(ids.data, 2, 5, 1), table: w['embedding.weight'].data });
  const ref = lstmForward({ act: Act.Tanh, ract: Act.Sigmoid, reverse: 0, T: 5, B: 2, I: 5, H: 4, x: emb,
    wIh: w['lstm.weight_ih_l0'].data, wHh: w['lstm.weight_hh_l0'].data, bIh: w['lstm.bias_ih_l0'].data, bHh: w['lstm.bias_hh_l0'].data, lengths: [4, 3] });
  const expected = batchMajor(ref.hs, 5, 2, 4);
  expected.fill(0, 16, 20); // sample 0 step 4: padding
  expected.fill(0, 32, 40); // sample 1 steps 3, 4
  assertClose('embedding lstm', model.predict(ids).data, expected, 1e-5);
  assert.throws(() => model.predict(tensor([1, 9], [1, 2])), /token ids must be integers in \[0, 8\]/);
  assert.throws(() => model.predict(tensor([1.5, 2], [1, 2])), /token ids must be integers/);
  assert.throws(() => model.predict(tensor([1, 2, 3, 4], [1, 2, 2])), /x has shape \[1, 2, 2\], expected \[samples, steps\] of token ids/);
});

test('embedding gradients: repeated ids add up (one step of SGD moves only used rows)', () => {
  const model = new Sequential({ seed: 2, layers: [layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [4] }), layers.gru({ units: 3 }), layers.dense({ units: 1 })] });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
  const before = model.getWeights()['embedding.weight'].data;
  model.trainOnBatch(tensor([1, 1, 3, 1], [1, 4]), [[2]]);
  const after = model.getWeights()['embedding.weight'].data;
  for (let row = 0; row < 6; row++) {
    const moved = [0, 1, 2].some((c) => after[row * 3 + c] !== before[row * 3 + c]);
    assert.equal(moved, row === 1 || row === 3, `row ${row}`);
  }
});

test('streaming: predictStep one step (or chunk) at a time equals predict over the whole sequence', () => {
  const rng = new Rng(18);
  const model = new Sequential({ seed: 10, layers: [
    layers.lstm({ units: 8, returnSequences: true, inputShape: [null, 3] }),
    layers.gru({ units: 5, returnSequences: true }),
    layers.dense({ units: 2 }),
  ] });
  const x = randomTensor(rng, [2, 7, 3]);
  const whole = model.predict(x);
  const stepwise: number[] = [];
  for (let t = 0; t < 7; t++) {
    const step = new Float32Array(6);
    for (let b = 0; b < 2; b++) step.set(x.data.subarray((b * 7 + t) * 3, (b * 7 + t + 1) * 3), b * 3);
    const y = model.predictStep(tensor(step, [2, 3]));
    assert.deepEqual(y.shape, [2, 2]);
    stepwise.push(...y.data);
  }
  const expected = Array.from({ length: 7 * 2 * 2 }, (_, k) => {
    const [t, b, o] = [Math.floor(k / 4), Math.floor(k / 2) % 2, k % 2];
    return whole.data[(b * 7 + t) * 2 + o];
  });
  assertClose('stepwise', stepwise, expected, 1e-5);
  // Chunks of 3 then 4 steps, after a reset, give the same as the whole sequence.
  model.resetStates();
  const first = model.predictStep(tensor(x.data.filter((_, i) => Math.floor(i / 3) % 7 < 3), [2, 3, 3]));
  const second = model.predictStep(tensor(x.data.filter((_, i) => Math.floor(i / 3) % 7 >= 3), [2, 4, 3]));
  for (let b = 0; b < 2; b++) {
    assertClose(`chunk 1 b${b}`, first.data.subarray(b * 6, b * 6 + 6), whole.data.subarray(b * 14, b * 14 + 6), 1e-5);
    assertClose(`chunk 2 b${b}`, second.data.subarray(b * 8, b * 8 + 8), whole.data.subarray(b * 14 + 6, b * 14 + 14), 1e-5);
  }
  // getStates / setStates carry a stream through another model instance (a stateless server).
  const states = model.getStates();
  assert.deepEqual(Object.keys(states), ['lstm.h', 'lstm.c', 'gru.h']);
  assert.deepEqual(states['lstm.c'].shape, [2, 8]);
  assert.throws(() => model.predictStep(randomTensor(rng, [3, 3])), /carried states are for batch size 2, this call has 3/);
  assert.throws(() => model.setStates({ 'lstm.q': randomTensor(rng, [2, 8]) }), /unknown state "lstm.q"/);
  assert.throws(() => model.setStates({ 'lstm.h': randomTensor(rng, [2, 7]) }), /has shape \[2, 7\], expected \[2, 8\]/);
});

test('stateful layers carry states across predict calls; initialState and predictWithState', () => {
  const rng = new Rng(19);
  const x = randomTensor(rng, [2, 6, 3]);
  const half = (from: number): Tensor => tensor(x.data.filter((_, i) => { const t = Math.floor(i / 3) % 6; return t >= from && t < from + 3; }), [2, 3, 3]);
  const stateful = new Sequential({ seed: 1, layers: [layers.lstm({ units: 4, stateful: true, returnState: true, inputShape: [null, 3] })] });
  const stateless = new Sequential({ seed: 1, layers: [layers.lstm({ units: 4, returnState: true, inputShape: [null, 3] })] });
  const whole = stateless.predict(x);
  stateful.predict(half(0));
  assertClose('stateful continuation', stateful.predict(half(3)).data, whole.data, 1e-5);
  const [out, h, c] = stateless.predictWithState(half(0));
  assert.deepEqual(out.data, h.data);
  const [cont] = stateless.predictWithState(half(3), { initialState: { 'lstm.h': h, 'lstm.c': c } });
  assertClose('initialState continuation', cont.data, whole.data, 1e-5);
  assert.throws(() => stateless.predict(x, { initialState: { 'lstm.h': randomTensor(rng, [3, 4]) } }), /has shape \[3, 4\], expected \[2, 4\]/);
  assert.throws(() => new Sequential({ layers: [layers.bidirectional({ layer: layers.gru({ units: 2, stateful: true, inputShape: [3, 1] }) })] }).build(), /cannot be stateful/);
});

test('Keras defaults: LSTM forget-gate bias 1, orthogonal recurrent kernel, glorot input kernel; GRU resetAfter true', () => {
  const model = new Sequential({ layers: [layers.lstm({ units: 5, inputShape: [2, 3] })] });
  const w = model.getWeights();
  assert.deepEqual(Array.from(w['lstm.bias_ih_l0'].data), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...Array(10).fill(0)]);
  assert.ok(w['lstm.bias_hh_l0'].data.every((v) => v === 0));
  const u = w['lstm.weight_hh_l0'].data; // [20, 5]: orthonormal columns
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    let dot = 0;
    for (let r = 0; r < 20; r++) dot += u[r * 5 + i] * u[r * 5 + j];
    assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5);
  }
  const limit = Math.sqrt(6 / (20 + 3));
  assert.ok(w['lstm.weight_ih_l0'].data.every((v) => Math.abs(v) <= limit));
  const noForget = new Sequential({ layers: [layers.lstm({ units: 2, unitForgetBias: false, inputShape: [2, 3] })] });
  assert.ok(noForget.getWeights()['lstm.bias_ih_l0'].data.every((v) => v === 0));
  const gru = layers.gru({ units: 2 });
  assert.equal((gru as unknown as { resetAfter: boolean }).resetAfter, true);
  assert.throws(() => layers.lstm({ units: 2, resetAfter: true } as never), /unknown option "resetAfter"/);
  assert.throws(() => layers.bidirectional({ layer: layers.dense({ units: 2 }) as never }), /needs a recurrent layer/);
  assert.throws(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never }), /mergeMode must be one of "concat", "sum", "ave", "mul"/);
  assert.throws(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: null as never }), /mergeMode null .* use "concat" and split the last axis/);
});

test('the model file round-trips gated, bidirectional and embedding models', () => {
  const rng = new Rng(20);
  const model = new Sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 7, outputDim: 4, inputShape: [null] }),
    layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false, returnSequences: true }), mergeMode: 'ave' }),
    layers.lstm({ units: 5, unitForgetBias: false }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const x = tensor(Float32Array.from({ length: 12 }, () => rng.int(7)), [3, 4]);
  model.trainOnBatch(x, [0, 1, 1]);
  const loaded = loadModel(saveModel(model));
  assert.deepEqual(loaded.predict(x).data, model.predict(x).data);
  assert.deepEqual(loaded.layers.map((l) => l.kind), ['embedding', 'bidirectional', 'lstm', 'dense']);
  assert.match(loaded.summary(null), /bidirectional \(bidirectional gru ave, tanh, sequences\)/);
});
