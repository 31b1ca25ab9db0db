// Vectorised activations (tanh, sigmoid, relu, linear) and their derivatives taken from the forward
// OUTPUT, as f32x4 helpers for the cell kernels plus the act_forward / act_backward exports.
// Not libm: tanh and sigmoid are fast rational approximations with a stated error, saturating exactly.
//
// tanh: the [13/6] rational minimax approximation of Eigen's generic_fast_tanh_float (odd degree-13
// numerator over even degree-6 denominator), x clamped to ±8.078094482421875 and the result clamped to
// [-1, 1]. Eigen clamps at 7.90531110763549805, where the rational reaches 1 in f32 with a separate
// rounding per operation; with fused multiply-adds (the relaxed build on hardware that fuses) it stays up to
// 4 ulps under 1 there, and beyond it hovers at 1 and an ulp or so under, reaching 1 for the first time at
// 7.9988. At 8.078094482421875 it is 1 both ways, fused and not, so the clamp of x alone saturates tanh
// exactly in either build, wherever relaxed_madd fuses or not (the tests check ±Infinity on both builds).
// The relaxed build used to select ±1 beyond Eigen's clamp instead: without that select, paired A/B, W1's
// lstm_forward took 0.976× the time in headless Chromium 156 (its gate pass 0.78×), W1's predict in Node
// 0.98–1.00×. Between the two clamps the result stays within 2.8e-7 of tanh in both builds.
// sigmoid(x) = 0.5 + 0.5·tanh(0.5·x), which lies in [0, 1] exactly because 0.5·t is exact and t ∈ [-1, 1].
// Measured max abs error against Math.tanh and 1/(1+exp(-x)) in f64, over 2,000,001 evenly spaced
// points on [-20, 20] plus ±0, ±1e3, ±1e30, ±Infinity: release build tanh 3.5e-7 (near x = ±6),
// sigmoid 2.3e-7; relaxed build (fused multiply-adds) tanh 2.6e-7 (near x = ±5.7), sigmoid 1.7e-7.
// tests/assembly/activations.spec.ts and activations.test.ts keep them under 4e-7 / 3e-7.
// Never NaN for finite or infinite input (±Infinity gives ±1, 0, 1); NaN in gives NaN out.
//
// Coefficients are read from a table in linear memory (v128.load32_splat) rather than v128.const:
// PERF-NOTES #5, V8 rematerialises SIMD constants inside loops, the table is ~32% faster.

import { loadW, putW, storeW, zero } from "./simd";

/** Activation codes (= Act in src/kernels.ts). */
export const ACT_LINEAR = 0;
export const ACT_TANH = 1;
export const ACT_SIGMOID = 2;
export const ACT_RELU = 3;

// Byte offsets into COEF.
const CLAMP = 0, NCLAMP = 4, A13 = 8, A11 = 12, A9 = 16, A7 = 20, A5 = 24, A3 = 28, A1 = 32;
const B6 = 36, B4 = 40, B2 = 44, B0 = 48, ONE = 52, NONE = 56, HALF = 60;
const COEF = memory.data<f32>([
  8.078094482421875, -8.078094482421875,
  // numerator α13 … α1 (odd powers)
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
  1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03,
  // denominator β6 … β0 (even powers)
  1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03,
  1.0, -1.0, 0.5,
], 16);

// @ts-ignore: decorator
@inline function k(offset: usize): v128 {
  return v128.load32_splat(COEF + offset);
}

// @ts-ignore: decorator
@inline function mulAdd(a: v128, b: v128, c: v128): v128 {
  // Fused in the relaxed-SIMD build, as madd in simd.ts.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** tanh(x), lane-wise; see the header for the error bound. */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  // pmin/pmax are single instructions (minps/maxps); ±Infinity clamps to ±CLAMP.
  x = f32x4.pmax(f32x4.pmin(x, k(CLAMP)), k(NCLAMP));
  const x2 = f32x4.mul(x, x);
  let p = mulAdd(x2, k(A13), k(A11));
  p = mulAdd(x2, p, k(A9));
  p = mulAdd(x2, p, k(A7));
  p = mulAdd(x2, p, k(A5));
  p = mulAdd(x2, p, k(A3));
  p = mulAdd(x2, p, k(A1));
  p = f32x4.mul(x, p);
  let q = mulAdd(x2, k(B6), k(B4));
  q = mulAdd(x2, q, k(B2));
  q = mulAdd(x2, q, k(B0));
  return f32x4.pmax(f32x4.pmin(f32x4.div(p, q), k(ONE)), k(NONE));
}

/** sigmoid(x) = 0.5 + 0.5·tanh(0.5·x), lane-wise, in [0, 1]. */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const half = k(HALF);
  return mulAdd(half, tanhV(f32x4.mul(half, x)), half);
}

