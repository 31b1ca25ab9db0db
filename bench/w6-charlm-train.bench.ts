// W6 charlm-train (BENCHMARKS.md): a character language model's training step. One-hot characters of a
// vocabulary of V = 65 → LSTM(256), every hidden state → Dense(256→65) softmax at every step, categorical
// cross-entropy (mean over the B·T predictions), one step of forward + BPTT + Adam (lr 0.001), B = 32,
// T = 100. Reported in ms/step and characters/s (B·T = 3200 predicted characters per step).
//
//   node --import tsx bench/w6-charlm-train.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>
//
// Data: seeded random character ids, B rows of T + 1; the input is the one-hot float tensor [B, T, 65] of
// the first T ids (recur and tfjs take it as a plain LSTM input with I = 65, no embedding layer), the
// target the one-hot [B, T, 65] of the next T ids.
// FLOPs per step: 3 × (B·T·2·(65 + 256)·1024 + B·T·2·256·65) = 6.63 GFLOP: the input projection and its
// weight gradient are counted as the dense products tfjs computes; recur sees that the input's rows are
// one-hot and does neither (assembly/onehot.ts: one column of W_ih per row, each row's gradient into one
// column of dW_ih), so its GFLOP/s here is per dense-equivalent FLOP.
//
// Check before timing (recur, tfjs): bench/train.ts's SGD-at-learning-rate-1 step against the f64 loss and
// gradients of src/reference (LSTM BPTT, dense, softmax cross-entropy; ~20 s of plain f64 loops, computed
// once per `npm run bench`: common.ts oncePerRun), then the first Adam step's loss; that checked step is the
// timing's warm-up.
// ONNX Runtime cannot train: reported as not measured. brain.js: its own character model, recurrent.LSTM
// (BRAIN_CHARLM below), set up to compute the closest function it can, checked against an f64 reference
// of that function before timing.

import { Act } from '../src/kernels.ts';
import { denseBackward, denseForward } from '../src/reference/dense.ts';
import { logSumExp, softmaxCrossEntropy } from '../src/reference/loss.ts';
import { lstmBackward, lstmForward } from '../src/reference/lstm.ts';
import { Rng } from '../src/random.ts';
import { emit, gate, oncePerRun, peerFromArgv, tfjsOn, timeAsync, timeSync, uniform, type Timing } from './common.ts';
import {
  RECUR_INFO, Sequential, add, brainRecurrent, init, kerasWeights, layers, makeWeights, optimizers, peerKind, reference,
  recurWeights, setBrainWeights, tensor, tfjsLayer, transpose, type TfTensor,
} from './rnn.ts';
import { checkTraining, type CheckedParam, type Trainable } from './train.ts';

const V = 65, H = 256, B = 32, T = 100, G = 4 * H;
const N = B * T;
const FLOP = 3 * (N * 2 * (V + H) * G + N * 2 * H * V);
const CASE = `one-hot(65) → LSTM(256) → Dense(65) softmax every step, CE, B=${B} T=${T}`;
const LR = 0.001;
/**
 * Max |gradient − f64 gradient|. The loss is a mean over 3200 rows, so gradients are small (LSTM weights
 * ≤ 2e-4, dense bias ≤ 5e-3); float32 BPTT stays within ~1e-8 of f64, so 1e-6 leaves 100× room and still
 * catches a gradient off by 0.5% of the largest LSTM weight's.
 */
const GRAD_TOLERANCE = 1e-6;
const LOSS_TOLERANCE = 1e-5;
/** Seconds of sampling: recur's ~0.5 s steps get ~10 samples; the others (seconds per step) get their 5. */
const MAX_TIME = 6;

const peer = peerFromArgv('w6-charlm-train.bench.ts', ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain']);
const kind = peerKind(peer);

if (kind === 'ort') {
  emit({
    bench: 'W6 charlm-train', peer, info: `onnxruntime-${peer === 'ort-web' ? 'web' : 'node'} 1.30.0`, itemName: 'characters', rows: [],
    skipped: [{ case: CASE, reason: 'ONNX Runtime (Web and Node) runs inference only; it cannot train' }],
  });
  process.exit(0);
}

const w = makeWeights('lstm', 6, { I: V, H });
const dRng = new Rng(7);
const denseW = uniform(dRng, V * H, -0.1, 0.1);
const denseB = uniform(dRng, V, -0.1, 0.1);
const idRng = new Rng(60);
/** ids[b][t], t = 0..T: row b's characters. */
const ids = Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => Math.floor(idRng.uniform(0, V))));

/** One-hot [B, T, V] of ids[b][t + shift] (batch-major, as the models take it); timeMajor: [T, B, V]. */
function oneHot(shift: number, timeMajor = false): Float32Array {
  const out = new Float32Array(N * V);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[(timeMajor ? t * B + b : b * T + t) * V + ids[b][t + shift]] = 1;
  return out;
}
const x = oneHot(0), y = oneHot(1);

