// The f32x4 peak loops of kernel.ts as a bench measures them, in a Node process (index.ts loads them from
// bench/build/) and in a browser page (bench/browser/sgemm-page.ts fetches them) alike: no Node module here.

import { timeSync, type Timing } from '../measure.ts';

export const PEAK_BENCH = 'peak';
export const PEAK_CASES = {
  mulAdd: 'f32x4 mul + add (12 independent chains)',
  fma: 'f32x4 relaxed_madd, a fused multiply-add (12 independent chains)',
} as const;

/** Iterations per call: 96 FLOPs each, so a call is ~0.1–0.3 ms here; samples gather ≥ 25 ms of calls. */
const ITERATIONS = 50_000;
export const PEAK_FLOP = 96 * ITERATIONS;

export interface PeakLoop {
  run: () => void;
  /** ms per call, known after the first measurement (whose warm-up lets V8 tier the loop up): later ones need none. */
  perCall?: number;
}

/** The loop of a compiled kernel.ts (peak.wasm or peak-fma.wasm). */
export function peakLoop(bytes: Uint8Array<ArrayBuffer>): PeakLoop {
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { peak: (n: number, m: number, c: number) => number };
  return { run: () => { peak(ITERATIONS, 0.9999, 1e-4); } };
}

/** One short measurement (5 samples of ≥ 25 ms, after a warm-up the first time): the peak at this moment. */
export function measurePeak(loop: PeakLoop): Timing {
  const timing = timeSync(loop.run, { maxTime: 0.1, minSamples: 5, warmedUp: loop.perCall });
  loop.perCall = timing.ms;
  return timing;
}

/** GFLOP/s of one measurement of a peak loop. */
export const peakGflops = (timing: Timing): number => PEAK_FLOP / timing.ms / 1e6;
