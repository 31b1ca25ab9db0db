// Tests for src/model.ts (Sequential) through the public API: predictions and gradients against the f64
// reference (src/reference/), layer options (goBackwards, returnSequences, returnState), weights by name,
// every documented input error (and that a failed call changes nothing), determinism, and memory reuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, Sequential, layers, optimizers, tensor, Tensor } from '../../src/entry-node.ts';
import { core } from '../../src/wasm.ts';
import { Act } from '../../src/kernels.ts';
import { rnnForward, rnnBackward } from '../../src/reference/rnn.ts';
import { denseForward, denseBackward } from '../../src/reference/dense.ts';
import { mse, softmaxCrossEntropy } from '../../src/reference/loss.ts';
import { Rng } from '../../src/random.ts';
import { saveModel, loadModel } from '../../src/io/model-file.ts';

await init();

const ACT_CODES = { tanh: Act.Tanh, sigmoid: Act.Sigmoid, relu: Act.Relu, linear: Act.Linear } as const;

function randomData(rng: Rng, shape: number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.uniform(-scale, scale)), shape);
}

/** [B, T, F] batch-major → [T, B, F] time-major (f64). */
function timeMajor(x: Tensor): Float64Array {
  const [B, T, F] = x.shape;
  const out = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = x.data[(b * T + t) * F + f];
  return out;
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / scale;
    if (e > worst) { worst = e; at = i; }
  }
  assert.ok(worst <= tol, `${what}: relative error ${worst.toExponential(2)} at ${at} (got ${got[at]}, expected ${want[at]}) exceeds ${tol}`);
}

for (const activation of ['tanh', 'relu', 'sigmoid'] as const) {
  for (const goBackwards of [false, true]) {
    test(`predict matches the reference: simpleRNN ${activation}${goBackwards ? ' goBackwards' : ''}, sequences and last state`, () => {
      const rng = new Rng(3);
      const [B, T, I, H] = [3, 6, 5, 7];
      for (const returnSequences of [true, false]) {
        const model = new Sequential({ seed: 11, layers: [layers.simpleRNN({ units: H, activation, goBackwards, returnSequences, inputShape: [T, I] })] });
        const x = randomData(rng, [B, T, I]);
        const w = model.getWeights();
        const hs = rnnForward({
          act: ACT_CODES[activation], reverse: goBackwards, T, B, I, H, x: timeMajor(x),
          wIh: w['simple_rnn.weight_ih_l0'].data, wHh: w['simple_rnn.weight_hh_l0'].data,
          bIh: w['simple_rnn.bias_ih_l0'].data, bHh: w['simple_rnn.bias_hh_l0'].data,
        });
        const y = model.predict(x);
        if (returnSequences) {
          assert.deepEqual(y.shape, [B, T, H]);
          // Keras goBackwards: the returned sequence is in processing order, so step s holds the state
          // after input position T-1-s; the reference keeps states at their input positions.
          for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) {
            const t = goBackwards ? T - 1 - s : s;
            assertClose(y.data.subarray((b * T + s) * H, (b * T + s + 1) * H), hs.subarray((t * B + b) * H, (t * B + b + 1) * H), 1e-5, `b${b} s${s}`);
          }
        } else {
          assert.deepEqual(y.shape, [B, H]);
          const last = goBackwards ? 0 : T - 1;
          assertClose(y.data, hs.subarray(last * B * H, (last + 1) * B * H), 1e-5, 'final state');
        }
        model.dispose();
      }
    });
  }
}

test('goBackwards equals running forward on the time-reversed input', () => {
  const rng = new Rng(5);
  const [B, T, I, H] = [2, 5, 3, 4];
  const backwards = new Sequential({ seed: 1, layers: [layers.simpleRNN({ units: H, goBackwards: true, returnSequences: true, inputShape: [T, I] })] });
  const forwards = new Sequential({ seed: 1, layers: [layers.simpleRNN({ units: H, returnSequences: true, inputShape: [T, I] })] });
  forwards.setWeights(backwards.getWeights());
  const x = randomData(rng, [B, T, I]);
  const reversed = new Float32Array(x.data.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) reversed.set(x.data.subarray((b * T + t) * I, (b * T + t + 1) * I), (b * T + T - 1 - t) * I);
  assert.deepEqual(backwards.predict(x).data, forwards.predict(tensor(reversed, [B, T, I])).data);
});

