// The finiteness scan behind the façade's "x contains NaN at [i, j]" errors: the index of the first NaN or
// ±Infinity in an f32 array. Why it is in the core (cold-start cost), and when the façade calls it: src/finite.ts.
//
// A value is finite unless its exponent bits are all ones (NaN and ±Infinity, whatever the payload).

/** Exponent bits of an f32, in every lane. */
const EXPONENT: i32 = 0x7f800000;

/** The index of the first non-finite value of x [n] (f32), or −1 if every value is finite. */
export function first_nonfinite(x: usize, n: i32): i32 {
  const exponent = i32x4.splat(EXPONENT);
  // Blocks of 16: four lanes compared per vector, one branch per block; a block that has a hit is
  // rescanned value by value below, from its start.
  let i = 0;
  for (const n16 = n & ~15; i < n16; i += 16) {
    const p = x + (<usize>i << 2);
    const bad = v128.or(
      v128.or(i32x4.eq(v128.and(v128.load(p), exponent), exponent), i32x4.eq(v128.and(v128.load(p, 16), exponent), exponent)),
      v128.or(i32x4.eq(v128.and(v128.load(p, 32), exponent), exponent), i32x4.eq(v128.and(v128.load(p, 48), exponent), exponent)));
    if (v128.any_true(bad)) break;
  }
  for (; i < n; i++) {
    if ((load<i32>(x + (<usize>i << 2)) & EXPONENT) == EXPONENT) return i;
  }
  return -1;
}
