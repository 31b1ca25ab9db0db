// Reference dense (fully connected) layer: the executable spec for dense_forward / dense_backward
// (assembly/dense.ts). Plain f64 loops, not the fast path.
//
// y[N, O] = act(x[N, I] · wᵀ + b) with w [O, I] (PyTorch nn.Linear layout) and b [O] (optional).
// Backward returns fresh arrays (the kernel accumulates); dy is not consumed.

import { activate, derivativeFromOutput } from './activations.ts';

export interface DenseParams {
  act: number;
  N: number;
  I: number;
  O: number;
  x: ArrayLike<number>;
  w: ArrayLike<number>;
  b?: ArrayLike<number> | null;
}

export interface DenseGrads {
  /** [N, I] */
  dx: Float64Array;
  /** [O, I] */
  dw: Float64Array;
  /** [O] */
  db: Float64Array;
}

export function denseForward(p: DenseParams): Float64Array {
  const { act, N, I, O, x, w, b } = p;
  const y = new Float64Array(N * O);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      let pre = b ? b[o] : 0;
      for (let i = 0; i < I; i++) pre += x[n * I + i] * w[o * I + i];
      y[n * O + o] = activate(act, pre);
    }
  }
  return y;
}

/** y is denseForward's output; dy [N, O] is dLoss/dy. */
export function denseBackward(p: DenseParams, y: ArrayLike<number>, dy: ArrayLike<number>): DenseGrads {
  const { act, N, I, O, x, w } = p;
  const g: DenseGrads = { dx: new Float64Array(N * I), dw: new Float64Array(O * I), db: new Float64Array(O) };
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const d = dy[n * O + o] * derivativeFromOutput(act, y[n * O + o]);
      g.db[o] += d;
      for (let i = 0; i < I; i++) {
        g.dw[o * I + i] += d * x[n * I + i];
        g.dx[n * I + i] += d * w[o * I + i];
      }
    }
  }
  return g;
}
