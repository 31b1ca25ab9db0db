// The factorisation behind the orthogonal initializer (Keras `Orthogonal`, the default for recurrent
// kernels): Q of the thin QR of an m×n standard normal matrix (m ≥ n), each column multiplied by
// sign(R_kk) (so R's diagonal is positive, which makes Q unique), laid out as the weight needs it.
// normal_fill draws the normal matrix into the same block first (src/initializers.ts, orthogonalOn);
// src/reference/orthogonal.ts is the spec: Householder reflections in plain f64 TypeScript.
//
// Two ways to the same Q:
// - Gram–Schmidt (gramSchmidtQ), the one that runs: each column projected off the orthonormal columns
//   before it, 4 at a time, and projected again when that took more than half of its squared norm. It
//   builds Q directly, where Householder first factors and then applies its reflectors again to build Q:
//   about half the arithmetic. Measured, 512×128 (an LSTM(128)'s recurrent kernel), medians of 21 fresh
//   processes: 5.5 → 4.3 ms on the first call, 2.65 → 1.62 ms on the second. A normal matrix's columns are
//   far from dependent (its condition number is ~3 at 512×128, ~n when square), and the second projection
//   keeps Q orthonormal to rounding for any matrix not numerically singular.
// - Householder (householderQ), when a column is numerically in the span of those before it (zero after
//   the projections: Gram–Schmidt has no direction for it), with the reflectors applied 4 at a time where
//   the reference applies them one by one (see "Blocks").
//
// f64, unlike every other kernel: it runs once per tensor, and Q must be orthonormal to f32 precision
// after rounding (|QᵀQ − I| < 1e-6, as the tests demand), beyond what a float32 factorisation's rounding
// (~n·6e-8) guarantees. It is in the core because the same loops in JavaScript were most of a fresh
// model's first use (measured, 512×128: 19 ms on the first call of a process here against 134 ms in
// JavaScript, 13 ms against ~100 ms warm; 1024×256: ~100 against ~700; both before the blocks).
//
// Layout: the matrix comes row-major, as drawn, and Q leaves row-major, both in the caller's block a. In
// between everything runs over contiguous columns: the matrix is copied column-major ([n][m], column k at
// k·m·8) into work, where Gram–Schmidt turns it into Q. Householder, when needed, starts again from a: work
// then holds the reflectors (v_k in column k, zero above row k: R is not needed beyond the signs of its
// diagonal), and Q is built column-major in a. The copies in and out are here, not in the façade, because
// there they were loops of JavaScript that a cold start runs in the interpreter (measured: 3-5 ms for an
// LSTM(128)'s [512, 128]).
//
// The functions that run once per call keep their own loops few and short (the work is in projectBlock,
// reflect and reflectBlock, called many times): a function that loops long enough is recompiled by the
// engine's optimising compiler on a background thread even when it never runs again, and at a cold start
// that thread takes the main thread's time on a 2-core machine (measured: householderQ's recompile took
// 3 ms while it scaled each reflector and each column of Q one value at a time, 1 ms since).

import { hsumF64 } from "./simd";

/** Σ x[i]·y[i] over n f64 (2 lanes, then the odd tail). */
// @ts-ignore: decorator
@inline function dot(n: i32, x: usize, y: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(x + (<usize>i << 3)), v128.load(y + (<usize>i << 3))));
  let s = hsumF64(acc);
  if (i < n) s += load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  return s;
}

/** x[i] /= d over n f64. */
// @ts-ignore: decorator
@inline function divide(n: i32, x: usize, d: f64): void {
  const dv = f64x2.splat(d);
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(x + (<usize>i << 3), f64x2.div(v128.load(x + (<usize>i << 3)), dv));
  if (i < n) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) / d);
}

/** y[i] −= c·x[i] over n f64. */
// @ts-ignore: decorator
@inline function subScaled(n: i32, c: f64, x: usize, y: usize): void {
  const cv = f64x2.splat(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = y + (<usize>i << 3);
    v128.store(p, f64x2.sub(v128.load(p), f64x2.mul(cv, v128.load(x + (<usize>i << 3)))));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) - c * load<f64>(x + (<usize>i << 3)));
}

