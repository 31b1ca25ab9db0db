// Optimizer updates over a whole parameter block (params, grads and optimizer state are regions of the
// same size at the same relative offsets, so one call updates every layer), and global-norm gradient
// clipping. PyTorch semantics. Not a scheduler: lr, step-dependent bias corrections etc. come from the
// caller. Vectorised 4 lanes at a time; the n % 4 tail runs the same code on one lane.

import { addSquaresF64, hsumF64, loadW, storeW, zero } from "./simd";

const SGD_PLAIN = 0, SGD_MOMENTUM = 1, SGD_NESTEROV = 2;

/**
 * SGD with momentum (torch.optim.SGD, dampening 0) over params, grads, velocity [n]:
 * g = grad + weightDecay·p; v = momentum·v + g; p −= lr·(nesterov ? g + momentum·v : v).
 * With momentum = 0 it is p −= lr·g and velocity (which may be 0) is not touched.
 */
export function sgd_update(n: i32, params: usize, grads: usize, velocity: usize, lr: f32, momentum: f32,
  nesterov: i32, weightDecay: f32): void {
  if (momentum == 0) sgdLoop(SGD_PLAIN, n, params, grads, velocity, lr, momentum, weightDecay);
  else if (nesterov) sgdLoop(SGD_NESTEROV, n, params, grads, velocity, lr, momentum, weightDecay);
  else sgdLoop(SGD_MOMENTUM, n, params, grads, velocity, lr, momentum, weightDecay);
}

// @ts-ignore: decorator
@inline function sgdLoop(mode: i32, n: i32, p: usize, g: usize, v: usize, lr: f32, momentum: f32, wd: f32): void {
  const lrV = f32x4.splat(lr), muV = f32x4.splat(momentum), wdV = f32x4.splat(wd);
  const end = <usize>(n & ~3) << 2, all = <usize>n << 2;
  let o: usize = 0;
  for (; o < end; o += 16) sgdW(4, mode, p + o, g + o, v + o, lrV, muV, wdV);
  for (; o < all; o += 4) sgdW(1, mode, p + o, g + o, v + o, lrV, muV, wdV);
}

// @ts-ignore: decorator
@inline function sgdW(W: i32, mode: i32, p: usize, g: usize, v: usize, lr: v128, mu: v128, wd: v128): void {
  const pv = loadW(W, p);
  const gv = f32x4.add(loadW(W, g), f32x4.mul(wd, pv));
  let dir = gv;
  if (mode != SGD_PLAIN) {
    const vv = f32x4.add(f32x4.mul(mu, loadW(W, v)), gv);
    storeW(W, v, vv);
    dir = mode == SGD_NESTEROV ? f32x4.add(gv, f32x4.mul(mu, vv)) : vv;
  }
  storeW(W, p, f32x4.sub(pv, f32x4.mul(lr, dir)));
}

/**
 * Adam (torch.optim.Adam, no weight decay, no amsgrad) over params, grads, m, v [n]:
 * m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr·(m / bc1) / (sqrt(v / bc2) + eps),
 * with bc1 = 1 − b1^step, bc2 = 1 − b2^step from the caller. Evaluated as PyTorch does:
 * p −= (lr / bc1)·m / (sqrt(v) / sqrt(bc2) + eps).
 */
export function adam_update(n: i32, params: usize, grads: usize, m: usize, v: usize, lr: f32, b1: f32,
  b2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const step = f32x4.splat(lr / bc1), invSqrtBc2 = f32x4.splat(1 / Mathf.sqrt(bc2)), epsV = f32x4.splat(eps);
  const b1V = f32x4.splat(b1), c1 = f32x4.splat(1 - b1), b2V = f32x4.splat(b2), c2 = f32x4.splat(1 - b2);
  const end = <usize>(n & ~3) << 2, all = <usize>n << 2;
  let o: usize = 0;
  for (; o < end; o += 16) adamW(4, params + o, grads + o, m + o, v + o, step, invSqrtBc2, epsV, b1V, c1, b2V, c2);
  for (; o < all; o += 4) adamW(1, params + o, grads + o, m + o, v + o, step, invSqrtBc2, epsV, b1V, c1, b2V, c2);
}

// @ts-ignore: decorator
@inline function adamW(W: i32, p: usize, g: usize, m: usize, v: usize, step: v128, invSqrtBc2: v128, eps: v128,
  b1: v128, c1: v128, b2: v128, c2: v128): void {
  const gv = loadW(W, g);
  const mv = f32x4.add(f32x4.mul(b1, loadW(W, m)), f32x4.mul(c1, gv));
  const vv = f32x4.add(f32x4.mul(b2, loadW(W, v)), f32x4.mul(c2, f32x4.mul(gv, gv)));
  storeW(W, m, mv);
  storeW(W, v, vv);
  const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), invSqrtBc2), eps);
  storeW(W, p, f32x4.sub(loadW(W, p), f32x4.div(f32x4.mul(step, mv), denom)));
}

/**
 * Global L2 norm clipping over grads [n]: returns the norm (squares summed in f64); if maxNorm > 0 and
 * the norm exceeds it, scales grads by maxNorm / norm.
 */
export function clip_grad_norm(n: i32, grads: usize, maxNorm: f32): f64 {
  const end = <usize>(n & ~3) << 2, all = <usize>n << 2;
  let sum = zero(), o: usize = 0;
  for (; o < end; o += 16) sum = addSquaresF64(sum, loadW(4, grads + o));
  for (; o < all; o += 4) sum = addSquaresF64(sum, loadW(1, grads + o));
  const norm = Math.sqrt(hsumF64(sum));
  if (maxNorm > 0 && norm > maxNorm) {
    const s = f32x4.splat(<f32>(maxNorm / norm));
    for (o = 0; o < end; o += 16) storeW(4, grads + o, f32x4.mul(s, loadW(4, grads + o)));
    for (; o < all; o += 4) storeW(1, grads + o, f32x4.mul(s, loadW(1, grads + o)));
  }
  return norm;
}
