// layers.dense: y = act(x·Wᵀ + b), applied to every step when its input is a sequence (like Keras Dense on
// 3-D input). Parameters (PyTorch nn.Linear names and layout): weight [O, I], bias [O].
// A softmax or sigmoid head can run "as logits" so the loss applies the activation fused with its gradient.

import { checkOptions, oneOf, integer, boolean, identifier } from '../options.ts';
import { parseInitializer, type InitializerName } from '../initializers.ts';
import { ACTIVATIONS, actCode, type ActivationName } from './activation.ts';
import { Act } from '../kernels.ts';
import { Layer, type FeatureShape, type LayerCall, type LayerConfig, type ParamSpec } from './layer.ts';
import { parseInputShape } from './input-shape.ts';

export interface DenseOptions {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: string;
  biasInitializer?: string;
  inputShape?: readonly (number | null)[];
  name?: string;
}

const OPTIONS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape', 'name'] as const;

export class Dense extends Layer {
  readonly kind = 'dense';
  readonly defaultName = 'dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;

  constructor(options: DenseOptions) {
    const where = 'layers.dense';
    const o = checkOptions(options, OPTIONS, where);
    super(identifier(o.name, `${where} name`), parseInputShape(o.inputShape, where, false));
    this.units = integer(o.units, `${where} units`);
    this.activation = oneOf(o.activation, ACTIVATIONS, `${where} activation`, 'linear');
    this.useBias = boolean(o.useBias, `${where} useBias`, true);
    this.kernelInitializer = parseInitializer(o.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = parseInitializer(o.biasInitializer ?? 'zeros');
  }

  config(): LayerConfig {
    return {
      kind: this.kind,
      options: {
        units: this.units, activation: this.activation, useBias: this.useBias,
        kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer, name: this.name,
        ...(this.inputShape ? { inputShape: this.inputShape } : {}),
      },
    };
  }

  protected outputShape(input: FeatureShape): FeatureShape {
    return { sequence: input.sequence, features: this.units };
  }

  paramSpecs(): ParamSpec[] {
    const specs: ParamSpec[] = [{ name: 'weight', shape: [this.units, this.input.features], init: this.kernelInitializer, packed: true }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], init: this.biasInitializer });
    return specs;
  }

  outputFloats(B: number, T: number): number {
    return this.rows(B, T) * this.units;
  }

  scratchFloats(): number {
    return 0;
  }

  forward(call: LayerCall, x: number, logits: boolean): number {
    const N = this.rows(call.B, call.T);
    call.kernels.dense_forward(this.code(logits), N, this.input.features, this.units, x, call.params.weight, call.packed.weight, call.params.bias ?? 0, call.output);
    if (this.activation === 'softmax' && !logits) call.kernels.softmax_forward(N, this.units, call.output, call.output);
    return call.output;
  }

  backward(call: LayerCall, x: number, y: number, dy: number, dx: number, logits: boolean): void {
    if (this.activation === 'softmax' && !logits) {
      throw new Error('layers.dense: backward through softmax is only supported fused with a cross-entropy loss');
    }
    const N = this.rows(call.B, call.T);
    call.kernels.dense_backward(this.code(logits), N, this.input.features, this.units, x, call.params.weight, y, dy, dx,
      call.grads.weight, call.grads.bias ?? 0);
  }

  /** The elementwise activation the kernel applies: none for a head whose activation the loss fuses. */
  private code(logits: boolean): number {
    return logits && (this.activation === 'softmax' || this.activation === 'sigmoid') ? Act.Linear : actCode(this.activation);
  }
}
