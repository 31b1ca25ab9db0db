// Shared plumbing of the bench files: the peer named on the command line, seeded data, the correctness
// gate, benchmark.js timing (median of the samples) and the one JSON line each bench process prints.
//
// Every bench file runs as `node --import tsx bench/<file>.bench.ts <peer>`, one process per peer
// (BENCHMARKS.md "Method"), so one library's JIT state, heap and threads never disturb another's timing.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Benchmark from 'benchmark';
import { Rng } from '../src/random.ts';

export const PEERS = ['recur', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type Peer = (typeof PEERS)[number];

/** The peer named by the first command-line argument; exits with usage help otherwise. */
export function peerFromArgv(file: string): Peer {
  const arg = process.argv[2];
  if (!PEERS.includes(arg as Peer)) {
    console.error(`usage: node --import tsx bench/${file} <${PEERS.join(' | ')}>`);
    process.exit(2);
  }
  return arg as Peer;
}

/** n values uniform in [lo, hi) from `rng` (BENCHMARKS.md: weights uniform(-0.1, 0.1) from a fixed seed). */
export function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** Largest |a[i] − b[i]|; NaN anywhere makes it NaN, which fails every `<=` gate below. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** Refuses to time a result that disagrees with its reference: a fast wrong answer is not a benchmark. */
export function gate(what: string, diff: number, tolerance: number): void {
  if (!(diff <= tolerance)) {
    console.error(`CHECK FAILED: ${what}: max |diff| = ${diff} > ${tolerance}; not timing it`);
    process.exit(1);
  }
}

export type Tf = typeof import('@tensorflow/tfjs');

/**
 * TensorFlow.js on `backend`. The wasm backend is told where its .wasm files are (a file path with a
 * trailing slash, as Node reads them from disk) and kept single-threaded: in Node its worker threads
 * would start from `blob:` URLs, which Node cannot load.
 */
export async function tfjsOn(backend: 'cpu' | 'wasm'): Promise<{ tf: Tf; info: string }> {
  // Imported here, not at the top, so that the recur process never loads TensorFlow.js.
  const tf = await import('@tensorflow/tfjs');
  let info = `@tensorflow/tfjs ${tf.version.tfjs}, backend ${backend}`;
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${dirname(entry)}/`);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info += ` (XNNPACK, SIMD ${simd ? 'on' : 'off'}, 1 thread)`;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  return { tf, info };
}

export interface Timing {
  /** Median of benchmark.js's samples (each the mean time per call over one timed cycle), in ms. */
  ms: number;
  /** How many samples the median was taken over. */
  samples: number;
  /** Spread of the samples: (p90 − p10) / median, so noisy rows can be spotted in RESULTS.md. */
  spread: number;
}

/**
 * Times `fn` with benchmark.js after an explicit warm-up (so the JIT has tiered up and every lazy
 * allocation of the peer has happened before the first sample). `maxTime` is benchmark.js's: it keeps
 * sampling until it has `minSamples` samples and `maxTime` seconds have passed. minSamples is 20, or 5
 * for calls slower than 20 ms (BENCHMARKS.md: "5 for very slow peers"), to keep `npm run bench` short.
 */
export function time(name: string, fn: () => void, maxTime: number): Timing {
  const start = performance.now();
  let calls = 0;
  do { fn(); calls++; } while (performance.now() - start < 200);
  const minSamples = (performance.now() - start) / calls > 20 ? 5 : 20;
  const bench = new Benchmark(name, fn, { minSamples, minTime: 0.025, maxTime });
  bench.run();
  if (bench.error) throw bench.error;
  const sample = [...bench.stats.sample].sort((a, b) => a - b);
  const at = (q: number): number => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
  const median = sample.length % 2 === 1
    ? sample[(sample.length - 1) / 2]
    : (sample[sample.length / 2 - 1] + sample[sample.length / 2]) / 2;
  return { ms: median * 1e3, samples: sample.length, spread: (at(0.9) - at(0.1)) / median };
}

/** One measured case of a bench file, as printed in its JSON line and read by bench/report.ts. */
export interface Row extends Timing {
  case: string;
  /** FLOPs per call, 2·m·n·k for every matrix product (BENCHMARKS.md). */
  flop: number;
  /** Items per call (the report's `itemName`), for the throughput column; absent for kernels. */
  items?: number;
  /** Max |diff| of this peer's output against the f64 reference, checked before timing. */
  maxErr: number;
}

export interface Report {
  bench: string;
  peer: Peer;
  /** What exactly ran (versions, backend flags). */
  info: string;
  /** What `Row.items` counts ('sequences'): throughput is reported as itemName/s. */
  itemName?: string;
  rows: Row[];
}

/** Prints the process's result as one JSON line on stdout (everything else goes to stderr). */
export function emit(report: Report): void {
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
