// Keras / TensorFlow.js weights in and out of a recur model.
//
// Keras keeps a layer's weights as a list in a fixed order (what `layer.get_weights()` in Python and
// `layer.getWeights()` in tfjs return); recur keeps PyTorch names and layouts. Per layer type:
//   SimpleRNN / LSTM / GRU  [kernel [I, G·H], recurrent_kernel [H, G·H], bias]  →  weight_ih_l0 = kernelᵀ,
//       weight_hh_l0 = recurrent_kernelᵀ. LSTM gate blocks i, f, c, o are PyTorch's i, f, g, o (same order);
//       GRU blocks z, r, h become r, z, n. Keras' single bias [G·H] becomes bias_ih (bias_hh = 0: PyTorch's
//       two biases only ever appear as their sum); a GRU with reset_after=True has bias [2, 3H]: row 0 (input
//       side) → bias_ih, row 1 (recurrent side, inside r ⊙ (…)) → bias_hh. Which GRU variant a Keras bias
//       belongs to shows in its shape, and must match the recur layer's `resetAfter`.
//   Bidirectional  the forward layer's list, then the backward layer's → the plain names, then `_reverse`.
//   Dense          [kernel [I, O], bias [O]] → weight [O, I] = kernelᵀ, bias.
//   Embedding      [embeddings [V, D]] → weight [V, D] (same layout).
// Layers without weights (InputLayer, Dropout, Masking, Flatten, …) are skipped on both sides, so the
// lists of a tfjs model's `layers` line up with a recur model built from the same layer stack.
//
// Typical use with TensorFlow.js: `loadKerasWeights(model, tfModel.layers)`; from Python, export
// `[{"className": l.__class__.__name__, "weights": [{"shape": w.shape, "data": w.ravel()} for w in
// l.get_weights()]} for l in model.layers]` as JSON. Options (activations, units, resetAfter, …) are not
// read from Keras: build the recur model with the same configuration; shapes are checked, with errors
// that name the layer and the weight.

import type { Sequential } from '../model.ts';
import { Recurrent, Dense, Embedding, type Layer } from '../layers/index.ts';
import { Tensor } from '../tensor.ts';

/** One Keras weight: a shape and its values in row-major (C) order, or a tfjs Tensor (anything with dataSync()). */
export type KerasArray =
  | { readonly shape: readonly number[]; readonly data: ArrayLike<number> }
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> };

/** One Keras layer: its weight list, optionally with its class name (checked against the recur layer). */
export interface KerasLayerWeights {
  readonly className?: string;
  readonly name?: string;
  readonly weights: readonly KerasArray[];
}

/** What the functions below take per layer: a weight list, a described layer, or a tfjs layer (getWeights()). */
export type KerasLayerLike =
  | readonly KerasArray[]
  | KerasLayerWeights
  | { getWeights(): readonly KerasArray[]; getClassName?(): string; readonly name?: string };

/** A converted Keras weight: float32 values with their Keras shape (`tf.tensor(w.data, w.shape)` rebuilds it). */
export interface KerasWeight {
  readonly shape: number[];
  readonly data: Float32Array;
}

// Keras class names (Python and tfjs spell them the same) accepted for each recur layer kind.
// TimeDistributed(Dense) holds exactly a Dense's weights.
const KERAS_CLASSES: Readonly<Record<string, readonly string[]>> = {
  simpleRNN: ['SimpleRNN'],
  lstm: ['LSTM'],
  gru: ['GRU'],
  bidirectional: ['Bidirectional'],
  dense: ['Dense', 'TimeDistributed'],
  embedding: ['Embedding'],
};

interface Normalised {
  readonly label: string;
  readonly className: string | undefined;
  readonly weights: readonly { readonly shape: readonly number[]; readonly data: Float32Array }[];
}

/**
 * Loads the weights of Keras layers (in model order; layers without weights are skipped) into `model`,
 * which must have the same stack of layers with weights. Everything is converted and checked before
 * anything is written: on error the model is unchanged.
 */
export function loadKerasWeights(model: Sequential, kerasLayers: readonly KerasLayerLike[]): void {
  model.setWeights(kerasWeightsToRecur(model, kerasLayers));
}

