// Keras weights in recur (src/io/keras.ts), with TensorFlow.js (cpu backend) as the oracle for what the
// PyTorch fixtures cannot cover: tfjs models of every layer type (SimpleRNN, LSTM, GRU reset_after=False,
// bidirectional in each merge mode, stacked, goBackwards, no-bias, embedding, dense heads) get random weights,
// recur loads them with loadKerasWeights and must predict the same (≤ 1e-5); the GRU reset_after=False
// gradients of an MSE loss must match tf.variableGrads (≤ 1e-4); the inverse (recurWeightsToKeras) loads
// recur's weights into tfjs. tfjs has no reset_after=True GRU, so that variant is checked against Keras'
// formula written out below in Keras' own layout. Keras defaults vs recur's are compared as distributions
// and properties (glorot limits and variance, orthogonality, unit forget bias), never value by value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { init, Sequential, layers, optimizers, tensor, loadKerasWeights, kerasWeightsToRecur, kerasLayerToRecur, recurWeightsToKeras, type Layer, type Tensor } from '../../src/entry-node.ts';
import { Rng } from '../../src/random.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';
import { orthonormalityError } from '../helpers/orthonormality.ts';

await init();
await tf.setBackend('cpu');

const rng = new Rng(20240611);

function randomArray(n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** Overwrites every weight of a tfjs model with uniform(-scale, scale) values (biases included, so their placement is tested). */
function randomizeTf(model: tf.LayersModel, scale = 0.5): void {
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length > 0) layer.setWeights(ws.map((w) => tf.tensor(randomArray(w.size, scale), w.shape)));
  }
}

function tfPredict(model: tf.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array);
}

/** Builds the same stack in tfjs and recur, randomises tfjs, loads its weights into recur, compares predictions. */
function checkParity(name: string, tfLayers: tf.layers.Layer[], recurLayers: Layer[], xShape: number[], tokens?: number): void {
  const tfModel = tf.sequential({ layers: tfLayers });
  randomizeTf(tfModel);
  const model = new Sequential({ seed: 1, layers: recurLayers });
  model.build();
  loadKerasWeights(model, tfModel.layers);
  const n = xShape.reduce((a, b) => a * b, 1);
  const x = tokens ? Float32Array.from({ length: n }, () => rng.int(tokens)) : randomArray(n, 1);
  const expected = tfPredict(tfModel, x, xShape);
  const got = model.predict(tensor(x, xShape));
  assertClose(`${name}: predict`, got.data, expected, FORWARD_TOL, got.shape);
  model.dispose();
  tfModel.dispose();
}

// tfjs' own defaults differ from Keras 3 (hardSigmoid gates, glorotNormal GRU kernels); the parity tests
// set weights explicitly, so only the activations matter here.
const SIG = { recurrentActivation: 'sigmoid' } as const;

test('SimpleRNN → Dense: tfjs weights loaded into recur predict the same', () => {
  checkParity('simpleRNN', [tf.layers.simpleRNN({ units: 7, inputShape: [6, 5] }), tf.layers.dense({ units: 3 })],
    [layers.simpleRNN({ units: 7, inputShape: [6, 5] }), layers.dense({ units: 3 })], [4, 6, 5]);
});

test('LSTM (sequences) → Dense per step: same predictions (gate order i, f, c, o = i, f, g, o)', () => {
  checkParity('lstm', [tf.layers.lstm({ units: 6, returnSequences: true, inputShape: [5, 3], ...SIG }), tf.layers.dense({ units: 2, activation: 'tanh' })],
    [layers.lstm({ units: 6, returnSequences: true, inputShape: [5, 3] }), layers.dense({ units: 2, activation: 'tanh' })], [3, 5, 3]);
});

test('GRU reset_after=False (the original GRU, tfjs\' only variant) → Dense: same predictions (blocks z, r, h → r, z, n)', () => {
  checkParity('gru reset_after=False', [tf.layers.gru({ units: 9, inputShape: [7, 4], ...SIG }), tf.layers.dense({ units: 2 })],
    [layers.gru({ units: 9, resetAfter: false, inputShape: [7, 4] }), layers.dense({ units: 2 })], [5, 7, 4]);
  checkParity('gru reset_after=False, sequences', [tf.layers.gru({ units: 5, returnSequences: true, inputShape: [4, 2], ...SIG })],
    [layers.gru({ units: 5, resetAfter: false, returnSequences: true, inputShape: [4, 2] })], [2, 4, 2]);
});