/**
 * target[k..m) −= 2·v·(vᵀ target[k..m)) for the unit reflector v in rows k..m−1 (v, target: column starts):
 * inside a block of reflectors, and for the last, partial block. Not inlined on purpose: the engine compiles
 * a function better once it has run many times, while orthogonal_q itself runs once (measured on the first
 * call of a process, 512×128, when every reflection came here: 43 ms with the loops inline, as they then
 * never leave the baseline compiler; 19 ms).
 */
function reflect(m: i32, k: i32, v: usize, target: usize): void {
  const off = <usize>k << 3;
  subScaled(m - k, 2 * dot(m - k, v + off, target + off), v + off, target + off);
}

/**
 * The orthogonal factor of the m×n matrix a (row-major f64, m ≥ n ≥ 1): Q·diag(sign(R_kk)) of its thin
 * QR, written over a as the m×n row-major Q (transposed = 0) or the n×m row-major Qᵀ (transposed = 1).
 * work: m·n f64 of scratch.
 */
export function orthogonal_q(m: i32, n: i32, a: usize, work: usize, transposed: i32): void {
  if (n <= 0 || m < n) return;
  const bytes = (<usize>m * <usize>n) << 3;
  transpose(m, n, a, work);
  if (gramSchmidtQ(m, n, work)) {
    // work holds Q column-major, which is Qᵀ row-major; a still holds the matrix, no longer needed.
    if (transposed) memory.copy(a, work, bytes);
    else transpose(n, m, work, a);
    return;
  }
  // A column numerically in the span of those before it: Householder, which needs no such assumption, on
  // the matrix afresh.
  transpose(m, n, a, work);
  householderQ(m, n, work, a);
  // a holds Q column-major, which is Qᵀ row-major.
  if (transposed) return;
  transpose(n, m, a, work);
  memory.copy(a, work, bytes);
}

/**
 * dst [cols][rows] = src [rows][cols]ᵀ (f64), 2×2 blocks at a time (two f64x2 loads, two shuffles, two
 * stores), then the odd row and column. It runs once per call, so in the baseline compiler, where every
 * instruction counts: measured, orthogonal_q of 512×128 on the first call of a process (medians of 12),
 * 6.5 → 5.9 ms against a copy one value at a time.
 */
function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  const rowB = <usize>cols << 3, colB = <usize>rows << 3;
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const s = src + <usize>i * rowB, d = dst + (<usize>i << 3);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const upper = v128.load(s + (<usize>j << 3)), lower = v128.load(s + rowB + (<usize>j << 3));
      v128.store(d + <usize>j * colB, v128.shuffle<f64>(upper, lower, 0, 2));
      v128.store(d + <usize>(j + 1) * colB, v128.shuffle<f64>(upper, lower, 1, 3));
    }
    if (j < cols) {
      store<f64>(d + <usize>j * colB, load<f64>(s + (<usize>j << 3)));
      store<f64>(d + <usize>j * colB, load<f64>(s + rowB + (<usize>j << 3)), 8);
    }
  }
  if (i < rows) {
    const s = src + <usize>i * rowB, d = dst + (<usize>i << 3);
    for (let j = 0; j < cols; j++) store<f64>(d + <usize>j * colB, load<f64>(s + (<usize>j << 3)));
  }
}

// Blocks of 4 reflectors (compact WY, as LAPACK's larfb): applying H_0 … H_3 to a column one after the other
// reads it 4 times for the dot products and rewrites it 4 times. Applied as a block, it is read once for the
// 4 dots d_i = v_i·t and rewritten once: t −= 2·Σ d'_i·v_i with d'_i = d_i − 2·Σ_{j<i} d'_j·(v_i·v_j), the dot
// each v_i would have met after the reflectors before it (the Gram products v_i·v_j are taken once per block).
// Measured, 512×128 (an LSTM(128)'s recurrent kernel), medians of 12 fresh processes: the first call
// 6.5 → 5.4 ms, later calls 4.4 → 2.4 ms; 1024×256: 40 → 21 ms and 36 → 17 ms. The passes step 4 rows (two
// f64x2), which also halves the loop overhead of the baseline compiler that runs the first calls.
/** Reflectors per block: reflectBlock's 4. */
const BLOCK = 4;
/** The Gram products of a block, [g10, g20, g21, g30, g31, g32] (f64). */
const GRAM = memory.data(6 * 8, 16);

