// What every layer is to the model: its shapes, its named parameters, the scratch memory it needs per
// (B, T), and the calls into its kernel pair. A layer holds configuration only; the model owns memory and
// hands each call the addresses planned for it.
//
// Data inside the model is time-major: a sequence activation is [T, B, F] (one contiguous slice per
// step), a vector activation is [B, F].

import type { Kernels } from '../kernels.ts';
import type { InitializerName } from '../initializers.ts';

/** The shape of one sample flowing between layers: a sequence of feature vectors, or one vector. */
export interface FeatureShape {
  readonly sequence: boolean;
  readonly features: number;
  /** Integer token ids (one per step) rather than feature vectors: the input of an embedding. */
  readonly tokens?: boolean;
}

export interface ParamSpec {
  /** Name inside the layer, PyTorch-style (weight_ih_l0, bias, ...). */
  readonly name: string;
  /** [rows, cols] for matrices, [n] for vectors. */
  readonly shape: readonly number[];
  readonly init: InitializerName;
  /** Adjusts the initialised values (e.g. an LSTM's forget-gate bias block set to 1). */
  readonly after?: (data: Float32Array) => void;
  /** A weight [N, K] used as x·Wᵀ in forward: the model keeps a packed copy (pack_weights) for the fast GEMMs. */
  readonly packed?: boolean;
  /**
   * Another parameter of the layer (same shape) that forward only ever adds together with this one: the
   * model keeps their sum in the packed block (under this one's name), so forward adds one bias, not two.
   */
  readonly summedWith?: string;
}

/** Addresses the model planned for one call of a layer. */
export interface LayerCall {
  readonly kernels: Kernels;
  /** Parameter and gradient addresses by the layer's parameter names. */
  readonly params: Readonly<Record<string, number>>;
  readonly grads: Readonly<Record<string, number>>;
  /** Packed copies of the parameters marked `packed`, and the sums of those with `summedWith`, by parameter name. */
  readonly packed: Readonly<Record<string, number>>;
  /** Start of the layer's scratch region (scratchFloats(B, T) floats, 16-byte aligned). */
  readonly scratch: number;
  /** This call's output buffer (outputFloats(B, T) floats) when the layer writes into one. */
  readonly output: number;
  readonly B: number;
  readonly T: number;
  /** Per-sequence lengths ([B] i32 in core memory) or 0 when every sequence has T steps. */
  readonly lengths: number;
  /** Initial states of a recurrent layer, in its stateNames() order (0 = zeros). */
  readonly initialStates: readonly number[];
  /** The core's memory as floats (fresh: take it again after anything that may allocate). */
  readonly view: () => Float32Array;
  /** Fill `n` floats at `ptr` with zeros. */
  readonly zero: (ptr: number, n: number) => void;
  /** Copy `n` floats from `src` to `dst`. */
  readonly copy: (dst: number, src: number, n: number) => void;
}

/** A serialisable description of a layer: its kind and its (validated, defaults filled) options. */
export interface LayerConfig {
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export abstract class Layer {
  /** Name given by the user, or the model's default (kind + counter). Prefix of the parameter names. */
  name: string | undefined;
  /** [steps | null, features] or [features] from the layer options, if the user gave one. */
  readonly inputShape: readonly (number | null)[] | undefined;
  private shapes: { input: FeatureShape; output: FeatureShape } | undefined;

  constructor(name: string | undefined, inputShape: readonly (number | null)[] | undefined) {
    this.name = name;
    this.inputShape = inputShape;
  }

  abstract readonly kind: string;

  /** The stem of the default name the model gives this layer (Keras names: dense, lstm, ...). */
  abstract readonly defaultName: string;

  /** The options as given plus defaults: enough to rebuild the layer. */
  abstract config(): LayerConfig;

  /** Checks that the layer accepts `input` and returns its output shape. */
  protected abstract outputShape(input: FeatureShape): FeatureShape;

  /** Parameters for the input shape fixed by build(). */
  abstract paramSpecs(): ParamSpec[];

  /** Floats the layer writes as its own output buffer per call (0 when its output lives in scratch). */
  abstract outputFloats(B: number, T: number): number;

  /** Floats of per-call scratch (caches for backward, gradient scratch). */
  abstract scratchFloats(B: number, T: number): number;

  /**
   * Runs the layer on x (time-major). Returns the address of its output, [T, B, F] or [B, F].
   * `logits` asks a layer with a softmax/sigmoid head to leave its output before that activation
   * (the loss applies it, fused with its gradient).
   */
  abstract forward(call: LayerCall, x: number, logits: boolean): number;

  /**
   * Backward for the forward just run with the same call: dy (consumed) is dLoss/d output; adds
   * dLoss/d x into dx (0 for the first layer) and parameter gradients into call.grads. `logits` is the
   * flag the forward ran with (dy is then the gradient with respect to the logits).
   */
  abstract backward(call: LayerCall, x: number, y: number, dy: number, dx: number, logits: boolean): void;

  /** Names of the states a recurrent layer carries (h, c, h_reverse, ...); none for other layers. */
  stateNames(): readonly string[] {
    return [];
  }

  /** Floats of one state tensor ([B, units]). */
  stateFloats(B: number): number {
    return B * this.output.features;
  }

  /** After forward: addresses of the final states, in stateNames() order. */
  finalStates(_call: LayerCall): number[] {
    return [];
  }

  /** Validates a first layer's raw input beyond its shape (e.g. token ids in range). */
  checkInput(_x: Float32Array): void {}

  /** Fixes the input shape; called once by the model. */
  build(input: FeatureShape): FeatureShape {
    const output = this.outputShape(input);
    this.shapes = { input, output };
    return output;
  }

  get input(): FeatureShape {
    return this.built().input;
  }

  get output(): FeatureShape {
    return this.built().output;
  }

  /** Rows of this layer's output per call: T·B for sequences, B for vectors. */
  rows(B: number, T: number): number {
    return this.output.sequence ? T * B : B;
  }

  private built(): { input: FeatureShape; output: FeatureShape } {
    if (!this.shapes) throw new Error(`layer ${this.name ?? this.kind} is not built yet (add it to a model that knows its input shape)`);
    return this.shapes;
  }
}
