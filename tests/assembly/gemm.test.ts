// sgemm (assembly/gemm.ts) against the reference triple loop (src/reference/gemm.ts), on both builds.
//
// Shapes cover every path of a register-blocked SIMD kernel: empty (M = 0, N = 0, K = 0), single
// elements, sizes that are not multiples of 4 or 8 (SIMD and tile tails), exactly one tile, and several
// tiles (37, 70), and the packed blocks of TN and NT (K > 256, M > 64, N > 256, each with a remainder).
// Every shape runs NN, NT and TN, overwriting and accumulating, with tight and padded row strides. Padding
// between rows is filled with NaN in A and B (a kernel that reads it poisons C) and with a sentinel in C
// (a kernel that writes it is caught).
//
// Packed weights: pack_weights's layout element by element, strips then row blocks (odd N and K, zero
// columns past N, one row block at N = 28, two at 70, nothing written past packedFloats), and sgemm PackedB
// (x·Wᵀ from the packed W) against the reference NT product of the unpacked W on shapes that take every
// tile of the packed path: M = 1, 2, 3 (the GEMV and row-pair tiles), 4, 5, 37 (4-row tiles and their
// leftovers; with 4 strips or more, over interleaved rows of A); N = 1, 7, 8, 9, 24, 25, 70 (cut last
// strips, 1–3 strip groups; 70: a single row's 2 row blocks and a cut strip) and 28, 56, 57, 113 (a single
// row's row blocks: one, two, two and a column of a strip, four and a column); K = 1, 3, 33, and K = 1100
// (interleaved rows in three chunks) and K = 0 there; overwrite and accumulate; C padding columns hold a
// sentinel. (A single row's pairs of 1×28 tiles over strips run in the packed blocks of NT and TN above.)

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Gemm, packedFloats } from '../../src/kernels.ts';
import { gemm } from '../../src/reference/gemm.ts';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, get, loadCore, packed, put } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL } from '../helpers/compare.ts';

const SHAPES: [number, number, number][] = [
  [0, 5, 3], [5, 0, 3], [4, 6, 0], [0, 0, 0], [1, 1, 1], [1, 7, 1], [7, 1, 5], [1, 1, 13],
  [3, 5, 7], [4, 4, 4], [8, 8, 8], [5, 9, 6], [16, 16, 16], [13, 17, 29], [37, 70, 45], [70, 37, 1], [33, 65, 70],
  // The packed paths (TN: M·N ≥ 4096, K ≥ 16; NT: M ≥ 16, K ≥ 16, so [16, 16, 16], [37, 70, 45] and
  // [33, 65, 70] above take it too, and [13, 17, 29] does not; NN: M ≥ 64, K ≥ 16, all five here): several
  // K blocks of 256 (the last one short), several row blocks of 64 with 1–3 leftover rows, several column
  // blocks of 256 with a cut last strip; K = 257 (one row in the last block); a leftover pair of rows; the
  // smallest packed product, K = 16; 25 columns: B's strips copied two at a time, then one, then a cut one.
  [67, 270, 300], [258, 17, 520], [64, 64, 257], [66, 65, 16], [200, 25, 40],
  // NN and packed blocks of 4 rows with 32 columns or more interleave A's rows, K in chunks of 512: three
  // chunks (the last short) with a 4-column tile and a 1-column tail (its zero-padded copy in chunks of 512 k,
  // NN and TN), and K = 0 there (C = 0 or unchanged).
  [9, 45, 1100], [5, 33, 0],
  // NN with 16 to 63 rows packs B's blocks when B is over 1 MB: four K blocks (the last short), two column
  // blocks (the second a cut strip of 7), a leftover pair of rows; or when B's rows are 512 floats apart
  // or more: a cut strip of 4 after two blocks of 256 columns.
  [18, 263, 1001], [20, 516, 24],
  // NN and small TN single rows with B's rows 512 floats apart or more go down K in blocks of 8: two whole
  // blocks and a short one, a 3-column tail; and K = 0 there.
  [3, 515, 21], [2, 520, 0],
  // NT's single rows below 16 rows (or with K < 16): 1×7 tiles, a 1×4 tile, then single columns, each with
  // a K % 4 tail ([5, 9, 6] and [13, 17, 29] above: 1×7 tiles then single columns).
  [2, 12, 9], [1, 26, 17],
];
const SENTINEL = 12345;