/** The f64 mean loss and every parameter's gradient (PyTorch layout; the LSTM's two biases share one gradient). */
function f64Reference(): Record<string, Float64Array> {
  const p = { act: Act.Tanh, ract: Act.Sigmoid, reverse: false, T, B, I: V, H, x: oneHot(0, true), wIh: w.wIh, wHh: w.wHh, bIh: w.bIh, bHh: w.bHh };
  const fwd = lstmForward(p);
  const dp = { act: Act.Linear, N, I: H, O: V, x: fwd.hs, w: denseW, b: denseB };
  const logits = denseForward(dp);
  const ce = softmaxCrossEntropy(N, V, logits, oneHot(1, true), false, 1 / N);
  const dg = denseBackward(dp, logits, ce.grad);
  const lg = lstmBackward(p, fwd, dg.dx);
  return { loss: Float64Array.of(ce.loss / N), wIh: lg.dwIh, wHh: lg.dwHh, bias: lg.dbIh, denseW: dg.dw, denseB: dg.db };
}

/**
 * brain.js 1.6.1's recurrent.LSTM is a character model too: token ids in (0 = its start / end token, c + 1
 * = character c), a lookup table [66, inputSize] turning each id into the LSTM's input, its LSTM variant,
 * Dense(H → 66) softmax at every step with a cross-entropy gradient, BPTT and its RMSProp-like update with
 * clipping after every sequence. Set up here as the same one-hot model: the lookup table is the identity
 * one-hot of c at row c + 1 (zeros for the start token; the table is a trained parameter, so it drifts),
 * the LSTM and Dense weights are W6's, the end token's output row is zero.
 */
const BRAIN_CHARLM = 'brain.js 1.6.1 recurrent.LSTM (its character model), NOT the same algorithm: its "LSTM" cell has no separate '
  + 'cell state (c_t = f ⊙ h_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t)); one sequence at a time (no batching); its input is a trained '
  + 'lookup table (here initialised to the one-hot rows, zeros for its start token); Dense 256→66 (65 + its end token) softmax '
  + 'and cross-entropy at every step; an RMSProp-like update with clipping after EVERY sequence (32 updates of batch 1, not one '
  + 'Adam step of batch 32). Each sequence is 99 characters, which its start and end tokens make T = 100 steps: '
  + 'net.trainPattern(ids, true), the per-sequence step of its train() (which would first build its own character table from '
  + 'the data), timed per sequence (round-robin over the 32) × 32';

/** brain.js's error for one sequence (trainPattern's formula: 2^(mean log2 loss over length − 1) / 100), from an f64 reference of its cell. */
function brainReferenceError(sequence: readonly number[]): number {
  const xb = new Float32Array(T * V); // step 0: the start token (zeros); step t: one-hot of sequence[t − 1]
  for (let t = 1; t < T; t++) xb[t * V + sequence[t - 1]] = 1;
  const hs = reference(w, xb, 1, T, { brainVariant: true }).hs;
  let log2ppl = 0;
  for (let t = 0; t < T; t++) {
    const logits = new Float64Array(V + 1); // class 0 is its end token (zero weights and bias)
    for (let k = 0; k < V; k++) {
      let s = denseB[k];
      for (let j = 0; j < H; j++) s += denseW[k * H + j] * hs[t * H + j];
      logits[k + 1] = s;
    }
    const target = t < T - 1 ? sequence[t] + 1 : 0;
    log2ppl += (logSumExp(V + 1, logits, 0) - logits[target]) / Math.LN2;
  }
  return 2 ** (log2ppl / (sequence.length - 1)) / 100;
}

let info: string;
let timing: Timing;
let maxErr = Number.NaN;
let check: string | undefined;
let flop = FLOP;

