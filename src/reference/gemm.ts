// Reference GEMM: the executable spec for sgemm (assembly/gemm.ts). A triple loop in f64, not the fast path.
//
// C[M, N] (+)= op(A)[M, K] · op(B)[K, N]. Flags are the `Gemm` bits of src/kernels.ts: TransA means A is
// stored [K, M] (op(A)[m, k] = A[k·lda + m]); TransB means B is stored [N, K] (op(B)[k, n] = B[n·ldb + k]);
// Accumulate adds to C instead of overwriting it. lda/ldb/ldc are the row strides of the matrices AS
// STORED, so elements between a row's end and the next row's start are never read or written.
// TT is not supported by the kernel, so the spec refuses it too.

import { Gemm } from '../kernels.ts';

export function gemm(flags: number, M: number, N: number, K: number, A: ArrayLike<number>, lda: number,
  B: ArrayLike<number>, ldb: number, C: Float64Array, ldc: number): void {
  const transA = (flags & Gemm.TransA) !== 0;
  const transB = (flags & Gemm.TransB) !== 0;
  const accumulate = (flags & Gemm.Accumulate) !== 0;
  if (transA && transB) throw new Error('reference gemm: TT (TransA | TransB) is not supported');
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * lda + m] : A[m * lda + k];
        const b = transB ? B[n * ldb + k] : B[k * ldb + n];
        sum += a * b;
      }
      C[m * ldc + n] = accumulate ? C[m * ldc + n] + sum : sum;
    }
  }
}
