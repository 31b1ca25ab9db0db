// The machine's f32x4 peak, measured in the same run as the benchmarks it is compared with: loads the loops
// of kernel.ts (bench/run.sh builds them into bench/build/) and times them. sgemm.bench.ts measures them
// between its cases and prints the result as the bench "peak"; report.ts divides GFLOP/s by it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timeSync, type Timing } from '../common.ts';

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

function load(bytes: Uint8Array<ArrayBuffer>): PeakLoop {
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { peak: (n: number, m: number, c: number) => number };
  return { run: () => { peak(ITERATIONS, 0.9999, 1e-4); } };
}

function bytesOf(file: string): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(readFileSync(fileURLToPath(new URL(`../build/${file}`, import.meta.url))));
  } catch {
    throw new Error(`bench/build/${file} is missing: bench/run.sh builds it from bench/peak/kernel.ts`);
  }
}

/** The mul + add loop, and the FMA loop when this runtime has relaxed SIMD (else why not, for the report). */
export function loadPeakLoops(): { mulAdd: PeakLoop; fma: PeakLoop | string } {
  const fmaBytes = bytesOf('peak-fma.wasm');
  return {
    mulAdd: load(bytesOf('peak.wasm')),
    fma: WebAssembly.validate(fmaBytes) ? load(fmaBytes)
      : `this runtime has no relaxed SIMD (Node ${process.version}: it needs --experimental-wasm-relaxed-simd, which bench/run.sh passes to this process)`,
  };
}

/** One short measurement (5 samples of ≥ 25 ms, after a warm-up the first time): the peak at this moment. */
export function measurePeak(loop: PeakLoop): Timing {
  const timing = timeSync(loop.run, { maxTime: 0.1, minSamples: 5, warmedUp: loop.perCall });
  loop.perCall = timing.ms;
  return timing;
}