/** The recur weights (`<layer>.<param>` → Tensor, ready for model.setWeights) of a list of Keras layers. */
export function kerasWeightsToRecur(model: Sequential, kerasLayers: readonly KerasLayerLike[]): Record<string, Tensor> {
  if (!Array.isArray(kerasLayers)) throw new Error('kerasWeightsToRecur: kerasLayers must be an array (one entry per Keras layer, in model order)');
  model.requirePlanned();
  const targets = model.layers.filter((layer) => layer.paramSpecs().length > 0);
  const sources = kerasLayers.map((entry, i) => normalise(entry, i)).filter((s) => s.weights.length > 0);
  if (sources.length !== targets.length) {
    throw new Error(`Keras weights are for ${sources.length} layers with weights (${sources.map((s) => s.label).join(', ') || 'none'}), ` +
      `the model has ${targets.length} (${targets.map((l) => `${l.name} (${l.kind})`).join(', ') || 'none'})`);
  }
  const out: Record<string, Tensor> = {};
  targets.forEach((layer, i) => {
    for (const [param, t] of Object.entries(convertLayer(layer, sources[i]))) out[`${layer.name}.${param}`] = t;
  });
  return out;
}

/**
 * One layer's conversion: the recur parameters (names without the layer prefix) of `layer` from a Keras
 * weight list. For use with models that are not a plain stack, or one layer at a time.
 */
export function kerasLayerToRecur(layer: Layer, keras: KerasLayerLike): Record<string, Tensor> {
  return convertLayer(layer, normalise(keras, 0));
}

/**
 * The inverse: the model's weights as Keras weight lists, one per layer with weights, in model order
 * (`tfLayer.setWeights(list.map((w) => tf.tensor(w.data, w.shape)))` loads one into tfjs). PyTorch's two
 * biases are summed into Keras' one, except for a GRU with resetAfter (Keras reset_after=True, bias [2, 3H]).
 */
export function recurWeightsToKeras(model: Sequential): KerasWeight[][] {
  const weights = model.getWeights();
  return model.layers.filter((layer) => layer.paramSpecs().length > 0).map((layer) => {
    const param = (name: string): Tensor | undefined => weights[`${layer.name}.${name}`];
    if (layer instanceof Recurrent) {
      const suffixes = layer.mergeMode ? ['', '_reverse'] : [''];
      return suffixes.flatMap((suffix) => recurrentToKeras(layer, (name) => param(`${name}_l0${suffix}`)));
    }
    if (layer instanceof Dense) {
      const w = param('weight') as Tensor;
      const b = param('bias');
      return [{ shape: [w.shape[1], w.shape[0]], data: transpose(w.data, w.shape[0], w.shape[1]) },
        ...(b ? [{ shape: [b.shape[0]], data: b.data.slice() }] : [])];
    }
    if (layer instanceof Embedding) {
      const w = param('weight') as Tensor;
      return [{ shape: [...w.shape], data: w.data.slice() }];
    }
    throw new Error(`recurWeightsToKeras: layer ${layer.name} (${layer.kind}) has no Keras equivalent`);
  });
}

// ---------------------------------------------------------------------------------------------------

