// Box–Muller on two f64 lanes: two pairs of standard normals from two pairs of uniforms, for normal_fill
// (assembly/random.ts). The same arithmetic as Rng.drawPair (src/random.ts) and as the scalar code it
// replaces, with the log, sine and cosine written out for vectors:
//   radius = sqrt(−2·log(1 − u_r)), angle = 2π·u_a, the pair (radius·cos angle, radius·sin angle).
// - log: musl's log (fdlibm's reduction to [√2/2, √2) and its degree-14 polynomial in s = f/(2 + f)),
//   without its branches for 0, negatives, subnormals and infinities: 1 − u lies in [2^-32, 1].
// - sin, cos: fdlibm's reduction by π/2 for arguments below 2^20·π/2 (n = nearest(angle·2/π), then
//   angle − n·π/2 with π/2 in a 33-bit head and a 53-bit tail, the rounding error carried as y), its
//   kernels on [−π/4, π/4], and the quadrant n mod 4 choosing and negating them, for both at once. Its
//   third tail term (for angles within 2^-16 of a multiple of π/2, where the head cancels) is left out: the
//   angles here are below 2π, so n ≤ 4 and the error it would have removed is below 2^-80 absolute.
// Each lane is within an ulp or two of the libm functions (the tests hold normal_fill to the JavaScript
// reference within 1e-15 relative); both lanes take exactly the same operations, so a pair's value does
// not depend on which lane it ran in. Measured over 2 M normals against Rng.normal in Node (whose Math.sin,
// cos and log are fdlibm's too): 98.4% bit for bit the same, the rest 1 ulp (2 ulps 9 times), as with the
// scalar code this replaced; without the reduction's tail y, 86% (within the tests' tolerance, but further
// from what Rng.normal draws).
//
// Why vectors: a model's first use draws its initial weights (the 64 k normals of an LSTM(128)'s
// orthogonal recurrent kernel) while the core is still in the engine's baseline compiler, where each
// instruction costs its full price: one vector operation instead of two scalar ones, and no branches or
// calls, is what the cold start pays for here.

// musl's log: ln 2 in a head and tail, and the polynomial.
const LN2_HI = reinterpret<f64>(0x3FE62E42FEE00000); // 6.93147180369123816490e-01
const LN2_LO = reinterpret<f64>(0x3DEA39EF35793C76); // 1.90821492927058770002e-10
const LG1 = reinterpret<f64>(0x3FE5555555555593); // 6.666666666666735130e-01
const LG2 = reinterpret<f64>(0x3FD999999997FA04); // 3.999999999940941908e-01
const LG3 = reinterpret<f64>(0x3FD2492494229359); // 2.857142874366239149e-01
const LG4 = reinterpret<f64>(0x3FCC71C51D8E78AF); // 2.222219843214978396e-01
const LG5 = reinterpret<f64>(0x3FC7466496CB03DE); // 1.818357216161805012e-01
const LG6 = reinterpret<f64>(0x3FC39A09D078C69F); // 1.531383769920937332e-01
const LG7 = reinterpret<f64>(0x3FC2F112DF3E5244); // 1.479819860511658591e-01
// The high words' distance from 1 to √2/2, which moves the reduction's cut from 1 to √2.
const SQRT1_2_HIGH = 0x3FE6A09E;

// fdlibm's reduction by π/2 and its sine and cosine kernels.
const INV_PIO2 = reinterpret<f64>(0x3FE45F306DC9C883); // 2/π
const PIO2_1 = reinterpret<f64>(0x3FF921FB54400000); // the first 33 bits of π/2
const PIO2_1T = reinterpret<f64>(0x3DD0B4611A626331); // π/2 − PIO2_1
const S1 = reinterpret<f64>(0xBFC5555555555549);
const S2 = reinterpret<f64>(0x3F8111111110F8A6);
const S3 = reinterpret<f64>(0xBF2A01A019C161D5);
const S4 = reinterpret<f64>(0x3EC71DE357B1FE7D);
const S5 = reinterpret<f64>(0xBE5AE5E68A2B9CEB);
const S6 = reinterpret<f64>(0x3DE5D93A5ACFD57C);
const C1 = reinterpret<f64>(0x3FA555555555554C);
const C2 = reinterpret<f64>(0xBF56C16C16C15177);
const C3 = reinterpret<f64>(0x3EFA01A019CB1590);
const C4 = reinterpret<f64>(0xBE927E4F809C52AD);
const C5 = reinterpret<f64>(0x3E21EE9EBDB4B1C4);
const C6 = reinterpret<f64>(0xBDA8FAE9BE8838D4);
/** 1.5·2^52: added to a small integral f64, it leaves the integer in the low bits of the sum. */
const ROUND_TO_LOW_BITS = 6755399441055744.0;

// @ts-ignore: decorator
@inline function splat(x: f64): v128 {
  return f64x2.splat(x);
}