if (kind === 'brain') {
  info = BRAIN_CHARLM;
  const net = new (await brainRecurrent()).LSTM({ inputSize: V, inputRange: V, outputSize: V, hiddenLayers: [H] });
  net.initialize();
  setBrainWeights(net, w);
  net.model.input.weights.fill(0);
  for (let c = 0; c < V; c++) net.model.input.weights[(c + 1) * V + c] = 1;
  net.model.outputConnector.weights.fill(0).set(denseW, H);
  net.model.output.weights.fill(0).set(denseB, 1);
  const sequences = ids.map((row) => row.slice(0, T - 1));
  const train = (b: number): number => net.trainPattern(sequences[b], true);
  const expected = brainReferenceError(sequences[0]);
  const start = performance.now();
  const error = train(0);
  const warmedUp = performance.now() - start;
  gate('brain.js error of its first sequence vs an f64 reference of its model (relative)', maxErr = Math.abs(error / expected - 1), 1e-5);
  check = "f64 ref of brain.js's own model: first sequence's error (relative)";
  // Its products per step: four gates on [x_t, h] and the 66-wide output layer; ×3 with backward.
  flop = 3 * N * (2 * G * (V + H) + 2 * (V + 1) * H);
  let next = 1;
  const perSequence = timeSync(() => { train(next); next = (next + 1) % B; }, { maxTime: MAX_TIME, warmedUp });
  timing = { ...perSequence, ms: perSequence.ms * B };
} else {
  const ref = oncePerRun('w6-charlm-reference', f64Reference);
  let model: Trainable;
  let params: CheckedParam[];
  if (kind === 'recur') {
    await init();
    const net = new Sequential({ seed: 1, layers: [layers.lstm({ units: H, returnSequences: true, inputShape: [T, V] }), layers.dense({ units: V, activation: 'softmax' })] });
    const initial = { ...recurWeights(w), 'dense.weight': tensor(denseW, [V, H]), 'dense.bias': tensor(denseB, [V]) };
    const grads = [ref.wIh, ref.wHh, ref.bias, ref.bias, ref.denseW, ref.denseB];
    params = Object.entries(initial).map(([name, t], i) => ({ name, initial: t.data, grad: grads[i] }));
    const xs = tensor(x, [B, T, V]), ys = tensor(y, [B, T, V]);
    model = {
      compile(optimizer) {
        net.setWeights(initial);
        net.compile({ optimizer: optimizer === 'timed' ? optimizers.adam({ learningRate: LR }) : optimizers.sgd({ learningRate: 1 }), loss: 'categoricalCrossentropy' });
      },
      step: () => net.trainOnBatch(xs, ys).loss,
      weights() {
        const now = net.getWeights();
        return params.map((p) => now[p.name].data);
      },
    };
    info = `${RECUR_INFO}, lstm(returnSequences) + dense softmax, compile({ optimizer: adam(0.001), loss: 'categoricalCrossentropy' }), trainOnBatch`;
  } else {
    const backend = peer === 'tfjs-cpu' ? 'cpu' : 'wasm';
    const { tf, info: tfInfo } = await tfjsOn(backend);
    const net = tf.sequential({
      layers: [tfjsLayer(tf, w, { returnSequences: true, inputShape: [T, V] }), tf.layers.dense({ units: V, activation: 'softmax', kernelInitializer: 'zeros' })],
    });
    const k = kerasWeights(w);
    const initial = (): TfTensor[] => [
      tf.tensor2d(k.kernel, [V, G]), tf.tensor2d(k.recurrent, [H, G]), tf.tensor1d(k.bias),
      tf.tensor2d(transpose(denseW, V, H), [H, V]), tf.tensor1d(denseB),
    ];
    // Compared in PyTorch layout: Keras kernels are the transposed matrices; its one LSTM bias (b_ih + b_hh)
    // has the gradient of either PyTorch bias.
    params = [
      { name: 'kernel (as w_ih)', initial: w.wIh, grad: ref.wIh },
      { name: 'recurrent_kernel (as w_hh)', initial: w.wHh, grad: ref.wHh },
      { name: 'bias', initial: add(w.bIh, w.bHh), grad: ref.bias },
      { name: 'dense kernel (as weight)', initial: denseW, grad: ref.denseW },
      { name: 'dense bias', initial: denseB, grad: ref.denseB },
    ];
    const xs = tf.tensor3d(x, [B, T, V]), ys = tf.tensor3d(y, [B, T, V]);
    model = {
      compile(optimizer) {
        net.setWeights(initial());
        net.compile({ optimizer: optimizer === 'timed' ? tf.train.adam(LR) : tf.train.sgd(1), loss: 'categoricalCrossentropy' });
      },
      step: async () => (await net.trainOnBatch(xs, ys)) as number,
      weights() {
        const [kernel, recurrent, bias, denseKernel, dense] = net.getWeights().map((t) => t.dataSync() as Float32Array);
        return [transpose(kernel, V, G), transpose(recurrent, H, G), bias, transpose(denseKernel, H, V), dense];
      },
    };
    info = `${tfInfo}, tf.layers.lstm(returnSequences) + dense softmax, compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' }), model.trainOnBatch`;
  }
  const checked = await checkTraining(peer, model, params, ref.loss[0], { grad: GRAD_TOLERANCE, loss: LOSS_TOLERANCE });
  maxErr = checked.maxErr;
  check = 'f64 gradients (SGD lr 1 step), then Adam-step loss';
  timing = await timeAsync(async () => { await model.step(); }, { maxTime: MAX_TIME, warmedUp: checked.stepMs });
}

emit({ bench: 'W6 charlm-train', peer, info, itemName: 'characters', rows: [{ case: CASE, ...timing, flop, items: N, maxErr, ...(check ? { check } : {}) }] });