/** The Gram products of the block v0..v3 (column starts, zero above row lo at least) into GRAM. */
function gram(m: i32, lo: i32, v0: usize, v1: usize, v2: usize, v3: usize): void {
  const off = <usize>lo << 3, n = m - lo;
  store<f64>(GRAM, dot(n, v1 + off, v0 + off));
  store<f64>(GRAM, dot(n, v2 + off, v0 + off), 8);
  store<f64>(GRAM, dot(n, v2 + off, v1 + off), 16);
  store<f64>(GRAM, dot(n, v3 + off, v0 + off), 24);
  store<f64>(GRAM, dot(n, v3 + off, v1 + off), 32);
  store<f64>(GRAM, dot(n, v3 + off, v2 + off), 40);
}

/** The 4 dots of the last dots4, [d0, d1, d2, d3] (f64). */
const DOTS = memory.data(4 * 8, 16);

/** DOTS = [v0·t, v1·t, v2·t, v3·t] over rows lo..m−1 (column starts), 4 rows a step. */
// @ts-ignore: decorator
@inline function dots4(m: i32, lo: i32, t: usize, v0: usize, v1: usize, v2: usize, v3: usize): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let r = lo;
  for (; r + 4 <= m; r += 4) {
    const o = <usize>r << 3, x = v128.load(t + o), y = v128.load(t + o, 16);
    a0 = f64x2.add(a0, f64x2.add(f64x2.mul(v128.load(v0 + o), x), f64x2.mul(v128.load(v0 + o, 16), y)));
    a1 = f64x2.add(a1, f64x2.add(f64x2.mul(v128.load(v1 + o), x), f64x2.mul(v128.load(v1 + o, 16), y)));
    a2 = f64x2.add(a2, f64x2.add(f64x2.mul(v128.load(v2 + o), x), f64x2.mul(v128.load(v2 + o, 16), y)));
    a3 = f64x2.add(a3, f64x2.add(f64x2.mul(v128.load(v3 + o), x), f64x2.mul(v128.load(v3 + o, 16), y)));
  }
  let d0 = hsumF64(a0), d1 = hsumF64(a1), d2 = hsumF64(a2), d3 = hsumF64(a3);
  for (; r < m; r++) {
    const o = <usize>r << 3, x = load<f64>(t + o);
    d0 += load<f64>(v0 + o) * x;
    d1 += load<f64>(v1 + o) * x;
    d2 += load<f64>(v2 + o) * x;
    d3 += load<f64>(v3 + o) * x;
  }
  store<f64>(DOTS, d0);
  store<f64>(DOTS, d1, 8);
  store<f64>(DOTS, d2, 16);
  store<f64>(DOTS, d3, 24);
}

/** t −= c0·v0 + c1·v1 + c2·v2 + c3·v3 over rows lo..m−1 (column starts), 4 rows a step. */
// @ts-ignore: decorator
@inline function subtract4(m: i32, lo: i32, t: usize, v0: usize, v1: usize, v2: usize, v3: usize,
  c0: f64, c1: f64, c2: f64, c3: f64): void {
  const k0 = f64x2.splat(c0), k1 = f64x2.splat(c1), k2 = f64x2.splat(c2), k3 = f64x2.splat(c3);
  let r = lo;
  for (; r + 4 <= m; r += 4) {
    const o = <usize>r << 3;
    let x = v128.load(t + o), y = v128.load(t + o, 16);
    x = f64x2.sub(x, f64x2.mul(k0, v128.load(v0 + o)));
    y = f64x2.sub(y, f64x2.mul(k0, v128.load(v0 + o, 16)));
    x = f64x2.sub(x, f64x2.mul(k1, v128.load(v1 + o)));
    y = f64x2.sub(y, f64x2.mul(k1, v128.load(v1 + o, 16)));
    x = f64x2.sub(x, f64x2.mul(k2, v128.load(v2 + o)));
    y = f64x2.sub(y, f64x2.mul(k2, v128.load(v2 + o, 16)));
    x = f64x2.sub(x, f64x2.mul(k3, v128.load(v3 + o)));
    y = f64x2.sub(y, f64x2.mul(k3, v128.load(v3 + o, 16)));
    v128.store(t + o, x);
    v128.store(t + o, y, 16);
  }
  for (; r < m; r++) {
    const o = <usize>r << 3;
    store<f64>(t + o, load<f64>(t + o) - c0 * load<f64>(v0 + o) - c1 * load<f64>(v1 + o) - c2 * load<f64>(v2 + o) - c3 * load<f64>(v3 + o));
  }
}