test('non-default activations and goBackwards carry over', () => {
  checkParity('lstm relu/tanh goBackwards', [tf.layers.lstm({ units: 4, activation: 'relu', recurrentActivation: 'tanh', goBackwards: true, inputShape: [6, 3] })],
    [layers.lstm({ units: 4, activation: 'relu', recurrentActivation: 'tanh', goBackwards: true, inputShape: [6, 3] })], [3, 6, 3]);
  checkParity('gru goBackwards sequences', [tf.layers.gru({ units: 4, goBackwards: true, returnSequences: true, inputShape: [5, 3], ...SIG })],
    [layers.gru({ units: 4, resetAfter: false, goBackwards: true, returnSequences: true, inputShape: [5, 3] })], [2, 5, 3]);
});

test('layers without biases', () => {
  checkParity('no bias', [tf.layers.lstm({ units: 5, useBias: false, returnSequences: true, inputShape: [4, 3], ...SIG }),
    tf.layers.gru({ units: 4, useBias: false, ...SIG }), tf.layers.dense({ units: 2, useBias: false })],
  [layers.lstm({ units: 5, useBias: false, returnSequences: true, inputShape: [4, 3] }), layers.gru({ units: 4, useBias: false, resetAfter: false }),
    layers.dense({ units: 2, useBias: false })], [3, 4, 3]);
});

test('bidirectional LSTM / GRU / SimpleRNN in every merge mode: forward weights, then backward weights', () => {
  const modes = ['concat', 'sum', 'ave', 'mul'] as const;
  for (const mergeMode of modes) {
    for (const returnSequences of [false, true]) {
      checkParity(`bidirectional lstm ${mergeMode} seq=${returnSequences}`,
        [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences, ...SIG }) as tf.RNN, mergeMode, inputShape: [5, 3] }), tf.layers.dense({ units: 2 })],
        [layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences, inputShape: [5, 3] }), mergeMode }), layers.dense({ units: 2 })], [3, 5, 3]);
    }
  }
  checkParity('bidirectional gru concat',
    [tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true, ...SIG }) as tf.RNN, inputShape: [6, 2] })],
    [layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false, returnSequences: true, inputShape: [6, 2] }) })], [2, 6, 2]);
  checkParity('bidirectional simpleRNN ave',
    [tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 5 }) as tf.RNN, mergeMode: 'ave', inputShape: [4, 3] })],
    [layers.bidirectional({ layer: layers.simpleRNN({ units: 5, inputShape: [4, 3] }), mergeMode: 'ave' })], [3, 4, 3]);
});

