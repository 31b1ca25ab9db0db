// Shared by the LSTM / GRU workloads (W1, W2, W3, W5, W7): seeded weights in PyTorch layout, f64
// references, the exact weight conversions to every peer's layout, and each peer's model.
//
// Weight conversions (PyTorch row blocks of H rows each):
//   LSTM  PyTorch i, f, g, o  →  Keras / tfjs kernel i, f, c, o (same order, transposed, one bias b_ih + b_hh)
//                             →  ONNX W, R i, o, f, c; B = [Wb, Rb] in that order
//   GRU   PyTorch r, z, n     →  Keras / tfjs z, r, h (transposed, one bias: tfjs has reset_after=False only)
//                             →  ONNX z, r, h; B = [Wb, Rb]
//   brain.js: one [H, ·] matrix per gate and input / hidden, one bias per gate (b_ih + b_hh).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
// recur as users import it: the package's node entry in dist/ (what `import 'recur'` resolves to in Node; run.sh builds it), not src/ through tsx.
import { init, relaxedSimdSupported, Sequential, layers, optimizers, tensor, type Tensor } from '../dist/entry-node.js';
import { Rng } from '../src/random.ts';
import { tfjsOn, uniform, type Peer } from './common.ts';
import { onnxModel, type Initializer, type Node } from './onnx.ts';

export const I = 32, H = 128;

export type Cell = 'lstm' | 'gru';

/** One layer's weights in PyTorch layout: w_ih [G, I], w_hh [G, H], b_ih, b_hh [G]; G = 4H (LSTM) or 3H (GRU). */
export interface Weights {
  cell: Cell;
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
}

/** Weights uniform(−0.1, 0.1) from `seed` (BENCHMARKS.md); sizes I = 32, H = 128 unless given (W6 has others). */
export function makeWeights(cell: Cell, seed: number, sizes: { I: number; H: number } = { I, H }): Weights {
  const G = (cell === 'lstm' ? 4 : 3) * sizes.H;
  const rng = new Rng(seed);
  return { cell, wIh: uniform(rng, G * sizes.I, -0.1, 0.1), wHh: uniform(rng, G * sizes.H, -0.1, 0.1), bIh: uniform(rng, G, -0.1, 0.1), bHh: uniform(rng, G, -0.1, 0.1) };
}

/** A layer's sizes, read from its weights: G gate rows, H hidden units, I inputs. */
export function dims(w: Weights): { G: number; H: number; I: number } {
  const G = w.bIh.length;
  return { G, H: G / (w.cell === 'lstm' ? 4 : 3), I: w.wIh.length / G };
}

/** Batch-major input [B, T, I], uniform in [−1, 1). */
export function makeInput(B: number, T: number, seed: number): Float32Array {
  return uniform(new Rng(seed), B * T * I, -1, 1);
}

