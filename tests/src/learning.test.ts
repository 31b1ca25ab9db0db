// Learning tests: SimpleRNN models must actually learn real sequence tasks to stated thresholds with a
// fixed seed (sine-wave next-value regression; many-to-one waveform classification), and training must be
// reproducible bit for bit from the seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, Sequential, layers, optimizers, tensor, type Tensor } from '../../src/entry-node.ts';
import { Rng } from '../../src/random.ts';

await init();

/** Windows of sin(ω t + φ) with random phase and frequency: x [n, steps, 1], y [n, 1] = the next value. */
function sineData(rng: Rng, n: number, steps: number): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const omega = rng.uniform(0.15, 0.45);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < steps; t++) x[s * steps + t] = Math.sin(omega * t + phase);
    y[s] = Math.sin(omega * steps + phase);
  }
  return { x: tensor(x, [n, steps, 1]), y: tensor(y, [n, 1]) };
}

/** Noisy sine / square / sawtooth waves of random period and phase; the label is the shape (0, 1, 2). */
function waveData(rng: Rng, n: number, steps: number): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const kind = rng.int(3);
    const period = rng.uniform(6, 12);
    const phase = rng.uniform(0, 1);
    for (let t = 0; t < steps; t++) {
      const u = (t / period + phase) % 1;
      const clean = kind === 0 ? Math.sin(2 * Math.PI * u) : kind === 1 ? (u < 0.5 ? 1 : -1) : 2 * u - 1;
      x[s * steps + t] = clean + rng.normal(0, 0.2);
    }
    y[s] = kind;
  }
  return { x: tensor(x, [n, steps, 1]), y: tensor(y, [n]) };
}

test('sine-wave next-value regression: SimpleRNN(16) → Dense(1) reaches validation MSE < 2e-3', async (t) => {
  const rng = new Rng(2024);
  const { x, y } = sineData(rng, 600, 20);
  const model = new Sequential({ seed: 7, layers: [layers.simpleRNN({ units: 16, inputShape: [20, 1] }), layers.dense({ units: 1 })] });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  const history = await model.fit(x, y, { epochs: 30, batchSize: 32, validationSplit: 0.2 });
  const val = history.history.val_loss;
  t.diagnostic(`val_loss by epoch: ${val.map((v) => v.toFixed(5)).join(' ')}`);
  assert.ok(val[val.length - 1] < 2e-3, `final validation MSE ${val[val.length - 1]}`);
  assert.ok(val[val.length - 1] < val[0] / 10, 'validation loss fell by at least 10×');
  const test = sineData(new Rng(99), 200, 20);
  const { loss } = model.evaluate(test.x, test.y);
  t.diagnostic(`held-out test MSE ${loss.toFixed(5)}`);
  assert.ok(loss < 2e-3, `held-out MSE ${loss}`);
  model.dispose();
});

test('many-to-one classification of noisy waveforms: accuracy > 95% on held-out data', async (t) => {
  const { x, y } = waveData(new Rng(5), 2400, 24);
  const model = new Sequential({ seed: 3, layers: [
    layers.simpleRNN({ units: 24, inputShape: [24, 1] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01, globalClipNorm: 1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 15, batchSize: 32 });
  t.diagnostic(`accuracy by epoch: ${history.history.accuracy.map((v) => v.toFixed(3)).join(' ')}`);
  const test = waveData(new Rng(77), 300, 24);
  const result = model.evaluate(test.x, test.y);
  t.diagnostic(`held-out: loss ${result.loss.toFixed(4)}, accuracy ${result.accuracy.toFixed(3)}`);
  assert.ok(result.accuracy > 0.95, `held-out accuracy ${result.accuracy}`);
  model.dispose();
});

test('identical seeds give bit-identical weights after training; another seed does not', async () => {
  const { x, y } = waveData(new Rng(1), 120, 10);
  const train = async (seed: number): Promise<Record<string, Tensor>> => {
    const model = new Sequential({ seed, layers: [layers.simpleRNN({ units: 8, returnSequences: true, inputShape: [10, 1] }), layers.simpleRNN({ units: 8 }), layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: true });
    const weights = model.getWeights();
    model.dispose();
    return weights;
  };
  const [a, b, c] = [await train(12), await train(12), await train(13)];
  for (const name of Object.keys(a)) {
    assert.deepEqual(new Uint32Array(a[name].data.buffer), new Uint32Array(b[name].data.buffer), `${name} differs between identical runs`);
  }
  assert.notDeepEqual(a['dense.weight'].data, c['dense.weight'].data);
});
