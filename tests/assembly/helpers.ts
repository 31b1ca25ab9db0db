// Shared by the as-pect specs: f32 buffers in linear memory, a seeded generator, and a max-error measure.
// Buffers come from heap.alloc (never collected, freed with free()) because the kernels take raw
// addresses that the GC does not trace.

let seed: u32 = 0x2545f491;

/** Uniform in [-scale, scale), from a fixed-seed LCG so every run sees the same numbers. */
export function rnd(scale: f32 = 1): f32 {
  seed = seed * 1103515245 + 12345;
  return (<f32>(seed >>> 8) / <f32>(1 << 24) * 2 - 1) * scale;
}

/** n f32 filled with rnd(scale) (or with `fill` when scale = 0). */
export function buf(n: i32, scale: f32 = 1, fill: f32 = 0): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), scale != 0 ? rnd(scale) : fill);
  return p;
}

export function free(p: usize): void {
  heap.free(p);
}

/** Element i of the f32 buffer at p. */
export function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** Copy of n f32 at p into a new buffer. */
export function copy(p: usize, n: i32): usize {
  const q = buf(n, 0);
  memory.copy(q, p, <usize>n << 2);
  return q;
}

/** max over i < n of |got[i] − want[i]| / max(1, |want[i]|); want is f64. */
export function maxErr(got: usize, want: StaticArray<f64>, n: i32): f64 {
  let e: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = want[i];
    const d = Math.abs(<f64>at(got, i) - w) / Math.max(1, Math.abs(w));
    if (!(d <= e)) e = d; // NaN propagates as "worse"
  }
  return e;
}