/** act(x) for a constant act code (the branches fold away after inlining). */
// @ts-ignore: decorator
@inline export function actV(act: i32, x: v128): v128 {
  if (act == ACT_TANH) return tanhV(x);
  if (act == ACT_SIGMOID) return sigmoidV(x);
  // pmax(x, 0) = x < 0 ? 0 : x, so NaN passes through
  if (act == ACT_RELU) return f32x4.pmax(x, zero());
  return x;
}

/** dy · act'(·) from the forward output y: tanh 1 − y², sigmoid y(1 − y), relu y > 0, linear 1. */
// @ts-ignore: decorator
@inline export function dactV(act: i32, y: v128, dy: v128): v128 {
  if (act == ACT_TANH) return f32x4.mul(dy, f32x4.sub(k(ONE), f32x4.mul(y, y)));
  if (act == ACT_SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(k(ONE), y)));
  if (act == ACT_RELU) return v128.and(dy, f32x4.gt(y, zero()));
  return dy;
}

// ---- y = act(x + b1 + b2), row by row ---------------------------------------------------------------

/**
 * y[R, C] = act(x[R, C] + b1[C] + b2[C]) with b1, b2 [C] or 0; x and y contiguous (row stride C),
 * in place allowed (y = x). The bias + nonlinearity epilogue of rnn/dense forward.
 */
export function bias_act(act: i32, R: i32, C: i32, x: usize, y: usize, b1: usize, b2: usize): void {
  // One loop per act code, so the activation inlines without a per-vector switch.
  if (act == ACT_TANH) biasActRows(ACT_TANH, R, C, x, y, b1, b2);
  else if (act == ACT_SIGMOID) biasActRows(ACT_SIGMOID, R, C, x, y, b1, b2);
  else if (act == ACT_RELU) biasActRows(ACT_RELU, R, C, x, y, b1, b2);
  else biasActRows(ACT_LINEAR, R, C, x, y, b1, b2);
}

// @ts-ignore: decorator
@inline function biasActRows(act: i32, R: i32, C: i32, x: usize, y: usize, b1: usize, b2: usize): void {
  const row = <usize>C << 2, end = <usize>(C & ~3) << 2;
  for (let r = 0; r < R; r++, x += row, y += row) {
    let o: usize = 0;
    for (; o < end; o += 16) biasAct(4, act, x + o, y + o, b1, b2, o);
    for (; o < row; o += 4) biasAct(1, act, x + o, y + o, b1, b2, o);
  }
}

// @ts-ignore: decorator
@inline function biasAct(W: i32, act: i32, x: usize, y: usize, b1: usize, b2: usize, o: usize): void {
  let v = loadW(W, x);
  if (b1) v = f32x4.add(v, loadW(W, b1 + o));
  if (b2) v = f32x4.add(v, loadW(W, b2 + o));
  storeW(W, y, actV(act, v));
}

/** y[n] = act(x[n]); in place allowed (y = x). Linear copies. */
export function act_forward(act: i32, n: i32, x: usize, y: usize): void {
  bias_act(act, 1, n, x, y, 0, 0);
}

// ---- out = (accumulate ? out : 0) + dy · act'(y) ----------------------------------------------------

/**
 * out[n] (+)= dy[n] · act'(y[n]) from the forward output y[n]. With accumulate = false and out = dy it
 * turns an output gradient into the pre-activation gradient in place (what rnn/dense backward need).
 */
export function act_grad(act: i32, n: i32, y: usize, dy: usize, out: usize, accumulate: bool): void {
  if (act == ACT_TANH) actGrad(ACT_TANH, n, y, dy, out, accumulate);
  else if (act == ACT_SIGMOID) actGrad(ACT_SIGMOID, n, y, dy, out, accumulate);
  else if (act == ACT_RELU) actGrad(ACT_RELU, n, y, dy, out, accumulate);
  else if (accumulate || out != dy) actGrad(ACT_LINEAR, n, y, dy, out, accumulate);
}

// @ts-ignore: decorator
@inline function actGrad(act: i32, n: i32, y: usize, dy: usize, out: usize, accumulate: bool): void {
  const end = <usize>(n & ~3) << 2, all = <usize>n << 2;
  let o: usize = 0;
  for (; o < end; o += 16) actGradW(4, act, y + o, dy + o, out + o, accumulate);
  for (; o < all; o += 4) actGradW(1, act, y + o, dy + o, out + o, accumulate);
}

// @ts-ignore: decorator
@inline function actGradW(W: i32, act: i32, y: usize, dy: usize, out: usize, accumulate: bool): void {
  putW(W, out, dactV(act, loadW(W, y), loadW(W, dy)), accumulate);
}

/** dx[n] += dy[n] · act'(y[n]), the derivative taken from the forward output y. */
export function act_backward(act: i32, n: i32, y: usize, dy: usize, dx: usize): void {
  act_grad(act, n, y, dy, dx, true);
}