test('stacked LSTM → GRU → SimpleRNN → Dense', () => {
  checkParity('stack', [
    tf.layers.lstm({ units: 8, returnSequences: true, inputShape: [6, 4], ...SIG }),
    tf.layers.gru({ units: 6, returnSequences: true, ...SIG }),
    tf.layers.simpleRNN({ units: 5 }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ], [
    layers.lstm({ units: 8, returnSequences: true, inputShape: [6, 4] }),
    layers.gru({ units: 6, resetAfter: false, returnSequences: true }),
    layers.simpleRNN({ units: 5 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], [4, 6, 4]);
});

test('Embedding → LSTM → Dense on token ids (weightless tfjs layers such as Dropout are skipped)', () => {
  checkParity('embedding', [
    tf.layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
    tf.layers.dropout({ rate: 0.5 }), // identity at inference, no weights: must not shift the layer matching
    tf.layers.lstm({ units: 6, ...SIG }),
    tf.layers.dense({ units: 4 }),
  ], [
    layers.embedding({ inputDim: 11, outputDim: 5, inputShape: [7] }),
    layers.lstm({ units: 6 }),
    layers.dense({ units: 4 }),
  ], [3, 7], 11);
});

test('Masking with trailing padding → LSTM / bidirectional GRU: same final outputs as tfjs\' masked RNNs', () => {
  // Keras semantics: a masked step keeps the state, so a sequence's output is its state at its own last
  // step, and the backward direction effectively starts at that step. tfjs implements this independently.
  const B = 4, T = 7, I = 3;
  const lengths = [7, 5, 2, 1];
  const x = randomArray(B * T * I, 1);
  for (let b = 0; b < B; b++) x.fill(0, (b * T + lengths[b]) * I, (b + 1) * T * I);
  for (const [name, tfRnn, recurRnn] of [
    ['lstm', tf.layers.lstm({ units: 5, ...SIG }), layers.lstm({ units: 5 })],
    ['bidirectional gru', tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, ...SIG }) as tf.RNN }), layers.bidirectional({ layer: layers.gru({ units: 4, resetAfter: false }) })],
  ] as const) {
    const tfModel = tf.sequential({ layers: [tf.layers.masking({ maskValue: 0, inputShape: [T, I] }), tfRnn, tf.layers.dense({ units: 2 })] });
    randomizeTf(tfModel);
    const model = new Sequential({ layers: [layers.masking({ maskValue: 0, inputShape: [T, I] }), recurRnn, layers.dense({ units: 2 })] });
    loadKerasWeights(model, tfModel.layers);
    assertClose(`masked ${name}`, model.predict(tensor(x, [B, T, I])).data, tfPredict(tfModel, x, [B, T, I]), FORWARD_TOL);
    model.dispose();
    tfModel.dispose();
  }
});

// ---- GRU reset_after=True: tfjs refuses it, so Keras' formula (keras/src/layers/rnn/gru.py, GRUCell.call)
// in Keras' layout is the oracle: kernel [I, 3H] and recurrent_kernel [H, 3H] with blocks z, r, h, and
// bias [2, 3H] = input bias, recurrent bias.
function kerasGruResetAfter(x: Float32Array, B: number, T: number, I: number, H: number, kernel: Float32Array, rec: Float32Array, bias: Float32Array): Float64Array {
  const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
  const out = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const mx = new Float64Array(3 * H); // x·kernel + input bias
      const mi = new Float64Array(3 * H); // h·recurrent_kernel + recurrent bias
      for (let j = 0; j < 3 * H; j++) {
        let s = bias[j];
        for (let i = 0; i < I; i++) s += x[(b * T + t) * I + i] * kernel[i * 3 * H + j];
        mx[j] = s;
        let r = bias[3 * H + j];
        for (let k = 0; k < H; k++) r += h[k] * rec[k * 3 * H + j];
        mi[j] = r;
      }
      const next = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const z = sigmoid(mx[j] + mi[j]);
        const r = sigmoid(mx[H + j] + mi[H + j]);
        const hh = Math.tanh(mx[2 * H + j] + r * mi[2 * H + j]);
        next[j] = z * h[j] + (1 - z) * hh;
      }
      h = next;
    }
    out.set(h, b * H);
  }
  return out;
}

test('GRU reset_after=True (Keras default): Keras-layout weights with bias [2, 3H] match Keras\' formula', () => {
  const B = 3, T = 6, I = 4, H = 5;
  const kernel = randomArray(I * 3 * H, 0.6), rec = randomArray(H * 3 * H, 0.6), bias = randomArray(2 * 3 * H, 0.6);
  const x = randomArray(B * T * I, 1);
  const model = new Sequential({ layers: [layers.gru({ units: H, inputShape: [T, I] })] });
  loadKerasWeights(model, [{ className: 'GRU', weights: [{ shape: [I, 3 * H], data: kernel }, { shape: [H, 3 * H], data: rec }, { shape: [2, 3 * H], data: bias }] }]);
  assertClose('gru reset_after=True', model.predict(tensor(x, [B, T, I])).data, kerasGruResetAfter(x, B, T, I, H, kernel, rec, bias), FORWARD_TOL);
  // The recurrent half of the bias is bias_hh (reordered r, z, n), which sits inside r ⊙ (W_hn h + b_hn).
  const w = model.getWeights();
  assert.deepEqual([...w['gru.bias_hh_l0'].data], [...bias.subarray(4 * H, 5 * H), ...bias.subarray(3 * H, 4 * H), ...bias.subarray(5 * H, 6 * H)]);
  // And the inverse gives back the same Keras arrays exactly (pure permutations and transposes).
  const back = recurWeightsToKeras(model)[0];
  assert.deepEqual(back.map((a) => a.shape), [[I, 3 * H], [H, 3 * H], [2, 3 * H]]);
  assert.deepEqual([...back[0].data], [...kernel]);
  assert.deepEqual([...back[1].data], [...rec]);
  assert.deepEqual([...back[2].data], [...bias]);
  model.dispose();
});

