// The machine's f32x4 peak, measured in the same run as the benchmarks it is compared with: loads the loops
// of kernel.ts that bench/run.sh builds into bench/build/ (loop.ts, re-exported here, times them).
// sgemm.bench.ts measures them between its cases and prints the result as the bench "peak"; report.ts
// divides GFLOP/s by it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { peakLoop, type PeakLoop } from './loop.ts';

export { measurePeak, peakGflops, PEAK_BENCH, PEAK_CASES, PEAK_FLOP, type PeakLoop } from './loop.ts';

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
    mulAdd: peakLoop(bytesOf('peak.wasm')),
    fma: WebAssembly.validate(fmaBytes) ? peakLoop(fmaBytes)
      : `this runtime has no relaxed SIMD (Node ${process.version}: it needs --experimental-wasm-relaxed-simd, which bench/run.sh passes to this process)`,
  };
}
