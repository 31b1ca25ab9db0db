// Reference activations: the executable spec for act_forward / act_backward (assembly/activations.ts).
//
// Plain f64 Math, not the fast path: the core uses float32 approximations with a stated error; these are
// the exact functions they approximate. Derivatives are taken from the forward OUTPUT y, as the kernels do
// (the backward pass keeps outputs, not pre-activations): tanh' = 1 − y², sigmoid' = y(1 − y),
// relu' = [y > 0], linear' = 1. Codes are the shared `Act` codes of src/kernels.ts.

import { Act } from '../kernels.ts';

export type ActCode = (typeof Act)[keyof typeof Act];

/** act(x) for one value. */
export function activate(act: number, x: number): number {
  switch (act) {
    case Act.Linear: return x;
    case Act.Tanh: return Math.tanh(x);
    case Act.Sigmoid: return sigmoid(x);
    case Act.Relu: return x > 0 ? x : 0;
    default: throw new Error(`reference: unknown activation code ${act}`);
  }
}

/** act'(x) expressed through y = act(x). */
export function derivativeFromOutput(act: number, y: number): number {
  switch (act) {
    case Act.Linear: return 1;
    case Act.Tanh: return 1 - y * y;
    case Act.Sigmoid: return y * (1 - y);
    case Act.Relu: return y > 0 ? 1 : 0;
    default: throw new Error(`reference: unknown activation code ${act}`);
  }
}

/** The logistic function, written in the form that does not overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** act_forward: y[i] = act(x[i]); returns a fresh array. */
export function actForward(act: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = activate(act, x[i]);
  return y;
}

/** act_backward: dx[i] += dy[i] · act'(from y[i]) — accumulates into dx like the kernel. */
export function actBackward(act: number, y: ArrayLike<number>, dy: ArrayLike<number>, dx: Float64Array): void {
  for (let i = 0; i < y.length; i++) dx[i] += dy[i] * derivativeFromOutput(act, y[i]);
}