// @ts-ignore: decorator
@inline function mul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}

// @ts-ignore: decorator
@inline function add(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}

// @ts-ignore: decorator
@inline function sub(a: v128, b: v128): v128 {
  return f64x2.sub(a, b);
}

/** log(x) per lane, for x in [2^-32, 1] (musl's log without its special cases). */
// @ts-ignore: decorator
@inline function logLanes(x: v128): v128 {
  // x = 2^k·m with m in [√2/2, √2): the high word moved so that its exponent field carries k + 1023 …
  const moved = i64x2.add(x, i64x2.splat(<i64>(0x3FF00000 - SQRT1_2_HIGH) << 32));
  const k = i64x2.sub(i64x2.shr_u(moved, 52), i64x2.splat(0x3FF));
  // … and m the mantissa bits under the exponent of √2/2, moved back.
  const m = i64x2.add(v128.and(moved, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(<i64>SQRT1_2_HIGH << 32));
  const dk = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2)); // k fits 32 bits
  const f = sub(m, splat(1));
  const hfsq = mul(mul(splat(0.5), f), f);
  const s = f64x2.div(f, add(splat(2), f));
  const z = mul(s, s);
  const w = mul(z, z);
  const t1 = mul(w, add(splat(LG2), mul(w, add(splat(LG4), mul(w, splat(LG6))))));
  const t2 = mul(z, add(splat(LG1), mul(w, add(splat(LG3), mul(w, add(splat(LG5), mul(w, splat(LG7))))))));
  const r = add(t2, t1);
  // s·(hfsq + R) + k·ln2_lo − hfsq + f + k·ln2_hi, left to right as musl.
  return add(add(sub(add(mul(s, add(hfsq, r)), mul(dk, splat(LN2_LO))), hfsq), f), mul(dk, splat(LN2_HI)));
}

/**
 * At out, 4 f64: [r0·cos a0, r0·sin a0, r1·cos a1, r1·sin a1] for r = sqrt(−2·log(1 − u)) of radiusU's lanes
 * [u0, u1] and a = 2π·u of angleU's lanes (each u in [0, 1), a multiple of 2^-32).
 */
// @ts-ignore: decorator
@inline export function boxMullerPairs(radiusU: v128, angleU: v128, out: usize): void {
  const radius = f64x2.sqrt(mul(splat(-2), logLanes(sub(splat(1), radiusU))));
  const angle = mul(splat(2 * Math.PI), angleU);
  // angle = n·π/2 + (y0 + y1), |y0| ≤ π/4 (fdlibm's medium reduction; n·PIO2_1 is exact for n ≤ 4).
  const n = f64x2.nearest(mul(angle, splat(INV_PIO2)));
  const head = sub(angle, mul(n, splat(PIO2_1)));
  const tail = mul(n, splat(PIO2_1T));
  const y0 = sub(head, tail);
  const y1 = sub(sub(head, y0), tail);
  // The kernels (fdlibm's __sin and __cos with the tail y1).
  const z = mul(y0, y0);
  const w = mul(z, z);
  const v = mul(z, y0);
  const rs = add(add(splat(S2), mul(z, add(splat(S3), mul(z, splat(S4))))), mul(mul(z, w), add(splat(S5), mul(z, splat(S6)))));
  const sine = sub(y0, sub(sub(mul(z, sub(mul(splat(0.5), y1), mul(v, rs))), y1), mul(v, splat(S1))));
  const rc = add(mul(z, add(splat(C1), mul(z, add(splat(C2), mul(z, splat(C3)))))),
    mul(mul(w, w), add(splat(C4), mul(z, add(splat(C5), mul(z, splat(C6)))))));
  const hz = mul(splat(0.5), z);
  const one = sub(splat(1), hz);
  const cosine = add(one, add(sub(sub(splat(1), one), hz), sub(mul(z, rc), mul(y0, y1))));
  // Quadrant q = n mod 4: sin = (s, c, −s, −c)[q], cos = (c, −s, −c, s)[q].
  const q = add(n, splat(ROUND_TO_LOW_BITS)); // n in the low bits
  const odd = i64x2.shr_s(i64x2.shl(q, 63), 63); // all ones where q is odd
  const sinNegative = i64x2.shl(i64x2.shr_u(q, 1), 63); // the sign bit where q is 2 or 3
  const cosNegative = i64x2.shl(i64x2.shr_u(i64x2.add(q, i64x2.splat(1)), 1), 63); // where q is 1 or 2
  const sin = v128.xor(v128.bitselect(cosine, sine, odd), sinNegative);
  const cos = v128.xor(v128.bitselect(sine, cosine, odd), cosNegative);
  const first = mul(radius, cos), second = mul(radius, sin);
  v128.store(out, v128.shuffle<f64>(first, second, 0, 2));
  v128.store(out, v128.shuffle<f64>(first, second, 1, 3), 16);
}