/** A [rows, cols] matrix stored with row stride ld ≥ cols; padding holds `pad`. */
function stored(rng: Rng, rows: number, cols: number, ld: number, pad: number): Float64Array {
  const a = new Float64Array(rows * ld).fill(pad);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[r * ld + c] = Math.fround(rng.uniform(-1, 1));
  return a;
}

/** Elements (r, c) for c < cols of a strided matrix, as a dense [rows, cols] array. */
function dense(a: ArrayLike<number>, rows: number, cols: number, ld: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = a[r * ld + c];
  return out;
}

for (const build of BUILDS) {
  describe(`sgemm (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const [M, N, K] of SHAPES) {
      for (const [opName, op] of [['NN', 0], ['NT', Gemm.TransB], ['TN', Gemm.TransA]] as const) {
        for (const accumulate of [false, true]) {
          for (const padded of [false, true]) {
            const flags = op | (accumulate ? Gemm.Accumulate : 0);
            it(`${opName}${accumulate ? ' +=' : ''} M=${M} N=${N} K=${K}${padded ? ' padded ld' : ''}`, () => {
              const rng = new Rng(M * 1_000_003 + N * 1009 + K * 17 + flags * 3 + (padded ? 1 : 0));
              const pad = padded ? 3 : 0;
              // Stored shapes: A [M, K] or [K, M] (TransA); B [K, N] or [N, K] (TransB); C [M, N].
              const [aRows, aCols] = op === Gemm.TransA ? [K, M] : [M, K];
              const [bRows, bCols] = op === Gemm.TransB ? [N, K] : [K, N];
              const lda = aCols + pad, ldb = bCols + pad, ldc = N + pad;
              const A = stored(rng, aRows, aCols, lda, padded ? NaN : 0);
              const B = stored(rng, bRows, bCols, ldb, padded ? NaN : 0);
              const C0 = stored(rng, M, N, ldc, SENTINEL);
              const expected = Float64Array.from(C0);
              gemm(flags, M, N, K, A, lda, B, ldb, expected, ldc);

              const pA = put(core, A), pB = put(core, B), pC = put(core, C0);
              core.kernels.sgemm(flags, M, N, K, pA, lda, pB, ldb, pC, ldc);
              const C = get(core, pC, C0.length);
              assertClose('C', dense(C, M, N, ldc), dense(expected, M, N, ldc), FORWARD_TOL, [M, N]);
              for (let r = 0; r < M; r++) {
                for (let c = N; c < ldc; c++) assert.equal(C[r * ldc + c], SENTINEL, `C padding [${r}, ${c}] was written`);
              }
            });
          }
        }
      }
    }

    describe('pack_weights', () => {
      for (const [N, K] of [[1, 1], [7, 3], [8, 5], [9, 1], [17, 33], [24, 4], [25, 7], [28, 5], [70, 13]]) {
        it(`layout N=${N} K=${K}`, () => {
          const rng = new Rng(N * 131 + K);
          const W = Float32Array.from({ length: N * K }, () => rng.uniform(-1, 1));
          const pw = put(core, W);
          const n = packedFloats(N, K), strips = Math.ceil(N / 8), blocks = Math.floor(N / 28);
          assert.equal(n, (strips * 8 + blocks * 28) * K);
          // One block: n NaNs (every one must be written) then 4 sentinels (none may be).
          const block = new Float64Array(n + 4).fill(NaN);
          block.fill(SENTINEL, n);
          const pp = put(core, block);
          core.kernels.pack_weights(N, K, pw, pp);
          const P = get(core, pp, n);
          for (let s = 0; s < strips; s++) for (let k = 0; k < K; k++) for (let j = 0; j < 8; j++) {
            const want = 8 * s + j < N ? W[(8 * s + j) * K + k] : 0;
            assert.equal(P[(s * K + k) * 8 + j], want, `strips[${s}][${k}][${j}]`);
          }
          for (let q = 0; q < blocks; q++) for (let k = 0; k < K; k++) for (let j = 0; j < 28; j++) {
            assert.equal(P[strips * 8 * K + (q * K + k) * 28 + j], W[(28 * q + j) * K + k], `blocks[${q}][${k}][${j}]`);
          }
          assert.deepEqual(Array.from(get(core, pp + n * 4, 4)), [SENTINEL, SENTINEL, SENTINEL, SENTINEL], 'written past the end');
          assert.deepEqual(get(core, pw, N * K), W, 'W was modified');
        });
      }
      it('packedFloats: K times the strips\' columns (N rounded up to a multiple of 8) and the row blocks\' (⌊N/28⌋·28)', () => {
        const sizes = [[1, 3], [8, 3], [9, 3], [27, 2], [28, 2], [70, 13], [0, 5]].map(([N, K]) => packedFloats(N, K));
        assert.deepEqual(sizes, [24, 24, 48, 64, 120, 1664, 0]);
      });
    });

    describe('PackedB: C (+)= A·Wᵀ from pack_weights(N, K, W)', () => {
      const cases: [number, number, number][] = [[5, 33, 1100], [4, 70, 1100], [5, 33, 0]];
      for (const M of [1, 2, 3, 4, 5, 37]) for (const N of [1, 7, 8, 9, 24, 25, 28, 56, 57, 70, 113]) for (const K of [1, 3, 33]) cases.push([M, N, K]);
      for (const [M, N, K] of cases) {
        for (const accumulate of [false, true]) {
          it(`M=${M} N=${N} K=${K}${accumulate ? ' +=' : ''}`, () => {
            const rng = new Rng(M * 7919 + N * 101 + K * 3 + (accumulate ? 1 : 0));
            const lda = K + 2, ldc = N + 3;
            const A = stored(rng, M, K, lda, NaN);
            const W = stored(rng, N, K, K, 0);
            const C0 = stored(rng, M, N, ldc, SENTINEL);
            const expected = Float64Array.from(C0);
            gemm(Gemm.TransB | (accumulate ? Gemm.Accumulate : 0), M, N, K, A, lda, W, K, expected, ldc);
            const pW = put(core, W), pA = put(core, A), pC = put(core, C0);
            const pP = packed(core, N, K, pW);
            // ldb is ignored with PackedB; TransB alongside it changes nothing.
            const flags = Gemm.PackedB | (M % 2 ? Gemm.TransB : 0) | (accumulate ? Gemm.Accumulate : 0);
            core.kernels.sgemm(flags, M, N, K, pA, lda, pP, 12345, pC, ldc);
            const C = get(core, pC, C0.length);
            assertClose('C', dense(C, M, N, ldc), dense(expected, M, N, ldc), FORWARD_TOL, [M, N]);
            for (let r = 0; r < M; r++) {
              for (let c = N; c < ldc; c++) assert.equal(C[r * ldc + c], SENTINEL, `C padding [${r}, ${c}] was written`);
            }
          });
        }
      }
      it('K = 0 overwrites C with zeros, and leaves it unchanged when accumulating', () => {
        const pC = put(core, [1, 2, 3, 4, 5, 6]);
        core.kernels.sgemm(Gemm.PackedB | Gemm.Accumulate, 2, 3, 0, put(core, [0]), 1, put(core, [0]), 0, pC, 3);
        assert.deepEqual(Array.from(get(core, pC, 6)), [1, 2, 3, 4, 5, 6]);
        core.kernels.sgemm(Gemm.PackedB, 2, 3, 0, put(core, [0]), 1, put(core, [0]), 0, pC, 3);
        assert.deepEqual(Array.from(get(core, pC, 6)), [0, 0, 0, 0, 0, 0]);
      });
    });

    it('K = 0 overwrites C with zeros, and leaves it unchanged when accumulating', () => {
      const pC = put(core, [1, 2, 3, 4, 5, 6]);
      core.kernels.sgemm(Gemm.Accumulate, 2, 3, 0, put(core, [0]), 1, put(core, [0]), 3, pC, 3);
      assert.deepEqual(Array.from(get(core, pC, 6)), [1, 2, 3, 4, 5, 6]);
      core.kernels.sgemm(0, 2, 3, 0, put(core, [0]), 1, put(core, [0]), 3, pC, 3);
      assert.deepEqual(Array.from(get(core, pC, 6)), [0, 0, 0, 0, 0, 0]);
    });

    it('a 2×2 product by hand', () => {
      // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
      const pC = put(core, [0, 0, 0, 0]);
      core.kernels.sgemm(0, 2, 2, 2, put(core, [1, 2, 3, 4]), 2, put(core, [5, 6, 7, 8]), 2, pC, 2);
      assert.deepEqual(Array.from(get(core, pC, 4)), [19, 22, 43, 50]);
    });
  });
}
