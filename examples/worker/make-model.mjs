// Makes examples/worker/model.safetensors, the small model the Worker bundles: a SimpleRNN(24) → Dense(1)
// forecaster that reads a window of a noisy wave (period 8–40 steps, amplitude 0.5–1.5) and predicts the
// next value. Deterministic (seeded data and model). Run from the project root after `npm run build`:
//   node examples/worker/make-model.mjs
import { init, Sequential, layers, optimizers, saveModelFile, tensor } from 'recur';

const STEPS = 24;
const SAMPLES = 2048;

/** The same PRNG every run: mulberry32. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function waves(samples, steps, seed) {
  const random = rng(seed);
  const x = new Float32Array(samples * steps);
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const period = 8 + 32 * random();
    const amplitude = 0.5 + random();
    const phase = 2 * Math.PI * random();
    const at = (t) => amplitude * Math.sin((2 * Math.PI * t) / period + phase);
    for (let t = 0; t < steps; t++) x[s * steps + t] = at(t) + 0.02 * (random() - 0.5);
    y[s] = at(steps);
  }
  return { x: tensor(x, [samples, steps, 1]), y: tensor(y, [samples, 1]) };
}

await init();
const model = new Sequential({
  seed: 7,
  name: 'forecaster',
  layers: [
    layers.simpleRNN({ units: 24, inputShape: [null, 1], name: 'rnn' }),
    layers.dense({ units: 1, name: 'head' }),
  ],
});
model.compile({ optimizer: optimizers.adam({ learningRate: 0.01, globalClipNorm: 1 }), loss: 'mse' });
const train = waves(SAMPLES, STEPS, 1);
const test = waves(256, STEPS, 2);
const history = await model.fit(train.x, train.y, { epochs: 30, batchSize: 32, shuffle: true });
const testLoss = model.evaluate(test.x, test.y).loss;
model.metadata.description = 'next value of a wave (period 8-40 steps, amplitude 0.5-1.5) from the values so far';
model.metadata.window = String(STEPS);
const out = new URL('./model.safetensors', import.meta.url).pathname;
await saveModelFile(model, out, { includeOptimizer: false });
console.log(`train loss ${history.history.loss.at(-1).toFixed(5)}, test loss ${testLoss.toFixed(5)} (the targets’ variance is about 0.54); saved ${out}`);