/**
 * t ← H_3 H_2 H_1 H_0 t for the reflectors v0..v3 of the last gram() (column starts, all zero above row lo),
 * in one pass over rows lo..m−1 for the dots and one for the update. Not inlined, as reflect.
 */
function reflectBlock(m: i32, lo: i32, t: usize, v0: usize, v1: usize, v2: usize, v3: usize): void {
  dots4(m, lo, t, v0, v1, v2, v3);
  // The dots each reflector meets after those before it, doubled: the coefficients of the update.
  const c0 = 2 * load<f64>(DOTS);
  const c1 = 2 * (load<f64>(DOTS, 8) - c0 * load<f64>(GRAM));
  const c2 = 2 * (load<f64>(DOTS, 16) - c0 * load<f64>(GRAM, 8) - c1 * load<f64>(GRAM, 16));
  const c3 = 2 * (load<f64>(DOTS, 24) - c0 * load<f64>(GRAM, 24) - c1 * load<f64>(GRAM, 32) - c2 * load<f64>(GRAM, 40));
  subtract4(m, lo, t, v0, v1, v2, v3, c0, c1, c2, c3);
}

/**
 * a [n][m] (column-major f64, m ≥ n ≥ 1) ← its Q with R's diagonal positive, by Gram–Schmidt, each column
 * projected off those before it (projectOff) and, when that took more than half of its squared norm, once
 * more (Daniel, Gragg, Kaufman and Stewart's test: after a second projection that keeps more than half, the
 * column is orthogonal to the others to rounding). Returns false, with a part-way result, when a column is
 * numerically in the span of those before it: zero, or zero after the projections, or a second projection
 * took more than half again.
 */
function gramSchmidtQ(m: i32, n: i32, a: usize): bool {
  const colB = <usize>m << 3;
  for (let k = 0; k < n; k++) {
    const c = a + <usize>k * colB;
    let before = dot(m, c, c);
    if (before == 0) return false;
    projectOff(m, k, a, c);
    let after = dot(m, c, c);
    if (after < 0.5 * before) {
      before = after;
      projectOff(m, k, a, c);
      after = dot(m, c, c);
      if (after == 0 || after < 0.5 * before) return false;
    }
    divide(m, c, Math.sqrt(after));
  }
  return true;
}

/**
 * c −= Σ_{i<k} (q_i·c)·q_i for the orthonormal columns q_0..q_{k−1} of q [·][m] (column starts): 4 of them
 * a pass (projectBlock), each pass taking its dots from the c the passes before it left (modified
 * Gram–Schmidt between passes), then the last k % 4 one at a time.
 */
function projectOff(m: i32, k: i32, q: usize, c: usize): void {
  const colB = <usize>m << 3;
  let i = 0;
  for (; i + 4 <= k; i += 4) {
    const v0 = q + <usize>i * colB;
    projectBlock(m, c, v0, v0 + colB, v0 + 2 * colB, v0 + 3 * colB);
  }
  for (; i < k; i++) {
    const v = q + <usize>i * colB;
    subScaled(m, dot(m, v, c), v, c);
  }
}

