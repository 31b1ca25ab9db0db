// The factorisation behind the orthogonal initializer (Keras `Orthogonal`, the default for recurrent
// kernels): Q of the thin QR of an m×n standard normal matrix (m ≥ n), by Householder reflections, with
// each column multiplied by sign(R_kk), laid out as the weight needs it. The façade draws the normal
// matrix (src/initializers.ts); src/reference/orthogonal.ts is the same algorithm in plain f64 TypeScript.
//
// f64, unlike every other kernel: it runs once per tensor, and Q must be orthonormal to f32 precision
// after rounding (|QᵀQ − I| < 1e-6, as the tests demand), beyond what a float32 factorisation's rounding
// (~n·6e-8) guarantees. It is in the core because the same loops in JavaScript were most of a fresh
// model's first use (measured, 512×128, the recurrent kernel of an LSTM(128): 19 ms on the first call of
// a process here against 134 ms in JavaScript, 13 ms against ~100 ms warm; 1024×256: ~100 against ~700).
//
// Layout: the matrix comes row-major, as drawn, and Q leaves row-major, both in the caller's block a. In
// between everything runs over contiguous columns: the matrix is copied column-major ([n][m], column k at
// k·m·8) into work, which holds the reflectors when the factorisation is done (v_k in rows k..m−1 of
// column k: its column k itself, reduced to R_kk·e_k, is no longer needed), and Q is built column-major
// in a. The copies in and out are here, not in the façade, because there they were loops of JavaScript
// that a cold start runs in the interpreter (measured: 3-5 ms for an LSTM(128)'s [512, 128]).

/** Σ x[i]·y[i] over n f64 (2 lanes, then the odd tail). */
// @ts-ignore: decorator
@inline function dot(n: i32, x: usize, y: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(x + (<usize>i << 3)), v128.load(y + (<usize>i << 3))));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) s += load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  return s;
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
 * target[k..m) −= 2·v·(vᵀ target[k..m)) for the unit reflector v in rows k..m−1 (v, target: column starts).
 * Not inlined on purpose: the engine compiles a function better once it has run many times, and a
 * reflection is called m·n/2 times while orthogonal_q itself runs once (measured on the first call of a
 * process, 512×128: 43 ms with the loops inline, as they then never leave the baseline compiler; 19 ms).
 */
function reflect(m: i32, k: i32, v: usize, target: usize): void {
  const off = <usize>k << 3;
  subScaled(m - k, 2 * dot(m - k, v + off, target + off), v + off, target + off);
}

/**
 * The orthogonal factor of the m×n matrix a (row-major f64, m ≥ n ≥ 1): Q·diag(sign(R_kk)) of its thin
 * QR, written over a as the m×n row-major Q (transposed = 0) or the n×m row-major Qᵀ (transposed = 1).
 * work: m·n f64 of scratch; signs: n f64 of scratch.
 */
export function orthogonal_q(m: i32, n: i32, a: usize, work: usize, signs: usize, transposed: i32): void {
  if (n <= 0 || m < n) return;
  transpose(m, n, a, work);
  householderQ(m, n, work, a, signs);
  // a holds Q column-major, which is Qᵀ row-major.
  if (transposed) return;
  transpose(n, m, a, work);
  memory.copy(a, work, (<usize>m * <usize>n) << 3);
}

/** dst [cols][rows] = src [rows][cols]ᵀ (f64). */
function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  for (let i = 0; i < rows; i++) {
    const row = src + ((<usize>i * <usize>cols) << 3);
    for (let j = 0; j < cols; j++) store<f64>(dst + ((<usize>j * <usize>rows + <usize>i) << 3), load<f64>(row + (<usize>j << 3)));
  }
}

/**
 * q [n][m] = Q·diag(sign(R_kk)) of the thin QR of a [n][m] (column-major f64, m ≥ n ≥ 1; a is destroyed:
 * it ends holding the reflectors). signs: n f64 of scratch.
 */
function householderQ(m: i32, n: i32, a: usize, q: usize, signs: usize): void {
  const colB = <usize>m << 3;
  for (let k = 0; k < n; k++) {
    const col = a + <usize>k * colB, off = <usize>k << 3;
    const norm2 = dot(m - k, col + off, col + off);
    const x0 = load<f64>(col + off);
    // H_k maps column k to alpha·e_k; alpha takes the sign opposite to x0 to avoid cancellation in v.
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    store<f64>(signs + off, alpha < 0 ? -1 : 1); // R_kk = alpha (sign(0) taken as +1)
    const vNorm2 = norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha);
    if (vNorm2 == 0) {
      // Column k is already zero below the diagonal: H_k = I, stored as a zero reflector.
      memory.fill(col + off, 0, <usize>(m - k) << 3);
      continue;
    }
    // v_k = (x − alpha·e_k) / |x − alpha·e_k|, written over column k.
    const vNorm = Math.sqrt(vNorm2);
    store<f64>(col + off, (x0 - alpha) / vNorm);
    for (let i = k + 1; i < m; i++) store<f64>(col + (<usize>i << 3), load<f64>(col + (<usize>i << 3)) / vNorm);
    for (let j = k + 1; j < n; j++) reflect(m, k, col, a + <usize>j * colB);
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of I, innermost reflector first. H_k touches rows
  // k.. only, where the columns j < k of the product so far are still zero: they are skipped.
  memory.fill(q, 0, <usize>n * colB);
  for (let j = 0; j < n; j++) store<f64>(q + <usize>j * colB + (<usize>j << 3), 1);
  for (let k = n - 1; k >= 0; k--) {
    const v = a + <usize>k * colB;
    for (let j = k; j < n; j++) reflect(m, k, v, q + <usize>j * colB);
  }
  for (let j = 0; j < n; j++) {
    const s = load<f64>(signs + (<usize>j << 3)), col = q + <usize>j * colB;
    for (let i = 0; i < m; i++) store<f64>(col + (<usize>i << 3), load<f64>(col + (<usize>i << 3)) * s);
  }
}
