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

import { loadCore } from '../tests/helpers/core.ts';
import { emit, gate, maxAbsDiff, oncePerRun, peerFromArgv, summarise, tfjsOn, time, type Row } from './common.ts';
import { PEAK_BENCH, PEAK_CASES, PEAK_FLOP, loadPeakLoops, measurePeak, peakGflops } from './peak/index.ts';
import { recurCase, references, rowsBetweenPeaks, SAMPLE_TIME, sgemmCases, storedNK, tolerance, type PreparedCase } from './sgemm-cases.ts';

const peer = peerFromArgv('sgemm.bench.ts');
const cases = sgemmCases();

async function prepare(): Promise<{ info: string; prepared: PreparedCase[] }> {
  if (peer === 'recur') {
    const core = await loadCore('release');
    return { info: 'recur sgemm export, release core (SIMD)', prepared: cases.map((c) => recurCase(core, c)) };
  }
  const { tf, info } = await tfjsOn(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  const prepared = cases.map(({ trans, M, N, K, a, b }): PreparedCase => {
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
const expected = oncePerRun('sgemm', () => references(cases));
// Check every case before timing any, so a wrong kernel fails fast.
const errors = cases.map((c, i) => {
  const err = maxAbsDiff(prepared[i].result(), expected[c.name]);
  gate(`${peer} ${c.name} vs f64 reference`, err, tolerance(c));
  return err;
});

const peaks = peer === 'recur' ? loadPeakLoops() : undefined;
/** Every peak measurement's median ms per call, for the "peak" rows. */
const peakMs = { mulAdd: [] as number[], fma: [] as number[] };
/** Measures the peak loops now; the mul + add peak in GFLOP/s (undefined for the tfjs peers). */
function peakNow(): number | undefined {
  if (!peaks) return undefined;
  if (typeof peaks.fma !== 'string') peakMs.fma.push(measurePeak(peaks.fma).ms);
  const timing = measurePeak(peaks.mulAdd);
  peakMs.mulAdd.push(timing.ms);
  return peakGflops(timing);
}
const rows = await rowsBetweenPeaks(cases, errors, (i) => time(`sgemm ${peer} ${cases[i].name}`, prepared[i].run, SAMPLE_TIME), peakNow);
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
