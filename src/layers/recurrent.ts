// The recurrent layers — layers.simpleRNN, layers.lstm, layers.gru — and layers.bidirectional, which runs
// a recurrent layer in both directions. One class serves every cell (cells.ts holds what differs): Keras
// options and defaults, directions, merging, padding-aware final states, initial and carried states.
//
// Parameters follow PyTorch's names per direction: weight_ih_l0 [G·H, I], weight_hh_l0 [G·H, H],
// bias_ih_l0, bias_hh_l0 [G·H], with the suffix _reverse for the backward direction of a bidirectional
// layer (G = 1 SimpleRNN, 4 LSTM with gates i, f, g, o, 3 GRU with gates r, z, n).
//
// goBackwards follows Keras: the sequence is processed from its last step, and a returned sequence is
// in processing order. A bidirectional layer keeps both directions position-aligned (the backward
// direction's state at step t has seen steps t..end) and merges them per step.

import { checkOptions, oneOf, integer, boolean, identifier } from '../options.ts';
import { parseInitializer, type InitializerName } from '../initializers.ts';
import { actCode, CELL_ACTIVATIONS } from './activation.ts';
import { Layer, type FeatureShape, type LayerCall, type LayerConfig, type ParamSpec } from './layer.ts';
import { parseInputShape } from './input-shape.ts';
import { CELLS, stateAt, type Cell, type CellKind, type CellRun } from './cells.ts';
import { mergeForward, mergeBackward, MERGE_MODES, type MergeMode } from './merge.ts';

type CellActivation = (typeof CELL_ACTIVATIONS)[number];

export interface RecurrentOptions {
  units: number;
  /** Activation of the state (SimpleRNN), of the candidate and cell output (LSTM, GRU). Default tanh. */
  activation?: CellActivation;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Carry the final states of each predict() batch into the next (Keras stateful). */
  stateful?: boolean;
  useBias?: boolean;
  kernelInitializer?: string;
  recurrentInitializer?: string;
  biasInitializer?: string;
  inputShape?: readonly (number | null)[];
  name?: string;
}

export interface LSTMOptions extends RecurrentOptions {
  /** Gate activation. Default sigmoid. */
  recurrentActivation?: CellActivation;
  /** Start the forget gate's bias at 1 (Keras default true). */
  unitForgetBias?: boolean;
}

export interface GRUOptions extends RecurrentOptions {
  recurrentActivation?: CellActivation;
  /** true (default, = PyTorch nn.GRU = Keras 3): reset gate applied after the recurrent product; false: the original GRU. */
  resetAfter?: boolean;
}

export type SimpleRNNOptions = RecurrentOptions;

export interface BidirectionalOptions {
  /** The recurrent layer to run in both directions (its weights are per direction). */
  layer: Recurrent;
  /** How the two directions' outputs combine: "concat" (default), "sum", "ave", "mul". */
  mergeMode?: MergeMode;
  name?: string;
}