/**
 * t −= Σ (v_i·t)·v_i for the orthonormal v0..v3 (column starts, m rows), one pass for the dots and one for
 * the update: as one at a time would, to the rounding of their dot products with each other (~1e-16).
 * Not inlined, as reflect.
 */
function projectBlock(m: i32, t: usize, v0: usize, v1: usize, v2: usize, v3: usize): void {
  dots4(m, 0, t, v0, v1, v2, v3);
  subtract4(m, 0, t, v0, v1, v2, v3, load<f64>(DOTS), load<f64>(DOTS, 8), load<f64>(DOTS, 16), load<f64>(DOTS, 24));
}

/**
 * q [n][m] = Q·diag(sign(R_kk)) of the thin QR of a [n][m] (column-major f64, m ≥ n ≥ 1; a is destroyed:
 * it ends holding the reflectors).
 */
function householderQ(m: i32, n: i32, a: usize, q: usize): void {
  const colB = <usize>m << 3;
  // Q·diag(sign(R_kk)) = H_0 H_1 … H_{n−1} applied to the first n columns of diag(sign(R_kk)) (reflections are
  // linear, and a sign flips every rounding symmetrically: the same values as flipping Q's columns at the end).
  // So q starts as that diagonal, each sign stored on it as the factorisation finds it.
  memory.fill(q, 0, <usize>n * colB);
  for (let k = 0; k < n; k++) {
    const col = a + <usize>k * colB, off = <usize>k << 3;
    const norm2 = dot(m - k, col + off, col + off);
    const x0 = load<f64>(col + off);
    // H_k maps column k to alpha·e_k; alpha takes the sign opposite to x0 to avoid cancellation in v.
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    store<f64>(q + <usize>k * colB + off, alpha < 0 ? -1 : 1); // R_kk = alpha (sign(0) taken as +1)
    const vNorm2 = norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha);
    const block = k - k % BLOCK, blockEnd = min(block + BLOCK, n);
    if (vNorm2 == 0) {
      // Column k is already zero below the diagonal: H_k = I, stored as a zero reflector.
      memory.fill(col, 0, <usize>m << 3);
    } else {
      // v_k = (x − alpha·e_k) / |x − alpha·e_k|, written over column k, zero above row k (R's entries there
      // are not needed), so that a block of reflectors can run over the same rows without masks.
      memory.fill(col, 0, off);
      const vNorm = Math.sqrt(vNorm2);
      store<f64>(col + off, (x0 - alpha) / vNorm);
      divide(m - k - 1, col + off + 8, vNorm);
      // The rest of the block's columns, one reflector at a time: each needs the reflectors before it.
      for (let j = k + 1; j < blockEnd; j++) reflect(m, k, col, a + <usize>j * colB);
    }
    if (k != block + BLOCK - 1) continue;
    // A whole block of reflectors: the columns after it, 4 reflectors at a time.
    const v0 = a + <usize>block * colB;
    gram(m, block, v0, v0 + colB, v0 + 2 * colB, v0 + 3 * colB);
    for (let j = block + BLOCK; j < n; j++) reflectBlock(m, block, a + <usize>j * colB, v0, v0 + colB, v0 + 2 * colB, v0 + 3 * colB);
  }
  // The reflectors applied to q, innermost first: the last, partial block one reflector at a time, then whole
  // blocks from the last, each applied from its last reflector. H_k touches rows k.. only, where the columns
  // j < k of the product so far are still zero: they are skipped.
  const whole = n - n % BLOCK;
  for (let k = n - 1; k >= whole; k--) {
    const v = a + <usize>k * colB;
    for (let j = k; j < n; j++) reflect(m, k, v, q + <usize>j * colB);
  }
  for (let block = whole - BLOCK; block >= 0; block -= BLOCK) {
    const v0 = a + <usize>block * colB, v3 = v0 + 3 * colB, v2 = v0 + 2 * colB, v1 = v0 + colB;
    gram(m, block, v3, v2, v1, v0);
    for (let j = block; j < n; j++) reflectBlock(m, block, q + <usize>j * colB, v3, v2, v1, v0);
  }
}
