// W7 lstm-step-stream (BENCHMARKS.md): stateful streaming, one time step per call for a carried state, LSTM
// I = 32, H = 128, B = 1; 163.8 kFLOP per step (2·160·512). Reported in µs/step.
//
//   node --import tsx bench/w7-lstm-step-stream.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>
//
// What each peer calls per step (the step's x_t in, the step's h_t out, the state carried to the next call):
//   recur      model.predictStep(x_t [1, I]) on Sequential([lstm({ inputShape: [null, I] })]) (.data)
//   tfjs       model.predict(x_t [1, 1, I]) + dataSync on a stateful tf.layers.lstm (batchInputShape [1, 1, I])
//   ORT        session.run({ X, initial_h, initial_c }) of a one-op LSTM model (T = 1, Y not computed);
//              the returned Y_h / Y_c tensors are fed back as the next call's initial_h / initial_c
//   brain.js   net.run([x_t]) on LSTMTimeStep; it has no streaming API and always starts from its
//              initial-state matrix, so the bench copies the step's h into that matrix after each call (its
//              LSTM variant has no separate cell state, so h is its whole state). Each run() also computes
//              its output layer and one extra zero-input step: two cell steps per call.
// Check before timing: 64 steps streamed from a zero state equal, step by step, the whole-sequence f64
// reference (W1's weights and input); the timed calls then keep streaming through the same 64 inputs.

import { MAX_TIME, emit, gate, maxAbsDiff, peerFromArgv, tfjsOn, timeAsync, timeSync, type Timing } from './common.ts';
import {
  BRAIN_LSTM, H, I, RECUR_INFO, Sequential, brainNet, init, layers, makeInput, makeWeights, onnxRnn, ortOn, ortSession,
  peerKind, recurWeights, reference, setTfjsWeights, stepFlop, tensor, tfjsLayer, type OrtTensor, type Tensor, type TfTensor,
} from './rnn.ts';

const T = 64;
const TOLERANCE = 1e-4;
const peer = peerFromArgv('w7-lstm-step-stream.bench.ts', ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain']);
const kind = peerKind(peer);
const w = makeWeights('lstm', 1);
const x = makeInput(1, T, 11); // W1's input
const steps = Array.from({ length: T }, (_, t) => x.subarray(t * I, (t + 1) * I));
const expected = reference(w, x, 1, T, { brainVariant: kind === 'brain' }).hs;

/** Streams all T steps from a zero state through `step` and returns the T outputs, [T, H]. */
async function stream(step: (t: number) => Float32Array | Promise<Float32Array>): Promise<Float32Array> {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) out.set(await step(t), t * H);
  return out;
}

let info = RECUR_INFO;
let flop = stepFlop('lstm');
let timing: Timing;
let maxErr: number;
let next = 0;

if (kind === 'recur') {
  await init();
  const model = new Sequential({ seed: 1, layers: [layers.lstm({ units: H, inputShape: [null, I] })] });
  model.setWeights(recurWeights(w));
  const xs = steps.map((s) => tensor(s, [1, I]));
  const step = (t: number): Float32Array => (model.predictStep(xs[t]) as Tensor).data;
  maxErr = maxAbsDiff(await stream(step), expected);
  info += ', model.predictStep (carried state)';
  timing = timeSync(() => { step(next); next = (next + 1) % T; }, { maxTime: MAX_TIME });
} else if (kind === 'tfjs') {
  const { tf, info: tfInfo } = await tfjsOn(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  const layer = tfjsLayer(tf, w, { stateful: true, batchInputShape: [1, 1, I] });
  const model = tf.sequential({ layers: [layer] });
  setTfjsWeights(tf, layer, w);
  model.resetStates();
  const xs = steps.map((s) => tf.tensor3d(s, [1, 1, I]));
  const step = (t: number): Float32Array => {
    const y = model.predict(xs[t]) as TfTensor;
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return data;
  };
  maxErr = maxAbsDiff(await stream(step), expected);
  info = `${tfInfo}, stateful tf.layers.lstm, model.predict on one step + dataSync`;
  timing = timeSync(() => { step(next); next = (next + 1) % T; }, { maxTime: MAX_TIME });
} else if (kind === 'ort') {
  const p = peer as 'ort-web' | 'ort-node';
  const { ort, info: ortInfo } = await ortOn(p);
  const session = await ortSession(ort, p, onnxRnn(w, 1, 1, { stateInputs: true }));
  const zeros = (): OrtTensor => new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
  let h = zeros(), c = zeros();
  const step = async (t: number): Promise<Float32Array> => {
    const out = await session.run({ X: new ort.Tensor('float32', steps[t], [1, 1, I]), initial_h: h, initial_c: c });
    h = out.Y_h;
    c = out.Y_c;
    return h.data as Float32Array;
  };
  maxErr = maxAbsDiff(await stream(step), expected);
  info = `${ortInfo}; a one-op ONNX LSTM (T = 1) with initial_h / initial_c inputs, its Y_h / Y_c fed back`;
  timing = await timeAsync(async () => { await step(next); next = (next + 1) % T; }, { maxTime: MAX_TIME });
} else {
  const net = await brainNet(w, I);
  const state = net.initialLayerInputs[0];
  const step = (t: number): Float32Array => {
    net.run([steps[t]]);
    const h = net.model.equationConnections[0][0].weights;
    state.weights.set(h);
    return h;
  };
  state.weights.fill(0);
  maxErr = maxAbsDiff(await stream(step), expected);
  info = `${BRAIN_LSTM}. Streaming: run([x_t]), then its h is copied into its initial-state matrix (no streaming API)`;
  flop = 2 * (stepFlop('lstm') + 2 * H * I);
  timing = timeSync(() => { step(next); next = (next + 1) % T; }, { maxTime: MAX_TIME });
}
gate(`${peer}: 64 streamed steps vs the whole-sequence f64 reference${kind === 'brain' ? " of brain.js's own cell" : ''}`, maxErr, TOLERANCE);

emit({
  bench: 'W7 lstm-step-stream', peer, info, itemName: 'steps', unit: 'µs',
  rows: [{ case: 'LSTM I=32 H=128 B=1, one step', ...timing, flop, items: 1, maxErr, ...(kind === 'brain' ? { check: "f64 ref of brain.js's own cell (no cell state)" } : {}) }],
});
