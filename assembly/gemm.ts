// SIMD single-precision GEMM, the one hot primitive of the core, plus the two BLAS-1/2 helpers the layers
// need (column sums for bias gradients, y += x). Register blocked, unpacked: operands are read in place
// with their row strides, so no workspace and no allocation. Not a general BLAS: no alpha/beta other than
// "overwrite or accumulate", no TT, f32 only, single thread.
//
// C[M, N] (+)= op(A)[M, K] · op(B)[K, N]   (all row-major, strides lda/ldb/ldc in elements)
//
// Two loop nests cover the three supported layouts:
// - NN and TN (gemmAB): C rows are built 8 (or 16) columns at a time from rows of B; each A element is
//   broadcast (v128.load32_splat) and multiplied into them. NN and TN differ only in where A(i, k)
//   lives (A + i·lda + k vs A + k·lda + i), so the loop takes the byte steps of A along i and along k.
// - NT (gemmNT, the hot x·Wᵀ): rows of A and rows of B are both contiguous in k, so each C element is
//   a dot product: v128 partial sums over k in steps of 4, one horizontal sum at the end, scalar K tail.
//
// Tile shapes (PERF-NOTES: V8 has 15 usable SIMD registers and keeps every load of an iteration live):
// 4×8 for NN/TN = 8 accumulators + 2 B vectors + 4 A broadcasts = 14 registers; 1×16 for leftover single
// rows (4 accumulators + 4 B vectors + 1 broadcast, good for GEMV); 4×2 for NT = 8 accumulators + 4 A
// vectors + 2 B vectors = 14; 1×4 for NT's single rows. Edges fall to narrower tiles of the same code
// (the tile functions are @inline with constant shape arguments, so each shape compiles to its own
// straight-line loop) and finally to scalar dot products.

import { hsum, loadW, madd, put, putW, zero } from "./simd";

/** Flag bits of sgemm (= Gemm in src/kernels.ts). */
export const TRANS_A = 1;
export const TRANS_B = 2;
export const ACCUMULATE = 4;

/**
 * C[M, N] (+)= op(A)[M, K] · op(B)[K, N]. flags: TRANS_A (A stored [K, M]), TRANS_B (B stored [N, K]),
 * ACCUMULATE (C += instead of C =). TT is not supported (TRANS_B wins). A, B, C are byte addresses;
 * lda/ldb/ldc are row strides in elements of A, B, C as stored. K = 0 gives C = 0 (or C unchanged).
 */
export function sgemm(flags: i32, M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32): void {
  if (M <= 0 || N <= 0) return;
  const accumulate = (flags & ACCUMULATE) != 0;
  const ldaB = <usize>lda << 2, ldbB = <usize>ldb << 2, ldcB = <usize>ldc << 2;
  if (flags & TRANS_B) gemmNT(accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
  else if (flags & TRANS_A) gemmAB(accumulate, M, N, K, A, 4, ldaB, B, ldbB, C, ldcB);
  else gemmAB(accumulate, M, N, K, A, ldaB, 4, B, ldbB, C, ldcB);
}

/** sum over k < K of a[k·aK] · b[k·bK] (byte steps), in f32: the scalar edges of both loop nests. */
// @ts-ignore: decorator
@inline function dot(K: i32, a: usize, aK: usize, b: usize, bK: usize): f32 {
  let s: f32 = 0;
  for (let k = 0; k < K; k++, a += aK, b += bK) s += load<f32>(a) * load<f32>(b);
  return s;
}

// ---- NN / TN -------------------------------------------------------------------------------------

/**
 * NN or TN. A(i, k) is at A + i·aI + k·aK (bytes): NN aI = lda·4, aK = 4; TN aI = 4, aK = lda·4.
 * B [K, N] with row stride ldb (bytes), C [M, N] with row stride ldc (bytes).
 */
function gemmAB(accumulate: bool, M: i32, N: i32, K: i32, A: usize, aI: usize, aK: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) rowsAB(4, 2, accumulate, N, K, A + <usize>i * aI, aI, aK, B, ldb, C + <usize>i * ldc, ldc);
  for (; i < M; i++) rowsAB(1, 4, accumulate, N, K, A + <usize>i * aI, aI, aK, B, ldb, C + <usize>i * ldc, ldc);
}