const COMMON = ['units', 'activation', 'returnSequences', 'returnState', 'goBackwards', 'stateful', 'useBias',
  'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'inputShape', 'name'] as const;
const EXTRA: Record<CellKind, readonly string[]> = {
  simpleRNN: [],
  lstm: ['recurrentActivation', 'unitForgetBias'],
  gru: ['recurrentActivation', 'resetAfter'],
};
const FACTORY: Record<CellKind, string> = { simpleRNN: 'layers.simpleRNN', lstm: 'layers.lstm', gru: 'layers.gru' };
const DEFAULT_NAME: Record<CellKind, string> = { simpleRNN: 'simple_rnn', lstm: 'lstm', gru: 'gru' };

interface Direction {
  readonly reverse: boolean;
  readonly suffix: '' | '_reverse';
}

export class Recurrent extends Layer {
  readonly kind: string;
  readonly cellKind: CellKind;
  readonly cell: Cell;
  readonly units: number;
  readonly activation: CellActivation;
  readonly recurrentActivation: CellActivation;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly resetAfter: boolean;
  readonly kernelInitializer: InitializerName;
  readonly recurrentInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  /** Set for a bidirectional layer: how the directions merge. */
  readonly mergeMode: MergeMode | undefined;
  readonly defaultName: string;
  protected readonly directions: readonly Direction[];
  /** h (and c) per direction, with the direction suffix: computed once, asked for on every call. */
  private readonly stateNameList: readonly string[];

  constructor(cellKind: CellKind, options: LSTMOptions & GRUOptions, bidirectional?: { mergeMode: MergeMode; name: string | undefined }) {
    const where = FACTORY[cellKind];
    const o = checkOptions(options, [...COMMON, ...EXTRA[cellKind]], where);
    super(bidirectional ? bidirectional.name : identifier(o.name, `${where} name`), parseInputShape(o.inputShape, where, true));
    this.cellKind = cellKind;
    this.kind = bidirectional ? 'bidirectional' : cellKind;
    this.cell = CELLS[cellKind];
    this.units = integer(o.units, `${where} units`);
    this.activation = oneOf(o.activation, CELL_ACTIVATIONS, `${where} activation`, 'tanh');
    this.recurrentActivation = oneOf(o.recurrentActivation, CELL_ACTIVATIONS, `${where} recurrentActivation`, 'sigmoid');
    this.returnSequences = boolean(o.returnSequences, `${where} returnSequences`, false);
    this.returnState = boolean(o.returnState, `${where} returnState`, false);
    this.goBackwards = boolean(o.goBackwards, `${where} goBackwards`, false);
    this.stateful = boolean(o.stateful, `${where} stateful`, false);
    this.useBias = boolean(o.useBias, `${where} useBias`, true);
    this.unitForgetBias = boolean(o.unitForgetBias, `${where} unitForgetBias`, cellKind === 'lstm');
    this.resetAfter = boolean(o.resetAfter, `${where} resetAfter`, true);
    this.kernelInitializer = parseInitializer(o.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = parseInitializer(o.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = parseInitializer(o.biasInitializer ?? 'zeros');
    this.mergeMode = bidirectional?.mergeMode;
    this.defaultName = bidirectional ? 'bidirectional' : DEFAULT_NAME[cellKind];
    if (bidirectional && this.goBackwards) throw new Error('layers.bidirectional: the wrapped layer must not set goBackwards (the wrapper runs both directions)');
    this.directions = bidirectional
      ? [{ reverse: false, suffix: '' }, { reverse: true, suffix: '_reverse' }]
      : [{ reverse: this.goBackwards, suffix: '' }];
    this.stateNameList = this.directions.flatMap(({ suffix }) => this.cell.stateNames.map((state) => `${state}${suffix}`));
  }

  /** The options as given plus defaults, for this cell kind. */
  cellOptions(): Record<string, unknown> {
    const options: Record<string, unknown> = {
      units: this.units, activation: this.activation, returnSequences: this.returnSequences, returnState: this.returnState,
      goBackwards: this.goBackwards, stateful: this.stateful, useBias: this.useBias,
      kernelInitializer: this.kernelInitializer, recurrentInitializer: this.recurrentInitializer, biasInitializer: this.biasInitializer,
    };
    if (this.cellKind !== 'simpleRNN') options.recurrentActivation = this.recurrentActivation;
    if (this.cellKind === 'lstm') options.unitForgetBias = this.unitForgetBias;
    if (this.cellKind === 'gru') options.resetAfter = this.resetAfter;
    return options;
  }

  config(): LayerConfig {
    return {
      kind: this.kind,
      options: { ...this.cellOptions(), name: this.name, ...(this.inputShape ? { inputShape: this.inputShape } : {}) },
    };
  }


  protected outputShape(input: FeatureShape): FeatureShape {
    if (!input.sequence || input.tokens) {
      throw new Error(`${FACTORY[this.cellKind]} needs sequences of feature vectors [steps, features]${input.tokens ? ' (put an embedding layer first for token ids)' : `, got vectors of ${input.features} features`}`);
    }
    return { sequence: this.returnSequences, features: this.mergeMode === 'concat' ? 2 * this.units : this.units };
  }

  paramSpecs(): ParamSpec[] {
    const H = this.units;
    const G = this.cell.gates * H;
    const I = this.input.features;
    const specs: ParamSpec[] = [];
    for (const { suffix } of this.directions) {
      specs.push({ name: `weight_ih_l0${suffix}`, shape: [G, I], init: this.kernelInitializer, packed: true });
      specs.push({ name: `weight_hh_l0${suffix}`, shape: [G, H], init: this.recurrentInitializer, packed: true });
      if (this.useBias) {
        // Keras has one bias; PyTorch two that add up. The Keras initial bias goes into bias_ih
        // (with the forget gate block at 1 when unitForgetBias), bias_hh starts at zero.
        // Forward only adds the two together (one add a gate value with the model's sum, not two), except
        // in a reset_after GRU, whose b_hn sits inside r ⊙ (W_hn h + b_hn): that one takes both.
        const forget = this.cellKind === 'lstm' && this.unitForgetBias;
        const summed = this.cellKind === 'gru' && this.resetAfter ? {} : { summedWith: `bias_hh_l0${suffix}` };
        specs.push({ name: `bias_ih_l0${suffix}`, shape: [G], init: this.biasInitializer, ...summed, ...(forget ? { after: (b: Float32Array) => b.fill(1, H, 2 * H) } : {}) });
        specs.push({ name: `bias_hh_l0${suffix}`, shape: [G], init: 'zeros' });
      }
    }
    return specs;
  }

  stateNames(): readonly string[] {
    return this.stateNameList;
  }

  stateFloats(B: number): number {
    return B * this.units;
  }

  /** An own output buffer when the output is not simply one direction's state sequence or final state. */
  outputFloats(B: number, T: number): number {
    const merged = this.directions.length > 1;
    if (!merged && !(this.returnSequences && this.goBackwards)) return 0;
    return (this.returnSequences ? T * B : B) * this.output.features;
  }

  /** Per direction: the cell's cache, dhs [T, B, H], the gradient of the final states 2·[B, H], the cell's work. */
  scratchFloats(B: number, T: number): number {
    return this.directions.length * this.directionFloats(B, T);
  }

  finalStates(call: LayerCall): number[] {
    const { B, T } = call;
    const out: number[] = [];
    this.directions.forEach((d, i) => {
      for (let s = 0; s < this.cell.stateNames.length; s++) out.push(stateAt(this.cacheOf(call, i), s, d.reverse ? 0 : T - 1, T, B, this.units));
    });
    return out;
  }

  forward(call: LayerCall, x: number): number {
    this.directions.forEach((_, i) => this.cell.forward(this.run(call, i, x)));
    const { B, T } = call;
    const H = this.units;
    const outputs = this.directions.map((d, i) => (this.returnSequences ? this.cacheOf(call, i) : stateAt(this.cacheOf(call, i), 0, d.reverse ? 0 : T - 1, T, B, H)));
    if (this.mergeMode) {
      mergeForward(call.view(), this.mergeMode, outputs[0] >> 2, outputs[1] >> 2, call.output >> 2, (this.returnSequences ? T : 1) * B, H);
      return call.output;
    }
    if (this.returnSequences && this.goBackwards) {
      reverseSteps(call, call.output, outputs[0], T, B * H);
      return call.output;
    }
    return outputs[0];
  }

  backward(call: LayerCall, x: number, _y: number, dy: number, dx: number): void {
    const { B, T } = call;
    const H = this.units;
    const rows = this.returnSequences ? T * B : B;
    const n = this.directions.length;
    // dLoss/d(each direction's returned states): dhs [T, B, H] with returnSequences, else dh_last [B, H].
    const targets = this.directions.map((_, i) => (this.returnSequences ? this.dhsOf(call, i) : this.dLastOf(call, i)));
    if (this.mergeMode) {
      const outputs = this.directions.map((d, i) => (this.returnSequences ? this.cacheOf(call, i) : stateAt(this.cacheOf(call, i), 0, d.reverse ? 0 : T - 1, T, B, H)));
      mergeBackward(call.view(), this.mergeMode, dy >> 2, outputs[0] >> 2, outputs[1] >> 2, targets[0] >> 2, targets[1] >> 2, rows, H);
    } else if (this.returnSequences && this.goBackwards) {
      reverseSteps(call, targets[0], dy, T, B * H);
    } else {
      call.copy(targets[0], dy, rows * H);
    }
    for (let i = 0; i < n; i++) {
      if (!this.returnSequences) call.zero(this.dhsOf(call, i), T * B * H);
      const r = this.run(call, i, x);
      this.cell.backward(r, {
        dhs: this.dhsOf(call, i), dhLast: this.returnSequences ? 0 : this.dLastOf(call, i), dcLast: 0,
        work: this.workOf(call, i), dx, dh0: 0, dc0: 0,
        g: { wIh: call.grads[`weight_ih_l0${this.directions[i].suffix}`], wHh: call.grads[`weight_hh_l0${this.directions[i].suffix}`],
          bIh: call.grads[`bias_ih_l0${this.directions[i].suffix}`] ?? 0, bHh: call.grads[`bias_hh_l0${this.directions[i].suffix}`] ?? 0 },
      });
    }
  }

  private run(call: LayerCall, i: number, x: number): CellRun {
    const { suffix, reverse } = this.directions[i];
    const p = call.params;
    const states = this.cell.stateNames.length;
    return {
      k: call.kernels, act: actCode(this.activation), ract: actCode(this.recurrentActivation), resetAfter: this.resetAfter,
      reverse, T: call.T, B: call.B, I: this.input.features, H: this.units, x,
      p: { wIh: p[`weight_ih_l0${suffix}`], wHh: p[`weight_hh_l0${suffix}`], ...this.biases(call, suffix),
        pwIh: call.packed[`weight_ih_l0${suffix}`], pwHh: call.packed[`weight_hh_l0${suffix}`] },
      h0: call.initialStates[i * states] ?? 0, c0: states > 1 ? call.initialStates[i * states + 1] ?? 0 : 0,
      lengths: call.lengths, cache: this.cacheOf(call, i),
    };
  }

  /** The biases forward adds: the model's sum b_ih + b_hh when it keeps one (all but a reset_after GRU), else both. */
  private biases(call: LayerCall, suffix: string): { bIh: number; bHh: number } {
    const sum = call.packed[`bias_ih_l0${suffix}`];
    if (sum !== undefined) return { bIh: sum, bHh: 0 };
    return { bIh: call.params[`bias_ih_l0${suffix}`] ?? 0, bHh: call.params[`bias_hh_l0${suffix}`] ?? 0 };
  }

  private directionFloats(B: number, T: number): number {
    const H = this.units;
    return align4(this.cell.cacheFloats(T, B, H)) + align4(T * B * H) + align4(2 * B * H) + align4(this.cell.workFloats(B, H));
  }

  private cacheOf(call: LayerCall, i: number): number {
    return call.scratch + i * this.directionFloats(call.B, call.T) * 4;
  }

  private dhsOf(call: LayerCall, i: number): number {
    return this.cacheOf(call, i) + align4(this.cell.cacheFloats(call.T, call.B, this.units)) * 4;
  }

  private dLastOf(call: LayerCall, i: number): number {
    return this.dhsOf(call, i) + align4(call.T * call.B * this.units) * 4;
  }

  private workOf(call: LayerCall, i: number): number {
    return this.dLastOf(call, i) + align4(2 * call.B * this.units) * 4;
  }
}

/** layers.bidirectional's layer: a recurrent layer run forwards and backwards, outputs merged. */
export class Bidirectional extends Recurrent {
  constructor(options: BidirectionalOptions) {
    const o = checkOptions(options, ['layer', 'mergeMode', 'name'], 'layers.bidirectional');
    const inner = o.layer;
    if (!(inner instanceof Recurrent) || inner instanceof Bidirectional) {
      throw new Error('layers.bidirectional needs a recurrent layer: layers.simpleRNN, layers.lstm or layers.gru');
    }
    if (o.mergeMode === null) {
      throw new Error('layers.bidirectional mergeMode null (the directions as two separate outputs) does not fit a Sequential model\'s single output: use "concat" and split the last axis in two');
    }
    const mergeMode = oneOf(o.mergeMode, MERGE_MODES, 'layers.bidirectional mergeMode', 'concat');
    super(inner.cellKind, { ...inner.cellOptions(), ...(inner.inputShape ? { inputShape: inner.inputShape } : {}) } as LSTMOptions & GRUOptions,
      { mergeMode, name: identifier(o.name, 'layers.bidirectional name') });
  }

  config(): LayerConfig {
    const inner = { kind: this.cellKind, options: { ...this.cellOptions(), ...(this.inputShape ? { inputShape: this.inputShape } : {}) } };
    return { kind: 'bidirectional', options: { layer: inner, mergeMode: this.mergeMode, name: this.name } };
  }
}

/** dst[s] = src[T − 1 − s] for T steps of `n` floats each. */
function reverseSteps(call: LayerCall, dst: number, src: number, T: number, n: number): void {
  for (let s = 0; s < T; s++) call.copy(dst + s * n * 4, src + (T - 1 - s) * n * 4, n);
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
