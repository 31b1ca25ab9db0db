// layers.embedding: token ids → learned vectors (Keras Embedding, PyTorch nn.Embedding's `weight`
// [inputDim, outputDim]). It must be the first layer; its input is [samples, steps] of integer ids.
// With maskZero, trailing id-0 steps are padding: the model derives each sequence's length from them.

import { checkOptions, integer, boolean, identifier } from '../options.ts';
import { parseInitializer, type InitializerName } from '../initializers.ts';
import { Layer, type FeatureShape, type LayerCall, type LayerConfig, type ParamSpec } from './layer.ts';

export interface EmbeddingOptions {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: string;
  /** Id 0 marks trailing padding (Keras mask_zero). */
  maskZero?: boolean;
  /** [steps | null]. */
  inputShape?: readonly (number | null)[];
  name?: string;
}

export class Embedding extends Layer {
  readonly kind = 'embedding';
  readonly defaultName = 'embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly embeddingsInitializer: InitializerName;

  constructor(options: EmbeddingOptions) {
    const where = 'layers.embedding';
    const o = checkOptions(options, ['inputDim', 'outputDim', 'embeddingsInitializer', 'maskZero', 'inputShape', 'name'], where);
    const shape = o.inputShape;
    if (shape !== undefined && !(Array.isArray(shape) && shape.length === 1 && (shape[0] === null || (Number.isSafeInteger(shape[0]) && (shape[0] as number) >= 1)))) {
      throw new Error(`${where} inputShape must be [steps | null] (token ids per sample), got ${JSON.stringify(shape)}`);
    }
    super(identifier(o.name, `${where} name`), shape as readonly (number | null)[] | undefined);
    this.inputDim = integer(o.inputDim, `${where} inputDim`);
    this.outputDim = integer(o.outputDim, `${where} outputDim`);
    this.maskZero = boolean(o.maskZero, `${where} maskZero`, false);
    this.embeddingsInitializer = parseInitializer(o.embeddingsInitializer ?? 'random_uniform');
  }

  config(): LayerConfig {
    return {
      kind: this.kind,
      options: { inputDim: this.inputDim, outputDim: this.outputDim, embeddingsInitializer: this.embeddingsInitializer, maskZero: this.maskZero,
        name: this.name, ...(this.inputShape ? { inputShape: this.inputShape } : {}) },
    };
  }

  protected outputShape(input: FeatureShape): FeatureShape {
    if (!input.tokens) throw new Error('layers.embedding must be the first layer (its input is token ids [samples, steps])');
    return { sequence: true, features: this.outputDim };
  }

  paramSpecs(): ParamSpec[] {
    return [{ name: 'weight', shape: [this.inputDim, this.outputDim], init: this.embeddingsInitializer }];
  }

  outputFloats(B: number, T: number): number {
    return T * B * this.outputDim;
  }

  scratchFloats(): number {
    return 0;
  }

  checkInput(x: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      const id = x[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.inputDim) {
        throw new Error(`x holds ${id} at flat index ${i}: token ids must be integers in [0, ${this.inputDim - 1}] (inputDim ${this.inputDim})`);
      }
    }
  }

  forward(call: LayerCall, x: number): number {
    call.kernels.embedding_forward(call.T * call.B, this.outputDim, x, call.params.weight, call.output);
    return call.output;
  }

  backward(call: LayerCall, x: number, _y: number, dy: number): void {
    call.kernels.embedding_backward(call.T * call.B, this.outputDim, x, dy, call.grads.weight);
  }
}
