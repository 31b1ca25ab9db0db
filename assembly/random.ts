// Uniform draws for the initializers, from the façade's seeded generator (src/random.ts: sfc32). The
// façade passes the generator's state in and takes it back, so the draws continue its stream exactly:
// out[i] = f32(lo + span·u_i) with u_i = nextUint32() / 2^32, the same integer steps and the same two f64
// operations as Rng.next() and initializers.ts' JavaScript would take, hence the same values bit for bit
// (src/reference/uniform.ts is that JavaScript; the tests compare the two). It is in the core because a
// model's first use draws its glorot-uniform kernels while the JavaScript is cold: measured, the 16 k
// draws of an LSTM(128)'s weight_ih took 5-7 ms in the interpreter.
//
// State: 4 i32 at `state` (sfc32's a, b, c and counter), read at the start and written back at the end.

/** out [n] f32 = lo + span·u for the next n uniforms u in [0, 1); advances the state by n steps. */
export function uniform_fill(state: usize, n: i32, out: usize, lo: f64, span: f64): void {
  let a = load<i32>(state), b = load<i32>(state, 4), c = load<i32>(state, 8), counter = load<i32>(state, 12);
  for (let i = 0; i < n; i++) {
    const t = a + b + counter; // sfc32, as Rng.nextUint32 (i32 arithmetic wraps like JavaScript's `| 0`)
    counter += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = (c << 21) | (c >>> 11);
    c = c + t;
    store<f32>(out + (<usize>i << 2), <f32>(lo + span * (<f64><u32>t / 4294967296.0)));
  }
  store<i32>(state, a);
  store<i32>(state, b, 4);
  store<i32>(state, c, 8);
  store<i32>(state, counter, 12);
}
