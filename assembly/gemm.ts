// SIMD single-precision GEMM, the one hot primitive of the core, plus the two BLAS-1/2 helpers the layers
// need (column sums for bias gradients, y += x). Register blocked; operands are read in place with their
// row strides, or, for the forward's x·Wᵀ, from weights the façade packed once with pack_weights (see
// "packed weights" below), or, for large TN products (the weight gradients) and NT and NN products with
// enough rows, copied block by block into a static scratch in that same packed layout (see "TN, NT and
// NN over packed panels"). No allocation. Not a general BLAS: no alpha/beta other than "overwrite or
// accumulate", no TT, f32 only, single thread.
//
// C[M, N] (+)= op(A)[M, K] · op(B)[K, N]   (all row-major, strides lda/ldb/ldc in elements)
//
// Three loop nests: packedRange (PACKED_B, x·Wᵀ from packed strips: the fast forward path, also run by
// gemmTN over its packed blocks), and two over plain row-major operands for the three supported layouts:
// - NN and small TN (gemmAB): C rows are built 8 (a single row: 24) columns at a time from rows of B;
//   each A element is broadcast (v128.load32_splat) and multiplied into them. NN and TN differ only in
//   where A(i, k) lives (A + i·lda + k vs A + k·lda + i), so the loop takes the byte steps of A along i
//   and along k. NN with 32 columns or more (gemmNN) first interleaves each block of 4 rows of A, as
//   packedRange does (see "interleaved rows of A" below).
// - NT (gemmNT, the hot x·Wᵀ): rows of A and rows of B are both contiguous in k, so each C element is
//   a dot product: v128 partial sums over k in steps of 4, one horizontal sum at the end, scalar K tail.
//
// Tile shapes (PERF-NOTES: V8 has 15 usable SIMD registers and keeps every load of an iteration live):
// 4×8 for NN/TN = 8 accumulators + 2 B vectors + 4 A broadcasts = 14 registers; 1×24 for leftover single
// rows (6 accumulators + 6 B vectors + 1 broadcast = 13, the GEMV: against 1×16, 0.88–0.93× the time
// at 1×512×160, 1×128×512 and 1×256×1024 on the plain core, 0.91–0.98× relaxed; a 1×28 tile took 0.95×
// at 1×512×160 but 1.07–1.15× at 1×96×64: not kept; over packed weights a 1×28 tile, 7 + 7 + 1 = 15, see
// tileRow7); 4×2 for NT = 8 accumulators + 4 A vectors + 2 B vectors = 14; 1×7 for NT's single rows
// (7 + 7 + 1 = 15: against 1×4, paired, two runs: 0.92–0.97× the time at 1×512×160, 1×128×512 and
// 1×1024×256 on the plain core, 0.77–0.91× relaxed, 1×70×33 0.92–0.96×). Edges fall to narrower tiles
// of the same code (the tile functions are @inline with constant shape arguments, so each shape compiles
// to its own straight-line loop). The last N % 4 columns of NN/TN run those tiles over a zero-padded copy
// (columnTail); NT's K % 4 tail is scalar.

import { hsum, loadW, madd, put, putW, zero } from "./simd";

/** Flag bits of sgemm (= Gemm in src/kernels.ts). */
export const TRANS_A = 1;
export const TRANS_B = 2;
export const ACCUMULATE = 4;
export const PACKED_B = 8;

/**
 * C[M, N] (+)= op(A)[M, K] · op(B)[K, N]. flags: TRANS_A (A stored [K, M]), TRANS_B (B stored [N, K]),
 * ACCUMULATE (C += instead of C =), PACKED_B (op(B) = Wᵀ with B = pack_weights(N, K, W); ldb is ignored,
 * and so are TRANS_A and TRANS_B). TT is not supported (TRANS_B wins). A, B, C are byte addresses;
 * lda/ldb/ldc are row strides in elements of A, B, C as stored. K = 0 gives C = 0 (or C unchanged).
 */
