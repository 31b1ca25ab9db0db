// Lane helpers shared by every kernel: all @inline, so they cost nothing and leave no function behind.
// Not a vector library: only the handful of idioms the kernels repeat (multiply-add, horizontal sum,
// "4 lanes or 1 lane" loads and stores for scalar tails, output stores that overwrite or accumulate).
//
// Scalar tails reuse the vector code on one lane (W = 1): load32_zero puts the element in lane 0 and
// zeros the rest, store32_lane writes lane 0 back. So a tail element goes through exactly the same
// arithmetic as its vector neighbours, and reductions stay correct (the zero lanes add nothing).

/** All lanes 0. */
// @ts-ignore: decorator
@inline export function zero(): v128 {
  return i32x4(0, 0, 0, 0);
}

/**
 * acc + a·b, lane-wise: one fused multiply-add in the relaxed-SIMD build (asconfig target "relaxed"), a
 * mul and an add in the plain build. The two round differently (FMA rounds once), so each build is
 * deterministic but their results differ in the last bits.
 */
// @ts-ignore: decorator
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** a0 + a1 + a2 + a3. */
// @ts-ignore: decorator
@inline export function hsum(a: v128): f32 {
  // [a0, a1, a2, a3] + [a2, a3, a0, a1] => [a0+a2, a1+a3, ..]
  const s = f32x4.add(a, f32x4.shuffle(a, a, 2, 3, 0, 1));
  // [a0+a2, a1+a3, ..] + [a1+a3, ..] => lane 0 = the sum
  return f32x4.extract_lane(f32x4.add(s, f32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
}

/** W = 4: the 4 floats at p; W = 1: [p[0], 0, 0, 0]. W must be a constant so the choice folds away. */
// @ts-ignore: decorator
@inline export function loadW(W: i32, p: usize): v128 {
  return W == 4 ? v128.load(p) : v128.load32_zero(p);
}

/** W = 4: stores 4 lanes at p; W = 1: stores lane 0 only. */
// @ts-ignore: decorator
@inline export function storeW(W: i32, p: usize, v: v128): void {
  if (W == 4) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

/** Output store of W lanes: p = v, or p += v when accumulating. */
// @ts-ignore: decorator
@inline export function putW(W: i32, p: usize, v: v128, accumulate: bool): void {
  storeW(W, p, accumulate ? f32x4.add(loadW(W, p), v) : v);
}

/** Scalar output store: p = v, or p += v when accumulating. */
// @ts-ignore: decorator
@inline export function put(p: usize, v: f32, accumulate: bool): void {
  store<f32>(p, accumulate ? load<f32>(p) + v : v);
}

/** acc (2 f64 lanes) + the squares of the 4 f32 lanes of v, widened to f64 before squaring. */
// @ts-ignore: decorator
@inline export function addSquaresF64(acc: v128, v: v128): v128 {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}

/** Sum of the 2 f64 lanes. */
// @ts-ignore: decorator
@inline export function hsumF64(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}
