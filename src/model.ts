// Sequential: a stack of layers with its memory plan, forward and backward over a batch, predict,
// evaluate, weights by name, and disposal. The training loop (fit) lives in train/fit.ts; the model file
// in io/model-file.ts.
//
// Memory (all in the core's linear memory, planned here):
//   params  one block, every tensor 16-byte aligned (layout.ts); grads and optimizer state mirror it;
//   workspace  per (B, T): the time-major input, sequence lengths, each layer's initial states, output,
//              scratch (BPTT caches) and output gradient, the targets and the predictions (and compact
//              copies of the real rows when padded sequences meet a per-step loss); reallocated only when
//              a bigger batch comes;
//   streams    the carried states of stateful layers and of predictStep, [B, H] per state.

import { core, type Core } from './wasm.ts';
import { ParamLayout } from './layout.ts';
import { Layer, type FeatureShape, type LayerCall } from './layers/layer.ts';
import { Recurrent } from './layers/recurrent.ts';
import { Dense } from './layers/dense.ts';
import { Embedding } from './layers/embedding.ts';
import { Masking } from './layers/masking.ts';
import { featureShape } from './layers/input-shape.ts';
import { checkData, range, scatterTimeMajor, gatherBatchMajor, validRows, gatherRows, scatterRows, type Data, type DataSpec } from './data.ts';
import { initialize, initKernelsOn } from './initializers.ts';
import { Rng } from './random.ts';
import { Tensor, toTensor, type TensorLike } from './tensor.ts';
import { checkFinite } from './finite.ts';
import { checkOptions, integer, identifier } from './options.ts';
import { makeLoss, LOSSES, type Loss, type LossName } from './train/losses.ts';
import { makeOptimizer, type Optimizer } from './train/optimizers.ts';
import { METRICS, checkMetric, metricSum, type MetricName } from './train/metrics.ts';
import { accumulate, logs, type BatchResult } from './train/results.ts';
import { fit, type FitOptions, type History } from './train/fit.ts';
import { threadCount, startWorkers, parallelGradients, type Workers } from './train/threads.ts';

export interface SequentialOptions {
  layers?: Layer[];
  /** Seed of every random draw of this model (weight init, shuffling). Default 42. */
  seed?: number;
  name?: string;
}

export interface CompileOptions {
  optimizer: unknown;
  loss: LossName;
  metrics?: MetricName[];
}

/** Training configuration set by compile(). */
export interface Training {
  readonly loss: Loss;
  readonly metrics: readonly MetricName[];
  readonly optimizer: Optimizer;
  /** Optimizer state blocks (same layout as params), in optimizer.stateNames order. */
  readonly state: readonly number[];
}

export type { Data };

/** Options of predict and predictWithState. */
export interface PredictOptions {
  batchSize?: number;
  /** Per-sample sequence lengths (trailing steps beyond a sample's length are padding). */
  lengths?: ArrayLike<number>;
  /** Initial states by name (`<layer>.h`, `<layer>.c`, …, as getStates() names them), [samples, units] each; missing ones start at zero. */
  initialState?: Record<string, TensorLike>;
}

interface Built {
  readonly layout: ParamLayout;
  readonly params: number;
  readonly grads: number;
  /** Packed copies of the weights forward multiplies as x·Wᵀ (0 when none); refreshed whenever params change. */
  readonly packed: number;
  /** Per layer: its tensors' addresses in the params, grads and packed blocks, by parameter name. */
  readonly addresses: readonly { params: Record<string, number>; grads: Record<string, number>; packed: Record<string, number> }[];
}

interface Workspace {
  readonly ptr: number;
  readonly floats: number;
}

/** Offsets (bytes) of one batch's buffers inside the workspace. */
interface Plan {
  readonly floats: number;
  readonly input: number;
  readonly lengths: number;
  readonly layers: readonly { states: number; output: number; scratch: number; grad: number }[];
  readonly targets: number;
  readonly pred: number;
  /** Compact real rows of the head (output, targets, predictions, gradient) for a masked per-step loss. */
  readonly compact: { readonly out: number; readonly targets: number; readonly pred: number; readonly grad: number } | undefined;
}

/** Carried states (stateful layers, predictStep): per layer, one block of stateNames × [B, H], or 0. */
interface Streams {
  readonly B: number;
  readonly blocks: number[];
}

/** How a forward pass gets its initial states: none (zeros), the carried streams, or user tensors. */
type Initial = { kind: 'zeros' } | { kind: 'streams'; layers: 'stateful' | 'all' } | { kind: 'given'; states: Map<string, Tensor>; start: number };

const DEFAULT_SEED = 42;

export class Sequential {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** The input shape the model was built for: [steps | null, features] or [features]. */
  modelInputShape: readonly (number | null)[] | undefined;
  /** Application strings saved with the model file (e.g. a vocabulary); restored by loadModel. */
  readonly metadata: Record<string, string> = {};
  /** Set to true from a callback to stop fit() after the current batch. */
  stopTraining = false;
  /** The shuffling stream; its state is saved with the model so training resumes identically. */
  readonly rng: Rng;
  private builtState: Built | undefined;
  /** Names of the parameter tensors not yet given their initial values (see build). */
  private uninitialized = new Set<string>();
  private workspace: Workspace | undefined;
  private streams: Streams | undefined;
  private trainingState: Training | undefined;
  /** trainOnBatch's worker threads (threads > 1), kept between calls with the same thread count. */
  private batchWorkers: Workers | undefined;
  private disposed = false;
  private readonly core: Core;

