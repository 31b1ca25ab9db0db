// layers.simpleRNN: the Elman cell h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), trained by BPTT.
//
// Parameters (PyTorch nn.RNN names and layout): weight_ih_l0 [H, I], weight_hh_l0 [H, H],
// bias_ih_l0 [H], bias_hh_l0 [H]. The whole sequence is one rnn_forward / rnn_backward call.
// goBackwards follows Keras: the sequence is processed from the last step to the first, and the returned
// sequence is in processing order (its first element belongs to the last input step).

import { checkOptions, oneOf, integer, boolean, identifier } from '../options.ts';
import { parseInitializer, type InitializerName } from '../initializers.ts';
import { actCode, CELL_ACTIVATIONS } from './activation.ts';
import { Layer, type FeatureShape, type LayerCall, type LayerConfig, type ParamSpec } from './layer.ts';
import { parseInputShape } from './input-shape.ts';

export interface SimpleRNNOptions {
  units: number;
  activation?: (typeof CELL_ACTIVATIONS)[number];
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  useBias?: boolean;
  kernelInitializer?: string;
  recurrentInitializer?: string;
  biasInitializer?: string;
  inputShape?: readonly (number | null)[];
  name?: string;
}

const OPTIONS = ['units', 'activation', 'returnSequences', 'returnState', 'goBackwards', 'useBias',
  'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'inputShape', 'name'] as const;

export class SimpleRNN extends Layer {
  readonly kind = 'simpleRNN';
  readonly units: number;
  readonly activation: (typeof CELL_ACTIVATIONS)[number];
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly recurrentInitializer: InitializerName;
  readonly biasInitializer: InitializerName;

  constructor(options: SimpleRNNOptions) {
    const where = 'layers.simpleRNN';
    const o = checkOptions(options, OPTIONS, where);
    super(identifier(o.name, `${where} name`), parseInputShape(o.inputShape, where, true));
    this.units = integer(o.units, `${where} units`);
    this.activation = oneOf(o.activation, CELL_ACTIVATIONS, `${where} activation`, 'tanh');
    this.returnSequences = boolean(o.returnSequences, `${where} returnSequences`, false);
    this.returnState = boolean(o.returnState, `${where} returnState`, false);
    this.goBackwards = boolean(o.goBackwards, `${where} goBackwards`, false);
    this.useBias = boolean(o.useBias, `${where} useBias`, true);
    this.kernelInitializer = parseInitializer(o.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = parseInitializer(o.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = parseInitializer(o.biasInitializer ?? 'zeros');
  }

  config(): LayerConfig {
    return {
      kind: this.kind,
      options: {
        units: this.units, activation: this.activation, returnSequences: this.returnSequences,
        returnState: this.returnState, goBackwards: this.goBackwards, useBias: this.useBias,
        kernelInitializer: this.kernelInitializer, recurrentInitializer: this.recurrentInitializer,
        biasInitializer: this.biasInitializer, name: this.name,
        ...(this.inputShape ? { inputShape: this.inputShape } : {}),
      },
    };
  }

  protected outputShape(input: FeatureShape): FeatureShape {
    if (!input.sequence) {
      throw new Error(`layers.simpleRNN ${this.name ?? ''} needs sequence input [steps, features], got vectors of ${input.features} features`);
    }
    return { sequence: this.returnSequences, features: this.units };
  }

  paramSpecs(): ParamSpec[] {
    const H = this.units;
    const I = this.input.features;
    const specs: ParamSpec[] = [
      { name: 'weight_ih_l0', shape: [H, I], init: this.kernelInitializer },
      { name: 'weight_hh_l0', shape: [H, H], init: this.recurrentInitializer },
    ];
    if (this.useBias) {
      specs.push({ name: 'bias_ih_l0', shape: [H], init: this.biasInitializer });
      specs.push({ name: 'bias_hh_l0', shape: [H], init: 'zeros' });
    }
    return specs;
  }

  /** A reversed sequence output needs its own buffer; otherwise the output lives in the state cache. */
  outputFloats(B: number, T: number): number {
    return this.returnSequences && this.goBackwards ? T * B * this.units : 0;
  }

  /** hs [T, B, H] (the states, kept for backward) and dhs [T, B, H] (backward scratch). */
  scratchFloats(B: number, T: number): number {
    return 2 * T * B * this.units;
  }

  forward(call: LayerCall, x: number): number {
    const { kernels: k, params: p, B, T } = call;
    const H = this.units;
    const hs = call.scratch;
    k.rnn_forward(actCode(this.activation), this.goBackwards ? 1 : 0, T, B, this.input.features, H, x,
      p.weight_ih_l0, p.weight_hh_l0, p.bias_ih_l0 ?? 0, p.bias_hh_l0 ?? 0, 0, hs);
    if (!this.returnSequences) return this.finalState(hs, B, T);
    if (!this.goBackwards) return hs;
    reverseSteps(call, call.output, hs, T, B * H);
    return call.output;
  }

  /** Address of the final state [B, H] inside the state cache at `scratch`. */
  finalState(scratch: number, B: number, T: number): number {
    return this.goBackwards ? scratch : scratch + (T - 1) * B * this.units * 4;
  }

  backward(call: LayerCall, x: number, _y: number, dy: number, dx: number): void {
    const { kernels: k, params: p, grads: g, B, T } = call;
    const H = this.units;
    const hs = call.scratch;
    const dhs = hs + T * B * H * 4;
    // dLoss/d(states) for the kernel (consumed by it): the output gradient itself when the output is the
    // state sequence in position order, reordered when it was reversed, zeros plus dh_last when only the
    // final state was returned.
    let dStates = dy;
    let dhLast = 0;
    if (!this.returnSequences) {
      call.zero(dhs, T * B * H);
      dStates = dhs;
      dhLast = dy;
    } else if (this.goBackwards) {
      reverseSteps(call, dhs, dy, T, B * H);
      dStates = dhs;
    }
    k.rnn_backward(actCode(this.activation), this.goBackwards ? 1 : 0, T, B, this.input.features, H, x,
      p.weight_ih_l0, p.weight_hh_l0, 0, hs, dStates, dhLast, dx,
      g.weight_ih_l0, g.weight_hh_l0, g.bias_ih_l0 ?? 0, g.bias_hh_l0 ?? 0, 0);
  }
}

/** dst[s] = src[T − 1 − s] for T steps of `n` floats each. */
function reverseSteps(call: LayerCall, dst: number, src: number, T: number, n: number): void {
  for (let s = 0; s < T; s++) call.copy(dst + s * n * 4, src + (T - 1 - s) * n * 4, n);
}