/** FLOPs of one step of one sequence: [x_t, h] (I + H) times the stacked gate weights (G columns). */
export function stepFlop(cell: Cell): number {
  return 2 * (I + H) * (cell === 'lstm' ? 4 : 3) * H;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Row r of w [rows, cols] times v, in f64. */
function dot(w: ArrayLike<number>, cols: number, r: number, v: ArrayLike<number>, vOffset = 0): number {
  let s = 0;
  for (let k = 0; k < cols; k++) s += w[r * cols + k] * v[vOffset + k];
  return s;
}

export interface RefOut {
  /** Every h_t, batch-major [B, T, H]. */
  hs: Float64Array;
  /** Final h and c, [B, H] (c only for LSTM). */
  h: Float64Array;
  c: Float64Array;
}

/**
 * f64 forward of one layer, h_0 = c_0 = 0 unless given. LSTM (PyTorch): [i, f, g, o] = σ, σ, tanh, σ of
 * W_ih x + b_ih + W_hh h + b_hh; c = f c + i g; h = o tanh(c). GRU: r, z = σ(…); resetAfter (PyTorch):
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)); original: n = tanh(W_in x + b_in + W_hn (r h) + b_hn);
 * h = (1 − z) n + z h. `brainVariant` (LSTM only): brain.js's cell, which has no separate cell state:
 * c = f h_prev + i g (the forget gate multiplies the previous OUTPUT), h = o tanh(c).
 */
export function reference(w: Weights, x: ArrayLike<number>, B: number, T: number,
  opts: { resetAfter?: boolean; brainVariant?: boolean; h0?: ArrayLike<number>; c0?: ArrayLike<number> } = {}): RefOut {
  const { H, I } = dims(w);
  const hs = new Float64Array(B * T * H);
  const hOut = new Float64Array(B * H), cOut = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H), c = new Float64Array(H);
    if (opts.h0) for (let j = 0; j < H; j++) h[j] = opts.h0[b * H + j];
    if (opts.c0) for (let j = 0; j < H; j++) c[j] = opts.c0[b * H + j];
    for (let t = 0; t < T; t++) {
      const xo = (b * T + t) * I;
      const hn = new Float64Array(H), cn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        if (w.cell === 'lstm') {
          const pre = (q: number): number => dot(w.wIh, I, q * H + j, x, xo) + w.bIh[q * H + j] + dot(w.wHh, H, q * H + j, h) + w.bHh[q * H + j];
          const i = sigmoid(pre(0)), f = sigmoid(pre(1)), g = Math.tanh(pre(2)), o = sigmoid(pre(3));
          cn[j] = f * (opts.brainVariant ? h[j] : c[j]) + i * g;
          hn[j] = o * Math.tanh(cn[j]);
        } else {
          const xPart = (q: number): number => dot(w.wIh, I, q * H + j, x, xo) + w.bIh[q * H + j];
          const r = sigmoid(xPart(0) + dot(w.wHh, H, j, h) + w.bHh[j]);
          const z = sigmoid(xPart(1) + dot(w.wHh, H, H + j, h) + w.bHh[H + j]);
          let n: number;
          if (opts.resetAfter) {
            n = Math.tanh(xPart(2) + r * (dot(w.wHh, H, 2 * H + j, h) + w.bHh[2 * H + j]));
          } else {
            // W_hn (r ⊙ h): needs every r_k, so computed below in a second pass.
            n = Number.NaN;
          }
          cn[j] = z; // z kept for the second pass
          hn[j] = n;
        }
      }
      if (w.cell === 'gru' && !opts.resetAfter) {
        const rh = new Float64Array(H);
        for (let k = 0; k < H; k++) rh[k] = sigmoid(dot(w.wIh, I, k, x, xo) + w.bIh[k] + dot(w.wHh, H, k, h) + w.bHh[k]) * h[k];
        for (let j = 0; j < H; j++) {
          hn[j] = Math.tanh(dot(w.wIh, I, 2 * H + j, x, xo) + w.bIh[2 * H + j] + dot(w.wHh, H, 2 * H + j, rh) + w.bHh[2 * H + j]);
        }
      }
      if (w.cell === 'gru') {
        for (let j = 0; j < H; j++) hn[j] = (1 - cn[j]) * hn[j] + cn[j] * h[j];
      } else {
        c = cn;
      }
      h = hn;
      hs.set(h, (b * T + t) * H);
    }
    hOut.set(h, b * H);
    cOut.set(c, b * H);
  }
  return { hs, h: hOut, c: cOut };
}

/** Row blocks of `a` (each `size` values) in the order `order`: reorders gates. */
export function blocks(a: Float32Array, size: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(a.length);
  order.forEach((from, to) => out.set(a.subarray(from * size, (from + 1) * size), to * size));
  return out;
}

/** [rows, cols] row-major → [cols, rows]: Keras stores kernels as inputs × units, PyTorch as units × inputs. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

export const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]);

/** PyTorch gate blocks → ONNX (LSTM i, o, f, c; GRU z, r, h) and → Keras (LSTM i, f, c, o; GRU z, r, h). */
const ONNX_ORDER = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn: [0] } as const;

