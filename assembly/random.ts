// Uniform and normal draws for the initializers, from the façade's seeded generator (src/random.ts: sfc32).
// The façade passes the generator's state in and takes it back, so the draws continue its stream exactly.
// They are in the core because a model's first use draws its initial weights while the JavaScript is
// cold (measured on the first call of a process: the 16 k uniforms of an LSTM(128)'s weight_ih took 5-7 ms
// in the interpreter; the 64 k normals of its orthogonal recurrent kernel 6.2-7.7 ms in JavaScript, 2.4-3.1
// ms here one at a time, and, two pairs at a time (boxmuller.ts), medians of 21 fresh processes on a
// slower day: 3.5 → 2.4 ms, and 1.57 → 0.73 ms on a second call).
//
// uniform_fill: out[i] = f32(lo + span·u_i) with u_i = nextUint32() / 2^32, the same integer steps and the
// same two f64 operations as Rng.next() and initializers.ts' JavaScript would take, hence the same values
// bit for bit (src/reference/uniform.ts is that JavaScript; the tests compare the two).
//
// normal_fill: Rng.normal's Box–Muller on the same uniforms and with the same cached second value, in the
// same f64 operations, but with the core's own log, sin and cos (fdlibm's, on two pairs at a time:
// assembly/boxmuller.ts).
// ECMAScript leaves Math.log/sin/cos free in their last bit and engines differ (src/random.ts), so these
// draws may differ from Rng.normal's by a few ulps of f64; in exchange they are the same in every runtime.
// src/reference/normal.ts is the JavaScript spec; the tests hold the two to 1e-15 and the state exactly.
//
// State: at `state`, 4 i32 (sfc32's a, b, c and counter); normal_fill also reads and writes the cached
// normal: i32 at +16 (1 if one is cached) and its f64 at +24. Read at the start, written back at the end.

import { boxMullerPairs } from "./boxmuller";

/** 2^-32: u = t·2^-32 is Rng.next's t / 2^32 exactly (a power of two), with a multiplication. */
const TWO_POW_MINUS_32 = 1.0 / 4294967296.0;

/**
 * The next n uniforms u in [0, 1) of the sfc32 state at `state` (as Rng.next: nextUint32() / 2^32), stored
 * as f64 u at out, or, when `narrow` (a constant), as f32 lo + span·u; advances the state by n steps.
 * The state stays in locals through the loop, read once and written back once, where it was loaded and
 * stored at every step: a model's first use runs this in the engine's baseline compiler, where each of
 * those costs its full price (measured, uniform_fill of an LSTM(128)'s 16 k uniforms on the first call of a
 * process, medians of 21: 0.26 → 0.20 ms; the normals' 128 k uniforms no measurable change).
 */
// @ts-ignore: decorator
@inline function uniforms(narrow: bool, state: usize, n: i32, out: usize, lo: f64, span: f64): void {
  let a = load<i32>(state), b = load<i32>(state, 4), c = load<i32>(state, 8), counter = load<i32>(state, 12);
  for (let i = 0; i < n; i++) {
    const t = a + b + counter; // i32 arithmetic wraps like JavaScript's `| 0`
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + t;
    counter++;
    const u = <f64><u32>t * TWO_POW_MINUS_32;
    if (narrow) store<f32>(out + (<usize>i << 2), <f32>(lo + span * u));
    else store<f64>(out + (<usize>i << 3), u);
  }
  store<i32>(state, a);
  store<i32>(state, b, 4);
  store<i32>(state, c, 8);
  store<i32>(state, counter, 12);
}

/** out [n] f32 = lo + span·u for the next n uniforms u in [0, 1); advances the state by n steps. */
export function uniform_fill(state: usize, n: i32, out: usize, lo: f64, span: f64): void {
  uniforms(true, state, n, out, lo, span);
}

/** Stores mean + std·z at out[i] (f64 when `wide`, else f32) and returns i + 1; with `truncate` and |z| > 2, returns i. */
// @ts-ignore: decorator
@inline function put(out: usize, i: i32, z: f64, wide: i32, mean: f64, std: f64, truncate: i32): i32 {
  if (truncate && Math.abs(z) > 2) return i;
  const value = mean + std * z;
  if (wide) store<f64>(out + (<usize>i << 3), value);
  else store<f32>(out + (<usize>i << 2), <f32>value);
  return i + 1;
}

/**
 * The next `pairs` Box–Muller pairs (each from two uniforms: radius, then angle) into PAIRS, the cosine's
 * value first, two pairs per vector; for an odd count the last vector's second lane runs on zeros.
 */
function drawPairs(state: usize, pairs: i32): void {
  const count = pairs << 1;
  uniforms(false, state, count, UNIFORMS, 0, 1);
  if (pairs & 1) v128.store(UNIFORMS + (<usize>count << 3), f64x2.splat(0));
  for (let p = 0; p < pairs; p += 2) {
    const u = UNIFORMS + (<usize>p << 4), first = v128.load(u), second = v128.load(u, 16); // [radius, angle] each
    boxMullerPairs(v128.shuffle<f64>(first, second, 0, 2), v128.shuffle<f64>(first, second, 1, 3), PAIRS + (<usize>p << 4));
  }
}

/** Pairs per batch of drawPairs: normal_fill's scratch, small enough to stay in the first cache. */
const BATCH_PAIRS = 32;
/** drawPairs' output (a batch, rounded up to whole vectors of 2 pairs), f64. */
const PAIRS = memory.data(((BATCH_PAIRS + 1) >> 1) * 32, 16);
/** drawPairs' uniforms, 2 per pair (rounded up as PAIRS), f64. */
const UNIFORMS = memory.data(((BATCH_PAIRS + 1) >> 1) * 32, 16);

/**
 * out [n] = mean + std·z for the next n normals z (Box–Muller, as Rng.normal), as f32 or, when `wide`, f64.
 * With `truncate`, a z with |z| > 2 is dropped and the next one taken (Keras' truncated normal).
 */
export function normal_fill(state: usize, n: i32, out: usize, wide: i32, mean: f64, std: f64, truncate: i32): void {
  let cached = load<i32>(state, 16), spare = load<f64>(state, 24);
  let i = 0;
  if (cached && n > 0) {
    cached = 0;
    i = put(out, i, spare, wide, mean, std, truncate);
  }
  while (i < n) {
    // As many pairs as the values still missing could take, no more: each pair gives at most 2, so the
    // stream is never drawn past the pair of the last value, as Rng.normal's calls would leave it.
    const pairs = min(BATCH_PAIRS, (n - i + 1) >> 1);
    drawPairs(state, pairs);
    const count = pairs << 1;
    let j = 0;
    for (; j < count && i < n; j++) i = put(out, i, load<f64>(PAIRS + (<usize>j << 3)), wide, mean, std, truncate);
    if (j < count) {
      // The last value was a pair's first: its second is cached for the next draw, as Rng.normal does.
      cached = 1;
      spare = load<f64>(PAIRS + (<usize>j << 3));
    }
  }
  store<i32>(state, cached, 16);
  store<f64>(state, cached ? spare : 0, 24);
}