test('GRU reset_after=False gradients of an MSE loss match tf.variableGrads', () => {
  const B = 4, T = 7, I = 3, H = 6, O = 2;
  const tfModel = tf.sequential({ layers: [tf.layers.gru({ units: H, inputShape: [T, I], ...SIG }), tf.layers.dense({ units: O })] });
  randomizeTf(tfModel);
  const x = randomArray(B * T * I, 1);
  const y = randomArray(B * O, 1);
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(tf.tensor(y, [B, O]), tfModel.apply(tf.tensor(x, [B, T, I])) as tf.Tensor) as tf.Scalar);
  // Gradients have the shapes of the weights, so the importer converts them too (a linear map); the Keras
  // bias's gradient is that of bias_ih, and since both biases enter every gate as a sum, bias_hh gets the same.
  const byVariable = new Map(Object.entries(grads));
  const tfGrads = tfModel.layers.map((layer) => ({ className: layer.getClassName(), weights: layer.trainableWeights.map((w) => byVariable.get(w.name) as tf.Tensor) }));
  assert.ok(tfGrads.every((l) => l.weights.every((w) => w !== undefined)), 'every tfjs variable has a gradient');

  const model = new Sequential({ layers: [layers.gru({ units: H, resetAfter: false, inputShape: [T, I] }), layers.dense({ units: O })] });
  loadKerasWeights(model, tfModel.layers);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'mse' });
  const { loss } = model.trainOnBatch(tensor(x, [B, T, I]), tensor(y, [B, O]));
  assertClose('loss', [loss], [value.dataSync()[0]], FORWARD_TOL);
  const expected = kerasWeightsToRecur(model, tfGrads);
  const got = model.getGradients();
  for (const name of ['gru.weight_ih_l0', 'gru.weight_hh_l0', 'gru.bias_ih_l0', 'dense.weight', 'dense.bias']) {
    assertClose(`grad ${name}`, got[name].data, expected[name].data, GRAD_TOL, got[name].shape);
  }
  assertClose('grad gru.bias_hh_l0 = grad of the Keras bias', got['gru.bias_hh_l0'].data, expected['gru.bias_ih_l0'].data, GRAD_TOL);
  model.dispose();
  tfModel.dispose();
});

test('recurWeightsToKeras: recur weights (both PyTorch biases nonzero) load into tfjs and predict the same', () => {
  const T = 5, I = 3;
  const model = new Sequential({ seed: 9, layers: [
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true, inputShape: [T, I] }) }),
    layers.gru({ units: 5, resetAfter: false }),
    layers.dense({ units: 2 }),
  ] });
  const random: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(model.getWeights())) random[name] = tensor(randomArray(t.data.length, 0.5), t.shape);
  model.setWeights(random);
  const tfModel = tf.sequential({ layers: [
    tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences: true, ...SIG }) as tf.RNN, inputShape: [T, I] }),
    tf.layers.gru({ units: 5, ...SIG }),
    tf.layers.dense({ units: 2 }),
  ] });
  const keras = recurWeightsToKeras(model);
  assert.equal(keras.length, 3);
  tfModel.layers.forEach((layer, i) => layer.setWeights(keras[i].map((w) => tf.tensor(w.data, w.shape))));
  const x = randomArray(4 * T * I, 1);
  assertClose('tfjs with recur weights', tfPredict(tfModel, x, [4, T, I]), model.predict(tensor(x, [4, T, I])).data, FORWARD_TOL);
  model.dispose();
  tfModel.dispose();
});