/** Weights for the ONNX writer: the LSTM / GRU workloads' kinds, plus W4's SimpleRNN (ONNX op RNN, tanh). */
export type OnnxWeights = Omit<Weights, 'cell'> & { cell: Cell | 'rnn' };
const ONNX_OP = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' } as const;
const KERAS_ORDER = { lstm: [0, 1, 2, 3], gru: [1, 0, 2] } as const;

/** Keras / tfjs weights [kernel [I, G], recurrent_kernel [H, G], bias [G] = b_ih + b_hh], gates reordered. */
export function kerasWeights(w: Weights): { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array } {
  const order = KERAS_ORDER[w.cell];
  const { G, H, I } = dims(w);
  return {
    kernel: transpose(blocks(w.wIh, H * I, order), G, I),
    recurrent: transpose(blocks(w.wHh, H * H, order), G, H),
    bias: blocks(add(w.bIh, w.bHh), H, order),
  };
}

// ---------------------------------------------------------------------------------------------- recur

/** What recur runs: init() loads the relaxed-SIMD core exactly when relaxedSimdSupported() (src/wasm.ts). */
export const RECUR_INFO = `recur Sequential, ${relaxedSimdSupported() ? 'relaxed-SIMD core (fused multiply-add)' : 'plain SIMD core'}, 1 thread`;

/** recur's weights by name for a layer called `name` ('lstm' / 'gru'). */
export function recurWeights(w: Weights, name: string = w.cell): Record<string, Tensor> {
  const { G, H, I } = dims(w);
  return {
    [`${name}.weight_ih_l0`]: tensor(w.wIh, [G, I]),
    [`${name}.weight_hh_l0`]: tensor(w.wHh, [G, H]),
    [`${name}.bias_ih_l0`]: tensor(w.bIh, [G]),
    [`${name}.bias_hh_l0`]: tensor(w.bHh, [G]),
  };
}

/** recur: one recurrent layer returning every hidden state; run() = predict on the whole batch. */
export async function recurInfer(w: Weights, x: Float32Array, B: number, T: number, resetAfter = true): Promise<() => Float32Array> {
  await init();
  const layer = w.cell === 'lstm'
    ? layers.lstm({ units: H, returnSequences: true, inputShape: [T, I] })
    : layers.gru({ units: H, resetAfter, returnSequences: true, inputShape: [T, I] });
  const model = new Sequential({ seed: 1, layers: [layer] });
  model.setWeights(recurWeights(w));
  const input = tensor(x, [B, T, I]);
  return () => (model.predict(input, { batchSize: B }) as Tensor).data;
}

export { init, Sequential, layers, optimizers, tensor, type Tensor };

// ----------------------------------------------------------------------------------------------- tfjs

export type Tf = Awaited<ReturnType<typeof tfjsOn>>['tf'];
export type TfTensor = InstanceType<Tf['Tensor']>;

