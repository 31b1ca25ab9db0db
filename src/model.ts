// Sequential: a stack of layers with its memory plan, forward and backward over a batch, predict,
// evaluate, weights by name, and disposal. The training loop (fit) lives in train/fit.ts; the model file
// in io/model-file.ts.
//
// Memory (all in the core's linear memory, planned here):
//   params  one block, every tensor 16-byte aligned (layout.ts); grads and optimizer state mirror it;
//   workspace  per (B, T): the time-major input, each layer's output, scratch (BPTT caches) and output
//              gradient, the targets and the predictions; reallocated only when a bigger batch comes.

import { core, type Core } from './wasm.ts';
import { ParamLayout } from './layout.ts';
import { Layer, type FeatureShape, type LayerCall } from './layers/layer.ts';
import { SimpleRNN } from './layers/simple-rnn.ts';
import { Dense } from './layers/dense.ts';
import { featureShape } from './layers/input-shape.ts';
import { initialize } from './initializers.ts';
import { Rng } from './random.ts';
import { Tensor, toTensor, checkFinite, formatIndex, type TensorLike } from './tensor.ts';
import { checkOptions, integer, identifier } from './options.ts';
import { makeLoss, LOSSES, type Loss, type LossName } from './train/losses.ts';
import { makeOptimizer, type Optimizer } from './train/optimizers.ts';
import { METRICS, checkMetric, metricSum, type MetricName } from './train/metrics.ts';
import { accumulate, logs, type BatchResult } from './train/results.ts';
import { fit, type FitOptions, type History } from './train/fit.ts';

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

/** x and y checked against the model: batch-major tensors plus their step count. */
export interface Data {
  readonly x: Tensor;
  readonly y: Tensor | undefined;
  readonly samples: number;
  readonly steps: number;
}

interface Built {
  readonly layout: ParamLayout;
  readonly params: number;
  readonly grads: number;
}

interface Workspace {
  readonly ptr: number;
  readonly floats: number;
}

