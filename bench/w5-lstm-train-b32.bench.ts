// W5 lstm-train-b32 (BENCHMARKS.md): LSTM(32→128) → Dense(128→10) softmax on the last step, categorical
// cross-entropy (mean over the batch), one step of forward + BPTT + Adam, B = 32, T = 64.
// FLOPs ≈ 3 × (32 × W1 + the head's 2·32·128·10) = 1.007 GFLOP per step.
//
//   node --import tsx bench/w5-lstm-train-b32.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>
//
// Check before timing (recur, tfjs): from the same weights, one trainOnBatch with plain SGD at learning
// rate 1 must move every parameter by −(its gradient), checked against the f64 gradient of
// src/reference (LSTM BPTT, dense, softmax cross-entropy, all f64 and gradient-checked in recur's tests);
// the weights are then restored, the model compiled with Adam (lr 0.001) and the first Adam step's loss
// checked against the f64 loss before timing trainOnBatch with Adam.
// recur has a second row, trainOnBatch(x, y, { threads: 2 }): the main thread and one worker thread take
// 16 sequences each; checked the same way (its combined gradients against the f64 gradients) before timing.
// tfjs-wasm, the peer of the 20× target, is then timed once more against recur's checked model in its process,
// the two alternating (bench/README.md "Head to head").
// ONNX Runtime (web and node) cannot train: reported as not measured. brain.js trains something else (see
// BRAIN_TRAIN below): checked for a finite training error and changed weights only.

import { Act } from '../src/kernels.ts';
import { denseBackward, denseForward } from '../src/reference/dense.ts';
import { softmaxCrossEntropy } from '../src/reference/loss.ts';
import { lstmBackward, lstmForward } from '../src/reference/lstm.ts';
import { Rng } from '../src/random.ts';
import { HEAD_TO_HEAD_TIME, MAX_TIME, emit, gate, maxAbsDiff, peerFromArgv, tfjsOn, timeAsync, timeHeadToHead, timeSync, uniform, type HeadToHead, type Row } from './common.ts';
import {
  BRAIN_LSTM, H, I, RECUR_INFO, Sequential, brainNet, init, layers, makeInput, makeWeights, optimizers, peerKind,
  recurWeights, stepFlop, tensor, tfjsLayer, transpose, add, type TfTensor, type Tensor,
} from './rnn.ts';

const B = 32, T = 64, C = 10;
const FLOP = 3 * (B * T * stepFlop('lstm') + 2 * B * H * C);
const CASE = `LSTM(32→128) → Dense(10) softmax, CE, B=${B} T=${T}`;
const LR = 0.001;
/** Max |gradient − f64 gradient| (the largest gradients are ~1e-2; float32 BPTT over 2048 rows). */
const GRAD_TOLERANCE = 2e-5;
const LOSS_TOLERANCE = 1e-5;
const CHECK = 'f64 gradients (SGD lr 1 step), then Adam-step loss';