test('returnState on the last layer: predictWithState returns [sequence, final state]', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 4, returnSequences: true, returnState: true, inputShape: [3, 2] })] });
  const x = randomData(new Rng(1), [2, 3, 2]);
  const [seq, state] = model.predictWithState(x);
  assert.deepEqual(state.shape, [2, 4]);
  assert.deepEqual(seq.data, model.predict(x).data);
  for (let b = 0; b < 2; b++) assert.deepEqual(state.data.subarray(b * 4, b * 4 + 4), seq.data.subarray((b * 3 + 2) * 4, (b * 3 + 3) * 4));
  const plain = new Sequential({ layers: [layers.simpleRNN({ units: 4, inputShape: [3, 2] })] });
  assert.throws(() => plain.predictWithState(x), /needs a last layer with returnState: true/);
  assert.throws(() => new Sequential({ layers: [layers.simpleRNN({ units: 4, returnState: true, returnSequences: true, inputShape: [3, 2] }), layers.dense({ units: 1 })] }).build(),
    /returnState is only supported on the last layer/);
});

test('a dense head on every step (sequence output) and on vectors matches the reference', () => {
  const rng = new Rng(8);
  const model = new Sequential({ layers: [
    layers.simpleRNN({ units: 6, returnSequences: true, inputShape: [null, 3] }),
    layers.dense({ units: 2, activation: 'tanh' }),
  ] });
  const x = randomData(rng, [2, 4, 3]);
  const w = model.getWeights();
  const hs = rnnForward({ act: Act.Tanh, reverse: 0, T: 4, B: 2, I: 3, H: 6, x: timeMajor(x),
    wIh: w['simple_rnn.weight_ih_l0'].data, wHh: w['simple_rnn.weight_hh_l0'].data, bIh: w['simple_rnn.bias_ih_l0'].data, bHh: w['simple_rnn.bias_hh_l0'].data });
  const ref = denseForward({ act: Act.Tanh, N: 8, I: 6, O: 2, x: hs, w: w['dense.weight'].data, b: w['dense.bias'].data });
  const y = model.predict(x);
  assert.deepEqual(y.shape, [2, 4, 2]);
  for (let b = 0; b < 2; b++) for (let t = 0; t < 4; t++) {
    assertClose(y.data.subarray((b * 4 + t) * 2, (b * 4 + t + 1) * 2), ref.subarray((t * 2 + b) * 2, (t * 2 + b + 1) * 2), 1e-5, `b${b} t${t}`);
  }
  // Steps are not fixed (inputShape [null, 3]): another length works with the same weights.
  assert.deepEqual(model.predict(randomData(rng, [1, 9, 3])).shape, [1, 9, 2]);
});

test('softmax head predictions sum to one per row', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 5, inputShape: [4, 3] }), layers.dense({ units: 6, activation: 'softmax' })] });
  const y = model.predict(randomData(new Rng(2), [3, 4, 3], 3));
  for (let r = 0; r < 3; r++) assert.ok(Math.abs(y.data.subarray(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0) - 1) < 1e-6);
});

test('gradients of one training step match the reference (MSE on the last state, and cross-entropy at every step)', () => {
  const rng = new Rng(21);
  const [B, T, I, H, O] = [3, 5, 4, 6, 3];
  for (const head of ['last', 'sequence'] as const) {
    const model = new Sequential({ seed: 4, layers: [
      layers.simpleRNN({ units: H, returnSequences: head === 'sequence', inputShape: [T, I] }),
      layers.dense({ units: O, activation: head === 'last' ? 'linear' : 'softmax' }),
    ] });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: head === 'last' ? 'mse' : 'sparseCategoricalCrossentropy' });
    const x = randomData(rng, [B, T, I]);
    const rows = head === 'last' ? B : T * B;
    const y = head === 'last' ? randomData(rng, [B, O]) : tensor(Float32Array.from({ length: B * T }, () => rng.int(O)), [B, T]);
    const w = model.getWeights();
    const p = { act: Act.Tanh, reverse: 0, T, B, I, H, x: timeMajor(x), wIh: w['simple_rnn.weight_ih_l0'].data, wHh: w['simple_rnn.weight_hh_l0'].data,
      bIh: w['simple_rnn.bias_ih_l0'].data, bHh: w['simple_rnn.bias_hh_l0'].data };
    const hs = rnnForward(p);
    const headIn = head === 'last' ? hs.subarray((T - 1) * B * H) : hs;
    const dp = { act: Act.Linear, N: rows, I: H, O, x: headIn, w: w['dense.weight'].data, b: w['dense.bias'].data };
    const logits = denseForward(dp);
    // Targets in time-major row order, as the model sees them.
    const targets = head === 'last' ? y.data : Float64Array.from({ length: T * B }, (_, r) => y.data[(r % B) * T + Math.floor(r / B)]);
    const loss = head === 'last' ? mse(rows * O, logits, targets, 1 / (rows * O)) : softmaxCrossEntropy(rows, O, logits, targets, true, 1 / rows);
    const dHead = denseBackward(dp, logits, loss.grad);
    const dhs = new Float64Array(T * B * H);
    if (head === 'last') dhs.set(dHead.dx, (T - 1) * B * H); else dhs.set(dHead.dx);
    const dRnn = rnnBackward(p, hs, dhs);
    const logs = model.trainOnBatch(x, y);
    assert.ok(Math.abs(logs.loss - loss.loss / (head === 'last' ? rows * O : rows)) < 1e-5, `${head}: loss ${logs.loss}, expected ${loss.loss / (head === 'last' ? rows * O : rows)}`);
    const g = model.getGradients();
    assertClose(g['dense.weight'].data, dHead.dw, 1e-4, 'dense.weight');
    assertClose(g['dense.bias'].data, dHead.db, 1e-4, 'dense.bias');
    assertClose(g['simple_rnn.weight_ih_l0'].data, dRnn.dwIh, 1e-4, 'weight_ih');
    assertClose(g['simple_rnn.weight_hh_l0'].data, dRnn.dwHh, 1e-4, 'weight_hh');
    assertClose(g['simple_rnn.bias_ih_l0'].data, dRnn.dbIh, 1e-4, 'bias_ih');
    assertClose(g['simple_rnn.bias_hh_l0'].data, dRnn.dbHh, 1e-4, 'bias_hh');
    model.dispose();
  }
});

