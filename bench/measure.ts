// What a bench measures with, in Node and in the browser page alike (bench/browser/page.ts imports it): the
// timing loop, its summary (median and spread of the samples) and the comparison of an output with its
// reference. No Node module here; bench/common.ts re-exports all of it.

/** Largest |a[i] − b[i]|; NaN anywhere makes it NaN, which fails every `<=` gate. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** Seconds of sampling per timed case in the LSTM / GRU workloads (after the warm-up). */
export const MAX_TIME = 1.5;
/** Seconds of alternating samples in a head-to-head measurement (timeHeadToHead; at least its minimum pairs). */
export const HEAD_TO_HEAD_TIME = 3;

/** Tells the run's settings for a slow peer: fewer samples and a shorter sampling budget (BENCHMARKS.md). */
export interface TimeOptions {
  /** benchmark.js maxTime: sampling goes on until both this many seconds and minSamples are reached. */
  maxTime: number;
  /** Overrides the 20 (or 5 for calls over 20 ms) minimum samples. */
  minSamples?: number;
  /**
   * ms per call of calls the caller has just made untimed (the checked first steps of a training
   * workload): they are the warm-up, so none is added. Spares a slow peer one multi-second call.
   */
  warmedUp?: number;
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
 * The timing loop of the LSTM / GRU workloads, for calls that return a promise (ONNX Runtime's session.run,
 * tfjs's trainOnBatch) and for plain calls alike (`timeSync`). The same rule as benchmark.js, in a plain
 * loop: warm-up calls for 200 ms (at least one; none when `warmedUp`); then samples, each the mean time per call over a cycle of
 * back-to-back calls lasting ≥ 25 ms; until there are `minSamples` samples (20, or 5 for calls over 20 ms)
 * and `maxTime` seconds have passed. benchmark.js itself is not used here: its deferred mode puts a timer
 * between calls, and for multi-second calls it takes about twice the samples asked for.
 */
export async function timeAsync(fn: () => Promise<unknown>, options: TimeOptions): Promise<Timing> {
  const { minSamples, cycle } = calibrate(options.warmedUp ?? await warmAsync(fn), options);
  const sample: number[] = [];
  const start = performance.now();
  while (sample.length < minSamples || performance.now() - start < options.maxTime * 1e3) sample.push(await cycleAsync(fn, cycle) / 1e3);
  return summarise(sample);
}

/** From the warm-up's time per call: samples needed (5 for calls over 20 ms, else 20) and calls per ≥ 25 ms sample. */
function calibrate(perCall: number, options: TimeOptions): { minSamples: number; cycle: number } {
  return { minSamples: options.minSamples ?? (perCall > 20 ? 5 : 20), cycle: Math.max(1, Math.ceil(25 / perCall)) };
}

/** timeAsync's loop for a synchronous call (no await between calls: µs-scale calls are not taxed). */
export function timeSync(fn: () => unknown, options: TimeOptions): Timing {
  const { minSamples, cycle } = calibrate(options.warmedUp ?? warmSync(fn), options);
  const sample: number[] = [];
  const start = performance.now();
  while (sample.length < minSamples || performance.now() - start < options.maxTime * 1e3) sample.push(cycleSync(fn, cycle) / 1e3);
  return summarise(sample);
}

/** Warm-up: calls for 200 ms (at least one); their mean time per call, in ms. */
function warmSync(fn: () => unknown): number {
  const start = performance.now();
  let calls = 0;
  do { fn(); calls++; } while (performance.now() - start < 200);
  return (performance.now() - start) / calls;
}

/** warmSync for a call that returns a promise (awaited). */
async function warmAsync(fn: () => unknown): Promise<number> {
  const start = performance.now();
  let calls = 0;
  do { await fn(); calls++; } while (performance.now() - start < 200);
  return (performance.now() - start) / calls;
}

/** One sample: `cycle` back-to-back calls (no await between them: µs-scale calls are not taxed); ms per call. */
function cycleSync(fn: () => unknown, cycle: number): number {
  const t0 = performance.now();
  for (let i = 0; i < cycle; i++) fn();
  return (performance.now() - t0) / cycle;
}

/** cycleSync for a call that may return a promise (awaited). */
async function cycleAsync(fn: () => unknown, cycle: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < cycle; i++) await fn();
  return (performance.now() - t0) / cycle;
}

/** One head-to-head measurement of recur and a peer (timeHeadToHead). */
export interface HeadToHead {
  /** The peer's sample over recur's, pair by pair, in the order measured. */
  ratios: number[];
  /** Medians of each side's samples, in ms. */
  recurMs: number;
  peerMs: number;
}

/**
 * recur against one peer in the same process, their samples alternating (recur, peer, peer, recur, …), so
 * both see the same moments of this shared machine; in the per-peer rows they ran in separate processes,
 * minutes apart. Samples are as in timeAsync (the mean time per call over a cycle of calls lasting ≥ 25 ms,
 * calibrated per side from a 200 ms warm-up); one ratio per pair (the peer's sample over recur's), until
 * there are `minPairs` pairs (30, or 10 when a peer call takes over 20 ms) and `maxTime` seconds have passed.
 */
export async function timeHeadToHead(recur: () => unknown, peer: () => unknown | Promise<unknown>, options: { maxTime: number; minPairs?: number }): Promise<HeadToHead> {
  // recur's calls are synchronous (timed back to back, as in timeSync); the peer's may return promises
  // (ONNX Runtime, tfjs training), awaited as in timeAsync.
  const recurCycle = calibrate(warmSync(recur), options).cycle;
  const peerPerCall = await warmAsync(peer);
  const peerCycle = calibrate(peerPerCall, options).cycle;
  const minPairs = options.minPairs ?? (peerPerCall > 20 ? 10 : 30);
  const recurSample = (): number => cycleSync(recur, recurCycle);
  const peerSample = (): Promise<number> => cycleAsync(peer, peerCycle);
  const recurMs: number[] = [], peerMs: number[] = [], ratios: number[] = [];
  const start = performance.now();
  while (ratios.length < minPairs || performance.now() - start < options.maxTime * 1e3) {
    let r: number, p: number;
    if (ratios.length % 2 === 0) { r = recurSample(); p = await peerSample(); }
    else { p = await peerSample(); r = recurSample(); }
    recurMs.push(r);
    peerMs.push(p);
    ratios.push(p / r);
  }
  return { ratios, recurMs: median(recurMs), peerMs: median(peerMs) };
}

/** The middle value of xs (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b), mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and spread of per-call times in seconds (benchmark.js's unit), reported in ms. */
export function summarise(seconds: readonly number[]): Timing {
  const sample = [...seconds].sort((a, b) => a - b);
  const mid = median(sample);
  return { ms: mid * 1e3, samples: sample.length, spread: (quantile(sample, 0.9) - quantile(sample, 0.1)) / mid };
}

/** The value at fraction q of `sorted` (ascending): the element at ⌊q·n⌋, the last one for q = 1. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
