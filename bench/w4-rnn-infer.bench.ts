// W4 rnn-infer-b1 (BENCHMARKS.md): SimpleRNN (tanh) forward, I = 32, H = 128, T = 64, B = 1, every hidden
// state returned, through each library's public model API (recur's Sequential.predict, tfjs's layers
// model.predict + dataSync, ONNX Runtime's session.run of a one-op RNN model), so every side pays for
// copying the input in and the output out.
//
//   node --import tsx bench/w4-rnn-infer.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node>
//
// Every process builds the same weights and input from fixed seeds, checks its peer against a plain f64
// loop and against recur (≤ 1e-4) and only then times it; ONNX Runtime's processes then time it once more
// against recur, the two alternating (bench/README.md "Head to head").

import { init, Sequential, layers, tensor, type Tensor } from '../dist/entry-node.js'; // the package's dist/, as in rnn.ts
import { Rng } from '../src/random.ts';
import { HEAD_TO_HEAD_TIME, MAX_TIME, emit, gate, maxAbsDiff, peerFromArgv, tfjsOn, time, timeAsync, timeHeadToHead, uniform, type HeadToHead, type Timing } from './common.ts';
import { RECUR_INFO, ortInfer } from './rnn.ts';

const I = 32, H = 128, T = 64, B = 1;
/** 2·m·n·k per step for [x_t, h_prev] (1 × 160) times the stacked weights (160 × 128). */
const FLOP = T * 2 * B * (I + H) * H;
const TOLERANCE = 1e-4;

const peer = peerFromArgv('w4-rnn-infer.bench.ts', ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node']);

// PyTorch layout, as recur's weights are named: weight_ih [H, I], weight_hh [H, H], two biases [H].
const wRng = new Rng(4);
const wIh = uniform(wRng, H * I, -0.1, 0.1);
const wHh = uniform(wRng, H * H, -0.1, 0.1);
const bIh = uniform(wRng, H, -0.1, 0.1);
const bHh = uniform(wRng, H, -0.1, 0.1);
// Inputs in [-1, 1), batch-major [B, T, I].
const x = uniform(new Rng(40), B * T * I, -1, 1);

/** h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh) in f64, h_0 = 0; returns every h_t, [B, T, H]. */
function reference(): Float64Array {
  const hs = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    let prev = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const h = hs.subarray((b * T + t) * H, (b * T + t + 1) * H);
      const xt = (b * T + t) * I;
      for (let j = 0; j < H; j++) {
        let s = bIh[j] + bHh[j];
        for (let i = 0; i < I; i++) s += wIh[j * I + i] * x[xt + i];
        for (let k = 0; k < H; k++) s += wHh[j * H + k] * prev[k];
        h[j] = Math.tanh(s);
      }
      prev = h;
    }
  }
  return hs;
}

/** recur's model with these weights; a function returning its output for x. */
async function recurModel(): Promise<() => Float32Array> {
  await init();
  const model = new Sequential({ seed: 1, layers: [layers.simpleRNN({ units: H, returnSequences: true, inputShape: [T, I] })] });
  model.setWeights({
    'simple_rnn.weight_ih_l0': tensor(wIh, [H, I]),
    'simple_rnn.weight_hh_l0': tensor(wHh, [H, H]),
    'simple_rnn.bias_ih_l0': tensor(bIh, [H]),
    'simple_rnn.bias_hh_l0': tensor(bHh, [H]),
  });
  const input = tensor(x, [B, T, I]);
  return () => (model.predict(input) as Tensor).data;
}

/** [rows, cols] row-major → [cols, rows]: Keras stores kernels as inputs × units, PyTorch as units × inputs. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** tf.layers.simpleRNN with the same weights: kernel = weight_ihᵀ, recurrent_kernel = weight_hhᵀ, bias = b_ih + b_hh. */
async function tfjsModel(backend: 'cpu' | 'wasm'): Promise<{ run: () => Float32Array; info: string }> {
  const { tf, info } = await tfjsOn(backend);
  // Zero initialisers: the weights are replaced below, and the default orthogonal one takes seconds at H = 128.
  const model = tf.sequential({
    layers: [tf.layers.simpleRNN({
      units: H, activation: 'tanh', returnSequences: true, inputShape: [T, I],
      kernelInitializer: 'zeros', recurrentInitializer: 'zeros',
    })],
  });
  const bias = new Float32Array(H).map((_, j) => bIh[j] + bHh[j]);
  model.layers[0].setWeights([
    tf.tensor2d(transpose(wIh, H, I), [I, H]),
    tf.tensor2d(transpose(wHh, H, H), [H, H]),
    tf.tensor1d(bias),
  ]);
  const input = tf.tensor3d(x, [B, T, I]);
  const run = (): Float32Array => {
    const y = model.predict(input) as InstanceType<typeof tf.Tensor>;
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return data;
  };
  return { run, info };
}

const expected = reference();
const recur = await recurModel();
const recurOut = recur();
gate('recur vs f64 reference', maxAbsDiff(recurOut, expected), TOLERANCE);

let info = `${RECUR_INFO}, Sequential([simpleRNN]).predict`;
let maxErr: number;
let timing: Timing;
/** ONNX Runtime against recur in this process (bench/README.md "Head to head"). */
let headToHead: HeadToHead | undefined;
if (peer === 'ort-web' || peer === 'ort-node') {
  const ort = await ortInfer(peer, { cell: 'rnn', wIh, wHh, bIh, bHh }, x, B, T);
  info = ort.info;
  const out = await ort.run();
  gate(`${peer} vs f64 reference`, maxErr = maxAbsDiff(out, expected), TOLERANCE);
  gate(`${peer} vs recur`, maxAbsDiff(out, recurOut), TOLERANCE);
  timing = await timeAsync(ort.run, { maxTime: MAX_TIME });
  headToHead = await timeHeadToHead(recur, ort.run, { maxTime: HEAD_TO_HEAD_TIME });
} else {
  let run = recur;
  if (peer !== 'recur') {
    ({ run, info } = await tfjsModel(peer === 'tfjs-cpu' ? 'cpu' : 'wasm'));
    const out = run();
    gate(`${peer} vs f64 reference`, maxAbsDiff(out, expected), TOLERANCE);
    gate(`${peer} vs recur`, maxAbsDiff(out, recurOut), TOLERANCE);
  }
  maxErr = maxAbsDiff(run(), expected);
  timing = time(`W4 ${peer}`, () => { run(); }, 3);
}
emit({
  bench: 'W4 rnn-infer-b1',
  peer,
  info,
  itemName: 'sequences',
  rows: [{ case: `SimpleRNN tanh I=${I} H=${H} T=${T} B=${B}`, ...timing, flop: FLOP, items: B, maxErr, ...(headToHead ? { headToHead } : {}) }],
});
