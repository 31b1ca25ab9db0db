// Inputs whose rows are one-hot: the input side of a layer (x·Wᵀ forward, dW += dyᵀ·x backward) when
// every row of x [N, I] has at most one nonzero element, as a character model's one-hot characters do
// (recur's charlm, W6). Then row r of x·Wᵀ is v·W[:, j] for its nonzero x[r, j] = v, one column of W
// instead of an I-long dot product per output, and the weight gradient adds v·dy[r, :] into column j of
// dW instead of a dense TN product over all N rows. Any other input takes the dense products unchanged.
//
// Same results as the dense products: the forward is bit-identical (v·W[n, j] is the only nonzero term of
// each dense sum, rounded once either way), the weight gradient sums the same products in row order
// (the dense TN kernel sums them in blocks: equal up to rounding). For finite weights only: a dense
// product makes NaN of 0·Inf, the gather never reads the other columns.
//
// Measured at W6's shape (one-hot 65 → LSTM(256), B = 32, T = 100), A/B against the dense products: the
// LSTM's forward 0.85× the time, forward + backward 0.89×; W6's whole training step 0.86–0.88×.

import { gemm_wt, putStrip, sgemm, ACCUMULATE, PANEL_B, PANEL_B_FLOATS, TRANS_A } from "./gemm";
import { loadW, madd, storeW, zero } from "./simd";

/** Index of the only nonzero element of x[0..I), −1 for a row of zeros, −2 for two or more nonzeros. */
// @ts-ignore: decorator
@inline function nonzeroIndex(I: i32, x: usize): i32 {
  let at = -1, i = 0;
  for (; i + 4 <= I; i += 4) {
    const m = i32x4.bitmask(f32x4.ne(v128.load(x + (<usize>i << 2)), zero())); // NaN counts as nonzero
    if (m) {
      if (at >= 0 || (m & (m - 1))) return -2;
      at = i + ctz(m);
    }
  }
  for (; i < I; i++) {
    if (load<f32>(x + (<usize>i << 2)) != 0) {
      if (at >= 0) return -2;
      at = i;
    }
  }
  return at;
}

/** Has every row of x [N, I] at most one nonzero element? (Stops at the first row that has more.) */
function oneHotRows(N: i32, I: i32, x: usize): bool {
  const rowB = <usize>I << 2;
  for (let r = 0; r < N; r++, x += rowB) if (nonzeroIndex(I, x) == -2) return false;
  return true;
}

/**
 * C[N, O] = x[N, I]·Wᵀ for a weight W [O, I] (row-major w, or pw = pack_weights(O, I, w), or 0), as gemm_wt
 * over all of W's rows; C's row stride ldc (elements). By columns of W when x's rows are one-hot, else
 * gemm_wt's dense product.
 */
export function input_product(N: i32, I: i32, O: i32, x: usize, w: usize, pw: usize, C: usize, ldc: i32): void {
  if (N <= 0 || O <= 0) return;
  if (!oneHotRows(N, I, x)) {
    gemm_wt(false, N, I, x, I, w, pw, O, 0, O, C, ldc);
    return;
  }
  const rowB = <usize>I << 2, cB = <usize>ldc << 2, stripB = <usize>I << 5;
  for (let r = 0; r < N; r++, x += rowB, C += cB) {
    const j = nonzeroIndex(I, x);
    if (j < 0) {
      memory.fill(C, 0, <usize>O << 2);
      continue;
    }
    const v = load<f32>(x + (<usize>j << 2));
    if (pw) {
      // Strip s of pw holds W's rows 8s..8s + 7 as [I][8]: their column j is the 32 bytes at s·stripB + 32·j.
      const vv = f32x4.splat(v);
      let p = pw + (<usize>j << 5);
      for (let s = 0, S = (O + 7) >> 3; s < S; s++, p += stripB) {
        putStrip(C + (<usize>s << 5), f32x4.mul(v128.load(p), vv), f32x4.mul(v128.load(p, 16), vv), 0, min(O - 8 * s, 8), false);
      }
    } else {
      let p = w + (<usize>j << 2);
      for (let n = 0; n < O; n++, p += rowB) store<f32>(C + (<usize>n << 2), v * load<f32>(p));
    }
  }
}