function normalise(entry: KerasLayerLike, index: number): Normalised {
  if (entry === null || typeof entry !== 'object') throw new Error(`Keras layer ${index}: expected a weight list, { className, weights } or a tfjs layer, got ${entry === null ? 'null' : typeof entry}`);
  let list: readonly KerasArray[];
  let className: string | undefined;
  let name: string | undefined;
  if (Array.isArray(entry)) {
    list = entry;
  } else if ('getWeights' in entry && typeof entry.getWeights === 'function') {
    list = entry.getWeights();
    className = typeof entry.getClassName === 'function' ? entry.getClassName() : undefined;
    name = entry.name;
  } else if ('weights' in entry && Array.isArray(entry.weights)) {
    list = entry.weights;
    className = entry.className;
    name = entry.name;
  } else {
    throw new Error(`Keras layer ${index}: expected a weight list, { className, weights } or a tfjs layer (with getWeights())`);
  }
  const label = `Keras layer ${index}${className || name ? ` (${[className, name && `"${name}"`].filter(Boolean).join(' ')})` : ''}`;
  const weights = list.map((w, j) => {
    if (!w || typeof w !== 'object' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${label} weight ${j}: expected { shape: number[], data } or a tfjs Tensor`);
    }
    const raw = 'dataSync' in w && typeof w.dataSync === 'function' ? w.dataSync() : (w as { data: ArrayLike<number> }).data;
    if (!raw || typeof raw.length !== 'number') throw new Error(`${label} weight ${j}: data must be an array of numbers`);
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (raw.length !== size) throw new Error(`${label} weight ${j}: shape [${w.shape.join(', ')}] needs ${size} values, data has ${raw.length}`);
    return { shape: w.shape, data: raw instanceof Float32Array ? raw : Float32Array.from(raw) };
  });
  return { label, className, weights };
}

function convertLayer(layer: Layer, source: Normalised): Record<string, Tensor> {
  const where = `${source.label} → recur layer "${layer.name}" (${layer.kind})`;
  const accepted = KERAS_CLASSES[layer.kind];
  if (!accepted) throw new Error(`${where}: recur layers of kind ${layer.kind} have no Keras weights`);
  if (source.className !== undefined && !accepted.includes(source.className)) {
    throw new Error(`${where}: a Keras ${source.className} layer cannot load into a recur ${layer.kind} layer (expected ${accepted.join(' or ')})`);
  }
  const w = source.weights;
  if (layer instanceof Recurrent) {
    const per = layer.useBias ? 3 : 2;
    const directions = layer.mergeMode ? 2 : 1;
    expectCount(where, w.length, per * directions,
      `${directions === 2 ? 'forward then backward: ' : ''}kernel, recurrent_kernel${layer.useBias ? ', bias' : ''}${directions === 2 ? ' (each)' : ''}`);
    const out: Record<string, Tensor> = {};
    for (let d = 0; d < directions; d++) {
      const suffix = d === 0 ? '' : '_reverse';
      const label = directions === 2 ? `${where} ${d === 0 ? 'forward' : 'backward'} layer` : where;
      const converted = recurrentFromKeras(layer, w.slice(d * per, (d + 1) * per), label);
      for (const [name, t] of Object.entries(converted)) out[`${name}_l0${suffix}`] = t;
    }
    return out;
  }
  if (layer instanceof Dense) {
    const I = layer.input.features;
    const O = layer.units;
    expectCount(where, w.length, layer.useBias ? 2 : 1, layer.useBias ? 'kernel, bias' : 'kernel');
    expectShape(where, 'kernel', w[0].shape, [I, O]);
    const out: Record<string, Tensor> = { weight: new Tensor(transpose(w[0].data, I, O), [O, I]) };
    if (layer.useBias) {
      expectShape(where, 'bias', w[1].shape, [O]);
      out.bias = new Tensor(w[1].data.slice(), [O]);
    }
    return out;
  }
  if (layer instanceof Embedding) {
    expectCount(where, w.length, 1, 'embeddings');
    expectShape(where, 'embeddings', w[0].shape, [layer.inputDim, layer.outputDim]);
    return { weight: new Tensor(w[0].data.slice(), [layer.inputDim, layer.outputDim]) };
  }
  throw new Error(`${where}: unsupported layer`);
}

/** One direction: weight_ih, weight_hh, bias_ih, bias_hh (without the `_l0` suffix) from [kernel, recurrent_kernel, bias?]. */
function recurrentFromKeras(layer: Recurrent, w: readonly { shape: readonly number[]; data: Float32Array }[], where: string): Record<string, Tensor> {
  const H = layer.units;
  const G = layer.cell.gates;
  const I = layer.input.features;
  const gru = layer.cellKind === 'gru';
  expectShape(where, 'kernel', w[0].shape, [I, G * H]);
  expectShape(where, 'recurrent_kernel', w[1].shape, [H, G * H]);
  // Rows of the transposed kernels are gate blocks of H; a GRU's are reordered from Keras z, r, h.
  const order = gru ? GRU_FROM_KERAS : identity(G);
  const out: Record<string, Tensor> = {
    weight_ih: new Tensor(reorderRows(transpose(w[0].data, I, G * H), order, H, I), [G * H, I]),
    weight_hh: new Tensor(reorderRows(transpose(w[1].data, H, G * H), order, H, H), [G * H, H]),
  };
  if (!layer.useBias) return out;
  const bias = w[2];
  const twoRows = bias.shape.length === 2 && bias.shape[0] === 2 && bias.shape[1] === G * H;
  if (gru && layer.resetAfter && !twoRows) {
    throw new Error(`${where}: bias has shape [${bias.shape.join(', ')}], but a GRU with resetAfter: true (Keras reset_after=True) has bias [2, ${G * H}]` +
      (sameShape(bias.shape, [G * H]) ? ' — this looks like a Keras reset_after=False GRU (tfjs GRUs are): build the recur layer with resetAfter: false' : ''));
  }
  if (gru && !layer.resetAfter && !sameShape(bias.shape, [G * H])) {
    throw new Error(`${where}: bias has shape [${bias.shape.join(', ')}], but a GRU with resetAfter: false (Keras reset_after=False) has bias [${G * H}]` +
      (twoRows ? ' — this looks like a Keras reset_after=True GRU (the Keras 2.4+ default): build the recur layer with resetAfter: true' : ''));
  }
  if (!gru) expectShape(where, 'bias', bias.shape, [G * H]);
  const input = twoRows ? bias.data.subarray(0, G * H) : bias.data;
  const recurrent = twoRows ? bias.data.subarray(G * H, 2 * G * H) : new Float32Array(G * H);
  out.bias_ih = new Tensor(reorderRows(input, order, H, 1), [G * H]);
  out.bias_hh = new Tensor(reorderRows(recurrent, order, H, 1), [G * H]);
  return out;
}

/** One direction's [kernel, recurrent_kernel, bias?] in Keras layout from recur's tensors. */
function recurrentToKeras(layer: Recurrent, param: (name: string) => Tensor | undefined): KerasWeight[] {
  const H = layer.units;
  const G = layer.cell.gates;
  const I = layer.input.features;
  const gru = layer.cellKind === 'gru';
  const order = gru ? GRU_TO_KERAS : identity(G);
  const wIh = param('weight_ih') as Tensor;
  const wHh = param('weight_hh') as Tensor;
  const out: KerasWeight[] = [
    { shape: [I, G * H], data: transpose(reorderRows(wIh.data, order, H, I), G * H, I) },
    { shape: [H, G * H], data: transpose(reorderRows(wHh.data, order, H, H), G * H, H) },
  ];
  const bIh = param('bias_ih');
  const bHh = param('bias_hh');
  if (!bIh || !bHh) return out;
  if (gru && layer.resetAfter) {
    const data = new Float32Array(2 * G * H);
    data.set(reorderRows(bIh.data, order, H, 1), 0);
    data.set(reorderRows(bHh.data, order, H, 1), G * H);
    out.push({ shape: [2, G * H], data });
  } else {
    // Both biases enter every gate as a plain sum (also the candidate of the reset-before GRU).
    const sum = Float32Array.from(bIh.data, (v, i) => v + bHh.data[i]);
    out.push({ shape: [G * H], data: reorderRows(sum, order, H, 1) });
  }
  return out;
}

// Block j of recur's GRU (r, z, n) is block GRU_FROM_KERAS[j] of Keras' (z, r, h), and back.
const GRU_FROM_KERAS = [1, 0, 2];
const GRU_TO_KERAS = [1, 0, 2];

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Output block j (H rows of `cols`) = input block order[j]. */
function reorderRows(data: Float32Array, order: readonly number[], H: number, cols: number): Float32Array {
  const out = new Float32Array(order.length * H * cols);
  const block = H * cols;
  order.forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

/** [rows, cols] → [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function expectShape(where: string, what: string, got: readonly number[], want: readonly number[]): void {
  if (!sameShape(got, want)) throw new Error(`${where}: ${what} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
}

function expectCount(where: string, got: number, want: number, names: string): void {
  if (got !== want) throw new Error(`${where}: has ${got} weights, expected ${want} (${names})`);
}
