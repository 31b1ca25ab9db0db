// Optimizers: Adam and SGD (with momentum) over the model's whole parameter block, one kernel call per
// step, with optional global gradient-norm clipping first. Semantics follow PyTorch (torch.optim.Adam,
// torch.optim.SGD); default hyper-parameters follow Keras 3.
//
// An optimizer owns hyper-parameters and its step count; its state (Adam m and v, SGD velocity) lives in
// blocks the model allocates with the parameter block's layout (`stateNames`), so it can be saved.

import type { Kernels } from '../kernels.ts';
import { checkOptions, number, boolean } from '../options.ts';

export interface Optimizer {
  readonly kind: 'adam' | 'sgd';
  /** Steps taken so far (Adam's bias corrections depend on it). */
  iterations: number;
  /** One parameter-sized state block per name (saved with the model as `optimizer.<name>.<param>`). */
  readonly stateNames: readonly string[];
  /** Options as given plus defaults: enough to rebuild the optimizer. */
  config(): Record<string, number | boolean | string>;
  /** One update of params[n] from grads[n] with the state blocks (in stateNames order). */
  step(k: Kernels, n: number, params: number, grads: number, state: readonly number[]): void;
}

export interface AdamOptions { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number; globalClipNorm?: number }
export interface SGDOptions { learningRate?: number; momentum?: number; nesterov?: boolean; weightDecay?: number; globalClipNorm?: number }

class Adam implements Optimizer {
  readonly kind = 'adam';
  readonly stateNames = ['m', 'v'];
  iterations = 0;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly globalClipNorm: number;

  constructor(options: AdamOptions = {}) {
    const o = checkOptions(options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'globalClipNorm'], 'optimizers.adam');
    this.learningRate = number(o.learningRate, 'optimizers.adam learningRate', 0.001, 0);
    this.beta1 = number(o.beta1, 'optimizers.adam beta1', 0.9, 0, 0.999999);
    this.beta2 = number(o.beta2, 'optimizers.adam beta2', 0.999, 0, 0.999999);
    this.epsilon = number(o.epsilon, 'optimizers.adam epsilon', 1e-7, 0);
    this.globalClipNorm = number(o.globalClipNorm, 'optimizers.adam globalClipNorm', 0, 0);
  }

  config(): Record<string, number> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, globalClipNorm: this.globalClipNorm };
  }

  step(k: Kernels, n: number, params: number, grads: number, [m, v]: readonly number[]): void {
    if (this.globalClipNorm > 0) k.clip_grad_norm(n, grads, this.globalClipNorm);
    this.iterations++;
    const bc1 = 1 - this.beta1 ** this.iterations;
    const bc2 = 1 - this.beta2 ** this.iterations;
    k.adam_update(n, params, grads, m, v, this.learningRate, this.beta1, this.beta2, this.epsilon, bc1, bc2);
  }
}

class SGD implements Optimizer {
  readonly kind = 'sgd';
  readonly stateNames: readonly string[];
  iterations = 0;
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly globalClipNorm: number;

  constructor(options: SGDOptions = {}) {
    const o = checkOptions(options, ['learningRate', 'momentum', 'nesterov', 'weightDecay', 'globalClipNorm'], 'optimizers.sgd');
    this.learningRate = number(o.learningRate, 'optimizers.sgd learningRate', 0.01, 0);
    this.momentum = number(o.momentum, 'optimizers.sgd momentum', 0, 0, 1);
    this.nesterov = boolean(o.nesterov, 'optimizers.sgd nesterov', false);
    this.weightDecay = number(o.weightDecay, 'optimizers.sgd weightDecay', 0, 0);
    this.globalClipNorm = number(o.globalClipNorm, 'optimizers.sgd globalClipNorm', 0, 0);
    if (this.nesterov && this.momentum === 0) throw new Error('optimizers.sgd: nesterov needs momentum > 0');
    this.stateNames = this.momentum > 0 ? ['velocity'] : [];
  }

  config(): Record<string, number | boolean> {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay, globalClipNorm: this.globalClipNorm };
  }

  step(k: Kernels, n: number, params: number, grads: number, [velocity]: readonly number[]): void {
    if (this.globalClipNorm > 0) k.clip_grad_norm(n, grads, this.globalClipNorm);
    this.iterations++;
    k.sgd_update(n, params, grads, velocity ?? 0, this.learningRate, this.momentum, this.nesterov ? 1 : 0, this.weightDecay);
  }
}

export const optimizers = {
  adam: (options?: AdamOptions): Optimizer => new Adam(options),
  sgd: (options?: SGDOptions): Optimizer => new SGD(options),
};

/** An optimizer from a name with default settings, or the optimizer itself. */
export function makeOptimizer(spec: unknown): Optimizer {
  if (spec === 'adam') return new Adam();
  if (spec === 'sgd') return new SGD();
  if (spec instanceof Adam || spec instanceof SGD) return spec;
  throw new Error(`optimizer must be "adam", "sgd" or optimizers.adam({...}) / optimizers.sgd({...}), got ${JSON.stringify(spec)}`);
}

/** Rebuilds an optimizer from its saved kind and config. */
export function optimizerFromConfig(kind: string, config: Record<string, unknown>): Optimizer {
  if (kind === 'adam') return new Adam(config as AdamOptions);
  if (kind === 'sgd') return new SGD(config as SGDOptions);
  throw new Error(`unknown optimizer kind "${kind}" (expected "adam" or "sgd")`);
}