test('weights are named PyTorch-style per layer, with shapes and counts', () => {
  const model = new Sequential({ layers: [
    layers.simpleRNN({ units: 5, returnSequences: true, inputShape: [7, 3] }),
    layers.simpleRNN({ units: 4, useBias: false }),
    layers.dense({ units: 2, name: 'fc' }),
  ] });
  const shapes = Object.fromEntries(Object.entries(model.getWeights()).map(([k, v]) => [k, v.shape]));
  assert.deepEqual(shapes, {
    'simple_rnn.weight_ih_l0': [5, 3], 'simple_rnn.weight_hh_l0': [5, 5], 'simple_rnn.bias_ih_l0': [5], 'simple_rnn.bias_hh_l0': [5],
    'simple_rnn_1.weight_ih_l0': [4, 5], 'simple_rnn_1.weight_hh_l0': [4, 4],
    'fc.weight': [2, 4], 'fc.bias': [2],
  });
  assert.equal(model.countParams(), 15 + 25 + 10 + 20 + 16 + 8 + 2);
  const text = model.summary(null);
  assert.match(text, /simple_rnn_1 \(simpleRNN tanh\)/);
  assert.match(text, /Total params: 96/);
});

test('Keras-style initial weights: orthogonal recurrent kernel, glorot-bounded input kernel, zero biases', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 8, inputShape: [2, 5] })] });
  const w = model.getWeights();
  const u = w['simple_rnn.weight_hh_l0'].data;
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
    let dot = 0;
    for (let k = 0; k < 8; k++) dot += u[i * 8 + k] * u[j * 8 + k];
    assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5);
  }
  const limit = Math.sqrt(6 / (8 + 5));
  assert.ok(w['simple_rnn.weight_ih_l0'].data.every((v) => Math.abs(v) <= limit));
  assert.ok(w['simple_rnn.bias_ih_l0'].data.every((v) => v === 0));
});

test('the same seed gives identical weights; another seed does not', () => {
  const make = (seed: number): Record<string, Tensor> => new Sequential({ seed, layers: [layers.simpleRNN({ units: 6, inputShape: [3, 2] }), layers.dense({ units: 2 })] }).getWeights();
  const a = make(9);
  const b = make(9);
  const c = make(10);
  for (const name of Object.keys(a)) assert.deepEqual(a[name].data, b[name].data);
  assert.notDeepEqual(a['simple_rnn.weight_ih_l0'].data, c['simple_rnn.weight_ih_l0'].data);
});

