// The sgemm benches' cases (sgemm.bench.ts in Node, browser-sgemm.bench.ts in Chromium): the grid of shapes
// and layouts, seeded operands, the f64 reference, and recur's side of a case (its operands in a core's
// memory and the sgemm call). No Node module here: the browser page runs recur's side too.

import { Gemm } from '../src/kernels.ts';
import { Rng } from '../src/random.ts';
import type { Core } from '../src/wasm.ts';
import { get, packed, put, zeros } from '../tests/helpers/memory.ts';
import type { Row } from './common.ts';
import type { Timing } from './measure.ts';
import { uniform } from './seeded.ts';

/** [M, N, K] */
const SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 512, 160], // GEMV-like: one LSTM step at batch 1 ([x_t, h] · the stacked gate weights)
  [64, 512, 160], // the same step at batch 64
  [2048, 128, 32], // input projection of a whole sequence (T·B = 2048 rows, I = 32 → H = 128)
  [128, 128, 128],
  [256, 256, 256],
  [37, 70, 33], // odd sizes: every scalar tail of the register tiles
  [512, 128, 2048], // a weight gradient over a whole batch: dW_hh [4H, H] of W5's LSTM over T·B = 2048 rows (TN)
  [32, 512, 2048], // one step of an LSTM(512)'s backward at batch 32: dpre [B, 4H]·W_hh [4H, H] (NN, a 4 MB B)
];
const TRANSPOSES = ['NN', 'NT', 'TN', 'NT packed'] as const;
export type Transpose = (typeof TRANSPOSES)[number];

export interface SgemmCase {
  name: string;
  trans: Transpose;
  M: number;
  N: number;
  K: number;
  /** A as stored: [M, K], or [K, M] for TN. */
  a: Float32Array;
  /** B as stored: [K, N], or [N, K] for NT and NT packed. */
  b: Float32Array;
}

/** Is B stored [N, K] (used transposed)? */
export function storedNK(trans: Transpose): boolean {
  return trans === 'NT' || trans === 'NT packed';
}

/** Every case, operands uniform in [-1, 1) from one seeded stream (the same in every process). */
export function sgemmCases(): SgemmCase[] {
  const rng = new Rng(7);
  return SHAPES.flatMap(([M, N, K]) => TRANSPOSES.map((trans) => ({
    name: `${trans} ${M}×${N}×${K}`, trans, M, N, K, a: uniform(rng, M * K, -1, 1), b: uniform(rng, K * N, -1, 1),
  })));
}

/** C = op(A)·op(B) in f64, indexing A and B as stored. */
function reference(c: SgemmCase): Float64Array {
  const { trans, M, N, K, a, b } = c;
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        s += (trans === 'TN' ? a[k * M + m] : a[m * K + k]) * (storedNK(trans) ? b[n * K + k] : b[k * N + n]);
      }
      out[m * N + n] = s;
    }
  }
  return out;
}

/** Seconds of samples per case (after the warm-up): the cases are µs to ms long. */
export const SAMPLE_TIME = 0.3;

/**
 * Every case's f64 reference by case name, for oncePerRun (common.ts): the sgemm files of a run compute them
 * once (~2.5 s) and read them back in their other processes.
 */
export function references(cases: readonly SgemmCase[]): Record<string, Float64Array> {
  return Object.fromEntries(cases.map((c) => [c.name, reference(c)]));
}

/** f32 rounding of a K-term sum of products of values in [-1, 1) stays far below 2e-6·K. */
export const tolerance = (c: SgemmCase): number => 2e-6 * c.K;

/** A case as a peer runs it: `run` computes C and leaves it where the peer keeps it; `result` computes it and reads it back. */
export interface PreparedCase { run: () => void; result: () => ArrayLike<number> }

/**
 * recur's side of a case: its operands copied once into the core's memory (B packed by pack_weights for
 * "NT packed", as a model packs its weights when they are set, so not timed), and one sgemm call.
 */
export function recurCase(core: Core, c: SgemmCase): PreparedCase {
  const { trans, M, N, K, a, b } = c;
  const flags = { NN: 0, NT: Gemm.TransB, TN: Gemm.TransA, 'NT packed': Gemm.PackedB }[trans];
  const A = put(core, a), B = trans === 'NT packed' ? packed(core, N, K, put(core, b)) : put(core, b), C = zeros(core, M * N);
  const lda = trans === 'TN' ? M : K, ldb = storedNK(trans) ? K : N;
  const run = (): void => core.kernels.sgemm(flags, M, N, K, A, lda, B, ldb, C, N);
  return { run, result: () => { run(); return get(core, C, M * N); } };
}

/**
 * The rows of the cases, each timed between two measurements of the machine's peak in the same process
 * (or page): `peakNow` before the first case and after every case, so each row carries the mean of the
 * two around it as its peakGflops (undefined from peakNow: no peak, for peers other than recur).
 */
export async function rowsBetweenPeaks(cases: readonly SgemmCase[], errors: readonly number[],
  timeCase: (i: number) => Timing | Promise<Timing>, peakNow: () => number | undefined | Promise<number | undefined>): Promise<Row[]> {
  const rows: Row[] = [];
  let before = await peakNow();
  for (const [i, c] of cases.entries()) {
    const timing = await timeCase(i);
    const after = await peakNow();
    const peak = before !== undefined && after !== undefined ? { peakGflops: (before + after) / 2 } : {};
    before = after;
    rows.push({ case: c.name, ...timing, flop: 2 * c.M * c.N * c.K, maxErr: errors[i], ...peak });
  }
  return rows;
}