/** R rows of C (R = 4 or 1): tiles of V vectors (4·V columns), then single vectors, then scalar columns. */
// @ts-ignore: decorator
@inline function rowsAB(R: i32, V: i32, accumulate: bool, N: i32, K: i32, a: usize, aI: usize, aK: usize, B: usize, ldb: usize, c: usize, ldc: usize): void {
  let j = 0;
  for (; j + 4 * V <= N; j += 4 * V) tileAB(R, V, accumulate, K, a, aI, aK, B + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc);
  for (; j + 4 <= N; j += 4) tileAB(R, 1, accumulate, K, a, aI, aK, B + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc);
  for (; j < N; j++) {
    const b = B + (<usize>j << 2), cj = c + (<usize>j << 2);
    for (let r = 0; r < R; r++) put(cj + <usize>r * ldc, dot(K, a + <usize>r * aI, aK, b, ldb), accumulate);
  }
}

/**
 * One R×(4·V) tile of C, held in registers over the whole K loop. Accumulator acc<r><v> holds
 * C[r, 4v..4v+3]. Shapes used: (4, 2), (4, 1), (1, 4), (1, 1); the `if`s on the constant R and V fold away.
 */
// @ts-ignore: decorator
@inline function tileAB(R: i32, V: i32, accumulate: bool, K: i32, a: usize, aI: usize, aK: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  let acc00 = zero(), acc01 = zero(), acc02 = zero(), acc03 = zero();
  let acc10 = zero(), acc11 = zero(), acc20 = zero(), acc21 = zero(), acc30 = zero(), acc31 = zero();
  for (let k = 0; k < K; k++, a += aK, b += ldb) {
    const b0 = v128.load(b);
    const b1 = V > 1 ? v128.load(b, 16) : zero();
    const a0 = v128.load32_splat(a);
    acc00 = madd(acc00, a0, b0);
    if (V > 1) acc01 = madd(acc01, a0, b1);
    if (V > 2) {
      acc02 = madd(acc02, a0, v128.load(b, 32));
      acc03 = madd(acc03, a0, v128.load(b, 48));
    }
    if (R > 1) {
      const a1 = v128.load32_splat(a + aI);
      const a2 = v128.load32_splat(a + 2 * aI);
      const a3 = v128.load32_splat(a + 3 * aI);
      acc10 = madd(acc10, a1, b0);
      acc20 = madd(acc20, a2, b0);
      acc30 = madd(acc30, a3, b0);
      if (V > 1) {
        acc11 = madd(acc11, a1, b1);
        acc21 = madd(acc21, a2, b1);
        acc31 = madd(acc31, a3, b1);
      }
    }
  }
  putW(4, c, acc00, accumulate);
  if (V > 1) putW(4, c + 16, acc01, accumulate);
  if (V > 2) {
    putW(4, c + 32, acc02, accumulate);
    putW(4, c + 48, acc03, accumulate);
  }
  if (R > 1) {
    putW(4, c + ldc, acc10, accumulate);
    putW(4, c + 2 * ldc, acc20, accumulate);
    putW(4, c + 3 * ldc, acc30, accumulate);
    if (V > 1) {
      putW(4, c + ldc + 16, acc11, accumulate);
      putW(4, c + 2 * ldc + 16, acc21, accumulate);
      putW(4, c + 3 * ldc + 16, acc31, accumulate);
    }
  }
}

// ---- NT ------------------------------------------------------------------------------------------

/** NT: A [M, K] with row stride lda, B [N, K] with row stride ldb, C [M, N] with row stride ldc (bytes). */
function gemmNT(accumulate: bool, M: i32, N: i32, K: i32, A: usize, lda: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) rowsNT(4, 2, accumulate, N, K, A + <usize>i * lda, lda, B, ldb, C + <usize>i * ldc, ldc);
  for (; i < M; i++) rowsNT(1, 4, accumulate, N, K, A + <usize>i * lda, lda, B, ldb, C + <usize>i * ldc, ldc);
}

/** R rows of C (R = 4 or 1): tiles of S columns (S rows of B), then single columns. */
// @ts-ignore: decorator
@inline function rowsNT(R: i32, S: i32, accumulate: bool, N: i32, K: i32, a: usize, lda: usize, B: usize, ldb: usize, c: usize, ldc: usize): void {
  let j = 0;
  for (; j + S <= N; j += S) tileNT(R, S, accumulate, K, a, lda, B + <usize>j * ldb, ldb, c + (<usize>j << 2), ldc);
  for (; j < N; j++) tileNT(R, 1, accumulate, K, a, lda, B + <usize>j * ldb, ldb, c + (<usize>j << 2), ldc);
}

