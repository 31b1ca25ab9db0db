// The sgemm kernel in GFLOP/s over a grid of shapes recur's layers produce, for NN, NT and TN, against
// tf.matMul (transposeA / transposeB) on tfjs's cpu and wasm backends with the same stored layouts; and
// "NT packed", the product recur's forward passes run: x·Wᵀ with W = B packed once by pack_weights (as a
// model packs its weights when they are set, so not timed), where the peers compute the same NT product.
//
//   node --import tsx bench/sgemm.bench.ts <recur | tfjs-cpu | tfjs-wasm>
//
// Operands stay resident in each library's memory (recur's linear memory, tfjs tensors) and no result is
// read back inside the timed call: this measures the kernel plus one call's dispatch, not copies. Every
// case is checked against an f64 triple loop before it is timed.
//
// The recur process also measures the machine's f32x4 peak (bench/peak/): before the first case and after
// every case, so each case sits between two measurements of the same moment (this shared machine's speed
// drifts by up to 2× within a run), and each row carries their mean as its peakGflops: its "% of peak" in
// RESULTS.md compares the GEMM with what the SIMD units gave at that moment, not with a peak taken minutes
// apart. All those measurements together are printed first, as the bench "peak" (mul + add, and the
// relaxed-SIMD FMA loop when the runtime has it: run.sh passes --experimental-wasm-relaxed-simd here).

import { Gemm } from '../src/kernels.ts';
import { Rng } from '../src/random.ts';
import { loadCore, packed, put, zeros, get } from '../tests/helpers/core.ts';
import { emit, gate, maxAbsDiff, peerFromArgv, summarise, tfjsOn, time, uniform, type Row } from './common.ts';
import { PEAK_BENCH, PEAK_CASES, PEAK_FLOP, loadPeakLoops, measurePeak } from './peak/index.ts';

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
type Transpose = (typeof TRANSPOSES)[number];

const peer = peerFromArgv('sgemm.bench.ts');

interface Case {
  name: string;
  trans: Transpose;
  M: number;
  N: number;
  K: number;
  /** A as stored: [M, K], or [K, M] for TN. */
  a: Float32Array;
  /** B as stored: [K, N], or [N, K] for NT and NT packed. */
  b: Float32Array;
  expected: Float64Array;
}

/** Is B stored [N, K] (used transposed)? */
function storedNK(trans: Transpose): boolean {
  return trans === 'NT' || trans === 'NT packed';
}

/** C = op(A)·op(B) in f64, indexing A and B as stored. */
function reference(c: Omit<Case, 'expected' | 'name'>): Float64Array {
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

const rng = new Rng(7);
const cases: Case[] = [];
for (const [M, N, K] of SHAPES) {
  for (const trans of TRANSPOSES) {
    const c = { trans, M, N, K, a: uniform(rng, M * K, -1, 1), b: uniform(rng, K * N, -1, 1) };
    cases.push({ ...c, name: `${trans} ${M}×${N}×${K}`, expected: reference(c) });
  }
}

/** Per case: `run` computes C and leaves it where the peer keeps it; `result` computes it and reads it back. */
interface Prepared { run: () => void; result: () => ArrayLike<number> }

async function prepare(): Promise<{ info: string; prepared: Prepared[] }> {
  if (peer === 'recur') {
    const core = await loadCore('release');
    const k = core.kernels;
    const prepared = cases.map(({ trans, M, N, K, a, b }): Prepared => {
      const flags = { NN: 0, NT: Gemm.TransB, TN: Gemm.TransA, 'NT packed': Gemm.PackedB }[trans];
      const A = put(core, a), B = trans === 'NT packed' ? packed(core, N, K, put(core, b)) : put(core, b), C = zeros(core, M * N);
      const lda = trans === 'TN' ? M : K, ldb = storedNK(trans) ? K : N;
      const run = (): void => k.sgemm(flags, M, N, K, A, lda, B, ldb, C, N);
      return { run, result: () => { run(); return get(core, C, M * N); } };
    });
    return { info: 'recur sgemm export, release core (SIMD)', prepared };
  }
  const { tf, info } = await tfjsOn(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  const prepared = cases.map(({ trans, M, N, K, a, b }): Prepared => {
    const A = tf.tensor2d(a, trans === 'TN' ? [K, M] : [M, K]);
    const B = tf.tensor2d(b, storedNK(trans) ? [N, K] : [K, N]);
    const product = () => tf.matMul(A, B, trans === 'TN', storedNK(trans));
    return {
      run: () => product().dispose(),
      result: () => { const c = product(); const data = c.dataSync(); c.dispose(); return data; },
    };
  });
  return { info: `${info}, tf.matMul`, prepared };
}

const { info, prepared } = await prepare();
// Check every case before timing any, so a wrong kernel fails fast.
const errors = cases.map((c, i) => {
  const err = maxAbsDiff(prepared[i].result(), c.expected);
  // f32 rounding of a K-term sum of products of values in [-1, 1) stays far below 2e-6·K.
  gate(`${peer} ${c.name} vs f64 reference`, err, 2e-6 * c.K);
  return err;
});

const peaks = peer === 'recur' ? loadPeakLoops() : undefined;
/** Every peak measurement's median ms per call, for the "peak" rows. */
const peakMs = { mulAdd: [] as number[], fma: [] as number[] };
/** Measures the peak loops now; the mul + add peak in GFLOP/s (undefined for the tfjs peers). */
function peakNow(): number | undefined {
  if (!peaks) return undefined;
  if (typeof peaks.fma !== 'string') peakMs.fma.push(measurePeak(peaks.fma).ms);
  const ms = measurePeak(peaks.mulAdd).ms;
  peakMs.mulAdd.push(ms);
  return PEAK_FLOP / ms / 1e6;
}
let before = peakNow();
const rows: Row[] = cases.map((c, i) => {
  const timing = time(`sgemm ${peer} ${c.name}`, prepared[i].run, 0.3);
  const after = peakNow();
  const peak = before !== undefined && after !== undefined ? { peakGflops: (before + after) / 2 } : {};
  before = after;
  return { case: c.name, ...timing, flop: 2 * c.M * c.N * c.K, maxErr: errors[i], ...peak };
});
if (peaks) {
  const row = (name: string, ms: number[]): Row => ({ case: name, ...summarise(ms.map((x) => x / 1e3)), flop: PEAK_FLOP, maxErr: Number.NaN, check: 'a timing loop: nothing to check' });
  emit({
    bench: PEAK_BENCH, peer,
    info: `bench/peak/kernel.ts (AssemblyScript, -O3 --noAssert --runtime stub, 12 chains a ← a·m + c, ${PEAK_FLOP / 1e6} MFLOP per call), `
      + `measured ${peakMs.mulAdd.length} times between the sgemm cases (5 samples of ≥ 25 ms each); the median of those medians`,
    rows: [row(PEAK_CASES.mulAdd, peakMs.mulAdd), ...(typeof peaks.fma === 'string' ? [] : [row(PEAK_CASES.fma, peakMs.fma)])],
    ...(typeof peaks.fma === 'string' ? { skipped: [{ case: PEAK_CASES.fma, reason: peaks.fma }] } : {}),
  });
}
emit({ bench: 'sgemm', peer, info, rows });