  constructor(options: SequentialOptions = {}) {
    const o = checkOptions(options, ['layers', 'seed', 'name'], 'new Sequential');
    this.core = core();
    this.seed = o.seed === undefined ? DEFAULT_SEED : integer(o.seed, 'new Sequential seed', undefined, 0);
    this.name = identifier(o.name, 'new Sequential name') ?? 'sequential';
    this.rng = new Rng(this.seed).derive(0);
    if (o.layers !== undefined) {
      if (!Array.isArray(o.layers)) throw new Error('new Sequential: layers must be an array of layers');
      for (const layer of o.layers) this.add(layer);
    }
  }

  /** Appends a layer (before the model is built). */
  add(layer: Layer): this {
    this.checkAlive();
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add expects a layer (layers.simpleRNN(...), layers.dense(...)), got ${typeof layer}`);
    if (this.builtState) throw new Error('Sequential.add: the model is already built; add layers before build/compile/predict');
    if (this.layers.includes(layer)) throw new Error(`Sequential.add: layer ${layer.name ?? layer.kind} is already in this model`);
    if (this.layers.length > 0 && layer.inputShape) throw new Error(`Sequential.add: only the first layer takes inputShape (layer ${this.layers.length} has one)`);
    if (this.layers.length > 0 && (layer instanceof Embedding || layer instanceof Masking)) throw new Error(`Sequential.add: ${layer.kind} must be the first layer`);
    this.layers.push(layer);
    return this;
  }

  /**
   * Plans and initialises parameters for inputs of shape [steps | null, features] (sequences) or
   * [features] (vectors). Without an argument, uses the first layer's inputShape.
   */
  build(inputShape?: readonly (number | null)[]): this {
    this.checkAlive();
    if (this.builtState) return this;
    if (this.layers.length === 0) throw new Error('Sequential.build: the model has no layers');
    const shape = inputShape ?? this.layers[0].inputShape;
    if (!shape) {
      throw new Error('the model is not built: give the first layer an inputShape ([steps, features]) or call model.build([steps, features]) first');
    }
    let current: FeatureShape = this.layers[0] instanceof Embedding ? { sequence: true, features: 1, tokens: true } : featureShape(shape);
    const names = new Set<string>();
    const counts = new Map<string, number>();
    this.layers.forEach((layer, i) => {
      try {
        current = layer.build(current);
      } catch (error) {
        throw new Error(`layer ${i} (${layer.kind}): ${(error as Error).message}`);
      }
      if (layer instanceof Recurrent && layer.returnState && i !== this.layers.length - 1) {
        throw new Error(`layer ${i} (${layer.kind}): returnState is only supported on the last layer of a Sequential model`);
      }
      if (layer instanceof Recurrent && layer.stateful && layer.mergeMode) {
        throw new Error(`layer ${i} (bidirectional): a bidirectional layer cannot be stateful (its backward direction needs the whole sequence)`);
      }
      if (!layer.name) {
        const base = layer.defaultName;
        const n = counts.get(base) ?? 0;
        counts.set(base, n + 1);
        layer.name = n === 0 ? base : `${base}_${n}`;
      }
      if (names.has(layer.name)) throw new Error(`two layers are named "${layer.name}": layer names must be unique`);
      names.add(layer.name);
    });
    this.modelInputShape = Object.freeze([...shape]);
    const layout = new ParamLayout(this.layers.map((layer) => ({ name: layer.name as string, specs: layer.paramSpecs() })));
    const params = this.allocZeroed(layout.totalFloats);
    const grads = this.allocZeroed(layout.totalFloats);
    const packed = layout.packedFloats > 0 ? this.allocZeroed(layout.packedFloats) : 0;
    const addresses = this.layers.map((_, i) => ({
      params: layout.addresses(params, i), grads: layout.addresses(grads, i), packed: packed ? layout.packedAddresses(packed, i) : {},
    }));
    this.builtState = { layout, params, grads, packed, addresses };
    // Initial values are drawn on first use, not here: a model whose weights are then set or loaded (the
    // usual way to serve a trained model) never pays for them (the orthogonal QR of a 4H×H recurrent
    // kernel is most of a cold start). Each tensor draws from its own stream, so the values do not depend
    // on when, or whether, the others are drawn.
    this.uninitialized = new Set(layout.slots.map((slot) => slot.name));
    return this;
  }

  /** Draws the initial values of the tensors nothing has set yet, then refreshes the packed copies. */
  private initializePending(built: Built): void {
    if (this.uninitialized.size === 0) return;
    const kernels = initKernelsOn(this.core);
    built.layout.slots.forEach((slot, index) => {
      if (!this.uninitialized.has(slot.name)) return;
      const rows = slot.shape[0];
      const cols = slot.shape.length > 1 ? slot.shape[1] : 1;
      // Drawn outside core memory: the init kernels' blocks may grow it, which detaches every view.
      const values = new Float32Array(slot.size);
      initialize(slot.init, values, rows, cols, new Rng(this.seed).derive(index + 1), kernels);
      slot.after?.(values);
      this.core.heap.f32().set(values, (built.params >> 2) + slot.offset);
    });
    this.uninitialized.clear();
    this.repack(built);
  }

  get built(): boolean {
    return this.builtState !== undefined;
  }

  /** Sets the loss, optimizer and metrics used by fit/evaluate (and allocates optimizer state). */
  compile(options: CompileOptions): this {
    this.checkAlive();
    const o = checkOptions(options, ['optimizer', 'loss', 'metrics'], 'Sequential.compile');
    if (o.loss === undefined) throw new Error(`Sequential.compile: loss is required (one of: ${LOSSES.join(', ')})`);
    if (!LOSSES.includes(o.loss as LossName)) throw new Error(`Sequential.compile: unknown loss ${JSON.stringify(o.loss)} (expected one of: ${LOSSES.join(', ')})`);
    const loss = makeLoss(o.loss as LossName);
    const metrics = (o.metrics ?? []) as unknown[];
    if (!Array.isArray(metrics)) throw new Error('Sequential.compile: metrics must be an array of names');
    for (const m of metrics) {
      if (!METRICS.includes(m as MetricName)) throw new Error(`Sequential.compile: unknown metric ${JSON.stringify(m)} (expected one of: ${METRICS.join(', ')})`);
      checkMetric(m as MetricName, loss.name);
    }
    const optimizer = makeOptimizer(o.optimizer ?? 'adam');
    const { built } = this.requireBuilt();
    const head = this.layers[this.layers.length - 1];
    loss.checkHead(head instanceof Dense ? head.activation : undefined, head.output.features);
    // The workers' copies of the model were compiled with the old loss and metrics.
    this.stopBatchWorkers();
    this.releaseTraining();
    const state = optimizer.stateNames.map(() => this.allocZeroed(built.layout.totalFloats));
    this.trainingState = { loss, metrics: metrics as MetricName[], optimizer, state };
    return this;
  }

  get training(): Training | undefined {
    return this.trainingState;
  }

  /** Total number of parameters. */
  countParams(): number {
    return this.requirePlanned().built.layout.count;
  }

  /**
   * Runs the model on x ([samples, steps, features], [samples, features], or [samples, steps] token ids)
   * in batches. Padded steps (beyond a sample's length) of a sequence output are zero.
   */
  predict(x: TensorLike, options: PredictOptions = {}): Tensor {
    return this.run(x, options, 'predict').output;
  }

  /**
   * Like predict, for a model whose last layer has returnState: returns [output, ...final states] (for
   * LSTM h then c; for a bidirectional layer the forward states then the backward ones), as Keras does.
   */
  predictWithState(x: TensorLike, options: PredictOptions = {}): Tensor[] {
    const head = this.layers[this.layers.length - 1];
    if (!(head instanceof Recurrent && head.returnState)) throw new Error('predictWithState needs a last layer with returnState: true');
    const { output, states } = this.run(x, options, 'predictWithState');
    return [output, ...states];
  }

  /**
   * Streaming inference: runs x ([B, features] for one step, or [B, steps, features] for a chunk; token ids
   * [B] or [B, steps]) starting from the carried states of every recurrent layer, and carries the final
   * states on to the next call. Outputs equal those of one predict() over the whole sequence.
   * getStates / setStates / resetStates read, write and clear the carried states.
   */
  predictStep(x: TensorLike): Tensor {
    this.requireBuilt();
    if (this.layers.some((l) => l instanceof Recurrent && l.mergeMode)) throw new Error('predictStep cannot run a bidirectional layer one step at a time (its backward direction needs the whole sequence)');
    const input = this.layers[0].input;
    let t = toTensor(x, 'x');
    const single = input.sequence && t.rank === (input.tokens ? 1 : 2);
    if (single) t = new Tensor(t.data, [t.shape[0], 1, ...t.shape.slice(1)]);
    const { output } = this.run(t, { batchSize: t.shape[0] }, 'predictStep', { kind: 'streams', layers: 'all' });
    const head = this.layers[this.layers.length - 1].output;
    return single && head.sequence ? new Tensor(output.data, [output.shape[0], ...output.shape.slice(2)]) : output;
  }

  /** The carried states (of stateful layers and predictStep) by name: `<layer>.h`, `<layer>.c`, … each [B, units]. */
  getStates(): Record<string, Tensor> {
    this.checkAlive();
    const out: Record<string, Tensor> = {};
    const streams = this.streams;
    this.layers.forEach((layer, i) => {
      const names = layer.stateNames();
      const n = streams ? layer.stateFloats(streams.B) : 0;
      names.forEach((state, s) => {
        const block = streams?.blocks[i] ?? 0;
        const rows = streams?.B ?? 0;
        const data = block ? this.core.heap.f32().slice((block >> 2) + s * n, (block >> 2) + (s + 1) * n) : new Float32Array(0);
        out[`${layer.name}.${state}`] = new Tensor(data, [rows, rows ? n / rows : 0]);
      });
    });
    return out;
  }

  /** Sets carried states by name (all [B, units] with one B); states not named start at zero. Checked before anything changes. */
  setStates(states: Record<string, TensorLike>): void {
    this.checkAlive();
    this.requireBuilt();
    const given = this.checkStates(states, undefined);
    const B = given.size > 0 ? [...given.values()][0].shape[0] : 0;
    if (B === 0) { this.resetStates(); return; }
    this.ensureStreams(B, true);
    const streams = this.streams as Streams;
    const view = this.core.heap.f32();
    this.layers.forEach((layer, i) => {
      const n = layer.stateFloats(B);
      layer.stateNames().forEach((state, s) => {
        const t = given.get(`${layer.name}.${state}`);
        if (t) view.set(t.data, (streams.blocks[i] >> 2) + s * n);
      });
    });
  }

  /** Clears the carried states: the next stateful predict / predictStep starts from zeros. */
  resetStates(): void {
    this.checkAlive();
    this.freeStreams();
  }

  private run(x: TensorLike, options: PredictOptions, where: string, initial?: Initial): { output: Tensor; states: Tensor[] } {
    this.requireBuilt();
    const o = checkOptions(options, ['batchSize', 'lengths', 'initialState'], `Sequential.${where}`);
    const batchSize = integer(o.batchSize, `${where} batchSize`, 32);
    const data = checkData(this.dataSpec(), x, undefined, o.lengths as ArrayLike<number> | undefined);
    const stateful = this.layers.some((l) => l instanceof Recurrent && l.stateful);
    const given = o.initialState === undefined ? undefined : this.checkStates(o.initialState as Record<string, TensorLike>, data.samples);
    if (given && (stateful || initial)) throw new Error(`${where}: initialState cannot be combined with carried states (stateful layers or predictStep); use setStates()`);
    const mode: Initial = initial ?? (given ? { kind: 'given', states: given, start: 0 } : stateful ? { kind: 'streams', layers: 'stateful' } : { kind: 'zeros' });
    if (mode.kind === 'streams' && data.lengths) throw new Error(`${where}: carried states and padded sequences (lengths) cannot be combined`);
    const last = this.layers.length - 1;
    const head = this.layers[last];
    const outShape = head.output;
    const T = data.steps;
    const width = outShape.features;
    const out = new Float32Array(data.samples * (outShape.sequence ? T * width : width));
    const stateNames = where === 'predictWithState' ? head.stateNames() : [];
    const stateWidth = head instanceof Recurrent ? head.units : 0;
    const finals = stateNames.map(() => new Float32Array(data.samples * stateWidth));
    for (let start = 0; start < data.samples; start += batchSize) {
      const B = Math.min(batchSize, data.samples - start);
      if (mode.kind === 'streams') this.ensureStreams(B, false);
      const plan = this.loadBatch(data, range(start, B));
      const initialStates = this.loadInitialStates(plan, B, mode.kind === 'given' ? { ...mode, start } : mode);
      const outputs = this.forward(plan, B, T, false, initialStates);
      const view = this.core.heap.f32();
      gatherBatchMajor(view, outputs[last] >> 2, out, start, B, outShape.sequence ? T : 1, width);
      if (finals.length > 0) {
        const headFinals = head.finalStates(this.call(last, plan, B, T, initialStates[last]));
        finals.forEach((f, s) => gatherBatchMajor(view, headFinals[s] >> 2, f, start, B, 1, stateWidth));
      }
      if (mode.kind === 'streams') this.saveStreams(plan, B, T, initialStates, mode.layers);
    }
    if (data.lengths && outShape.sequence) zeroPadding(out, data.lengths, T, width);
    const output = new Tensor(out, outShape.sequence ? [data.samples, T, width] : [data.samples, width]);
    return { output, states: finals.map((f) => new Tensor(f, [data.samples, stateWidth])) };
  }

  /** Mean loss and metrics of the compiled model on (x, y). */
  evaluate(x: TensorLike, y: TensorLike, options: { batchSize?: number; lengths?: ArrayLike<number> } = {}): Record<string, number> {
    this.checkAlive();
    const o = checkOptions(options, ['batchSize', 'lengths'], 'Sequential.evaluate');
    const batchSize = integer(o.batchSize, 'evaluate batchSize', 32);
    const training = this.requireTraining('evaluate');
    const data = this.checkData(x, y, o.lengths as ArrayLike<number> | undefined);
    return this.evaluateData(data, range(0, data.samples), batchSize, training);
  }

  /** Trains on (x, y) for `epochs` epochs of shuffled mini-batches; resolves to the per-epoch history. */
  fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    this.checkAlive();
    return fit(this, x, y, options);
  }

  /**
   * One optimizer step on one batch (x, y); returns the batch's loss and metrics before the step. With
   * `threads` > 1 (Node), the batch is split across that many threads, whose workers stay up for the next
   * call with the same count, until compile() or dispose() (they never keep the process alive).
   */
  trainOnBatch(x: TensorLike, y: TensorLike, options: { lengths?: ArrayLike<number>; threads?: number } = {}): Record<string, number> {
    this.checkAlive();
    const o = checkOptions(options, ['lengths', 'threads'], 'Sequential.trainOnBatch');
    const threads = threadCount(o.threads, 'trainOnBatch');
    const training = this.requireTraining('trainOnBatch');
    const data = this.checkData(x, y, o.lengths as ArrayLike<number> | undefined);
    if (threads === 1) return logs(this.trainBatch(data, range(0, data.samples)), training, '');
    if (this.batchWorkers?.count !== threads - 1) {
      this.stopBatchWorkers();
      this.batchWorkers = startWorkers(this, threads, 'trainOnBatch');
    }
    try {
      this.batchWorkers.load(data);
      return logs(this.trainBatch(data, range(0, data.samples), this.batchWorkers), training, '');
    } catch (error) {
      // A worker that failed may be mid-step: start afresh next time.
      this.stopBatchWorkers();
      throw error;
    }
  }

  private stopBatchWorkers(): void {
    void this.batchWorkers?.close();
    this.batchWorkers = undefined;
  }

  /** @internal Loss and metrics over the samples `indices` of checked data, in batches, without training. */
  evaluateData(data: Data, indices: Int32Array, batchSize: number, training: Training, prefix = ''): Record<string, number> {
    const total: BatchResult = { lossSum: 0, rows: 0, metrics: training.metrics.map(() => ({ sum: 0, count: 0 })) };
    for (let start = 0; start < indices.length; start += batchSize) {
      const batch = indices.subarray(start, Math.min(indices.length, start + batchSize));
      accumulate(total, this.computeBatch(data, batch, false));
    }
    return logs(total, training, prefix);
  }

  /**
   * @internal Forward + loss (+ backward into the gradient block when `train`) on the samples `indices`
   * of checked data. Loss and metrics come back as sums over the batch (see train/results.ts). Training
   * threads run this on their shards; trainBatch takes the step.
   */
  computeBatch(data: Data, indices: Int32Array, train: boolean): BatchResult {
    const training = this.requireTraining('training');
    const { built } = this.requireBuilt();
    const { kernels: k } = this.core;
    const B = indices.length;
    const T = data.steps;
    const plan = this.loadBatch(data, indices);
    const base = this.workspaceBase();
    const fused = training.loss.fused;
    const initialStates = this.layers.map((layer) => layer.stateNames().map(() => 0));
    const outputs = this.forward(plan, B, T, fused, initialStates);
    const last = this.layers.length - 1;
    const head = this.layers[last];
    const width = head.output.features;
    const targetWidth = training.loss.sparse ? 1 : width;
    const headGrad = base + plan.layers[last].grad;
    // With padded sequences and a per-step head, the loss sees only the real steps: their rows are
    // gathered into compact buffers, and the gradient scattered back (zero at padded steps).
    const rows = plan.compact && data.lengths ? validRows(data.lengths, indices, T) : undefined;
    const view = this.core.heap.f32();
    let out = outputs[last];
    let targets = base + plan.targets;
    let pred = fused ? base + plan.pred : out;
    let grad = train ? headGrad : 0;
    if (rows && plan.compact) {
      const c = plan.compact;
      gatherRows(view, out >> 2, (base + c.out) >> 2, rows, width);
      gatherRows(view, targets >> 2, (base + c.targets) >> 2, rows, targetWidth);
      out = base + c.out;
      targets = base + c.targets;
      pred = fused ? base + c.pred : out;
      grad = train ? base + c.grad : 0;
    }
    const count = rows ? rows.length : head.rows(B, T);
    const loss = count > 0 ? training.loss.compute(k, count, width, out, targets, pred, grad) : 0;
    const metrics = training.metrics.map((m) => metricSum(m, training.loss.name, {
      pred: view, predStart: pred >> 2, targets: view, targetStart: targets >> 2, rows: count, width, sparse: training.loss.sparse,
    }));
    if (train) {
      if (rows && plan.compact) scatterRows(view, (base + plan.compact.grad) >> 2, headGrad >> 2, rows, width, head.rows(B, T));
      this.zero(built.grads, built.layout.totalFloats);
      for (let i = last; i >= 0; i--) {
        const layer = this.layers[i];
        const input = i === 0 ? base + plan.input : outputs[i - 1];
        let dx = 0;
        if (i > 0) {
          dx = base + plan.layers[i - 1].grad;
          this.zero(dx, this.layers[i - 1].rows(B, T) * this.layers[i - 1].output.features);
        }
        layer.backward(this.call(i, plan, B, T, initialStates[i]), input, outputs[i], base + plan.layers[i].grad, dx, fused && i === last);
      }
    }
    return { lossSum: loss * count, rows: count, metrics };
  }

  /**
   * @internal One training step on the samples `indices`: gradients (computeBatch, or split across
   * `workers` and combined), then one optimizer step. Returns the batch's sums from before the step.
   */
  trainBatch(data: Data, indices: Int32Array, workers?: Workers): BatchResult {
    const result = workers ? parallelGradients(this, workers, data, indices) : this.computeBatch(data, indices, true);
    const training = this.requireTraining('training');
    const { built } = this.requireBuilt();
    training.optimizer.step(this.core.kernels, built.layout.totalFloats, built.params, built.grads, training.state);
    this.repack(built);
    return result;
  }

  /** @internal The compiled core this model runs on (training threads instantiate it again). */
  coreModule(): WebAssembly.Module {
    return this.core.module;
  }

  /**
   * @internal The parameter or gradient block, flat in layout order, as a live view of core memory (what
   * training threads exchange): take it again after anything that may allocate.
   */
  blockView(block: 'params' | 'grads'): Float32Array {
    const { built } = this.requireBuilt();
    const start = built[block] >> 2;
    return this.core.heap.f32().subarray(start, start + built.layout.totalFloats);
  }

  /**
   * @internal The gradient block ← weights[0]·itself + Σ weights[i]·others[i − 1] (gradient blocks of the
   * same layout, computed by other threads). One [1, S]·[S, n] sgemm over a copy of the S blocks: in plain
   * JS this weighted sum took 3–7 ms for W6's 347k parameters, as the core it takes ~0.2 ms.
   */
  mixGradients(weights: readonly number[], others: readonly Float32Array[]): void {
    const { built } = this.requireBuilt();
    const n = built.layout.totalFloats;
    const S = weights.length;
    const rows = this.core.heap.alloc((S * n + S) * 4);
    const w = rows + S * n * 4;
    const view = this.core.heap.f32();
    view.copyWithin(rows >> 2, built.grads >> 2, (built.grads >> 2) + n);
    others.forEach((block, i) => view.set(block, (rows >> 2) + (i + 1) * n));
    view.set(weights, w >> 2);
    this.core.kernels.sgemm(0, 1, n, S, w, S, rows, n, built.grads, n);
    this.core.heap.free(rows);
  }

  /** Copies of every parameter tensor by name (`<layer>.<param>`, PyTorch-style). */
  getWeights(): Record<string, Tensor> {
    this.checkAlive();
    const { built } = this.requireBuilt();
    return this.readBlock(built.params);
  }

  /**
   * Sets parameters by name from tensors, typed arrays with shapes, or nested arrays; any subset of the
   * model's names. Everything is checked (names, shapes, finite values) before anything is written.
   */
  setWeights(weights: Record<string, TensorLike> | Map<string, TensorLike>): void {
    this.checkAlive();
    const { built } = this.requirePlanned();
    const entries = weights instanceof Map ? [...weights.entries()] : Object.entries(weights ?? {});
    const checked = entries.map(([name, value]) => {
      const slot = built.layout.get(name);
      if (!slot) throw new Error(`setWeights: unknown weight "${name}" (this model has: ${built.layout.slots.map((s) => s.name).join(', ')})`);
      const t = toTensor(value, `setWeights "${name}"`);
      if (t.shape.length !== slot.shape.length || t.shape.some((d, i) => d !== slot.shape[i])) {
        throw new Error(`setWeights: "${name}" has shape [${t.shape.join(', ')}], expected [${slot.shape.join(', ')}]`);
      }
      checkFinite(t, `setWeights "${name}"`);
      return { slot, data: t.data };
    });
    const view = this.core.heap.f32();
    for (const { slot, data } of checked) view.set(data, (built.params >> 2) + slot.offset);
    this.paramsWritten(built, checked.map(({ slot }) => slot.name));
  }

  /** After whole tensors of the params block were overwritten: they need no initial values any more. */
  private paramsWritten(built: Built, names: readonly string[]): void {
    for (const name of names) this.uninitialized.delete(name);
    // With tensors still waiting for initial values, initializePending repacks once they have them.
    if (this.uninitialized.size === 0) this.repack(built);
  }

  /** Refreshes the packed copies and bias sums from the parameter block (after anything writes params). */
  private repack(built: Built): void {
    for (const slot of built.layout.slots) {
      if (slot.packedOffset < 0) continue;
      const at = built.packed + slot.packedOffset * 4;
      if (!slot.summedWith) {
        this.core.kernels.pack_weights(slot.shape[0], slot.shape[1], built.params + slot.offset * 4, at);
        continue;
      }
      const view = this.core.heap.f32();
      const a = (built.params >> 2) + slot.offset, b = built.addresses[slot.layer].params[slot.summedWith] >> 2;
      for (let i = 0, sum = at >> 2; i < slot.size; i++) view[sum + i] = view[a + i] + view[b + i];
    }
  }

  /** @internal Reads a parameter-shaped block (params, grads or optimizer state) by tensor name. */
  readBlock(block: number): Record<string, Tensor> {
    const { built } = this.requireBuilt();
    const view = this.core.heap.f32();
    const out: Record<string, Tensor> = {};
    for (const slot of built.layout.slots) {
      const start = (block >> 2) + slot.offset;
      out[slot.name] = new Tensor(view.slice(start, start + slot.size), slot.shape);
    }
    return out;
  }

  /** @internal Writes a whole parameter-shaped block from tensors already checked against the layout. */
  writeBlock(block: number, tensors: ReadonlyMap<string, Float32Array>): void {
    const { built } = this.requirePlanned();
    const view = this.core.heap.f32();
    for (const slot of built.layout.slots) {
      const data = tensors.get(slot.name);
      if (data) view.set(data, (block >> 2) + slot.offset);
    }
    if (block === built.params) this.paramsWritten(built, [...tensors.keys()]);
  }

  /** Gradients of the last training step by name (copies): for inspection and tests. */
  getGradients(): Record<string, Tensor> {
    this.checkAlive();
    return this.readBlock(this.requireBuilt().built.grads);
  }

  /** @internal The parameter layout and blocks. */
  requireBuilt(): { built: Built } {
    const planned = this.requirePlanned();
    this.initializePending(planned.built);
    return planned;
  }

  /**
   * @internal The parameter layout and blocks, built if needed, without drawing initial values: for code
   * that only reads the layout or overwrites whole tensors (setWeights, writeBlock, loading a file).
   */
  requirePlanned(): { built: Built } {
    this.checkAlive();
    if (!this.builtState) this.build();
    return { built: this.builtState as Built };
  }

  /** A Keras-like table of layers, output shapes and parameter counts; printed unless print is null. */
  summary(print: ((text: string) => void) | null = console.log): string {
    const { built } = this.requirePlanned();
    const rows = this.layers.map((layer, i) => {
      const shape = layer.output.sequence ? `(None, ${this.modelInputShape?.[0] ?? 'None'}, ${layer.output.features})` : `(None, ${layer.output.features})`;
      const count = built.layout.slots.filter((s) => s.layer === i).reduce((n, s) => n + s.size, 0);
      const details = layer instanceof Recurrent
        ? ` ${layer.mergeMode ? `${layer.cellKind} ${layer.mergeMode}, ` : ''}${layer.activation}${layer.returnSequences ? ', sequences' : ''}${layer.goBackwards ? ', backwards' : ''}${layer.stateful ? ', stateful' : ''}`
        : layer instanceof Dense ? ` ${layer.activation}` : '';
      return [`${layer.name} (${layer.kind}${details})`, shape, String(count)];
    });
    const header = ['Layer (type)', 'Output shape', 'Params'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]): string => r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('   ');
    const rule = '─'.repeat(widths.reduce((a, b) => a + b + 3, -3));
    const text = [`Model: ${this.name}`, rule, line(header), rule, ...rows.map(line), rule,
      `Total params: ${built.layout.count.toLocaleString('en-US')}`].join('\n');
    if (print) print(text);
    return text;
  }

  /** Releases all of the model's memory for reuse. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.stopBatchWorkers();
    this.releaseTraining();
    this.freeStreams();
    if (this.workspace) this.core.heap.free(this.workspace.ptr);
    if (this.builtState) {
      this.core.heap.free(this.builtState.params);
      this.core.heap.free(this.builtState.grads);
      if (this.builtState.packed) this.core.heap.free(this.builtState.packed);
    }
    this.workspace = undefined;
    this.builtState = undefined;
    this.disposed = true;
  }

  /** @internal Validates x (and y, and lengths) against the model; throws before anything is changed. */
  checkData(xLike: TensorLike, yLike: TensorLike | undefined, lengths?: ArrayLike<number>): Data {
    this.requireBuilt();
    return checkData(this.dataSpec(), xLike, yLike, lengths);
  }

  private dataSpec(): DataSpec {
    const first = this.layers[0];
    const input = first.input;
    return {
      first, input, fixedSteps: input.sequence ? this.modelInputShape?.[0] ?? null : null,
      head: this.layers[this.layers.length - 1].output, sparse: this.trainingState?.loss.sparse ?? false,
    };
  }

  /** Checks named states against the layers: known names, [samples, units] (samples fixed or common), finite. */
  private checkStates(states: Record<string, TensorLike>, samples: number | undefined): Map<string, Tensor> {
    const known = new Map<string, number>();
    for (const layer of this.layers) if (layer instanceof Recurrent) for (const s of layer.stateNames()) known.set(`${layer.name}.${s}`, layer.units);
    if (!states || typeof states !== 'object') throw new Error('states must be an object of named tensors');
    const out = new Map<string, Tensor>();
    let rows = samples;
    for (const [name, value] of Object.entries(states)) {
      const units = known.get(name);
      if (units === undefined) throw new Error(`unknown state "${name}" (this model has: ${[...known.keys()].join(', ') || 'no recurrent layers'})`);
      const t = toTensor(value, `state "${name}"`);
      rows ??= t.shape[0];
      if (t.rank !== 2 || t.shape[0] !== rows || t.shape[1] !== units) throw new Error(`state "${name}" has shape [${t.shape.join(', ')}], expected [${rows}, ${units}]`);
      checkFinite(t, `state "${name}"`);
      out.set(name, t);
    }
    return out;
  }

  /** Runs every layer; initialStates[i] are layer i's initial state addresses (0 = zeros). */
  private forward(plan: Plan, B: number, T: number, logits: boolean, initialStates: readonly (readonly number[])[]): number[] {
    const base = this.workspaceBase();
    const outputs: number[] = [];
    let x = base + plan.input;
    this.layers.forEach((layer, i) => {
      x = layer.forward(this.call(i, plan, B, T, initialStates[i]), x, logits && i === this.layers.length - 1);
      outputs.push(x);
    });
    return outputs;
  }

  private call(i: number, plan: Plan, B: number, T: number, initialStates: readonly number[]): LayerCall {
    const { built } = this.requireBuilt();
    const base = this.workspaceBase();
    return {
      kernels: this.core.kernels,
      ...built.addresses[i],
      scratch: base + plan.layers[i].scratch,
      output: base + plan.layers[i].output,
      B, T,
      lengths: plan.lengths >= 0 ? base + plan.lengths : 0,
      initialStates,
      view: () => this.core.heap.f32(),
      zero: (ptr, n) => this.zero(ptr, n),
      copy: (dst, src, n) => this.core.heap.f32().copyWithin(dst >> 2, src >> 2, (src >> 2) + n),
    };
  }

  /** Initial state addresses per layer for one batch: zeros (0), the carried streams, or user tensors copied in. */
  private loadInitialStates(plan: Plan, B: number, initial: Initial): number[][] {
    const base = this.workspaceBase();
    const view = this.core.heap.f32();
    return this.layers.map((layer, i) => {
      const names = layer.stateNames();
      const n = layer.stateFloats(B);
      if (initial.kind === 'streams' && (initial.layers === 'all' || (layer instanceof Recurrent && layer.stateful))) {
        const block = (this.streams as Streams).blocks[i];
        return names.map((_, s) => block + s * n * 4);
      }
      if (initial.kind !== 'given') return names.map(() => 0);
      return names.map((state, s) => {
        const t = initial.states.get(`${layer.name}.${state}`);
        if (!t) return 0;
        const at = base + plan.layers[i].states + s * n * 4;
        const width = n / B;
        view.set(t.data.subarray(initial.start * width, (initial.start + B) * width), at >> 2);
        return at;
      });
    });
  }

  /** After a forward that started from the streams: the final states become the carried states. */
  private saveStreams(plan: Plan, B: number, T: number, initialStates: readonly (readonly number[])[], which: 'stateful' | 'all'): void {
    const streams = this.streams as Streams;
    this.layers.forEach((layer, i) => {
      if (!(layer instanceof Recurrent) || (which === 'stateful' && !layer.stateful)) return;
      const n = layer.stateFloats(B);
      layer.finalStates(this.call(i, plan, B, T, initialStates[i])).forEach((ptr, s) => this.copy(streams.blocks[i] + s * n * 4, ptr, n));
    });
  }

  /** Makes sure carried states exist for batch size B (zeros when new); a different B is an error unless `replace`. */
  private ensureStreams(B: number, replace: boolean): void {
    if (this.streams && this.streams.B === B) return;
    if (this.streams && !replace) {
      throw new Error(`the carried states are for batch size ${this.streams.B}, this call has ${B} (call resetStates() first to start new streams)`);
    }
    this.freeStreams();
    const blocks = this.layers.map((layer) => {
      const floats = layer.stateNames().length * layer.stateFloats(B);
      return floats > 0 ? this.allocZeroed(floats) : 0;
    });
    this.streams = { B, blocks };
  }

  private freeStreams(): void {
    for (const block of this.streams?.blocks ?? []) if (block) this.core.heap.free(block);
    this.streams = undefined;
  }

  private copy(dst: number, src: number, n: number): void {
    this.core.heap.f32().copyWithin(dst >> 2, src >> 2, (src >> 2) + n);
  }

  /** Plans the workspace for (B, T), growing it if needed, and writes the batch's x (and y) time-major. */
  private loadBatch(data: Data, indices: Int32Array): Plan {
    const B = indices.length;
    const T = data.steps;
    const plan = this.plan(B, T, data.lengths !== undefined);
    if (!this.workspace || this.workspace.floats < plan.floats) {
      if (this.workspace) this.core.heap.free(this.workspace.ptr);
      this.workspace = undefined;
      this.workspace = { ptr: this.core.heap.alloc(plan.floats * 4), floats: plan.floats };
    }
    const base = this.workspace.ptr >> 2;
    const view = this.core.heap.f32();
    const features = this.layers[0].input.tokens ? 1 : this.layers[0].input.features;
    scatterTimeMajor(view, base + (plan.input >> 2), data.x.data, indices, T, features);
    if (data.lengths) {
      const lengths = new Int32Array(view.buffer, this.workspace.ptr + plan.lengths, B);
      for (let j = 0; j < B; j++) lengths[j] = (data.lengths as Int32Array)[indices[j]];
    }
    if (data.y) {
      const head = this.layers[this.layers.length - 1].output;
      const width = this.trainingState?.loss.sparse ? 1 : head.features;
      scatterTimeMajor(view, base + (plan.targets >> 2), data.y.data, indices, head.sequence ? T : 1, width);
    }
    return plan;
  }

  private plan(B: number, T: number, padded: boolean): Plan {
    let floats = 0;
    const take = (n: number): number => {
      const at = floats * 4;
      floats += Math.ceil(n / 4) * 4;
      return at;
    };
    const first = this.layers[0].input;
    const input = take((first.sequence ? T : 1) * B * (first.tokens ? 1 : first.features));
    const lengths = padded ? take(B) : -1;
    const layers = this.layers.map((layer) => ({
      states: take(layer.stateNames().length * layer.stateFloats(B)),
      output: take(layer.outputFloats(B, T)),
      scratch: take(layer.scratchFloats(B, T)),
      grad: take(layer.rows(B, T) * layer.output.features),
    }));
    const head = this.layers[this.layers.length - 1];
    const headFloats = head.rows(B, T) * head.output.features;
    const targets = take(headFloats);
    const pred = take(headFloats);
    const compact = padded && head.output.sequence
      ? { out: take(headFloats), targets: take(headFloats), pred: take(headFloats), grad: take(headFloats) }
      : undefined;
    return { floats, input, lengths, layers, targets, pred, compact };
  }

  private workspaceBase(): number {
    return (this.workspace as Workspace).ptr;
  }

  private requireTraining(what: string): Training {
    if (!this.trainingState) throw new Error(`${what} needs a compiled model: call model.compile({ optimizer, loss }) first`);
    return this.trainingState;
  }

  private releaseTraining(): void {
    for (const block of this.trainingState?.state ?? []) this.core.heap.free(block);
    this.trainingState = undefined;
  }

  private allocZeroed(floats: number): number {
    return this.core.heap.allocZeroed(floats * 4);
  }

  private zero(ptr: number, n: number): void {
    this.core.heap.f32().fill(0, ptr >> 2, (ptr >> 2) + n);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this model was disposed; build a new one');
  }
}

/** Zeroes the padded steps (t ≥ lengths[s]) of a batch-major [samples, T, width] output, as PyTorch pads. */
function zeroPadding(out: Float32Array, lengths: Int32Array, T: number, width: number): void {
  lengths.forEach((n, s) => out.fill(0, (s * T + n) * width, (s + 1) * T * width));
}