/**
 * dw[G, I] += dyᵀ·x: dy [N, ld] (G columns used), x [N, I], dw row stride I. By rows of dy when x's rows
 * are one-hot (each adds v·dy[r, :] into column j of dw), else sgemm's dense TN product.
 * Column j of dw is strided (I floats apart), so the rows are first summed into a transposed accumulator
 * acc[I, nc] (PANEL_B), contiguous per class, then added into dw, nc columns of dy at a time. At W6's shape
 * (N = 3200, G = 1024, I = 65) that took 2.1–2.4 ms against 6.2–6.7 ms adding each row into dw directly,
 * and 19–25 ms for the dense product; with a 64 KB accumulator (5 passes over the rows' indices) 3.4 ms.
 * An input too wide for 8 columns of accumulator (I > 8192) adds into dw directly.
 */
export function add_input_weight_grads(N: i32, G: i32, I: i32, dy: usize, ld: i32, x: usize, dw: usize): void {
  if (N <= 0 || G <= 0) return;
  if (!oneHotRows(N, I, x)) {
    sgemm(TRANS_A | ACCUMULATE, G, I, N, dy, ld, x, I, dw, I);
    return;
  }
  const columns = (PANEL_B_FLOATS / I) & ~7; // of dy, per pass
  if (columns < 8) {
    addRowsInto(N, G, I, dy, ld, x, dw);
    return;
  }
  const nc = min(G, columns);
  for (let n0 = 0; n0 < G; n0 += nc) {
    const w = min(nc, G - n0);
    memory.fill(PANEL_B, 0, (<usize>I * <usize>w) << 2);
    addRowsInto(N, w, I, dy + (<usize>n0 << 2), ld, x, 0);
    addTransposed(I, w, dw + ((<usize>n0 * <usize>I) << 2));
  }
}

/**
 * For each row r of x [N, I] with a nonzero x[r, j] = v: v·dy[r, 0..G) added into column j of dw [G, I]
 * (row stride I), or, when dw = 0, into row j of PANEL_B as acc[I, G].
 */
function addRowsInto(N: i32, G: i32, I: i32, dy: usize, ld: i32, x: usize, dw: usize): void {
  const rowB = <usize>I << 2, dyB = <usize>ld << 2, G4 = G & ~3;
  for (let r = 0; r < N; r++, x += rowB, dy += dyB) {
    const j = nonzeroIndex(I, x);
    if (j < 0) continue;
    const v = load<f32>(x + (<usize>j << 2));
    if (dw) {
      let d = dw + (<usize>j << 2);
      for (let n = 0; n < G; n++, d += rowB) store<f32>(d, load<f32>(d) + v * load<f32>(dy + (<usize>n << 2)));
      continue;
    }
    const acc = PANEL_B + ((<usize>j * <usize>G) << 2), vv = f32x4.splat(v);
    let o: usize = 0;
    for (; o < <usize>G4 << 2; o += 16) accumulateRow(4, acc + o, vv, dy + o);
    for (; o < <usize>G << 2; o += 4) accumulateRow(1, acc + o, vv, dy + o);
  }
}

/** W lanes (4, or 1 for the tail: the same arithmetic) of acc += v·dy. */
// @ts-ignore: decorator
@inline function accumulateRow(W: i32, acc: usize, vv: v128, dy: usize): void {
  storeW(W, acc, madd(loadW(W, acc), vv, loadW(W, dy)));
}

/** dw[n, j] += acc[j, n] for acc [I, G] in PANEL_B; dw row stride I. */
function addTransposed(I: i32, G: i32, dw: usize): void {
  const rowB = <usize>I << 2;
  for (let j = 0; j < I; j++) {
    const a = PANEL_B + ((<usize>j * <usize>G) << 2);
    let d = dw + (<usize>j << 2);
    for (let n = 0; n < G; n++, d += rowB) store<f32>(d, load<f32>(d) + load<f32>(a + (<usize>n << 2)));
  }
}