test('initial values are drawn lazily and do not depend on what was set first: partial setWeights, predict, training, saving', () => {
  // build() draws nothing; the values come on first use, each tensor from its own stream. A model whose
  // tensors are partly set must hold, for the others, exactly the initial values of an untouched model.
  const make = (): Sequential => new Sequential({ seed: 4, layers: [layers.lstm({ units: 5, inputShape: [3, 2] }), layers.dense({ units: 2 })] });
  const eager = make().getWeights();
  const rng = new Rng(8);
  const setOne = { 'lstm.weight_hh_l0': randomData(rng, [20, 5]) };
  const partial = make();
  partial.build();
  partial.setWeights(setOne);
  const got = partial.getWeights();
  for (const name of Object.keys(eager)) {
    assert.deepEqual(got[name].data, name in setOne ? setOne[name as keyof typeof setOne].data : eager[name].data, name);
  }
  // predict and a training step after a partial setWeights equal those of a model given every tensor.
  const full = make();
  full.setWeights({ ...eager, ...setOne });
  const x = randomData(rng, [4, 3, 2]);
  const y = randomData(rng, [4, 2]);
  const fresh = make();
  fresh.setWeights(setOne);
  assert.deepEqual(fresh.predict(x).data, full.predict(x).data);
  for (const m of [fresh, full]) m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
  assert.deepEqual(fresh.trainOnBatch(x, y), full.trainOnBatch(x, y));
  assert.deepEqual(fresh.getWeights()['dense.weight'].data, full.getWeights()['dense.weight'].data);
  // A model never read is saved with its initial values, not zeros.
  const loaded = loadModel(saveModel(make()));
  for (const [name, t] of Object.entries(loaded.getWeights())) assert.deepEqual(t.data, eager[name].data, name);
  for (const m of [partial, full, fresh, loaded]) m.dispose();
});

test('setWeights checks every entry before writing any', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 3, inputShape: [2, 2] })] });
  const before = model.getWeights();
  const good = new Float32Array(6).fill(0.5);
  assert.throws(() => model.setWeights({ 'simple_rnn.weight_ih_l0': tensor(good, [3, 2]), 'simple_rnn.nope': tensor(good, [3, 2]) }), /unknown weight "simple_rnn.nope"/);
  assert.throws(() => model.setWeights({ 'simple_rnn.weight_ih_l0': tensor(good, [3, 2]), 'simple_rnn.weight_hh_l0': tensor(good, [2, 3]) }), /has shape \[2, 3\], expected \[3, 3\]/);
  assert.throws(() => model.setWeights({ 'simple_rnn.weight_ih_l0': [[0, 1], [NaN, 0], [0, 0]] }), /contains NaN at \[1, 0\]/);
  assert.deepEqual(model.getWeights()['simple_rnn.weight_ih_l0'].data, before['simple_rnn.weight_ih_l0'].data);
  model.setWeights({ 'simple_rnn.weight_ih_l0': [[1, 2], [3, 4], [5, 6]] });
  assert.deepEqual(Array.from(model.getWeights()['simple_rnn.weight_ih_l0'].data), [1, 2, 3, 4, 5, 6]);
});

test('inputs: nested arrays and { data, shape } give the same result', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 3, inputShape: [2, 2] })] });
  const nested = [[[0.1, 0.2], [0.3, 0.4]], [[-1, 0], [0, 1]]];
  const flat = { data: new Float32Array([0.1, 0.2, 0.3, 0.4, -1, 0, 0, 1]), shape: [2, 2, 2] };
  assert.deepEqual(model.predict(nested).data, model.predict(flat).data);
  assert.deepEqual(model.predict(nested).toArray().length, 2);
});

test('clear errors for bad input, and a failed call leaves the model unchanged', async () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const before = model.getWeights();
  const x = randomData(new Rng(1), [5, 4, 2]);
  const y = tensor(new Float32Array(10).fill(0.5), [5, 2]);
  assert.throws(() => model.predict(randomData(new Rng(1), [5, 2])), /x has shape \[5, 2\], expected \[samples, 4, 2\]/);
  assert.throws(() => model.predict(randomData(new Rng(1), [5, 4, 3])), /x has shape \[5, 4, 3\], expected \[samples, 4, 2\]/);
  assert.throws(() => model.predict(randomData(new Rng(1), [5, 3, 2])), /expected \[samples, 4, 2\]/);
  assert.throws(() => model.predict([[[1, 2], [3]]]), /not rectangular/);
  assert.throws(() => model.predict(tensor(new Float32Array(7), [5, 4, 2])), /7 values but shape \[5, 4, 2\] needs 40/);
  const bad = new Float32Array(x.data);
  bad[13] = NaN;
  assert.throws(() => model.predict(tensor(bad, [5, 4, 2])), /x contains NaN at \[1, 2, 1\]/);
  await assert.rejects(model.fit(x, tensor(new Float32Array(8), [4, 2])), /different numbers of samples: x has 5, y has 4/);
  const infY = new Float32Array(y.data);
  infY[3] = Infinity;
  await assert.rejects(model.fit(x, tensor(infY, [5, 2])), /y contains Infinity at \[1, 1\]/);
  await assert.rejects(model.fit(x, tensor(new Float32Array(15), [5, 3])), /y has shape \[5, 3\], expected \[5, 2\]/);
  await assert.rejects(model.fit(x, y, { epochz: 3 } as never), /unknown option "epochz"/);
  await assert.rejects(model.fit(x, y, { epochs: 0 }), /epochs must be an integer ≥ 1, got 0/);
  await assert.rejects(model.fit(x, y, { validationSplit: 0.1 }), /leaves 0 for validation/);
  assert.throws(() => model.evaluate(x, y, { batchSize: -1 }), /batchSize must be an integer ≥ 1/);
  for (const [name, value] of Object.entries(model.getWeights())) assert.deepEqual(value.data, before[name].data, `${name} changed`);
  model.dispose();
});

