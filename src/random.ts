// The one seeded pseudo-random number generator of recur (DESIGN.md §3: "All randomness comes from one
// seeded PRNG"). It is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, from
// PractRand), with its state filled from the seed by splitmix32. It is not cryptographic.
//
// The integer stream (`nextUint32`, and therefore `next`, `uniform`, `int`, `shuffle`, `derive`) uses only
// 32-bit integer arithmetic (Math.imul, `| 0`, `>>> 0`), so it is bit-identical on every JS engine.
// `normal` and `fillNormal` also call Math.log / Math.cos / Math.sin, which ECMAScript does not require to be
// correctly rounded, and engines differ in their last bit: Node 20 and Chromium 156 disagreed on 7% of
// log(1 − u) and 3% of cos/sin over the Box–Muller ranges (measured, 50 000 draws). The initializers round
// every value to f32, where such a difference shows only for a value within ~1e-16 of a rounding boundary.
// The initializers do not depend on it: they draw their normals in the core (normal_fill, assembly/random.ts),
// the same Box–Muller on this stream with the core's own log, sin and cos, the same in every runtime.

const TWO_POW_32 = 4294967296;

/** splitmix32's output mix (the "lowbias32" constants): a bijection on 32-bit integers. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** splitmix32: step a Weyl sequence by the golden-ratio constant and mix it. */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    return mix32(s);
  };
}

export class Rng {
  // sfc32 state: three mixing words and a counter, each held as an int32.
  private a = 0;
  private b = 0;
  private c = 0;
  private counter = 0;
  // The key the state was made from, so that `derive` depends on the seed alone and not on how many
  // numbers have been drawn.
  private keyLo = 0;
  private keyHi = 0;
  // Box–Muller makes normals in pairs; the second one waits here.
  private spareNormal: number | null = null;
  // Where drawPair puts each pair (a field, so that no draw allocates).
  private readonly pair = new Float64Array(2);

  /**
   * `seed` is any safe integer (negative and beyond 2^32 too, e.g. Date.now()). Its low and high 32 bits
   * each fill part of the state, so distinct seeds give distinct streams.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`Rng seed must be a safe integer, got ${describe(seed)}`);
    }
    // `>>> 0` is ToUint32 (modulo 2^32, also for negatives); the floor division gives the high word.
    this.setKey(seed >>> 0, Math.floor(seed / TWO_POW_32) | 0);
  }

  private setKey(lo: number, hi: number): void {
    this.keyLo = lo >>> 0;
    this.keyHi = hi >>> 0;
    const fromLo = splitmix32(lo);
    this.a = fromLo() | 0;
    this.b = fromLo() | 0;
    // A second splitmix stream keyed by the high word (offset so that lo = hi does not repeat a and b).
    this.c = splitmix32(hi ^ 0x6a09e667)() | 0;
    this.counter = 1;
    this.spareNormal = null;
    // The first outputs of sfc32 are correlated with the seed words; its author discards 12.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1), in steps of 2^-32. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
      throw new Error(`Rng.uniform needs finite lo <= hi, got lo=${describe(lo)}, hi=${describe(hi)}`);
    }
    return lo + (hi - lo) * this.next();
  }

  /** A normal deviate (Box–Muller; the second value of each pair is cached for the next call). */
  normal(mean = 0, std = 1): number {
    checkNormal(mean, std, 'Rng.normal');
    if (this.spareNormal === null) {
      this.drawPair();
      this.spareNormal = this.pair[1];
      return mean + std * this.pair[0];
    }
    const z = this.spareNormal;
    this.spareNormal = null;
    return mean + std * z;
  }

  /**
   * Fills `out` with normal deviates: the values that out.length calls of normal(mean, std) would return,
   * in order, leaving the same state (the reference of the core's normal_fill, src/reference/normal.ts).
   */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    checkNormal(mean, std, 'Rng.fillNormal');
    let i = 0;
    if (this.spareNormal !== null && out.length > 0) {
      out[i++] = mean + std * this.spareNormal;
      this.spareNormal = null;
    }
    const pair = this.pair;
    for (; i + 2 <= out.length; i += 2) {
      this.drawPair();
      out[i] = mean + std * pair[0];
      out[i + 1] = mean + std * pair[1];
    }
    if (i < out.length) out[i] = this.normal(mean, std);
  }

  /** Box–Muller: two independent standard normals into this.pair. */
  private drawPair(): void {
    // 1 - next() lies in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.pair[0] = radius * Math.cos(angle);
    this.pair[1] = radius * Math.sin(angle);
  }

  /** A uniform integer in [0, n), for an integer 1 <= n <= 2^32, without modulo bias. */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) {
      throw new Error(`Rng.int needs an integer n in [1, 2^32], got ${describe(n)}`);
    }
    // Reject the top (2^32 mod n) values so that every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends unknown[] | Int32Array | Uint32Array>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const held = items[i];
      items[i] = items[j];
      items[j] = held;
    }
    return items;
  }

  /**
   * The whole generator state as plain numbers (JSON-safe), e.g. to save with a model so that a resumed
   * training run draws exactly what an uninterrupted one would.
   */
  getState(): number[] {
    const spare = this.spareNormal;
    return [this.a, this.b, this.c, this.counter, this.keyLo, this.keyHi, spare === null ? 0 : 1, spare ?? 0];
  }

  /** Restores a state from getState(); throws if it is not one. */
  setState(state: unknown): void {
    const ok = Array.isArray(state) && state.length === 8 && state.slice(0, 6).every((v) => Number.isSafeInteger(v))
      && (state[6] === 0 || state[6] === 1) && Number.isFinite(state[7]);
    if (!ok) throw new Error(`Rng.setState needs the 8 numbers from getState(), got ${JSON.stringify(state)}`);
    const s = state as number[];
    [this.a, this.b, this.c, this.counter] = [s[0] | 0, s[1] | 0, s[2] | 0, s[3] | 0];
    [this.keyLo, this.keyHi] = [s[4] >>> 0, s[5] >>> 0];
    this.spareNormal = s[6] === 1 ? s[7] : null;
  }

  /**
   * An independent generator for substream `label` (a safe integer). It depends only on this generator's
   * seed (or derivation path) and the label, never on how many numbers were drawn, so e.g. each layer can
   * initialise from `rng.derive(layerIndex)` whatever order the layers are built in.
   */
  derive(label: number): Rng {
    if (!Number.isSafeInteger(label)) {
      throw new Error(`Rng.derive label must be a safe integer, got ${describe(label)}`);
    }
    const labelLo = label >>> 0;
    const labelHi = Math.floor(label / TWO_POW_32) | 0;
    const child = new Rng(0);
    // The label is hashed into both key words (with different constants), so children of different labels,
    // and a child and its parent, start from unrelated states.
    child.setKey(
      mix32(this.keyLo ^ mix32(labelLo + 0x243f6a88)),
      mix32(this.keyHi ^ mix32(labelHi ^ 0x85a308d3) ^ labelLo),
    );
    return child;
  }
}

function checkNormal(mean: number, std: number, where: string): void {
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new Error(`${where} needs finite mean and std >= 0, got mean=${describe(mean)}, std=${describe(std)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}