test('bad Keras weights: clear errors naming layer and weight, and the model is left unchanged', () => {
  const model = new Sequential({ layers: [layers.gru({ units: 4, inputShape: [5, 3] }), layers.dense({ units: 2 })] });
  const before = model.getWeights();
  const good = [
    { className: 'GRU', weights: [{ shape: [3, 12], data: new Float32Array(36) }, { shape: [4, 12], data: new Float32Array(48) }, { shape: [2, 12], data: new Float32Array(24) }] },
    { className: 'Dense', weights: [{ shape: [4, 2], data: new Float32Array(8) }, { shape: [2], data: new Float32Array(2) }] },
  ];
  const load = (entries: unknown[]): void => loadKerasWeights(model, entries as never);
  assert.throws(() => load([good[0]]), /Keras weights are for 1 layers with weights \(Keras layer 0 \(GRU\)\), the model has 2 \(gru \(gru\), dense \(dense\)\)/);
  assert.throws(() => load([{ ...good[0], className: 'LSTM' }, good[1]]), /a Keras LSTM layer cannot load into a recur gru layer/);
  assert.throws(() => load([{ ...good[0], weights: [good[0].weights[1], good[0].weights[0], good[0].weights[2]] }, good[1]]), /layer "gru" \(gru\): kernel has shape \[4, 12\], expected \[3, 12\]/);
  assert.throws(() => load([{ ...good[0], weights: [...good[0].weights.slice(0, 2), { shape: [12], data: new Float32Array(12) }] }, good[1]]),
    /bias has shape \[12\], but a GRU with resetAfter: true .* looks like a Keras reset_after=False GRU/);
  assert.throws(() => load([{ ...good[0], weights: good[0].weights.slice(0, 2) }, good[1]]), /has 2 weights, expected 3 \(kernel, recurrent_kernel, bias\)/);
  assert.throws(() => load([good[0], { weights: [{ shape: [4, 2], data: new Float32Array(7) }, good[1].weights[1]] }]), /Keras layer 1 weight 0: shape \[4, 2\] needs 8 values, data has 7/);
  const nan = Float32Array.from({ length: 8 }, (_, i) => (i === 3 ? NaN : 0));
  assert.throws(() => load([good[0], { weights: [{ shape: [4, 2], data: nan }, good[1].weights[1]] }]), /dense\.weight/);
  assert.throws(() => load([good[0], 7]), /Keras layer 1: expected a weight list/);
  // One layer on its own: Dense kernel [I, O] = [[1, 2], [3, 4], [5, 6], [7, 8]] → weight [O, I].
  const dense = kerasLayerToRecur(model.layers[1], [{ shape: [4, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { shape: [2], data: [9, 10] }]);
  assert.deepEqual([...dense.weight.data], [1, 3, 5, 7, 2, 4, 6, 8]);
  assert.deepEqual(dense.weight.shape, [2, 4]);
  const after = model.getWeights();
  for (const name of Object.keys(before)) assert.deepEqual(after[name].data, before[name].data, `${name} unchanged`);
  // A reset_after=False GRU model refuses a reset_after=True bias, naming the fix.
  const original = new Sequential({ layers: [layers.gru({ units: 4, resetAfter: false, inputShape: [5, 3] }), layers.dense({ units: 2 })] });
  assert.throws(() => loadKerasWeights(original, good), /resetAfter: false .* has bias \[12\] — this looks like a Keras reset_after=True GRU/);
  original.dispose();
  model.dispose();
});

// ---- Keras defaults vs recur's, as properties of the initial weights.

/** max |v|, and the standard deviation around 0. */
function spread(data: Float32Array): { max: number; std: number } {
  let max = 0, ss = 0;
  for (const v of data) { max = Math.max(max, Math.abs(v)); ss += v * v; }
  return { max, std: Math.sqrt(ss / data.length) };
}

test('Keras 3 defaults: recur\'s initial LSTM/GRU/Dense/Embedding weights have the properties of tfjs\' (glorot, orthogonal, unit forget bias)', () => {
  const T = 4, I = 40, H = 20, V = 300, D = 16; // H·4H < 2000: tfjs' orthogonal warns above that
  // tfjs with the Keras 3 defaults spelled out (tfjs' own GRU default kernel is glorotNormal, its LSTM gates hardSigmoid).
  const keras3 = { kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros' } as const;
  const tfModel = tf.sequential({ layers: [
    tf.layers.lstm({ units: H, returnSequences: true, unitForgetBias: true, inputShape: [T, I], ...keras3 }),
    tf.layers.gru({ units: H, ...keras3 }),
    tf.layers.dense({ units: 10, kernelInitializer: 'glorotUniform' }),
  ] });
  const model = new Sequential({ seed: 5, layers: [layers.lstm({ units: H, returnSequences: true, inputShape: [T, I] }), layers.gru({ units: H, resetAfter: false }), layers.dense({ units: 10 })] });
  const ours = model.getWeights();
  // tfjs' weights seen through the importer, so both sides are in recur's layout.
  const theirs = kerasWeightsToRecur(model, tfModel.layers);
  for (const [name, fanIn, fanOut] of [['lstm.weight_ih_l0', I, 4 * H], ['gru.weight_ih_l0', H, 3 * H], ['dense.weight', H, 10]] as const) {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (const [who, t] of [['recur', ours[name]], ['tfjs', theirs[name]]] as const) {
      const { max, std } = spread(t.data);
      assert.ok(max <= limit * (1 + 1e-6) && max > 0.95 * limit, `${who} ${name}: max |w| ${max} vs glorot limit ${limit}`);
      // Uniform(−l, l) has std l/√3; with ≥ 240 draws the sample std is within ~10 %.
      assert.ok(Math.abs(std / (limit / Math.sqrt(3)) - 1) < 0.1, `${who} ${name}: std ${std} vs ${limit / Math.sqrt(3)}`);
    }
  }
  for (const [name, G] of [['lstm.weight_hh_l0', 4], ['gru.weight_hh_l0', 3]] as const) {
    // Keras' recurrent kernel [H, G·H] has orthonormal rows, so weight_hh = its transpose has orthonormal columns.
    assert.ok(orthonormalityError(ours[name].data, G * H, H, 'columns') < 1e-5, `recur ${name} orthonormal columns`);
    assert.ok(orthonormalityError(theirs[name].data, G * H, H, 'columns') < 1e-5, `tfjs ${name} orthonormal columns`);
    // Both are random orthogonal matrices: same entry scale (1/√(G·H)), not the same values.
    assert.ok(Math.abs(spread(ours[name].data).std - spread(theirs[name].data).std) < 1e-3);
    assert.notDeepEqual(ours[name].data, theirs[name].data);
  }
  // Unit forget bias: deterministic, so the summed biases must be equal value for value.
  const sum = (w: Record<string, Tensor>, p: string): number[] => Array.from(w[`${p}.bias_ih_l0`].data, (v, i) => v + w[`${p}.bias_hh_l0`].data[i]);
  assert.deepEqual(sum(ours, 'lstm'), sum(theirs, 'lstm'));
  assert.deepEqual(sum(ours, 'lstm'), Array.from({ length: 4 * H }, (_, i) => (i >= H && i < 2 * H ? 1 : 0)));
  assert.ok(sum(ours, 'gru').every((v) => v === 0));
  model.dispose();
  tfModel.dispose();

  // Embedding: Keras' 'uniform' = RandomUniform(−0.05, 0.05) in both.
  const tfEmb = tf.sequential({ layers: [tf.layers.embedding({ inputDim: V, outputDim: D, inputLength: 3 })] });
  const emb = new Sequential({ layers: [layers.embedding({ inputDim: V, outputDim: D, inputShape: [3] })] });
  for (const [who, data] of [['recur', emb.getWeights()['embedding.weight'].data], ['tfjs', tfEmb.layers[0].getWeights()[0].dataSync() as Float32Array]] as const) {
    const { max, std } = spread(data);
    assert.ok(max <= 0.05 && max > 0.049, `${who} embedding max ${max}`);
    assert.ok(Math.abs(std / (0.05 / Math.sqrt(3)) - 1) < 0.05, `${who} embedding std ${std}`);
  }
  emb.dispose();
  tfEmb.dispose();
});