test('clear errors for bad options, losses and layer stacks', () => {
  assert.throws(() => layers.simpleRNN({ units: 3, activaton: 'tanh' } as never), /unknown option "activaton" \(expected one of: units, activation/);
  assert.throws(() => layers.simpleRNN({ units: 3, activation: 'softmax' as never }), /activation must be one of "tanh", "sigmoid", "relu", "linear", got "softmax"/);
  assert.throws(() => layers.simpleRNN({ units: 0 }), /units must be an integer ≥ 1, got 0/);
  assert.throws(() => layers.dense({ units: 2, kernelInitializer: 'glorot' }), /unknown initializer "glorot"/);
  assert.throws(() => layers.simpleRNN({ units: 2, inputShape: [3] }), /inputShape must be \[steps \| null, features\]/);
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 2 })] });
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'mae' as never }), /unknown loss "mae"/);
  assert.throws(() => model.compile({ optimizer: 'adamw', loss: 'mse' }), /optimizer must be "adam", "sgd"/);
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }), /needs a dense head with activation "softmax", got "linear"/);
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] }), /metric "accuracy" needs a classification loss/);
  assert.throws(() => model.compile({ optimizer: optimizers.adam({ learningRate: -1 }), loss: 'mse' }), /learningRate must be a finite number ≥ 0, got -1/);
  assert.throws(() => model.evaluate([[[0, 0]]], [[0, 0]]), /evaluate needs a compiled model/);
  assert.throws(() => new Sequential({ layers: [layers.dense({ units: 2, inputShape: [3] }), layers.simpleRNN({ units: 2 })] }).build(), /needs sequences of feature vectors \[steps, features\], got vectors of 2 features/);
  const sparse = new Sequential({ layers: [layers.simpleRNN({ units: 3, inputShape: [2, 2] }), layers.dense({ units: 3, activation: 'softmax' })] });
  sparse.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  assert.throws(() => sparse.evaluate([[[0, 0], [0, 0]]], [3]), /y\[0\] = 3 is not a class index in \[0, 2\]/);
  assert.throws(() => sparse.evaluate([[[0, 0], [0, 0]]], [1.5]), /is not a class index/);
});

test('predict before build, and use after dispose, are clear errors', () => {
  const model = new Sequential({ layers: [layers.simpleRNN({ units: 3 })] });
  assert.throws(() => model.predict([[[1, 2]]]), /the model is not built: give the first layer an inputShape/);
  model.build([null, 2]);
  assert.deepEqual(model.predict([[[1, 2]]]).shape, [1, 3]);
  model.dispose();
  assert.throws(() => model.predict([[[1, 2]]]), /disposed/);
});

test('building, training and disposing 1,000 models does not grow memory beyond the largest one', async () => {
  const { heap, kernels } = core();
  const baseline = heap.liveBytes;
  const make = (units: number): Sequential => {
    const m = new Sequential({ layers: [layers.simpleRNN({ units, returnSequences: true, inputShape: [8, 4] }), layers.dense({ units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    return m;
  };
  const x = randomData(new Rng(1), [16, 8, 4]);
  const y = tensor(Float32Array.from({ length: 16 * 8 }, (_, i) => i % 3), [16, 8]);
  const largest = make(64);
  largest.trainOnBatch(x, y);
  largest.dispose();
  const size = kernels.memory.buffer.byteLength;
  for (let i = 0; i < 1000; i++) {
    const m = make(1 + (i % 64));
    m.trainOnBatch(x, y);
    m.predict(x);
    m.dispose();
  }
  assert.equal(kernels.memory.buffer.byteLength, size);
  assert.equal(heap.liveBytes, baseline);
});
