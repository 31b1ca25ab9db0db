// Uniform and normal draws for the initializers, from the façade's seeded generator (src/random.ts: sfc32).
// The façade passes the generator's state in and takes it back, so the draws continue its stream exactly.
// They are in the core because a model's first use draws its initial weights while the JavaScript is
// cold (measured on the first call of a process: the 16 k uniforms of an LSTM(128)'s weight_ih took 5-7 ms
// in the interpreter; the 64 k normals of its orthogonal recurrent kernel 6.2-7.7 ms in JavaScript, 2.4-3.1
// ms here).
//
// uniform_fill: out[i] = f32(lo + span·u_i) with u_i = nextUint32() / 2^32, the same integer steps and the
// same two f64 operations as Rng.next() and initializers.ts' JavaScript would take, hence the same values
// bit for bit (src/reference/uniform.ts is that JavaScript; the tests compare the two).
//
// normal_fill: Rng.normal's Box–Muller on the same uniforms and with the same cached second value, in the
// same f64 operations, but with the core's own log1p, sin and cos (AssemblyScript's, ported from musl).
// ECMAScript leaves Math.log/sin/cos free in their last bit and engines differ (src/random.ts), so these
// draws may differ from Rng.normal's by a few ulps of f64; in exchange they are the same in every runtime.
// src/reference/normal.ts is the JavaScript spec; the tests hold the two to 1e-15 and the state exactly.
//
// State: at `state`, 4 i32 (sfc32's a, b, c and counter); normal_fill also reads and writes the cached
// normal: i32 at +16 (1 if one is cached) and its f64 at +24. Read at the start, written back at the end.

/** u in [0, 1) from one sfc32 step of the state at `state` (as Rng.next: nextUint32() / 2^32). */
// @ts-ignore: decorator
@inline function nextUniform(state: usize): f64 {
  const a = load<i32>(state), b = load<i32>(state, 4), c = load<i32>(state, 8), counter = load<i32>(state, 12);
  const t = a + b + counter; // i32 arithmetic wraps like JavaScript's `| 0`
  store<i32>(state, b ^ (b >>> 9));
  store<i32>(state, c + (c << 3), 4);
  store<i32>(state, ((c << 21) | (c >>> 11)) + t, 8);
  store<i32>(state, counter + 1, 12);
  return <f64><u32>t / 4294967296.0;
}

/** out [n] f32 = lo + span·u for the next n uniforms u in [0, 1); advances the state by n steps. */
export function uniform_fill(state: usize, n: i32, out: usize, lo: f64, span: f64): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>(lo + span * nextUniform(state)));
}

/**
 * out [n] = mean + std·z for the next n normals z (Box–Muller, as Rng.normal), as f32 or, when `wide`, f64.
 * With `truncate`, a z with |z| > 2 is dropped and the next one taken (Keras' truncated normal).
 */
export function normal_fill(state: usize, n: i32, out: usize, wide: i32, mean: f64, std: f64, truncate: i32): void {
  let cached = load<i32>(state, 16), spare = load<f64>(state, 24);
  for (let i = 0; i < n;) {
    let z: f64;
    if (cached) {
      z = spare;
      cached = 0;
    } else {
      // As Rng.drawPair's log(1 − u), finite since 1 − u lies in (0, 1]. As log1p(−u): the same value, as 1 − u
      // is exact for multiples of 2^-32, and AssemblyScript's log1p is table-free where its log brings a
      // 4 KB table (measured: +4.3 KB gzip on the core). The sine's value waits for the next draw.
      const radius = Math.sqrt(-2 * Math.log1p(-nextUniform(state)));
      const angle = 2 * Math.PI * nextUniform(state);
      Math.sincos(angle);
      z = radius * Math.sincos_cos;
      spare = radius * Math.sincos_sin;
      cached = 1;
    }
    if (truncate && Math.abs(z) > 2) continue;
    const value = mean + std * z;
    if (wide) store<f64>(out + (<usize>i << 3), value);
    else store<f32>(out + (<usize>i << 2), <f32>value);
    i++;
  }
  store<i32>(state, cached, 16);
  store<f64>(state, cached ? spare : 0, 24);
}