const peer = peerFromArgv('w5-lstm-train-b32.bench.ts', ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain']);
const kind = peerKind(peer);

if (kind === 'ort') {
  emit({
    bench: 'W5 lstm-train-b32', peer, info: peer === 'ort-web' ? 'onnxruntime-web 1.30.0' : 'onnxruntime-node 1.30.0', itemName: 'sequences', rows: [],
    skipped: [{ case: CASE, reason: 'ONNX Runtime (Web and Node) runs inference only; it cannot train (its training builds are separate packages, not measured)' }],
  });
  process.exit(0);
}

const w = makeWeights('lstm', 5);
const dRng = new Rng(6);
const denseW = uniform(dRng, C * H, -0.1, 0.1);
const denseB = uniform(dRng, C, -0.1, 0.1);
const x = makeInput(B, T, 50);
const lRng = new Rng(51);
const y = new Float32Array(B * C);
for (let b = 0; b < B; b++) y[b * C + Math.floor(lRng.uniform(0, C))] = 1;

/** The f64 loss (mean CE over the batch) and gradients of every parameter, PyTorch layout. */
function reference(): { loss: number; grads: Record<string, Float64Array> } {
  const xt = new Float64Array(T * B * I); // time-major for src/reference
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xt[(t * B + b) * I + i] = x[(b * T + t) * I + i];
  const p = { act: Act.Tanh, ract: Act.Sigmoid, reverse: false, T, B, I, H, x: xt, wIh: w.wIh, wHh: w.wHh, bIh: w.bIh, bHh: w.bHh };
  const fwd = lstmForward(p);
  const last = fwd.hs.subarray((T - 1) * B * H);
  const dp = { act: Act.Linear, N: B, I: H, O: C, x: last, w: denseW, b: denseB };
  const logits = denseForward(dp);
  const ce = softmaxCrossEntropy(B, C, logits, y, false, 1 / B);
  const dg = denseBackward(dp, logits, ce.grad);
  const lg = lstmBackward(p, fwd, new Float64Array(T * B * H), dg.dx);
  return { loss: ce.loss / B, grads: { wIh: lg.dwIh, wHh: lg.dwHh, bIh: lg.dbIh, bHh: lg.dbHh, denseW: dg.dw, denseB: dg.db } };
}

/**
 * recur's model with W5's weights, checked (SGD step against the f64 gradients and loss, then the first
 * Adam step's loss; the process exits if any check fails), compiled with Adam: its training step on
 * `threads` threads, the largest gradient error, and dispose.
 */
async function checkedRecur(threads: number): Promise<{ step: () => void; maxErr: number; dispose: () => void }> {
  await init();
  const ref = referenceOnce();
  const label = threads === 1 ? 'recur' : `recur (${threads} threads)`;
  const initial: Record<string, Tensor> = { ...recurWeights(w), 'dense.weight': tensor(denseW, [C, H]), 'dense.bias': tensor(denseB, [C]) };
  const xs = tensor(x, [B, T, I]), ys = tensor(y, [B, C]);
  const names: Record<string, string> = { wIh: 'lstm.weight_ih_l0', wHh: 'lstm.weight_hh_l0', bIh: 'lstm.bias_ih_l0', bHh: 'lstm.bias_hh_l0', denseW: 'dense.weight', denseB: 'dense.bias' };
  const model = new Sequential({ seed: 1, layers: [layers.lstm({ units: H, inputShape: [T, I] }), layers.dense({ units: C, activation: 'softmax' })] });
  model.setWeights(initial);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: 'categoricalCrossentropy' });
  const sgdLoss = model.trainOnBatch(xs, ys, { threads }).loss;
  gate(`${label} SGD-step loss vs f64`, Math.abs(sgdLoss - ref.loss), LOSS_TOLERANCE);
  const after = model.getWeights();
  let maxErr = 0;
  for (const [key, name] of Object.entries(names)) {
    const g = initial[name].data.map((v, i) => v - after[name].data[i]);
    const d = maxAbsDiff(g, ref.grads[key]);
    maxErr = Math.max(maxErr, d);
    gate(`${label} gradient of ${name} (SGD lr 1) vs f64`, d, GRAD_TOLERANCE);
  }
  model.setWeights(initial);
  model.compile({ optimizer: optimizers.adam({ learningRate: LR }), loss: 'categoricalCrossentropy' });
  gate(`${label} first Adam-step loss vs f64`, Math.abs(model.trainOnBatch(xs, ys, { threads }).loss - ref.loss), LOSS_TOLERANCE);
  return { step: () => { model.trainOnBatch(xs, ys, { threads }); }, maxErr, dispose: () => model.dispose() };
}

let referenceResult: ReturnType<typeof reference> | undefined;
/** reference(), computed once per process (recur's checks may need it twice, and tfjs-wasm's process once more for recur). */
function referenceOnce(): ReturnType<typeof reference> {
  return referenceResult ??= reference();
}

const BRAIN_TRAIN = `${BRAIN_LSTM}. W5 equivalent: net.train(32 sequences, { iterations: 1 }): for each sequence in turn, `
  + 'forward over 63 steps predicting the next step\'s 32 inputs (Dense 128→32 at EVERY step, squared-error gradient), '
  + 'BPTT, and an RMSProp update (its own rule, with clipping): 32 updates of batch 1, not one Adam step of batch 32';

let info = RECUR_INFO;
/** One row per peer; recur has a second one, on 2 threads. */
let rows: Row[];

