// sgemm against a naive triple loop in f64, on odd shapes that hit every tile and tail
// (M, N, K of 0, 1, not multiples of 4 or 8, more than one tile) and padded strides. The NT cases also run
// PACKED_B on pack_weights of the same B.
import { sgemm, ACCUMULATE, PACKED_B, TRANS_A, TRANS_B } from "../../assembly/gemm";
import { at, buf, free, maxErr, packed } from "./helpers";

function check(flags: i32, M: i32, N: i32, K: i32): f64 {
  const ta = (flags & TRANS_A) != 0, tb = (flags & TRANS_B) != 0, acc = (flags & ACCUMULATE) != 0;
  const lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
  const A = buf((ta ? K : M) * lda), B = buf((tb ? N : K) * ldb), C = buf(M * ldc);
  const want = new StaticArray<f64>(M * ldc);
  for (let q = 0; q < M * ldc; q++) want[q] = at(C, q);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s: f64 = 0;
    for (let k = 0; k < K; k++) {
      s += <f64>at(A, ta ? k * lda + i : i * lda + k) * <f64>at(B, tb ? j * ldb + k : k * ldb + j);
    }
    want[i * ldc + j] = acc ? want[i * ldc + j] + s : s;
  }
  let e: f64 = 0;
  if (tb && !ta) {
    // The same product from pack_weights(N, K, B) (B is W [N, K] with row stride ldb: pack a dense copy).
    const W = buf(N * K, 0), C2 = buf(M * ldc, 0);
    for (let j = 0; j < N; j++) memory.copy(W + ((<usize>j * <usize>K) << 2), B + ((<usize>j * <usize>ldb) << 2), <usize>K << 2);
    memory.copy(C2, C, (<usize>M * <usize>ldc) << 2);
    const P = packed(N, K, W);
    sgemm(PACKED_B | (flags & ACCUMULATE), M, N, K, A, lda, P, 0, C2, ldc);
    e = maxErr(C2, want, M * ldc);
    free(W); free(C2); free(P);
  }
  sgemm(flags, M, N, K, A, lda, B, ldb, C, ldc);
  e = Math.max(e, maxErr(C, want, M * ldc)); // also checks the padding columns were left alone
  free(A); free(B); free(C);
  return e;
}

const SIZES: i32[] = [1, 3, 4, 5, 8, 9, 17];

/** Worst error of one flag combination over every (M, N, K) in SIZES³ (N odd: 1, 5, 7, 9, 15, 17, 33). */
function checkAll(flags: i32): f64 {
  let worst: f64 = 0;
  for (let m = 0; m < SIZES.length; m++) for (let n = 0; n < SIZES.length; n++) {
    for (let k = 0; k < SIZES.length; k++) worst = Math.max(worst, check(flags, SIZES[m], SIZES[n] * 2 - 1, SIZES[k]));
  }
  return worst;
}

describe("sgemm", () => {
  it("NN matches the naive product", () => { expect<f64>(checkAll(0)).toBeLessThan(1e-5); });
  it("NT matches the naive product", () => { expect<f64>(checkAll(TRANS_B)).toBeLessThan(1e-5); });
  it("TN matches the naive product", () => { expect<f64>(checkAll(TRANS_A)).toBeLessThan(1e-5); });
  it("NN accumulates", () => { expect<f64>(checkAll(ACCUMULATE)).toBeLessThan(1e-5); });
  it("NT accumulates", () => { expect<f64>(checkAll(TRANS_B | ACCUMULATE)).toBeLessThan(1e-5); });
  it("TN accumulates", () => { expect<f64>(checkAll(TRANS_A | ACCUMULATE)).toBeLessThan(1e-5); });

  it("K = 0 overwrites with zeros, or leaves C unchanged when accumulating", () => {
    const C = buf(6);
    const c0 = at(C, 1);
    sgemm(TRANS_B | ACCUMULATE, 2, 3, 0, 0, 0, 0, 0, C, 3);
    expect<f32>(at(C, 1)).toBe(c0);
    sgemm(0, 2, 3, 0, 0, 0, 0, 0, C, 3);
    for (let i = 0; i < 6; i++) expect<f32>(at(C, i)).toBe(0);
    free(C);
  });

  it("M = 0 or N = 0 touches nothing", () => {
    const C = buf(4);
    const c0 = at(C, 0);
    sgemm(0, 0, 4, 3, 0, 3, 0, 4, C, 4);
    sgemm(TRANS_B, 1, 0, 3, 0, 3, 0, 3, C, 4);
    expect<f32>(at(C, 0)).toBe(c0);
    free(C);
  });

  it("a 2x2 known case", () => {
    // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]
    const A = buf(4, 0), B = buf(4, 0), C = buf(4, 0);
    for (let i = 0; i < 4; i++) { store<f32>(A + 4 * i, <f32>(i + 1)); store<f32>(B + 4 * i, <f32>(i + 5)); }
    sgemm(0, 2, 2, 2, A, 2, B, 2, C, 2);
    expect<f32>(at(C, 0)).toBe(19);
    expect<f32>(at(C, 1)).toBe(22);
    expect<f32>(at(C, 2)).toBe(43);
    expect<f32>(at(C, 3)).toBe(50);
    free(A); free(B); free(C);
  });
});
