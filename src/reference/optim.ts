// Reference optimizer updates: the executable spec for sgd_update, adam_update and clip_grad_norm
// (assembly/optim.ts). Plain f64 loops over the whole parameter block, updating in place like the kernels.
//
// Semantics are PyTorch's (torch.optim.SGD with dampening = 0, torch.optim.Adam without weight decay,
// torch.nn.utils.clip_grad_norm_), as documented in src/kernels.ts:
// https://pytorch.org/docs/stable/generated/torch.optim.SGD.html and .../torch.optim.Adam.html
// One deliberate difference: clip_grad_norm_ in PyTorch scales by maxNorm / (norm + 1e-6) whenever that
// is < 1; the kernel contract scales by exactly maxNorm / norm when norm > maxNorm, and so does this spec.

/**
 * g = grad + weightDecay·p; v = momentum·v + g; p −= lr·(nesterov ? g + momentum·v : v).
 * With momentum = 0 the velocity is not needed (pass null) and the step is p −= lr·g.
 * (PyTorch initialises its momentum buffer to g on the first step; with a zero-initialised v and
 * dampening 0 that is the same value.)
 */
export function sgdUpdate(params: Float64Array, grads: ArrayLike<number>, velocity: Float64Array | null,
  lr: number, momentum: number, nesterov: boolean, weightDecay: number): void {
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] + weightDecay * params[i];
    if (momentum === 0) {
      params[i] -= lr * g;
      continue;
    }
    if (!velocity) throw new Error('reference sgd: momentum ≠ 0 needs a velocity buffer');
    velocity[i] = momentum * velocity[i] + g;
    params[i] -= lr * (nesterov ? g + momentum * velocity[i] : velocity[i]);
  }
}

/** Bias corrections for Adam step `step` (1-based): bc1 = 1 − b1^step, bc2 = 1 − b2^step. */
export function adamBiasCorrections(b1: number, b2: number, step: number): { bc1: number; bc2: number } {
  return { bc1: 1 - b1 ** step, bc2: 1 - b2 ** step };
}

/** m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr · (m / bc1) / (sqrt(v / bc2) + eps). */
export function adamUpdate(params: Float64Array, grads: ArrayLike<number>, m: Float64Array, v: Float64Array,
  lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void {
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    params[i] -= lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps);
  }
}

/** Returns the L2 norm of grads; when maxNorm > 0 and the norm exceeds it, scales grads by maxNorm / norm. */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  let sumSq = 0;
  for (let i = 0; i < grads.length; i++) sumSq += grads[i] * grads[i];
  const norm = Math.sqrt(sumSq);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= s;
  }
  return norm;
}