/**
 * One R×S tile of C as dot products: acc<r><s> holds 4 partial sums of A[r, :]·B[s, :]. Shapes used:
 * (4, 2), (4, 1), (1, 4), (1, 1); the `if`s on the constant R and S fold away.
 */
// @ts-ignore: decorator
@inline function tileNT(R: i32, S: i32, accumulate: bool, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  let acc00 = zero(), acc01 = zero(), acc02 = zero(), acc03 = zero();
  let acc10 = zero(), acc11 = zero(), acc20 = zero(), acc21 = zero(), acc30 = zero(), acc31 = zero();
  const K4 = K & ~3;
  const end = a + (<usize>K4 << 2);
  for (let pa = a, pb = b; pa < end; pa += 16, pb += 16) {
    const a0 = v128.load(pa);
    const b0 = v128.load(pb);
    const b1 = S > 1 ? v128.load(pb + ldb) : zero();
    acc00 = madd(acc00, a0, b0);
    if (S > 1) acc01 = madd(acc01, a0, b1);
    if (S > 2) {
      acc02 = madd(acc02, a0, v128.load(pb + 2 * ldb));
      acc03 = madd(acc03, a0, v128.load(pb + 3 * ldb));
    }
    if (R > 1) {
      const a1 = v128.load(pa + lda);
      const a2 = v128.load(pa + 2 * lda);
      const a3 = v128.load(pa + 3 * lda);
      acc10 = madd(acc10, a1, b0);
      acc20 = madd(acc20, a2, b0);
      acc30 = madd(acc30, a3, b0);
      if (S > 1) {
        acc11 = madd(acc11, a1, b1);
        acc21 = madd(acc21, a2, b1);
        acc31 = madd(acc31, a3, b1);
      }
    }
  }
  // Horizontal sums plus the K % 4 tail, one C element each.
  const kt = K - K4, tail = <usize>K4 << 2;
  const a0 = a + tail, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
  const b0 = b + tail, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
  put(c, hsum(acc00) + dot(kt, a0, 4, b0, 4), accumulate);
  if (S > 1) put(c + 4, hsum(acc01) + dot(kt, a0, 4, b1, 4), accumulate);
  if (S > 2) {
    put(c + 8, hsum(acc02) + dot(kt, a0, 4, b2, 4), accumulate);
    put(c + 12, hsum(acc03) + dot(kt, a0, 4, b3, 4), accumulate);
  }
  if (R > 1) {
    put(c + ldc, hsum(acc10) + dot(kt, a1, 4, b0, 4), accumulate);
    put(c + 2 * ldc, hsum(acc20) + dot(kt, a2, 4, b0, 4), accumulate);
    put(c + 3 * ldc, hsum(acc30) + dot(kt, a3, 4, b0, 4), accumulate);
    if (S > 1) {
      put(c + ldc + 4, hsum(acc11) + dot(kt, a1, 4, b1, 4), accumulate);
      put(c + 2 * ldc + 4, hsum(acc21) + dot(kt, a2, 4, b1, 4), accumulate);
      put(c + 3 * ldc + 4, hsum(acc31) + dot(kt, a3, 4, b1, 4), accumulate);
    }
  }
}

// ---- helpers for bias gradients and gradient sums -----------------------------------------------

/** dst[C] += Σ over rows of x[R, C] (row stride ldx elements, ≥ C): db += onesᵀ·dpre. */
export function add_col_sums(R: i32, C: i32, x: usize, ldx: i32, dst: usize): void {
  const ld = <usize>ldx << 2;
  let j = 0;
  for (; j + 4 <= C; j += 4) colSums(4, R, x + (<usize>j << 2), ld, dst + (<usize>j << 2));
  for (; j < C; j++) colSums(1, R, x + (<usize>j << 2), ld, dst + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function colSums(W: i32, R: i32, x: usize, ld: usize, dst: usize): void {
  let s = zero();
  for (let r = 0; r < R; r++, x += ld) s = f32x4.add(s, loadW(W, x));
  putW(W, dst, s, true);
}

/** y[n] += x[n]. */
export function add_into(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) addW(4, x + (<usize>i << 2), y + (<usize>i << 2));
  for (; i < n; i++) addW(1, x + (<usize>i << 2), y + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function addW(W: i32, x: usize, y: usize): void {
  putW(W, y, loadW(W, x), true);
}