/** tf.layers.lstm / gru with the same weights; GRU is reset_after=False (the only variant tfjs 4.22 has). */
export function tfjsLayer(tf: Tf, w: Weights, args: Record<string, unknown>): ReturnType<Tf['layers']['lstm']> {
  // sigmoid, not tfjs's default hardSigmoid; zero initialisers because the weights are replaced (the
  // default orthogonal initialiser takes seconds at H = 128).
  const common = { units: dims(w).H, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros', ...args };
  return (w.cell === 'lstm' ? tf.layers.lstm(common as never) : tf.layers.gru({ ...common, resetAfter: false } as never)) as ReturnType<Tf['layers']['lstm']>;
}

export function setTfjsWeights(tf: Tf, layer: { setWeights(w: TfTensor[]): void }, w: Weights): void {
  const k = kerasWeights(w);
  const { G, H, I } = dims(w);
  layer.setWeights([tf.tensor2d(k.kernel, [I, G]), tf.tensor2d(k.recurrent, [H, G]), tf.tensor1d(k.bias)]);
}

/** tfjs layers model returning every hidden state; run() = model.predict + dataSync. */
export async function tfjsInfer(backend: 'cpu' | 'wasm', w: Weights, x: Float32Array, B: number, T: number): Promise<{ run: () => Float32Array; info: string }> {
  const { tf, info } = await tfjsOn(backend);
  const layer = tfjsLayer(tf, w, { returnSequences: true, inputShape: [T, I] });
  const model = tf.sequential({ layers: [layer] });
  setTfjsWeights(tf, layer, w);
  const input = tf.tensor3d(x, [B, T, I]);
  const run = (): Float32Array => {
    const y = model.predict(input) as TfTensor;
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return data;
  };
  return { run, info: `${info}, tf.layers.${w.cell}${w.cell === 'gru' ? ' (reset_after=False)' : ''} model.predict + dataSync` };
}

// ---------------------------------------------------------------------------------------- ONNX Runtime

type Ort = typeof import('onnxruntime-web');
type OrtTensor = InstanceType<Ort['Tensor']>;

/**
 * ONNX Runtime, Web (its wasm build, 1 thread) or Node (native, MLAS, 1 intra-op thread). Both packages
 * have the same InferenceSession / Tensor API; only the import differs.
 */
export async function ortOn(peer: 'ort-web' | 'ort-node'): Promise<{ ort: Ort; info: string }> {
  const require = createRequire(import.meta.url);
  if (peer === 'ort-web') {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const version = packageVersion(require.resolve('onnxruntime-web'));
    return { ort, info: `onnxruntime-web ${version}, executionProviders ['wasm'] (SIMD), numThreads 1` };
  }
  const ort = (await import('onnxruntime-node')) as unknown as Ort;
  const version = packageVersion(require.resolve('onnxruntime-node'));
  return { ort, info: `onnxruntime-node ${version}: NATIVE (x86-64 MLAS, not wasm), a ceiling; executionProviders ['cpu'], intraOpNumThreads 1` };
}

/** The version in the package.json above a resolved entry file (these packages do not export ./package.json). */
export function packageVersion(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

export async function ortSession(ort: Ort, peer: 'ort-web' | 'ort-node', bytes: Uint8Array): Promise<InstanceType<Ort['InferenceSession']>> {
  const options = peer === 'ort-web'
    ? { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }
    : { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 };
  return ort.InferenceSession.create(bytes, options as never);
}

/**
 * An ONNX model of one LSTM / GRU node with `w` as constant initializers. Inputs: X (batch-major
 * [B, T, I]; for B > 1 a Transpose to ONNX's time-major [T, B, I] and one back from Y [T, 1, B, H] to
 * [B, T, 1, H] are added, as torch.onnx.export of a batch_first layer does), and with `stateInputs`
 * initial_h / initial_c [1, B, H]. Outputs: Y, and with stateInputs Y_h / Y_c (for streaming).
 */
export function onnxRnn(w: OnnxWeights, B: number, T: number, opts: { resetAfter?: boolean; stateInputs?: boolean } = {}): Uint8Array {
  const order = ONNX_ORDER[w.cell];
  const G = order.length * H;
  const initializers: Initializer[] = [
    { name: 'W', dims: [1, G, I], data: blocks(w.wIh, H * I, order) },
    { name: 'R', dims: [1, G, H], data: blocks(w.wHh, H * H, order) },
    { name: 'B', dims: [1, 2 * G], data: Float32Array.of(...blocks(w.bIh, H, order), ...blocks(w.bHh, H, order)) },
  ];
  const batchMajor = B > 1;
  if (batchMajor && opts.stateInputs) throw new Error('onnxRnn: stateInputs is for batch 1 (streaming) only');
  const nodes: Node[] = [];
  const inputs = [{ name: 'X', dims: batchMajor ? [B, T, I] : [T, B, I] }];
  if (batchMajor) nodes.push({ op: 'Transpose', inputs: ['X'], outputs: ['X_tbi'], intLists: { perm: [1, 0, 2] } });
  const rnnInputs = [batchMajor ? 'X_tbi' : 'X', 'W', 'R', 'B'];
  const outputs = [{ name: 'Y', dims: batchMajor ? [B, T, 1, H] : [T, 1, B, H] }];
  const rnnOutputs = [batchMajor ? 'Y_t1bh' : 'Y'];
  if (opts.stateInputs) {
    // Streaming reads the final states only: Y is not computed (an empty output name).
    rnnOutputs[0] = '';
    outputs.pop();
    rnnInputs.push('', 'initial_h');
    inputs.push({ name: 'initial_h', dims: [1, B, H] });
    rnnOutputs.push('Y_h');
    outputs.push({ name: 'Y_h', dims: [1, B, H] });
    if (w.cell === 'lstm') {
      rnnInputs.push('initial_c');
      inputs.push({ name: 'initial_c', dims: [1, B, H] });
      rnnOutputs.push('Y_c');
      outputs.push({ name: 'Y_c', dims: [1, B, H] });
    }
  }
  nodes.push({
    op: ONNX_OP[w.cell], inputs: rnnInputs, outputs: rnnOutputs,
    ints: { hidden_size: H, ...(w.cell === 'gru' ? { linear_before_reset: opts.resetAfter ? 1 : 0 } : {}) },
  });
  if (batchMajor) nodes.push({ op: 'Transpose', inputs: ['Y_t1bh'], outputs: ['Y'], intLists: { perm: [2, 0, 1, 3] } });
  // With B = 1, time-major [T, 1, 1, H] and batch-major [1, T, 1, H] hold the same data in the same order.
  return onnxModel({ nodes, initializers, inputs, outputs });
}

/** ONNX Runtime inference of the whole batch; run() = session.run (input tensor in, Y's data out). */
export async function ortInfer(peer: 'ort-web' | 'ort-node', w: OnnxWeights, x: Float32Array, B: number, T: number, resetAfter = true): Promise<{ run: () => Promise<Float32Array>; info: string }> {
  const { ort, info } = await ortOn(peer);
  const session = await ortSession(ort, peer, onnxRnn(w, B, T, { resetAfter }));
  const run = async (): Promise<Float32Array> => {
    const out = await session.run({ X: new ort.Tensor('float32', x, B > 1 ? [B, T, I] : [T, B, I]) });
    return out.Y.data as Float32Array;
  };
  const op = w.cell === 'gru' ? `GRU linear_before_reset=${resetAfter ? 1 : 0}` : ONNX_OP[w.cell];
  return { run, info: `${info}; a one-op ONNX model (${op}${B > 1 ? ', between Transposes for batch-major data' : ''}) written in memory by bench/onnx.ts` };
}

export type { Ort, OrtTensor };

// --------------------------------------------------------------------------------------------- brain.js

/** The brain.js 1.6.1 matrices the bench reads and writes. */
export interface BrainMatrix { rows: number; columns: number; weights: Float32Array; deltas: Float32Array }
export interface BrainNet {
  initialize(): void;
  /** Binds one more time step's equation (run() refuses to start with none bound). */
  bindEquation(): void;
  run(input: Float32Array[]): Float32Array;
  train(data: number[][][], options: Record<string, unknown>): { error: number; iterations: number };
  /** recurrent.LSTM: one sequence of token ids: forward, BPTT and the update (train() calls it per sequence); its error. */
  trainPattern(ids: readonly number[], logErrorRate: true): number;
  initialLayerInputs: BrainMatrix[];
  model: {
    /** recurrent.LSTM (the text net) only: the input lookup table, one row per token id (0 = start / end). */
    input: BrainMatrix;
    hiddenLayers: Record<string, BrainMatrix>[];
    outputConnector: BrainMatrix;
    output: BrainMatrix;
    equationConnections: BrainMatrix[][];
    allMatrices: BrainMatrix[];
  };
}

export const BRAIN_LSTM = 'brain.js 1.6.1 recurrent.LSTMTimeStep: NOT the same algorithm: its "LSTM" cell has no separate cell state '
  + '(c_t = f ⊙ h_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t)), one sequence at a time (no batching), plain JS loops, '
  + 'plus its output layer (Dense H→outputSize) at every step and one extra step on a zero input after each run()';
export const BRAIN_GRU = 'brain.js 1.6.1 recurrent.GRUTimeStep: the original GRU (reset before the recurrent product, = Keras '
  + 'reset_after=False, one bias), one sequence at a time (no batching), plain JS loops, plus its output layer at every '
  + 'step and one extra step on a zero input after each run()';

/**
 * brain.js's LSTMTimeStep / GRUTimeStep with the same weights: per gate, the input matrix is the gate's
 * rows of w_ih, the hidden matrix its rows of w_hh, the bias b_ih + b_hh. The output layer (which W1–W3
 * do not have; brain.js always adds one) gets zeros.
 */
export async function brainNet(w: Weights, outputSize: number): Promise<BrainNet> {
  const net = new (await brainRecurrent())[w.cell === 'lstm' ? 'LSTMTimeStep' : 'GRUTimeStep']({ inputSize: I, hiddenLayers: [H], outputSize });
  net.initialize();
  net.bindEquation();
  setBrainWeights(net, w);
  net.model.outputConnector.weights.fill(0);
  net.model.output.weights.fill(0);
  return net;
}

/** brain.js's recurrent net classes (LSTM, LSTMTimeStep, GRUTimeStep, …). */
export async function brainRecurrent(): Promise<Record<string, new (o: object) => BrainNet>> {
  return ((await import('brain.js')).default as unknown as { recurrent: Record<string, new (o: object) => BrainNet> }).recurrent;
}

/** Hidden layer 0 of a brain.js LSTM / GRU net from `w`: per gate, its rows of w_ih, w_hh and b_ih + b_hh. */
export function setBrainWeights(net: BrainNet, w: Weights): void {
  const { H, I } = dims(w);
  const hidden = net.model.hiddenLayers[0];
  const gates = w.cell === 'lstm'
    ? [['inputMatrix', 'inputHidden', 'inputBias'], ['forgetMatrix', 'forgetHidden', 'forgetBias'],
      ['cellActivationMatrix', 'cellActivationHidden', 'cellActivationBias'], ['outputMatrix', 'outputHidden', 'outputBias']]
    : [['resetGateInputMatrix', 'resetGateHiddenMatrix', 'resetGateBias'], ['updateGateInputMatrix', 'updateGateHiddenMatrix', 'updateGateBias'],
      ['cellWriteInputMatrix', 'cellWriteHiddenMatrix', 'cellWriteBias']];
  const bias = add(w.bIh, w.bHh);
  gates.forEach(([input, rec, b], q) => {
    hidden[input].weights.set(w.wIh.subarray(q * H * I, (q + 1) * H * I));
    hidden[rec].weights.set(w.wHh.subarray(q * H * H, (q + 1) * H * H));
    hidden[b].weights.set(bias.subarray(q * H, (q + 1) * H));
  });
}

/** One sequence [T, I] as brain.js's input: one Float32Array per step. */
export function brainSequence(x: Float32Array, b: number, T: number): Float32Array[] {
  return Array.from({ length: T }, (_, t) => x.subarray((b * T + t) * I, (b * T + t + 1) * I));
}

/** Every hidden state of brain.js's last run(), [T, H] (its first T equations' hidden-layer outputs). */
export function brainHidden(net: BrainNet, T: number): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) out.set(net.model.equationConnections[t][0].weights, t * H);
  return out;
}

export function peerKind(peer: Peer): 'recur' | 'tfjs' | 'ort' | 'brain' {
  return peer === 'recur' ? 'recur' : peer.startsWith('tfjs') ? 'tfjs' : peer.startsWith('ort') ? 'ort' : 'brain';
}