export function sgemm(flags: i32, M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32): void {
  if (M <= 0 || N <= 0) return;
  const accumulate = (flags & ACCUMULATE) != 0;
  const ldaB = <usize>lda << 2, ldbB = <usize>ldb << 2, ldcB = <usize>ldc << 2;
  if (flags & PACKED_B) packedRange(accumulate, M, K, A, ldaB, B, rowBlocks(B, N, K), 0, N, C, ldcB);
  else if (flags & TRANS_B) {
    if (K >= 16 && M >= PACK_B_MIN_M) gemmPackedB(true, accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
    else gemmNT(accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
  }
  else if (flags & TRANS_A) {
    if (K >= 16 && <i64>M * <i64>N >= TN_PACK_MIN_MN) gemmTN(accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
    else gemmAB(accumulate, M, N, K, A, 4, ldaB, B, ldbB, C, ldcB);
  }
  else if (K >= 16 && (M >= NN_PACK_MIN_M || (M >= PACK_B_MIN_M && (ldbB >= WIDE_ROWS || <i64>K * <i64>N > NN_PACK_MIN_KN)))) {
    gemmPackedB(false, accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
  }
  else if (M >= 4 && N >= 8 * INTERLEAVE_MIN_TILES) gemmNN(accumulate, M, N, K, A, ldaB, B, ldbB, C, ldcB);
  else gemmAB(accumulate, M, N, K, A, ldaB, 4, B, ldbB, C, ldcB);
}

/**
 * C[M, n1 − n0] (+)= A[M, K]·W[n0..n1, :]ᵀ, the forward's x·Wᵀ over rows n0..n1 − 1 of a weight W [N, K]:
 * from its packed copy pw (pack_weights of the whole W) when pw ≠ 0, else from w (row-major) as sgemm's
 * NT product. lda, ldc in elements. The cells and dense_forward call this, so each has one code path for both.
 */
export function gemm_wt(accumulate: bool, M: i32, K: i32, A: usize, lda: i32, w: usize, pw: usize, N: i32, n0: i32,
  n1: i32, C: usize, ldc: i32): void {
  if (M <= 0 || n1 <= n0) return;
  if (pw) packedRange(accumulate, M, K, A, <usize>lda << 2, pw, rowBlocks(pw, N, K), n0, n1, C, <usize>ldc << 2);
  else sgemm(TRANS_B | (accumulate ? ACCUMULATE : 0), M, n1 - n0, K, A, lda, w + ((<usize>n0 * <usize>K) << 2), K, C, ldc);
}

/** sum over k < K of a[k] · b[k] (contiguous f32), in f32: NT's K % 4 tail. */
// @ts-ignore: decorator
@inline function dot(K: i32, a: usize, b: usize): f32 {
  let s: f32 = 0;
  for (let k = 0; k < K; k++, a += 4, b += 4) s += load<f32>(a) * load<f32>(b);
  return s;
}

// ---- NN / TN -------------------------------------------------------------------------------------

/**
 * NN or TN. A(i, k) is at A + i·aI + k·aK (bytes): NN aI = lda·4, aK = 4; TN aI = 4, aK = lda·4.
 * B [K, N] with row stride ldb (bytes), C [M, N] with row stride ldc (bytes).
 */
function gemmAB(accumulate: bool, M: i32, N: i32, K: i32, A: usize, aI: usize, aK: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  const N4 = N & ~3;
  let i = 0;
  for (; i + 4 <= M; i += 4) rowsAB(4, 2, accumulate, N4, K, A + <usize>i * aI, aI, aK, B, ldb, C + <usize>i * ldc, ldc);
  // Single rows with B's rows 2 KB apart or more go down K in blocks of ROW_KC rows (see there).
  const kb = ldb >= WIDE_ROWS ? ROW_KC : max(K, 1);
  for (; i < M; i++) {
    const a = A + <usize>i * aI, c = C + <usize>i * ldc;
    for (let k0 = 0; k0 == 0 || k0 < K; k0 += kb) { // once when K = 0: C = 0 (or unchanged)
      rowsAB(1, 6, accumulate || k0 > 0, N4, min(kb, K - k0), a + <usize>k0 * aK, aI, aK, B + <usize>k0 * ldb, ldb, c, ldc);
    }
  }
  if (N4 < N) columnTail(accumulate, M, N - N4, K, A, aI, aK, B + (<usize>N4 << 2), ldb, C + (<usize>N4 << 2), ldc);
}

/**
 * gemmAB's single rows (a GEMV, or the last M % 4 rows) over a B whose rows are WIDE_ROWS bytes apart
 * or more go down K in blocks of ROW_KC rows, each block across all of C's row (accumulated in C
 * after the first). Down all of K, a 1×24 tile read a new row of B per k step, rows 2 or 4 KB apart
 * that fall into 2–4 L1 sets, so the next tile found none of the cache lines they share with it; 8 rows
 * of B fit those sets, 16 at 4 KB apart do not. Paired, plain core, blocks / down all of K: 1×512×160
 * 0.81–0.96× the time, 1×1024×256 0.58–0.75×, 3×512×160 0.83–0.88× (relaxed core: 0.84×, 0.67×, 0.99×);
 * with rows closer (1×128×32 1.12–1.17×, 1×128×512 1.02–1.03×) the blocks' extra loads and stores of C
 * cost more than they save.
 */
const ROW_KC = 8;
/**
 * Rows of B this many bytes apart (or more) fall into a few L1 sets when a tile reads down B's columns:
 * such a B makes NN products pack it from fewer rows, and gemmAB's single rows go down K in blocks.
 */
const WIDE_ROWS: usize = 2048;

/** The 4×4 tile columnTail computes before storing its real columns. */
const TAIL_TILE = memory.data(64, 16);

/**
 * gemmAB's last nt < 4 columns of C (+)= op(A)·B (A, aI, aK as in gemmAB; B and C at those columns). Read in
 * place they were scalar dot products down B's columns, ldb apart: at 36×70×33 NN, 2 such columns of 70 took
 * the GEMM from 24.5 to 19.3 GFLOP/s (16×6×33: 6 GFLOP/s against 24 at 16×8×33). Copied into PANEL_A
 * ([kc][4], a K chunk of PANEL_A_KC at a time; free here, as gemmAB never runs inside rows4) with zeros
 * beside them (the unused lanes compute on zeros, never on stale values), they run as tileAB's 4-column
 * tiles, whose nt real lanes are then stored. Paired A/B against the dot products: 37×70×33 NN and TN
 * 0.87–0.88× the time, 16×6×33 0.55×, shapes with N % 4 = 0 unchanged. (Padding 5–7 leftover columns to one
 * 8-wide tile, instead of a 4-wide tile and this one, measured 0.95–1.07×: not kept.)
 */
function columnTail(accumulate: bool, M: i32, nt: i32, K: i32, A: usize, aI: usize, aK: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  for (let k0 = 0; k0 == 0 || k0 < K; k0 += PANEL_A_KC) { // once when K = 0: C = 0 (or unchanged)
    const kc = min(PANEL_A_KC, K - k0), acc = accumulate || k0 > 0; // the first chunk overwrites when asked to
    for (let k = 0; k < kc; k++) {
      const b = B + <usize>(k0 + k) * ldb, p = PANEL_A + (<usize>k << 4);
      v128.store(p, zero());
      for (let j = 0; j < nt; j++) store<f32>(p + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
    }
    const a = A + <usize>k0 * aK;
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      tileAB(4, 1, false, kc, a + <usize>i * aI, aI, aK, PANEL_A, 16, TAIL_TILE, 16);
      putTail(4, nt, C + <usize>i * ldc, ldc, acc);
    }
    for (; i < M; i++) {
      tileAB(1, 1, false, kc, a + <usize>i * aI, aI, aK, PANEL_A, 16, TAIL_TILE, 16);
      putTail(1, nt, C + <usize>i * ldc, ldc, acc);
    }
  }
}

/** C[r, 0..nt) (+)= TAIL_TILE[r][0..nt) for the R rows of a tail tile. */
// @ts-ignore: decorator
@inline function putTail(R: i32, nt: i32, c: usize, ldc: usize, accumulate: bool): void {
  for (let r = 0; r < R; r++) {
    const t = TAIL_TILE + (<usize>r << 4), cr = c + <usize>r * ldc;
    for (let j = 0; j < nt; j++) put(cr + (<usize>j << 2), load<f32>(t + (<usize>j << 2)), accumulate);
  }
}

/**
 * NN: A [M, K], B [K, N], C [M, N] with byte row strides lda, ldb, ldc. Blocks of 4 rows go to rows4
 * (their rows of A interleaved, tileP4 over B's rows 8 columns at a time); the last M % 4 rows and the last
 * N % 8 columns are gemmAB's (called, not inlined: the core's size counts).
 */
function gemmNN(accumulate: bool, M: i32, N: i32, K: i32, A: usize, lda: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  const M4 = M & ~3, N8 = N & ~7;
  for (let i = 0; i < M4; i += 4) rows4(accumulate, K, A + <usize>i * lda, lda, B, 32, ldb, 0, N8, C + <usize>i * ldc, ldc);
  if (M4 < M) gemmAB(accumulate, M - M4, N8, K, A + <usize>M4 * lda, lda, 4, B, ldb, C + <usize>M4 * ldc, ldc);
  if (N8 < N) gemmAB(accumulate, M, N - N8, K, A, lda, 4, B + (<usize>N8 << 2), ldb, C + (<usize>N8 << 2), ldc);
}

/**
 * R rows of C (R = 4 or 1), N a multiple of 4: tiles of V vectors (4·V columns), then pairs of vectors
 * (when V > 2), then single vectors.
 */
// @ts-ignore: decorator
@inline function rowsAB(R: i32, V: i32, accumulate: bool, N: i32, K: i32, a: usize, aI: usize, aK: usize, B: usize, ldb: usize, c: usize, ldc: usize): void {
  let j = 0;
  for (; j + 4 * V <= N; j += 4 * V) tileAB(R, V, accumulate, K, a, aI, aK, B + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc);
  if (V > 2) for (; j + 8 <= N; j += 8) tileAB(R, 2, accumulate, K, a, aI, aK, B + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc);
  for (; j < N; j += 4) tileAB(R, 1, accumulate, K, a, aI, aK, B + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc);
}

/**
 * One R×(4·V) tile of C, held in registers over the whole K loop. Accumulator acc<r><v> holds
 * C[r, 4v..4v+3]. Shapes used: (4, 2), (4, 1), (1, 6), (1, 2), (1, 1); the `if`s on the constant R and V
 * fold away.
 */
// @ts-ignore: decorator
@inline function tileAB(R: i32, V: i32, accumulate: bool, K: i32, a: usize, aI: usize, aK: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  let acc00 = zero(), acc01 = zero(), acc02 = zero(), acc03 = zero(), acc04 = zero(), acc05 = zero();
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
    if (V > 4) {
      acc04 = madd(acc04, a0, v128.load(b, 64));
      acc05 = madd(acc05, a0, v128.load(b, 80));
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
  if (V > 4) {
    putW(4, c + 64, acc04, accumulate);
    putW(4, c + 80, acc05, accumulate);
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
  for (; i < M; i++) rowsNT(1, 7, accumulate, N, K, A + <usize>i * lda, lda, B, ldb, C + <usize>i * ldc, ldc);
}

/** R rows of C (R = 4 or 1): tiles of S columns (S rows of B), then (S = 7) 4 at a time, then single columns. */
// @ts-ignore: decorator
@inline function rowsNT(R: i32, S: i32, accumulate: bool, N: i32, K: i32, a: usize, lda: usize, B: usize, ldb: usize, c: usize, ldc: usize): void {
  let j = 0;
  for (; j + S <= N; j += S) tileNT(R, S, accumulate, K, a, lda, B + <usize>j * ldb, ldb, c + (<usize>j << 2), ldc);
  if (S > 4) for (; j + 4 <= N; j += 4) tileNT(R, 4, accumulate, K, a, lda, B + <usize>j * ldb, ldb, c + (<usize>j << 2), ldc);
  for (; j < N; j++) tileNT(R, 1, accumulate, K, a, lda, B + <usize>j * ldb, ldb, c + (<usize>j << 2), ldc);
}

/**
 * One R×S tile of C as dot products: acc<r><s> holds 4 partial sums of A[r, :]·B[s, :]. Shapes used:
 * (4, 2), (4, 1), (1, 7), (1, 4), (1, 1); the `if`s on the constant R and S fold away.
 */
// @ts-ignore: decorator
@inline function tileNT(R: i32, S: i32, accumulate: bool, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  let acc00 = zero(), acc01 = zero(), acc02 = zero(), acc03 = zero(), acc04 = zero(), acc05 = zero(), acc06 = zero();
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
    if (S > 4) {
      acc04 = madd(acc04, a0, v128.load(pb + 4 * ldb));
      acc05 = madd(acc05, a0, v128.load(pb + 5 * ldb));
      acc06 = madd(acc06, a0, v128.load(pb + 6 * ldb));
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
  put(c, hsum(acc00) + dot(kt, a0, b0), accumulate);
  if (S > 1) put(c + 4, hsum(acc01) + dot(kt, a0, b1), accumulate);
  if (S > 2) {
    put(c + 8, hsum(acc02) + dot(kt, a0, b2), accumulate);
    put(c + 12, hsum(acc03) + dot(kt, a0, b3), accumulate);
  }
  if (S > 4) {
    put(c + 16, hsum(acc04) + dot(kt, a0, b3 + ldb), accumulate);
    put(c + 20, hsum(acc05) + dot(kt, a0, b3 + 2 * ldb), accumulate);
    put(c + 24, hsum(acc06) + dot(kt, a0, b3 + 3 * ldb), accumulate);
  }
  if (R > 1) {
    put(c + ldc, hsum(acc10) + dot(kt, a1, b0), accumulate);
    put(c + 2 * ldc, hsum(acc20) + dot(kt, a2, b0), accumulate);
    put(c + 3 * ldc, hsum(acc30) + dot(kt, a3, b0), accumulate);
    if (S > 1) {
      put(c + ldc + 4, hsum(acc11) + dot(kt, a1, b1), accumulate);
      put(c + 2 * ldc + 4, hsum(acc21) + dot(kt, a2, b1), accumulate);
      put(c + 3 * ldc + 4, hsum(acc31) + dot(kt, a3, b1), accumulate);
    }
  }
}

// ---- packed weights: x·Wᵀ over 8-wide, K-contiguous strips, and 28-wide row blocks for single rows ---
//
// pack_weights lays a weight W [N, K] (row-major, used as x·Wᵀ) out as ceil(N/8) strips of [K][8]:
// packed[s][k][j] = W[8s + j, k], zeros for 8s + j ≥ N. A GEMM over it reads, per k, two aligned v128
// loads (the 8 columns of a strip) and broadcasts one A element per row (v128.load32_splat): no
// horizontal sums, no strided weight reads (PERF-NOTES #3: 4.7 → 38 GFLOP/s at batch 1).
// After the strips comes the same weight again as floor(N/28) row blocks of [K][28], for single rows (the
// GEMV of a batch-1 recurrent step): see ROW_BLOCK.
//
// Tiles (PERF-NOTES #2, V8 has 15 usable SIMD registers and keeps every load of an iteration live):
// R rows × S strips, accumulator acc<r><s><h> holds C[r, 8s + 4h .. 8s + 4h + 3].
//   4×1 strip (M ≥ 4): 8 accumulators + 2 strip vectors + 4 broadcasts = 14 registers (tileP4 over
//     interleaved rows of A when a block of 4 rows has 4 strips or more, else tileP in place);
//   2×2 strips (a leftover pair of rows): 8 + 4 + 2 = 14;
//   a leftover single row (GEMV): a 1×28 tile (tileRow7), 7 + 7 + 1 = 15, per row block; over the strips
//     (the columns outside whole row blocks, and products over packed blocks, which have no row blocks)
//     pairs of 1×28 tiles over the whole strips 7 at a time, then 1×3 strips, 6 + 6 + 1 = 13 (1×4 spills:
//     20 vs 40 GFLOP/s), and a last single strip with its K split 3 ways (stripRowSplitK), 6 + 6 + 3 = 15;
// then narrower tiles of the same code for the last strips. Loop order: row blocks outer, strips inner
// (the 4 rows of A stay in L1 while the strips stream from L2, and C is written row block by row block);
// strips outer measured the same at 64×512×160 and 32×512×128 and 12% slower at 2048×512×32.
//
// Interleaved rows of A: read in place, the 4 rows of a tile are lda apart, and each k step takes an
// address computation per row beside its loads (V8 does not fold a register stride into the address).
// Copied first into a [kc][4] panel (a 4×4 transpose per 4 k), the 4 broadcasts of a k step are at fixed
// offsets from one pointer: 0.86–0.95× the time of the GEMM at 32×512×128, 64×512×160 and 2048×128×32,
// relaxed core; the copy is 1/(2·strips) of the tile's loads.
//
// Column ranges: packedRange computes columns [n0, n1) of x·Wᵀ into C (C column 0 = W row n0). n0 need
// not be a multiple of 8 (GRU's n block at 2H when H % 4 ≠ 0): the strips that the range cuts are
// computed whole (their other columns are real weights or zero padding) and stored lane by lane through
// a scratch vector pair, so no C column outside the range is ever written.

/** Scratch for the lane-by-lane stores of cut strips (2 vectors). */
const STRIP_SCRATCH = memory.data(32, 16);
/**
 * Blocks of 4 rows of A are interleaved into PANEL_A ([kc][4], a K chunk of at most PANEL_A_KC at a time:
 * 8 KB, which stays in L1 beside a strip) for tileP4 when they have at least INTERLEAVE_MIN_TILES tiles of 8
 * columns to run over it. With fewer, the copy costs more than it saves (measured, 4 rows: 1.05–1.3× the
 * time at 8–24 columns; 0.86–0.94× from 64 on).
 */
const INTERLEAVE_MIN_TILES = 4;
const PANEL_A_KC = 512;
/** rows4's interleaved rows of A; also columnTail's copy of B's last columns (gemmAB never runs inside rows4). */
const PANEL_A = memory.data(PANEL_A_KC * 16, 16);

/**
 * Columns of a row block. Over the strips, a single row of C reads 7 vectors from 4 strips (4 KB apart at
 * K = 128) each k step: 4 streams, and 3 address additions a step beside the loads. A row block holds the
 * same 28 columns as one stream, each load at a fixed offset from one pointer. Paired, relaxed core, the
 * GEMV alone over row blocks / over strips: 1×504×128 0.94–0.95× the time, 1×504×32 0.97×, 1×1008×256
 * 1.00×; blocks of 24 columns (1×24 tiles) 0.97×; 56-column blocks, two 1×28 tiles each reading half of
 * every k step, 1.12–1.14×. The core's whole LSTM forward at W1's shape: 0.97–0.98× (relaxed core), 0.96×
 * (plain); W1 head to head against ONNX Runtime Node, 3 runs of each build interleaved: 1.32× its time →
 * 1.25–1.26×. The price: packed weights take up to twice the memory, and pack_weights twice the time.
 */
const ROW_BLOCK = 28;
/** Bytes of one k step of a row block. */
const ROW_BLOCK_B: usize = ROW_BLOCK << 2;

/**
 * The packed form of a weight W [N, K] (packedFloats(N, K) floats, src/kernels.ts), two layouts one after
 * the other: strips [ceil(N/8)][K][8], strips[s][k][j] = W[8s + j, k] (0 for 8s + j ≥ N), then row blocks
 * [floor(N/28)][K][28], blocks[q][k][j] = W[28q + j, k]. W and packed must not overlap.
 */
export function pack_weights(N: i32, K: i32, w: usize, packed: usize): void {
  if (N <= 0 || K <= 0) return;
  const ld = <usize>K << 2, blocks = rowBlocks(packed, N, K), blockB = <usize>K * ROW_BLOCK_B;
  packRowStrips(N, K, w, ld, packed);
  for (let q = 0; q < N / ROW_BLOCK; q++) {
    const rows = w + <usize>(q * ROW_BLOCK) * ld, block = blocks + <usize>q * blockB;
    for (let j = 0; j < ROW_BLOCK; j += 4) packRows4(K, rows + <usize>j * ld, ld, block + (<usize>j << 2), ROW_BLOCK_B);
  }
}

/** Where pack_weights(N, K, ·) at packed puts its row blocks: after ceil(N/8) strips of K·32 bytes. */
// @ts-ignore: decorator
@inline function rowBlocks(packed: usize, N: i32, K: i32): usize {
  return packed + <usize>((N + 7) >> 3) * (<usize>K << 5);
}

/** pack_weights of the block w [N, K] whose rows are ld bytes apart (a block of a wider matrix). */
function packRowStrips(N: i32, K: i32, w: usize, ld: usize, packed: usize): void {
  const stripB = <usize>K << 5;
  for (let n0 = 0; n0 < N; n0 += 8) {
    const strip = packed + (<usize>(n0 >> 3)) * stripB;
    const rows = min(8, N - n0);
    // Full groups of 4 rows × 4 k: a 4×4 transpose per step, written as the halves of 4 strip rows.
    for (let j = 0; j < 8; j += 4) {
      const dst = strip + (<usize>j << 2);
      if (j + 4 <= rows) packRows4(K, w + <usize>(n0 + j) * ld, ld, dst, 32);
      else {
        // The cut last strip: real rows, then zero columns.
        for (let q = 0; q < 4; q++) {
          const n = j + q, col = dst + (<usize>q << 2);
          if (n < rows) {
            const r = w + <usize>(n0 + n) * ld;
            for (let k = 0; k < K; k++) store<f32>(col + (<usize>k << 5), load<f32>(r + (<usize>k << 2)));
          } else {
            for (let k = 0; k < K; k++) store<f32>(col + (<usize>k << 5), 0);
          }
        }
      }
    }
  }
}

/**
 * 4 rows of a weight (r0 and the next three, ld bytes apart) as 4 adjacent columns of a [K][·] layout at
 * dst whose k steps are rowB bytes apart (a strip's: 32; a row block's: ROW_BLOCK_B). Inlined: as a call,
 * NT products small enough to pack per call (16×16×16) took 1.05× the time.
 */
// @ts-ignore: decorator
@inline function packRows4(K: i32, r0: usize, ld: usize, dst: usize, rowB: usize): void {
  const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
  let k = 0;
  // rows r0..r3 at k..k+3 → the 4 columns of 4 consecutive k steps
  for (; k + 4 <= K; k += 4) transpose4x4(r0 + (<usize>k << 2), ld, dst + <usize>k * rowB, rowB);
  for (; k < K; k++) {
    const o = <usize>k << 2, p = dst + <usize>k * rowB;
    store<f32>(p, load<f32>(r0 + o));
    store<f32>(p, load<f32>(r1 + o), 4);
    store<f32>(p, load<f32>(r2 + o), 8);
    store<f32>(p, load<f32>(r3 + o), 12);
  }
}

/**
 * The 4×4 block at src (4 rows of 4 floats, byte stride srcStride), transposed into dst (4 rows, byte
 * stride dstStride): dst row q = [src[0][q], src[1][q], src[2][q], src[3][q]].
 */
// @ts-ignore: decorator
@inline function transpose4x4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const a = v128.load(src), b = v128.load(src + srcStride), c = v128.load(src + 2 * srcStride), d = v128.load(src + 3 * srcStride);
  const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7); // a0 b0 a1 b1 | a2 b2 a3 b3
  const cd0 = f32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = f32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(ab0, cd0, 0, 1, 4, 5)); //                    a0 b0 c0 d0
  v128.store(dst + dstStride, f32x4.shuffle(ab0, cd0, 2, 3, 6, 7)); //        a1 b1 c1 d1
  v128.store(dst + 2 * dstStride, f32x4.shuffle(ab1, cd1, 0, 1, 4, 5)); //    a2 b2 c2 d2
  v128.store(dst + 3 * dstStride, f32x4.shuffle(ab1, cd1, 2, 3, 6, 7)); //    a3 b3 c3 d3
}

/**
 * C[M, n1 − n0] (+)= A[M, K]·W[n0..n1, :]ᵀ from P = pack_weights(N, K, W) (n1 ≤ N): its strips at P, its row
 * blocks at blocks (rowBlocks), or blocks = 0 (the packed blocks of a product: strips only). Byte strides
 * lda, ldc; C column c is W row n0 + c. Columns of C outside [0, n1 − n0) are never written.
 */
export function packedRange(accumulate: bool, M: i32, K: i32, A: usize, lda: usize, P: usize, blocks: usize, n0: i32,
  n1: i32, C: usize, ldc: usize): void {
  if (M <= 0 || n1 <= n0) return;
  const stripB = (<usize>K) << 5;
  const s0 = n0 >> 3, s1 = (n1 + 7) >> 3; // strips [s0, s1) cover the range
  // C address of column 0 of strip s is C + (8s − n0)·4 (below C for a strip cut at n0: only lanes ≥ n0 are stored).
  const cBase = C - (<usize>n0 << 2);
  const M4 = M & ~3;
  const interleave = s1 - s0 >= INTERLEAVE_MIN_TILES;
  for (let i = 0; i < M4; i += 4) {
    const a = A + <usize>i * lda;
    if (interleave) rows4(accumulate, K, a, lda, P, stripB, 32, n0, n1, C + <usize>i * ldc, ldc);
    else {
      const cr = cBase + <usize>i * ldc;
      for (let s = s0; s < s1; s++) {
        tileP(4, 1, accumulate, K, a, lda, P + <usize>s * stripB, stripB, cr + (<usize>s << 5), ldc, max(n0 - 8 * s, 0), min(n1 - 8 * s, 8));
      }
    }
  }
  // The last M % 4 rows: a pair of rows, then a single row. A 3-row tile for the last 3 (or 5, as 3 + 2)
  // rows instead measured 0.98–1.01× the time at 3, 5, 7 and 33×512×160 and 9 and 37×70×33: not kept.
  let i = M4;
  if (M - i >= 2) {
    const a = A + <usize>i * lda, cr = cBase + <usize>i * ldc;
    let s = s0;
    for (; s + 2 <= s1; s += 2) {
      tileP(2, 2, accumulate, K, a, lda, P + <usize>s * stripB, stripB, cr + (<usize>s << 5), ldc,
        max(n0 - 8 * s, 0), min(n1 - 8 * (s + 1), 8));
    }
    if (s < s1) {
      tileP(2, 1, accumulate, K, a, lda, P + <usize>s * stripB, stripB, cr + (<usize>s << 5), ldc,
        max(n0 - 8 * s, 0), min(n1 - 8 * s, 8));
    }
    i += 2;
  }
  if (i < M) {
    const a = A + <usize>i * lda, cr = cBase + <usize>i * ldc;
    let lo = n0;
    if (blocks) {
      // The row blocks wholly inside [n0, n1), a 1×28 tile each; the strips take the columns before and after.
      const q0 = (n0 + ROW_BLOCK - 1) / ROW_BLOCK, q1 = n1 / ROW_BLOCK, blockB = <usize>K * ROW_BLOCK_B;
      if (q0 < q1) {
        stripsRow(accumulate, K, a, P, stripB, n0, q0 * ROW_BLOCK, cr);
        for (let q = q0; q < q1; q++) {
          tileRow7(0, accumulate, K, a, blocks + <usize>q * blockB, 32, ROW_BLOCK_B, cr + <usize>q * ROW_BLOCK_B);
        }
        lo = q1 * ROW_BLOCK;
      }
    }
    stripsRow(accumulate, K, a, P, stripB, lo, n1, cr);
  }
}

/**
 * Columns [n0, n1) of a single row of C (+)= a·Wᵀ over the strips P (none when n1 ≤ n0); cr is the C
 * address of W's row 0 (column n at cr + 4n).
 */
function stripsRow(accumulate: bool, K: i32, a: usize, P: usize, stripB: usize, n0: i32, n1: i32, cr: usize): void {
  if (n1 <= n0) return;
  const s1 = (n1 + 7) >> 3;
  let s = n0 >> 3;
  if ((n0 & 7) == 0) {
    // Pairs of 1×28 tiles over the whole strips (7 at a time), then 1×24 tiles and narrower ones. Choosing
    // the number of pairs so that no 1×8 tile is left over (64 strips: 7 pairs and 5 1×24s, not 9 pairs
    // and a 1×8), or by a cycle count per tile, took 1.00–1.05× the time of this at 1×512×128, 1×128×32
    // and 1×1024×128 (relaxed core).
    const pairs = (min(s1, n1 >> 3) - s) / 7;
    for (const last = s + 7 * pairs; s < last; s += 7) {
      const p = P + <usize>s * stripB, cs = cr + (<usize>s << 5);
      tileRow7(0, accumulate, K, a, p, stripB, 32, cs);
      tileRow7(1, accumulate, K, a, p + 3 * stripB, stripB, 32, cs + 112);
    }
  }
  for (; s + 3 <= s1; s += 3) {
    tileP(1, 3, accumulate, K, a, 0, P + <usize>s * stripB, stripB, cr + (<usize>s << 5), 0,
      max(n0 - 8 * s, 0), min(n1 - 8 * (s + 2), 8));
  }
  if (s + 2 == s1) {
    tileP(1, 2, accumulate, K, a, 0, P + <usize>s * stripB, stripB, cr + (<usize>s << 5), 0,
      max(n0 - 8 * s, 0), min(n1 - 8 * (s + 1), 8));
  } else if (s + 1 == s1) {
    stripRowSplitK(accumulate, K, a, P + <usize>s * stripB, cr + (<usize>s << 5), max(n0 - 8 * s, 0), min(n1 - 8 * s, 8));
  }
}

/**
 * Columns [n0, n1) of four rows of C (+)= A·op(B): the 4 rows of A (at a, byte stride lda) are interleaved
 * into PANEL_A a K chunk at a time, and one tileP4 per 8 columns runs over each chunk. The 8 columns
 * 8s..8s + 7 of B are at P + s·tileB, their next k pK bytes on (packed strips: tileB = stripB, pK = 32; a
 * row-major B: tileB = 32, pK = its row stride). c is row 0 of the block in C (its column 0 = column n0),
 * ldc its byte stride.
 * Inlined into its two callers (~260 bytes of gzipped core): as a function of its own it was one more hot
 * function for V8 to recompile in the background during a model's first predict, and on a 2-core machine
 * those compiles take the main thread's time (W8's first predict, A/B: 1.6 ms faster; kernels unchanged).
 */
// @ts-ignore: decorator
@inline function rows4(accumulate: bool, K: i32, a: usize, lda: usize, P: usize, tileB: usize, pK: usize, n0: i32, n1: i32,
  c: usize, ldc: usize): void {
  const cBase = c - (<usize>n0 << 2); // as in packedRange
  for (let k0 = 0; k0 == 0 || k0 < K; k0 += PANEL_A_KC) { // once when K = 0: C = 0 (or unchanged)
    const kc = min(PANEL_A_KC, K - k0), acc = accumulate || k0 > 0; // the first chunk overwrites when asked to
    interleaveRows4(kc, a + (<usize>k0 << 2), lda, PANEL_A);
    const p = P + <usize>k0 * pK;
    for (let s = n0 >> 3, s1 = (n1 + 7) >> 3; s < s1; s++) {
      tileP4(acc, kc, PANEL_A, p + <usize>s * tileB, pK, cBase + (<usize>s << 5), ldc, max(n0 - 8 * s, 0), min(n1 - 8 * s, 8));
    }
  }
}

/**
 * One R×(8·S) tile over packed strips p, p + stripB, p + 2·stripB (R = 4, 2 or 1; S = 1, 2 or 3, constants,
 * so the `if`s fold away). c: C address of the tile's column 0; lo: first valid lane of the first strip,
 * hi: end of the valid lanes of the last strip (lanes outside are computed but not stored).
 */
// @ts-ignore: decorator
@inline function tileP(R: i32, S: i32, accumulate: bool, K: i32, a: usize, lda: usize, p: usize, stripB: usize,
  c: usize, ldc: usize, lo: i32, hi: i32): void {
  let a000 = zero(), a001 = zero(), a010 = zero(), a011 = zero(), a020 = zero(), a021 = zero();
  let a100 = zero(), a101 = zero(), a110 = zero(), a111 = zero();
  let a200 = zero(), a201 = zero(), a300 = zero(), a301 = zero();
  const end = a + (<usize>K << 2);
  for (; a < end; a += 4, p += 32) {
    const b00 = v128.load(p), b01 = v128.load(p, 16);
    const x0 = v128.load32_splat(a);
    a000 = madd(a000, x0, b00);
    a001 = madd(a001, x0, b01);
    if (S > 1) {
      const b10 = v128.load(p + stripB), b11 = v128.load(p + stripB, 16);
      a010 = madd(a010, x0, b10);
      a011 = madd(a011, x0, b11);
      if (S > 2) {
        const b20 = v128.load(p + 2 * stripB), b21 = v128.load(p + 2 * stripB, 16);
        a020 = madd(a020, x0, b20);
        a021 = madd(a021, x0, b21);
      }
      if (R > 1) {
        const x1 = v128.load32_splat(a + lda);
        a100 = madd(a100, x1, b00);
        a101 = madd(a101, x1, b01);
        a110 = madd(a110, x1, b10);
        a111 = madd(a111, x1, b11);
      }
    } else if (R > 1) {
      const x1 = v128.load32_splat(a + lda);
      a100 = madd(a100, x1, b00);
      a101 = madd(a101, x1, b01);
      if (R > 2) {
        const x2 = v128.load32_splat(a + 2 * lda), x3 = v128.load32_splat(a + 3 * lda);
        a200 = madd(a200, x2, b00);
        a201 = madd(a201, x2, b01);
        a300 = madd(a300, x3, b00);
        a301 = madd(a301, x3, b01);
      }
    }
  }
  // Strip t of the tile stores lanes [t == 0 ? lo : 0, t == S − 1 ? hi : 8).
  const lo1 = S == 1 ? lo : 0, hi0 = S == 1 ? hi : 8, hiLast = S == 1 ? hi0 : hi;
  putStrip(c, a000, a001, lo, hi0, accumulate);
  if (R > 1) putStrip(c + ldc, a100, a101, lo, hi0, accumulate);
  if (R > 2) {
    putStrip(c + 2 * ldc, a200, a201, lo, hi0, accumulate);
    putStrip(c + 3 * ldc, a300, a301, lo, hi0, accumulate);
  }
  if (S > 1) {
    const hi1 = S == 2 ? hiLast : 8;
    putStrip(c + 32, a010, a011, lo1, hi1, accumulate);
    if (R > 1) putStrip(c + ldc + 32, a110, a111, lo1, hi1, accumulate);
    if (S > 2) putStrip(c + 64, a020, a021, 0, hiLast, accumulate);
  }
}

/**
 * A 1×28 tile of a single row of C: 7 vectors of 4 columns that start at strip p's first half (h = 0: p's
 * strip, the next two and the first half of the fourth) or second half (h = 1: the second half of p's
 * strip and the next three), each strip's next k step pK bytes on. A pair, h = 0 then h = 1 from 3 strips
 * on, covers 7 whole strips (pK = 32). A row block is read as 4 strips 32 bytes apart (stripB = 32) with
 * pK = ROW_BLOCK_B, so its 7 vectors are at fixed offsets from p. c: C address of the tile's first column;
 * every column is stored (no cut strips).
 * Why 7: the GEMV loads each weight once, so V8 keeps one weight vector live per accumulator besides the
 * broadcast, and 7 + 7 + 1 fills all 15 registers without a spill. The 1×24 tile's 6 chains of 4-cycle
 * multiply-adds fill 1.5 of the 2 units a cycle, 7 chains 1.75. Paired runs, relaxed core, against 1×24
 * tiles only: 0.93–0.99× the time from 1×128×32 to 1×1024×256 (1×512×128: 0.96×), 1.05× at 1×96×64.
 * A multiply then an add (3-cycle add chains) instead of the relaxed core's fused multiply-add took the
 * same time over the strips, and more over the row blocks, though a loop of its own with all 7 vectors at
 * fixed offsets from one pointer had read 52 GFLOP/s that way against 48 fused. Paired, relaxed core: the
 * GEMV over row blocks 1.16–1.20× the time (1×504×32 to 1×1008×256), the LSTM forward at W1's shape 1.13×.
 */
// @ts-ignore: decorator
@inline function tileRow7(h: i32, accumulate: bool, K: i32, a: usize, p: usize, stripB: usize, pK: usize, c: usize): void {
  let c0 = zero(), c1 = zero(), c2 = zero(), c3 = zero(), c4 = zero(), c5 = zero(), c6 = zero();
  const end = a + (<usize>K << 2);
  for (; a < end; a += 4, p += pK) {
    const x = v128.load32_splat(a);
    c0 = madd(c0, x, stripVector(h, p, stripB));
    c1 = madd(c1, x, stripVector(h + 1, p, stripB));
    c2 = madd(c2, x, stripVector(h + 2, p, stripB));
    c3 = madd(c3, x, stripVector(h + 3, p, stripB));
    c4 = madd(c4, x, stripVector(h + 4, p, stripB));
    c5 = madd(c5, x, stripVector(h + 5, p, stripB));
    c6 = madd(c6, x, stripVector(h + 6, p, stripB));
  }
  putW(4, c, c0, accumulate);
  putW(4, c + 16, c1, accumulate);
  putW(4, c + 32, c2, accumulate);
  putW(4, c + 48, c3, accumulate);
  putW(4, c + 64, c4, accumulate);
  putW(4, c + 80, c5, accumulate);
  putW(4, c + 96, c6, accumulate);
}

/**
 * A single row of C over one strip (the GEMV's last strip when the pairs of 1×28 tiles leave one, as at
 * G = 512, an LSTM(128)'s gates): K is split over 3 pairs of accumulators (k ≡ 0, 1, 2 mod 3, k = 3·⌊K/3⌋..K
 * into the first pair), summed at the end. As a 1×8 tile, its 2 chains of multiply-adds waited on their
 * latency and the one strip took about as long as a 1×28 tile. Paired, relaxed core: 1×8×128 0.50–0.53×
 * the time, 1×64×128 0.89×, 1×512×128 0.98–1.04×, and the core's whole LSTM forward at W1's shape
 * 0.986–0.991× (plain core 0.982–0.990×). Split 4 ways (8 accumulators, 8 loads and 4 broadcasts) it spilled:
 * 1.40–1.67× the time of this.
 */
// @ts-ignore: decorator
@inline function stripRowSplitK(accumulate: bool, K: i32, a: usize, p: usize, c: usize, lo: i32, hi: i32): void {
  let c00 = zero(), c01 = zero(), c10 = zero(), c11 = zero(), c20 = zero(), c21 = zero();
  const end = a + (<usize>K << 2), end3 = a + (<usize>(K - K % 3) << 2);
  for (; a < end3; a += 12, p += 96) {
    const x0 = v128.load32_splat(a), x1 = v128.load32_splat(a, 4), x2 = v128.load32_splat(a, 8);
    c00 = madd(c00, x0, v128.load(p));
    c01 = madd(c01, x0, v128.load(p, 16));
    c10 = madd(c10, x1, v128.load(p, 32));
    c11 = madd(c11, x1, v128.load(p, 48));
    c20 = madd(c20, x2, v128.load(p, 64));
    c21 = madd(c21, x2, v128.load(p, 80));
  }
  for (; a < end; a += 4, p += 32) {
    const x = v128.load32_splat(a);
    c00 = madd(c00, x, v128.load(p));
    c01 = madd(c01, x, v128.load(p, 16));
  }
  putStrip(c, f32x4.add(f32x4.add(c00, c10), c20), f32x4.add(f32x4.add(c01, c11), c21), lo, hi, accumulate);
}

/** Vector v (a constant) of the current k step over the strips from p: half v & 1 of strip v >> 1. */
// @ts-ignore: decorator
@inline function stripVector(v: i32, p: usize, stripB: usize): v128 {
  return v128.load(p + <usize>(v >> 1) * stripB + <usize>((v & 1) << 4));
}

/**
 * A 4×8 tile of C: its 4 rows of A interleaved at a4 ([kc][4]: a4[k][r] = A[r, k], interleaveRows4), its 8
 * columns of B at p, p + pK, p + 2·pK, … (one packed strip: pK = 32 bytes; 8 columns of a row-major B: pK =
 * its row stride). Every load is at a fixed offset from one of two pointers; reading A's rows in place
 * took an address computation per row and k step, which cost ~10% here (measured). c, lo, hi as in tileP.
 */
// @ts-ignore: decorator
@inline function tileP4(accumulate: bool, kc: i32, a4: usize, p: usize, pK: usize, c: usize, ldc: usize, lo: i32, hi: i32): void {
  let c00 = zero(), c01 = zero(), c10 = zero(), c11 = zero(), c20 = zero(), c21 = zero(), c30 = zero(), c31 = zero();
  const end = a4 + (<usize>kc << 4);
  for (let a = a4; a < end; a += 16, p += pK) {
    const b0 = v128.load(p), b1 = v128.load(p, 16);
    const x0 = v128.load32_splat(a), x1 = v128.load32_splat(a, 4);
    const x2 = v128.load32_splat(a, 8), x3 = v128.load32_splat(a, 12);
    c00 = madd(c00, x0, b0);
    c01 = madd(c01, x0, b1);
    c10 = madd(c10, x1, b0);
    c11 = madd(c11, x1, b1);
    c20 = madd(c20, x2, b0);
    c21 = madd(c21, x2, b1);
    c30 = madd(c30, x3, b0);
    c31 = madd(c31, x3, b1);
  }
  putStrip(c, c00, c01, lo, hi, accumulate);
  putStrip(c + ldc, c10, c11, lo, hi, accumulate);
  putStrip(c + 2 * ldc, c20, c21, lo, hi, accumulate);
  putStrip(c + 3 * ldc, c30, c31, lo, hi, accumulate);
}

/** dst [kc][4] = the 4 rows src [4, kc] (byte stride ld) interleaved: dst[k][r] = src[r][k]. */
function interleaveRows4(kc: i32, src: usize, ld: usize, dst: usize): void {
  const k4 = kc & ~3;
  let k = 0;
  for (; k < k4; k += 4) transpose4x4(src + (<usize>k << 2), ld, dst + (<usize>k << 4), 16);
  for (; k < kc; k++) {
    const o = <usize>k << 2, d = dst + (<usize>k << 4);
    store<f32>(d, load<f32>(src + o));
    store<f32>(d, load<f32>(src + ld + o), 4);
    store<f32>(d, load<f32>(src + 2 * ld + o), 8);
    store<f32>(d, load<f32>(src + 3 * ld + o), 12);
  }
}

/** One row of a strip: c[0..8) (+)= [v0, v1], or only lanes [lo, hi) when the strip is cut. */
// @ts-ignore: decorator
@inline export function putStrip(c: usize, v0: v128, v1: v128, lo: i32, hi: i32, accumulate: bool): void {
  if ((lo | (hi ^ 8)) == 0) {
    putW(4, c, v0, accumulate);
    putW(4, c + 16, v1, accumulate);
  } else {
    putLanes(c, v0, v1, lo, hi, accumulate);
  }
}

/**
 * Lanes [lo, hi) of [v0, v1] into c (+)=, through the scratch pair (a cut strip's edge). Whole vectors
 * then 64- and 32-bit lane stores, for the usual lo = 0, measured 1.00–1.02× the time of this at 36×70×33
 * and 64×65×256 inlined, 1.02–1.08× as a call: not kept.
 */
function putLanes(c: usize, v0: v128, v1: v128, lo: i32, hi: i32, accumulate: bool): void {
  v128.store(STRIP_SCRATCH, v0);
  v128.store(STRIP_SCRATCH, v1, 16);
  for (let j = lo; j < hi; j++) put(c + (<usize>j << 2), load<f32>(STRIP_SCRATCH + (<usize>j << 2)), accumulate);
}

// ---- TN, NT and NN over packed panels ------------------------------------------------------------
//
// The weight gradients of training (dW += dpreᵀ·x over all T·B rows) are TN products with a long K.
// Read in place, each k step of a tile touches a new row of A and of B, lda and ldb apart (4 KB apart
// for an LSTM's dpre at H = 256: every row of A maps to the same L1 set), and the tile ran at ~14 GFLOP/s.
// So gemmTN copies both operands into the packed path's layout first (GotoBLAS style), per block of
// PANEL_KC rows of K: B's columns into strips [kc][8] (what pack_weights makes of a weight), A's columns
// transposed into rows [mc][kc]; packedRange then runs C (+)= A_blockᵀ·B_block over them (interleaving
// those rows 4 at a time again: copying A's columns straight into that layout, a panel per 4 rows,
// measured 1.03–1.17× the time at W5's and W6's gradient shapes, the panels leaving L1 before use).
// Measured at M = 1024, N = 256, K = 3168 (W6's dW_hh): 13–15 → 18–25 GFLOP/s; the copies are
// O((M + N)·K) against O(M·N·K) work. Small products (M·N < 64·64, or K < 16) stay with gemmAB's in-place
// loop, which was faster there (16×16, 32×32, 24×40: the packed path took 1.1–1.5× the time; 64×32×2048
// the same; from 128×128 on, packing wins).
//
// NT with enough rows (x·Wᵀ from a weight that was not packed beforehand) goes the same way with less to
// do: B [N, K] is a weight, packed block by block as pack_weights would, and A's rows are already what
// packedRange reads. gemmNT's dot products need a horizontal sum per element and load A and B alike;
// the packed tile broadcasts A and streams B.
//
// NN packs B's blocks too when it has enough rows, in three cases. gemmNN streams all of B once per block
// of 4 rows, down B's columns 8 at a time: each k step of a tile reads a new row of B.
// - B over 1 MB, from 16 rows (the recurrent backward's dpre·W_hh of an LSTM or GRU from H = 512 on, of a
//   SimpleRNN above it): larger than this machine's L2 (1 MB a core), B came from L3 for every block of 4
//   rows. Measured, relaxed core, packed / in place: M = 32, N × K = 1024 × 1024: 0.40; 512 × 2048: 0.42;
//   512 × 1024: 0.65; 16 × 4096 × 256: 0.41; 16 × 512 × 1024: 0.71.
// - B's rows 2 KB apart or more, from 16 rows: a tile's rows of B then fall into a few L1 sets and are
//   evicted before the next tile (the other half of the same cache lines) reads them. Paired, relaxed
//   and plain core: 32 × 1024 × 64: 0.39–0.42; 16 × 1024 × 64: 0.82–0.88; 16 × 512 × 64: 0.82–0.86;
//   24 × 512 × 160: 0.86–0.88; 32 × 512 × 160: 0.90–0.91; 16 × 512 × 160: 0.90–1.02.
// - Any B from 64 rows, where the copy (O(K·N)) is spread over enough rows: 64 × 512 × 160 0.77 (plain)
//   and 0.84–0.89 (relaxed); 256 × 256 × 256 0.84–0.86 and 0.89–1.01; 512 × 128 × 2048 0.84 and
//   0.86–0.91; 128 × 128 × 128 0.91–0.94 and 0.97–0.99; a dense layer's dx at W6's shape, 3200 × 256 ×
//   65, 0.82 and 0.89–0.94; 2048 × 32 × 512 (4 strips, 2 K blocks) 1.02–1.05, the one loss seen.
// Fewer rows with B's rows closer stay in place, where packing gained little or lost: 32 × 128 × 512 (W5's
// dpre·W_hh) 0.99–1.07 packed, 32 × 256 × 512 0.95–1.02, 16 × 256 × 256 0.94–0.98 (and at 1 MB, W6's
// 32 × 256 × 1024, 1.00–1.07); so do fewer than 16 rows (4 × 512 × 1024: 1.19), whose few blocks of 4 rows
// do not repay the copy. Nor did their blocks of 4 rows over a B with rows WIDE_ROWS apart or more gain
// from going down K in blocks (of 8, 16 or 32 rows of B across all columns, as gemmAB's single rows do):
// 1.03–1.64× the time at 4 × 512 × 160 to 15 × 640 × 128 (plain core, paired).

const TN_PACK_MIN_MN: i64 = 64 * 64;
/**
 * NT products pack B from this many rows of C on; so do NN ones whose B has rows WIDE_ROWS bytes apart
 * or more or is over NN_PACK_MIN_KN floats, and every NN product of NN_PACK_MIN_M rows or more.
 */
const PACK_B_MIN_M = 16;
const NN_PACK_MIN_KN: i64 = 256 * 1024; // floats of B: 1 MB
const NN_PACK_MIN_M = 64;
/** K rows per block, and the widest B block (C columns) that one packed block holds. */
const PANEL_KC = 256, PANEL_NC = 256;
/** The widest A block (C rows) of gemmTN's transposed rows. */
const TN_MC = 64;
/**
 * Floats of padding after each transposed A row: rows kc floats apart (1 KB) would fall into a handful of
 * L1 sets while the transpose writes them 16 bytes at a time.
 */
const TN_A_PAD = 4;
/**
 * The packed blocks: static, because the core never allocates (B strips 256 KB, A rows 65 KB). PANEL_B is
 * also onehot.ts's accumulator for a weight gradient, which runs no product while it holds it.
 */
export const PANEL_B_FLOATS = PANEL_KC * PANEL_NC;
export const PANEL_B = memory.data(PANEL_B_FLOATS * 4, 16);
const TN_A = memory.data((PANEL_KC + TN_A_PAD) * TN_MC * 4, 16);

/** C[M, N] (+)= A[K, M]ᵀ·B[K, N] through packed blocks; byte strides lda, ldb, ldc; M, N, K ≥ 1. */
function gemmTN(accumulate: bool, M: i32, N: i32, K: i32, A: usize, lda: usize, B: usize, ldb: usize, C: usize, ldc: usize): void {
  for (let k0 = 0; k0 < K; k0 += PANEL_KC) {
    const kc = min(PANEL_KC, K - k0);
    const acc = accumulate || k0 > 0; // the first block overwrites when asked to
    const a = A + <usize>k0 * lda, b = B + <usize>k0 * ldb;
    for (let j0 = 0; j0 < N; j0 += PANEL_NC) {
      const nc = min(PANEL_NC, N - j0);
      packColumnStrips(kc, nc, b + (<usize>j0 << 2), ldb, PANEL_B);
      for (let i0 = 0; i0 < M; i0 += TN_MC) {
        const mc = min(TN_MC, M - i0);
        const aStride = <usize>(kc + TN_A_PAD) << 2;
        transposeBlock(kc, mc, a + (<usize>i0 << 2), lda, TN_A, aStride);
        packedRange(acc, mc, kc, TN_A, aStride, PANEL_B, 0, 0, nc, C + <usize>i0 * ldc + (<usize>j0 << 2), ldc);
      }
    }
  }
}

/**
 * C[M, N] (+)= A[M, K]·op(B)[K, N] through packed blocks of B: B [N, K] (transB, NT) or [K, N] (NN); byte
 * strides lda, ldb, ldc; M, N, K ≥ 1.
 */
function gemmPackedB(transB: bool, accumulate: bool, M: i32, N: i32, K: i32, A: usize, lda: usize, B: usize, ldb: usize,
  C: usize, ldc: usize): void {
  for (let k0 = 0; k0 < K; k0 += PANEL_KC) {
    const kc = min(PANEL_KC, K - k0);
    const acc = accumulate || k0 > 0;
    for (let j0 = 0; j0 < N; j0 += PANEL_NC) {
      const nc = min(PANEL_NC, N - j0);
      if (transB) packRowStrips(nc, kc, B + <usize>j0 * ldb + (<usize>k0 << 2), ldb, PANEL_B);
      else packColumnStrips(kc, nc, B + <usize>k0 * ldb + (<usize>j0 << 2), ldb, PANEL_B);
      packedRange(acc, M, kc, A + (<usize>k0 << 2), lda, PANEL_B, 0, 0, nc, C + (<usize>j0 << 2), ldc);
    }
  }
}

/**
 * The columns of the block src [kc, n] (byte stride ld) as ceil(n/8) strips [kc][8] at dst, zeros past
 * column n: the layout pack_weights gives a weight [n, kc]. Two strips (16 columns, a cache line of each
 * row) at a time down all kc rows, so that the writes run along two strips: row by row across all the
 * strips, they went to kc·32 bytes apart, a multiple of 4 KB that maps every strip to the same L1 set.
 * Measured, the products' time against that: NN and TN 32×512×2048 0.72–0.75×, NN 32×1024×1024 0.81×,
 * TN 64×520×300 0.83×; W5's gradient 512×128×2048 0.99× (both cores).
 */
function packColumnStrips(kc: i32, n: i32, src: usize, ld: usize, dst: usize): void {
  const stripB = <usize>kc << 5;
  let j = 0;
  for (; j + 16 <= n; j += 16) copyStrips(2, kc, src + (<usize>j << 2), ld, dst + (<usize>(j >> 3)) * stripB, stripB);
  if (j + 8 <= n) {
    copyStrips(1, kc, src + (<usize>j << 2), ld, dst + (<usize>(j >> 3)) * stripB, stripB);
    j += 8;
  }
  if (j == n) return;
  let s = src + (<usize>j << 2), d = dst + (<usize>(j >> 3)) * stripB;
  for (let k = 0; k < kc; k++, s += ld, d += 32) {
    for (let q = 0; q < 8; q++) store<f32>(d + (<usize>q << 2), j + q < n ? load<f32>(s + (<usize>q << 2)) : 0);
  }
}

/** S (1 or 2) whole strips down kc rows: from src (byte stride ld) to the strips at d, stripB bytes apart. */
// @ts-ignore: decorator
@inline function copyStrips(S: i32, kc: i32, src: usize, ld: usize, d: usize, stripB: usize): void {
  for (let k = 0; k < kc; k++, src += ld, d += 32) {
    v128.store(d, v128.load(src));
    v128.store(d, v128.load(src, 16), 16);
    if (S > 1) {
      v128.store(d + stripB, v128.load(src, 32));
      v128.store(d + stripB, v128.load(src, 48), 16);
    }
  }
}

/**
 * dst [m][kc] (byte stride dstStride) = the block src [kc, m] (byte stride ld) transposed. Four rows of
 * src at a time, each read whole, go out as 4×4 blocks: reading 16 bytes of a row per visit (rows are
 * lda apart, often a multiple of 4 KB) measured 2.4 ns a float at W6's shape.
 */
function transposeBlock(kc: i32, m: i32, src: usize, ld: usize, dst: usize, dstStride: usize): void {
  const k4 = kc & ~3, m4 = m & ~3;
  let k = 0;
  for (; k < k4; k += 4) {
    const s = src + <usize>k * ld, d = dst + (<usize>k << 2);
    let i = 0;
    for (; i < m4; i += 4) transpose4x4(s + (<usize>i << 2), ld, d + <usize>i * dstStride, dstStride);
    for (; i < m; i++) {
      const r = s + (<usize>i << 2), o = d + <usize>i * dstStride;
      store<f32>(o, load<f32>(r));
      store<f32>(o, load<f32>(r + ld), 4);
      store<f32>(o, load<f32>(r + 2 * ld), 8);
      store<f32>(o, load<f32>(r + 3 * ld), 12);
    }
  }
  for (; k < kc; k++) {
    const s = src + <usize>k * ld, d = dst + (<usize>k << 2);
    for (let i = 0; i < m; i++) store<f32>(d + <usize>i * dstStride, load<f32>(s + (<usize>i << 2)));
  }
}

// ---- helpers for bias gradients and gradient sums -----------------------------------------------

/**
 * dst[C] += Σ over rows of x[R, C] (row stride ldx elements, ≥ C): db += onesᵀ·dpre; the same sums are also
 * added into dst2 when it is not 0 (a cell's b_ih and b_hh get the same gradient). Columns go in panels
 * of 32 (8 accumulators) down all rows, so each row's panel is 128 contiguous bytes (two whole cache
 * lines) rather than one 16-byte vector per line: measured on a [2048, 512] dpre (an LSTM's bias
 * gradient at T·B = 2048), panels of 4 columns read every line four times, ~8% of a W5 training step.
 */
export function add_col_sums(R: i32, C: i32, x: usize, ldx: i32, dst: usize, dst2: usize): void {
  if (!dst) {
    dst = dst2;
    dst2 = 0;
  }
  if (!dst) return;
  const ld = <usize>ldx << 2;
  let j = 0;
  for (; j + 32 <= C; j += 32) colSums(8, 4, R, x + (<usize>j << 2), ld, dst + (<usize>j << 2), dst2 ? dst2 + (<usize>j << 2) : 0);
  for (; j + 4 <= C; j += 4) colSums(1, 4, R, x + (<usize>j << 2), ld, dst + (<usize>j << 2), dst2 ? dst2 + (<usize>j << 2) : 0);
  for (; j < C; j++) colSums(1, 1, R, x + (<usize>j << 2), ld, dst + (<usize>j << 2), dst2 ? dst2 + (<usize>j << 2) : 0);
}

/** V vectors of W lanes (V = 8 or 1; W = 4 or 1, constants) of column sums, added into dst (and dst2 unless 0). */
// @ts-ignore: decorator
@inline function colSums(V: i32, W: i32, R: i32, x: usize, ld: usize, dst: usize, dst2: usize): void {
  let s0 = zero(), s1 = zero(), s2 = zero(), s3 = zero(), s4 = zero(), s5 = zero(), s6 = zero(), s7 = zero();
  for (let r = 0; r < R; r++, x += ld) {
    s0 = f32x4.add(s0, loadW(W, x));
    if (V > 1) {
      s1 = f32x4.add(s1, v128.load(x, 16));
      s2 = f32x4.add(s2, v128.load(x, 32));
      s3 = f32x4.add(s3, v128.load(x, 48));
      s4 = f32x4.add(s4, v128.load(x, 64));
      s5 = f32x4.add(s5, v128.load(x, 80));
      s6 = f32x4.add(s6, v128.load(x, 96));
      s7 = f32x4.add(s7, v128.load(x, 112));
    }
  }
  putSums(V, W, dst, s0, s1, s2, s3, s4, s5, s6, s7);
  if (dst2) putSums(V, W, dst2, s0, s1, s2, s3, s4, s5, s6, s7);
}

// @ts-ignore: decorator
@inline function putSums(V: i32, W: i32, dst: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128): void {
  putW(W, dst, s0, true);
  if (V > 1) {
    putW(4, dst + 16, s1, true);
    putW(4, dst + 32, s2, true);
    putW(4, dst + 48, s3, true);
    putW(4, dst + 64, s4, true);
    putW(4, dst + 80, s5, true);
    putW(4, dst + 96, s6, true);
    putW(4, dst + 112, s7, true);
  }
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