if (kind === 'brain') {
  info = BRAIN_TRAIN;
  const net = await brainNet(w, I);
  const data = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from(x.subarray((b * T + t) * I, (b * T + t + 1) * I))));
  const before = Float32Array.from(net.model.hiddenLayers[0].inputMatrix.weights);
  const result = net.train([data[0]], { iterations: 1, errorThresh: 0, log: false });
  gate('brain.js training error is finite', Number.isFinite(result.error) ? 0 : Number.NaN, 0);
  gate('brain.js changed its weights', maxAbsDiff(before, net.model.hiddenLayers[0].inputMatrix.weights) > 0 ? 0 : Number.NaN, 0);
  const check = 'finite error, weights changed (no reference: different task)';
  const flop = 3 * B * (T - 1) * (stepFlop('lstm') + 2 * H * I);
  // One epoch over the 32 sequences is 32 independent per-sequence updates of equal cost (~10 s in all):
  // timed per sequence (train() on one sequence, round-robin over the 32) and multiplied by 32.
  let next = 0;
  const one = (): void => { net.train([data[next]], { iterations: 1, errorThresh: 0, log: false }); next = (next + 1) % B; };
  const perSequence = timeSync(one, { maxTime: MAX_TIME });
  rows = [{ case: CASE, ...perSequence, ms: perSequence.ms * B, flop, items: B, maxErr: Number.NaN, check }];
  info += '. Timed per sequence (train() on one sequence at a time) × 32';
} else if (kind === 'recur') {
  info = `${RECUR_INFO}, compile({ optimizer: adam(0.001), loss: 'categoricalCrossentropy' }), trainOnBatch; `
    + 'the "2 threads" row: trainOnBatch(x, y, { threads: 2 }), this thread and one worker_threads worker, 16 sequences each';
  rows = [];
  for (const threads of [1, 2]) {
    const { step, maxErr, dispose } = await checkedRecur(threads);
    const rowTiming = timeSync(step, { maxTime: MAX_TIME });
    dispose();
    rows.push({ case: threads === 1 ? CASE : `${CASE}, ${threads} threads`, ...rowTiming, flop: FLOP, items: B, maxErr, check: CHECK });
  }
} else {
  const ref = referenceOnce();
  const backend = peer === 'tfjs-cpu' ? 'cpu' : 'wasm';
  const { tf, info: tfInfo } = await tfjsOn(backend);
  const lstm = tfjsLayer(tf, w, { inputShape: [T, I] });
  const dense = tf.layers.dense({ units: C, activation: 'softmax', kernelInitializer: 'zeros' });
  const model = tf.sequential({ layers: [lstm, dense] });
  const k = { kernel: transpose(w.wIh, 4 * H, I), recurrent: transpose(w.wHh, 4 * H, H), bias: add(w.bIh, w.bHh) };
  const initial = (): TfTensor[] => [
    tf.tensor2d(k.kernel, [I, 4 * H]), tf.tensor2d(k.recurrent, [H, 4 * H]), tf.tensor1d(k.bias),
    tf.tensor2d(transpose(denseW, C, H), [H, C]), tf.tensor1d(denseB),
  ];
  model.setWeights(initial());
  const xs = tf.tensor3d(x, [B, T, I]), ys = tf.tensor2d(y, [B, C]);
  model.compile({ optimizer: tf.train.sgd(1), loss: 'categoricalCrossentropy' });
  const sgdLoss = (await model.trainOnBatch(xs, ys)) as number;
  gate(`${peer} SGD-step loss vs f64`, Math.abs(sgdLoss - ref.loss), LOSS_TOLERANCE);
  const after = model.getWeights().map((t) => t.dataSync() as Float32Array);
  const start = initial().map((t) => t.dataSync() as Float32Array);
  // Keras layout: kernels transposed, one LSTM bias whose gradient is the gate pre-activations' (= dbIh).
  const targets: [string, Float64Array][] = [
    ['kernel', Float64Array.from(transpose(Float32Array.from(ref.grads.wIh), 4 * H, I))],
    ['recurrent_kernel', Float64Array.from(transpose(Float32Array.from(ref.grads.wHh), 4 * H, H))],
    ['bias', ref.grads.bIh],
    ['dense kernel', Float64Array.from(transpose(Float32Array.from(ref.grads.denseW), C, H))],
    ['dense bias', ref.grads.denseB],
  ];
  let maxErr = 0;
  targets.forEach(([name, target], i) => {
    const g = start[i].map((v, j) => v - after[i][j]);
    const d = maxAbsDiff(g, target);
    maxErr = Math.max(maxErr, d);
    gate(`${peer} gradient of ${name} (SGD lr 1) vs f64`, d, GRAD_TOLERANCE);
  });
  model.setWeights(initial());
  model.compile({ optimizer: tf.train.adam(LR), loss: 'categoricalCrossentropy' });
  gate(`${peer} first Adam-step loss vs f64`, Math.abs(((await model.trainOnBatch(xs, ys)) as number) - ref.loss), LOSS_TOLERANCE);
  info = `${tfInfo}, tf.layers.lstm + dense softmax, compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' }), model.trainOnBatch`;
  const tfStep = (): Promise<unknown> => model.trainOnBatch(xs, ys);
  const timing = await timeAsync(tfStep, { maxTime: MAX_TIME });
  // The 20× target's peer: timed once more against recur's step (1 thread) in this process, alternating.
  let headToHead: HeadToHead | undefined;
  if (peer === 'tfjs-wasm') {
    const recur = await checkedRecur(1);
    headToHead = await timeHeadToHead(recur.step, tfStep, { maxTime: HEAD_TO_HEAD_TIME });
    recur.dispose();
  }
  rows = [{ case: CASE, ...timing, flop: FLOP, items: B, maxErr, check: CHECK, ...(headToHead ? { headToHead } : {}) }];
}

emit({ bench: 'W5 lstm-train-b32', peer, info, itemName: 'sequences', rows });
