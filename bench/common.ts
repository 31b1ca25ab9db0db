// Shared plumbing of the bench files: the peer named on the command line, seeded data, the correctness
// gate, benchmark.js timing (median of the samples) and the one JSON line each bench process prints.
//
// Every bench file runs as `node --import tsx bench/<file>.bench.ts <peer>`, one process per peer
// (BENCHMARKS.md "Method"), so one library's JIT state, heap and threads never disturb another's timing.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Benchmark from 'benchmark';
import { summarise, type HeadToHead, type Timing } from './measure.ts';

export { uniform } from './seeded.ts';
export { HEAD_TO_HEAD_TIME, MAX_TIME, maxAbsDiff, median, quantile, summarise, timeAsync, timeHeadToHead, timeSync, type HeadToHead, type TimeOptions, type Timing } from './measure.ts';

/**
 * Every peer of the suite, in the order of the report's tables. ort-node is ONNX Runtime's native build
 * (a ceiling, not a wasm peer); brain is brain.js, whose recurrent nets are a different algorithm.
 */
export const PEERS = ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain'] as const;
export type Peer = (typeof PEERS)[number];

/**
 * The peer named by the first command-line argument; exits with usage help if it is not a peer at all.
 * A bench file measures the peers in `measures`; run.sh starts every file with every peer, and a peer the
 * file does not measure makes the process exit 0 without printing anything.
 */
export function peerFromArgv(file: string, measures: readonly Peer[] = ['recur', 'tfjs-cpu', 'tfjs-wasm']): Peer {
  const arg = process.argv[2];
  if (!PEERS.includes(arg as Peer)) {
    console.error(`usage: node --import tsx bench/${file} <${measures.join(' | ')}>`);
    process.exit(2);
  }
  if (!measures.includes(arg as Peer)) process.exit(0);
  return arg as Peer;
}

/**
 * `compute()`'s named f64 arrays, computed once per `npm run bench`: run.sh points BENCH_CACHE at a
 * directory it makes for the run and removes afterwards, so a slow f64 reference (W6's takes ~20 s) is
 * computed by the first process that needs it and read back by the others. Without BENCH_CACHE (a file run
 * by hand) it is computed in this process.
 */
export function oncePerRun(name: string, compute: () => Record<string, Float64Array>): Record<string, Float64Array> {
  const dir = process.env.BENCH_CACHE;
  if (!dir) return compute();
  const index = join(dir, `${name}.json`), data = join(dir, `${name}.f64`);
  if (existsSync(index)) {
    const bytes = readFileSync(data);
    const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    let at = 0;
    return Object.fromEntries(Object.entries(JSON.parse(readFileSync(index, 'utf8')) as Record<string, number>)
      .map(([key, n]) => [key, all.slice(at, at += n)]));
  }
  const arrays = compute();
  writeFileSync(data, Buffer.concat(Object.values(arrays).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  // The index is written last: its presence means the data file is complete.
  writeFileSync(index, JSON.stringify(Object.fromEntries(Object.entries(arrays).map(([key, a]) => [key, a.length]))));
  return arrays;
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
  return summarise(bench.stats.sample);
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
  /** What maxErr was measured against, when not the workload's f64 reference (report column). */
  check?: string;
  /**
   * sgemm (recur): the f32x4 mul + add peak in GFLOP/s, measured in the same process right before and right
   * after this row (their mean), so the row's "% of peak" compares two measurements of the same moment.
   */
  peakGflops?: number;
  /**
   * This peer against recur in this same process, their samples alternating (timeHeadToHead): for the
   * comparisons the targets name (bench/README.md "Head to head").
   */
  headToHead?: HeadToHead;
}

export interface Report {
  bench: string;
  peer: Peer;
  /** What exactly ran (versions, backend flags). */
  info: string;
  /** What `Row.items` counts ('sequences'): throughput is reported as itemName/s. */
  itemName?: string;
  /** Time unit of the report's table: 'ms' (default) or 'µs' (W7's per-step times). */
  unit?: 'ms' | 'µs';
  rows: Row[];
  /** Set instead of rows when the peer cannot run this workload at all (why, for the report). */
  skipped?: { case: string; reason: string }[];
  /** Which round of `npm run bench` measured it (run.sh's BENCH_ROUND; absent when run by hand). */
  round?: number;
}

/**
 * Prints the process's result as one JSON line on stdout (everything else goes to stderr), tagged with
 * run.sh's round so that the report can pair recur's and a peer's rows of the same round.
 */
export function emit(report: Report): void {
  const round = Number(process.env.BENCH_ROUND);
  process.stdout.write(`${JSON.stringify(Number.isInteger(round) && round > 0 ? { ...report, round } : report)}\n`);
}