/** Offsets (bytes) of one batch's buffers inside the workspace. */
interface Plan {
  readonly floats: number;
  readonly input: number;
  readonly layers: readonly { output: number; scratch: number; grad: number }[];
  readonly targets: number;
  readonly pred: number;
}

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
  private workspace: Workspace | undefined;
  private trainingState: Training | undefined;
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
    let current: FeatureShape = featureShape(shape);
    const names = new Set<string>();
    const counts = new Map<string, number>();
    this.layers.forEach((layer, i) => {
      try {
        current = layer.build(current);
      } catch (error) {
        throw new Error(`layer ${i} (${layer.kind}): ${(error as Error).message}`);
      }
      if (layer instanceof SimpleRNN && layer.returnState && i !== this.layers.length - 1) {
        throw new Error(`layer ${i} (simpleRNN): returnState is only supported on the last layer of a Sequential model`);
      }
      if (!layer.name) {
        const base = layer.kind === 'simpleRNN' ? 'simple_rnn' : layer.kind;
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
    const view = this.core.heap.f32();
    layout.slots.forEach((slot, index) => {
      const rows = slot.shape[0];
      const cols = slot.shape.length > 1 ? slot.shape[1] : 1;
      const start = (params >> 2) + slot.offset;
      // One stream per tensor, so a tensor's initial values do not depend on the tensors before it.
      initialize(slot.init, view.subarray(start, start + slot.size), rows, cols, new Rng(this.seed).derive(index + 1));
    });
    this.builtState = { layout, params, grads };
    return this;
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
    return this.requireBuilt().built.layout.count;
  }

  /** Runs the model on x ([samples, steps, features] or [samples, features]) in batches of batchSize. */
  predict(x: TensorLike, options: { batchSize?: number } = {}): Tensor {
    return this.run(x, options, 'predict').output;
  }

  /**
   * Like predict, for a model whose last layer has returnState: returns [output, final state [samples, units]]
   * (Keras returns the same pair).
   */
  predictWithState(x: TensorLike, options: { batchSize?: number } = {}): [Tensor, Tensor] {
    const { output, state } = this.run(x, options, 'predictWithState');
    if (!state) throw new Error('predictWithState needs a last layer with returnState: true');
    return [output, state];
  }

  private run(x: TensorLike, options: { batchSize?: number }, where: string): { output: Tensor; state?: Tensor } {
    this.checkAlive();
    const o = checkOptions(options, ['batchSize'], `Sequential.${where}`);
    const batchSize = integer(o.batchSize, `${where} batchSize`, 32);
    const data = this.checkData(x, undefined);
    const head = this.layers[this.layers.length - 1];
    const outShape = head.output;
    const T = data.steps;
    const width = outShape.features;
    const out = new Float32Array(data.samples * (outShape.sequence ? T * width : width));
    const stateLayer = head instanceof SimpleRNN && head.returnState ? head : undefined;
    const state = stateLayer ? new Float32Array(data.samples * stateLayer.units) : undefined;
    for (let start = 0; start < data.samples; start += batchSize) {
      const B = Math.min(batchSize, data.samples - start);
      const plan = this.loadBatch(data, range(start, B));
      const outputs = this.forward(plan, B, T, false);
      const view = this.core.heap.f32();
      gatherBatchMajor(view, outputs[outputs.length - 1] >> 2, out, start, B, outShape.sequence ? T : 1, width);
      if (stateLayer && state) {
        const ptr = stateLayer.finalState(this.workspaceBase() + plan.layers[this.layers.length - 1].scratch, B, T);
        gatherBatchMajor(view, ptr >> 2, state, start, B, 1, stateLayer.units);
      }
    }
    const output = new Tensor(out, outShape.sequence ? [data.samples, T, width] : [data.samples, width]);
    return stateLayer && state ? { output, state: new Tensor(state, [data.samples, stateLayer.units]) } : { output };
  }

  /** Mean loss and metrics of the compiled model on (x, y). */
  evaluate(x: TensorLike, y: TensorLike, options: { batchSize?: number } = {}): Record<string, number> {
    this.checkAlive();
    const o = checkOptions(options, ['batchSize'], 'Sequential.evaluate');
    const batchSize = integer(o.batchSize, 'evaluate batchSize', 32);
    const training = this.requireTraining('evaluate');
    const data = this.checkData(x, y);
    return this.evaluateData(data, range(0, data.samples), batchSize, training);
  }

  /** Trains on (x, y) for `epochs` epochs of shuffled mini-batches; resolves to the per-epoch history. */
  fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    this.checkAlive();
    return fit(this, x, y, options);
  }

  /** One optimizer step on one batch (x, y); returns the batch's loss and metrics before the step. */
  trainOnBatch(x: TensorLike, y: TensorLike): Record<string, number> {
    this.checkAlive();
    const training = this.requireTraining('trainOnBatch');
    const data = this.checkData(x, y);
    const result = this.runBatch(data, range(0, data.samples), true);
    return logs(result, training, '');
  }

  /** @internal Loss and metrics over the samples `indices` of checked data, in batches, without training. */
  evaluateData(data: Data, indices: Int32Array, batchSize: number, training: Training, prefix = ''): Record<string, number> {
    const total: BatchResult = { lossSum: 0, rows: 0, metrics: training.metrics.map(() => ({ sum: 0, count: 0 })) };
    for (let start = 0; start < indices.length; start += batchSize) {
      const batch = indices.subarray(start, Math.min(indices.length, start + batchSize));
      accumulate(total, this.runBatch(data, batch, false));
    }
    return logs(total, training, prefix);
  }

  /**
   * @internal Forward + loss (+ backward and one optimizer step when `train`) on the samples `indices`
   * of checked data. Loss and metrics come back as sums over the batch (see train/results.ts).
   */
  runBatch(data: Data, indices: Int32Array, train: boolean): BatchResult {
    const training = this.requireTraining('training');
    const { built } = this.requireBuilt();
    const { kernels: k } = this.core;
    const B = indices.length;
    const T = data.steps;
    const plan = this.loadBatch(data, indices);
    const base = this.workspaceBase();
    const fused = training.loss.fused;
    const outputs = this.forward(plan, B, T, fused);
    const last = this.layers.length - 1;
    const head = this.layers[last];
    const rows = head.rows(B, T);
    const width = head.output.features;
    const gradOut = train ? base + plan.layers[last].grad : 0;
    const pred = fused ? base + plan.pred : outputs[last];
    const loss = training.loss.compute(k, rows, width, outputs[last], base + plan.targets, pred, gradOut);
    const view = this.core.heap.f32();
    const metrics = training.metrics.map((m) => metricSum(m, training.loss.name, {
      pred: view, predStart: pred >> 2, targets: view, targetStart: (base + plan.targets) >> 2,
      rows, width, sparse: training.loss.sparse,
    }));
    if (train) {
      this.zero(built.grads, built.layout.totalFloats);
      for (let i = last; i >= 0; i--) {
        const layer = this.layers[i];
        const input = i === 0 ? base + plan.input : outputs[i - 1];
        let dx = 0;
        if (i > 0) {
          dx = base + plan.layers[i - 1].grad;
          this.zero(dx, this.layers[i - 1].rows(B, T) * this.layers[i - 1].output.features);
        }
        layer.backward(this.call(i, plan, B, T), input, outputs[i], base + plan.layers[i].grad, dx, fused && i === last);
      }
      training.optimizer.step(k, built.layout.totalFloats, built.params, built.grads, training.state);
    }
    return { lossSum: loss * rows, rows, metrics };
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
    const { built } = this.requireBuilt();
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
    const { built } = this.requireBuilt();
    const view = this.core.heap.f32();
    for (const slot of built.layout.slots) {
      const data = tensors.get(slot.name);
      if (data) view.set(data, (block >> 2) + slot.offset);
    }
  }

  /** Gradients of the last training step by name (copies): for inspection and tests. */
  getGradients(): Record<string, Tensor> {
    this.checkAlive();
    return this.readBlock(this.requireBuilt().built.grads);
  }

  /** @internal The parameter layout and blocks. */
  requireBuilt(): { built: Built } {
    this.checkAlive();
    if (!this.builtState) this.build();
    return { built: this.builtState as Built };
  }

  /** A Keras-like table of layers, output shapes and parameter counts; printed unless print is null. */
  summary(print: ((text: string) => void) | null = console.log): string {
    const { built } = this.requireBuilt();
    const rows = this.layers.map((layer, i) => {
      const shape = layer.output.sequence ? `(None, ${this.modelInputShape?.[0] ?? 'None'}, ${layer.output.features})` : `(None, ${layer.output.features})`;
      const count = built.layout.slots.filter((s) => s.layer === i).reduce((n, s) => n + s.size, 0);
      const details = layer instanceof SimpleRNN ? ` ${layer.activation}${layer.returnSequences ? ', sequences' : ''}${layer.goBackwards ? ', backwards' : ''}` : layer instanceof Dense ? ` ${layer.activation}` : '';
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
    this.releaseTraining();
    if (this.workspace) this.core.heap.free(this.workspace.ptr);
    if (this.builtState) {
      this.core.heap.free(this.builtState.params);
      this.core.heap.free(this.builtState.grads);
    }
    this.workspace = undefined;
    this.builtState = undefined;
    this.disposed = true;
  }

  /**
   * @internal Validates x (and y) against the model: ranks, sizes, batch sizes, finite values, class
   * indices. Throws before anything is changed.
   */
  checkData(xLike: TensorLike, yLike: TensorLike | undefined): Data {
    this.requireBuilt();
    const x = toTensor(xLike, 'x');
    const input = this.layers[0].input;
    const fixedSteps = input.sequence ? this.modelInputShape?.[0] ?? null : null;
    const expected = input.sequence ? `[samples, ${fixedSteps ?? 'steps'}, ${input.features}]` : `[samples, ${input.features}]`;
    const rank = input.sequence ? 3 : 2;
    if (x.rank !== rank || x.shape[rank - 1] !== input.features || (fixedSteps !== null && x.shape[1] !== fixedSteps)) {
      throw new Error(`x has shape [${x.shape.join(', ')}], expected ${expected}`);
    }
    if (x.shape[0] < 1 || (input.sequence && x.shape[1] < 1)) throw new Error(`x has shape [${x.shape.join(', ')}]: it needs at least one sample${input.sequence ? ' and one step' : ''}`);
    checkFinite(x, 'x');
    const samples = x.shape[0];
    const steps = input.sequence ? x.shape[1] : 1;
    if (yLike === undefined) return { x, y: undefined, samples, steps };
    const y = toTensor(yLike, 'y');
    checkFinite(y, 'y');
    if (y.shape[0] !== samples) throw new Error(`x and y have different numbers of samples: x has ${samples}, y has ${y.shape[0]}`);
    const head = this.layers[this.layers.length - 1].output;
    const sparse = this.trainingState?.loss.sparse ?? false;
    const width = sparse ? 1 : head.features;
    const lead = head.sequence ? [samples, steps] : [samples];
    const ok = y.shape.length >= lead.length && lead.every((d, i) => y.shape[i] === d)
      && (y.shape.length === lead.length ? sparse : y.shape.length === lead.length + 1 && y.shape[lead.length] === width);
    if (!ok) {
      const want = `[${lead.join(', ')}${sparse ? '' : `, ${width}`}]`;
      throw new Error(`y has shape [${y.shape.join(', ')}], expected ${want}${sparse ? ` (class indices; [${lead.join(', ')}, 1] also works)` : ''} for this model's output`);
    }
    if (sparse) {
      for (let i = 0; i < y.data.length; i++) {
        const c = y.data[i];
        if (!Number.isInteger(c) || c < 0 || c >= head.features) {
          throw new Error(`y${formatIndex(i, y.shape)} = ${c} is not a class index in [0, ${head.features - 1}]`);
        }
      }
    }
    return { x, y, samples, steps };
  }

  private forward(plan: Plan, B: number, T: number, logits: boolean): number[] {
    const base = this.workspaceBase();
    const outputs: number[] = [];
    let x = base + plan.input;
    this.layers.forEach((layer, i) => {
      x = layer.forward(this.call(i, plan, B, T), x, logits && i === this.layers.length - 1);
      outputs.push(x);
    });
    return outputs;
  }

  private call(i: number, plan: Plan, B: number, T: number): LayerCall {
    const { built } = this.requireBuilt();
    const base = this.workspaceBase();
    return {
      kernels: this.core.kernels,
      params: built.layout.addresses(built.params, i),
      grads: built.layout.addresses(built.grads, i),
      scratch: base + plan.layers[i].scratch,
      output: base + plan.layers[i].output,
      B, T,
      zero: (ptr, n) => this.zero(ptr, n),
      copy: (dst, src, n) => this.core.heap.f32().copyWithin(dst >> 2, src >> 2, (src >> 2) + n),
    };
  }

  /** Plans the workspace for (B, T), growing it if needed, and writes the batch's x (and y) time-major. */
  private loadBatch(data: Data, indices: Int32Array): Plan {
    const B = indices.length;
    const T = data.steps;
    const plan = this.plan(B, T);
    if (!this.workspace || this.workspace.floats < plan.floats) {
      if (this.workspace) this.core.heap.free(this.workspace.ptr);
      this.workspace = undefined;
      this.workspace = { ptr: this.core.heap.alloc(plan.floats * 4), floats: plan.floats };
    }
    const base = this.workspace.ptr >> 2;
    const view = this.core.heap.f32();
    const features = this.layers[0].input.features;
    scatterTimeMajor(view, base + (plan.input >> 2), data.x.data, indices, T, features);
    if (data.y) {
      const head = this.layers[this.layers.length - 1].output;
      const width = this.trainingState?.loss.sparse ? 1 : head.features;
      scatterTimeMajor(view, base + (plan.targets >> 2), data.y.data, indices, head.sequence ? T : 1, width);
    }
    return plan;
  }

  private plan(B: number, T: number): Plan {
    let floats = 0;
    const take = (n: number): number => {
      const at = floats * 4;
      floats += Math.ceil(n / 4) * 4;
      return at;
    };
    const input = take(this.layers[0].input.sequence ? T * B * this.layers[0].input.features : B * this.layers[0].input.features);
    const layers = this.layers.map((layer) => ({
      output: take(layer.outputFloats(B, T)),
      scratch: take(layer.scratchFloats(B, T)),
      grad: take(layer.rows(B, T) * layer.output.features),
    }));
    const head = this.layers[this.layers.length - 1];
    const headFloats = head.rows(B, T) * head.output.features;
    const targets = take(headFloats);
    const pred = take(headFloats);
    return { floats, input, layers, targets, pred };
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
    const ptr = this.core.heap.alloc(floats * 4);
    this.zero(ptr, floats);
    return ptr;
  }

  private zero(ptr: number, n: number): void {
    this.core.heap.f32().fill(0, ptr >> 2, (ptr >> 2) + n);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this model was disposed; build a new one');
  }
}

/** The indices start, start + 1, …, start + n − 1. */
export function range(start: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

/** dst (time-major [steps, B, width], at float index `at`) ← src rows of samples `indices` (batch-major [samples, steps, width]). */
function scatterTimeMajor(view: Float32Array, at: number, src: Float32Array, indices: Int32Array, steps: number, width: number): void {
  const B = indices.length;
  for (let j = 0; j < B; j++) {
    const sample = indices[j] * steps * width;
    for (let t = 0; t < steps; t++) {
      const from = sample + t * width;
      view.set(src.subarray(from, from + width), at + (t * B + j) * width);
    }
  }
}

/** out (batch-major [samples, steps, width]) rows start.. ← time-major [steps, B, width] at float index `at`. */
function gatherBatchMajor(view: Float32Array, at: number, out: Float32Array, start: number, B: number, steps: number, width: number): void {
  for (let j = 0; j < B; j++) {
    for (let t = 0; t < steps; t++) {
      const from = at + (t * B + j) * width;
      out.set(view.subarray(from, from + width), ((start + j) * steps + t) * width);
    }
  }
}
