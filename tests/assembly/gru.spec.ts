// gru_forward / gru_backward (both variants) against a naive f64 GRU written here: hs and the gates cache
// (r, z, n, m) directly; every gradient against central differences of that f64 forward. Both
// directions, resetAfter 1 and 0, several (act, ract) pairs, with and without biases / h0 / dh_last / dx /
// dh0, with lengths (including 0 and T), on odd sizes (T = 1, B = 1, H = 1, I = 1, H not a multiple of 4,
// several GEMM tiles). Gradient buffers start random: kernels add. (relu with linear gates is left out: it
// explodes, h ~ 1e21 by T = 5, and measures f32 rounding rather than the kernel.)
import { gru_backward, gru_forward } from "../../assembly/gru";
import { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH } from "../../assembly/activations";
import { act64, at, buf, f32buf, free, i32buf, maxAddErr, maxErr, numGrad, packed, rand64 } from "./helpers";

// The case under test (globals, so loss() can be handed to numGrad as a plain function).
let A = ACT_TANH, R = ACT_SIGMOID, AFTER = 1, REV = 0, T = 1, B = 1, I = 1, H = 1, FULL = false, LENS = false;
let lens = new StaticArray<i32>(0);
let x = new StaticArray<f64>(0), wih = x, whh = x, bih = x, bhh = x, h0 = x, dhs = x, dhl = x;
let hs = x, gates = x;

/** Naive forward into hs and gates ([T, B, 4H]: r, z, n, m; zeros at padded positions). */
function forward(): void {
  const L = 4 * H;
  hs = new StaticArray<f64>(T * B * H); gates = new StaticArray<f64>(T * B * L);
  const hp = new StaticArray<f64>(H), r = new StaticArray<f64>(H);
  for (let s = 0; s < T; s++) {
    const t = REV ? T - 1 - s : s, p = REV ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * H, go = (t * B + b) * L;
      for (let j = 0; j < H; j++) hp[j] = s > 0 ? hs[(p * B + b) * H + j] : FULL ? h0[b * H + j] : 0;
      if (LENS && t >= lens[b]) { for (let j = 0; j < H; j++) hs[o + j] = hp[j]; continue; }
      for (let j = 0; j < H; j++) r[j] = act64(R, dot(j, t, b) + dotH(j, hp));
      for (let j = 0; j < H; j++) {
        const z = act64(R, dot(H + j, t, b) + dotH(H + j, hp));
        let n: f64, m: f64;
        if (AFTER) {
          m = dotH(2 * H + j, hp);
          n = act64(A, dot(2 * H + j, t, b) + r[j] * m);
        } else {
          m = r[j] * hp[j];
          // W_hn (r ⊙ h) + b_hn
          let u: f64 = FULL ? bhh[2 * H + j] : 0;
          for (let q = 0; q < H; q++) u += whh[(2 * H + j) * H + q] * r[q] * hp[q];
          n = act64(A, dot(2 * H + j, t, b) + u);
        }
        hs[o + j] = (1 - z) * n + z * hp[j];
        gates[go + j] = r[j]; gates[go + H + j] = z; gates[go + 2 * H + j] = n; gates[go + 3 * H + j] = m;
      }
    }
  }
}

/** Row k of W_ih·x[t, b] + b_ih[k]. */
function dot(k: i32, t: i32, b: i32): f64 {
  let z: f64 = FULL ? bih[k] : 0;
  for (let i = 0; i < I; i++) z += wih[k * I + i] * x[(t * B + b) * I + i];
  return z;
}

/** Row k of W_hh·h_prev + b_hh[k]. */
function dotH(k: i32, hp: StaticArray<f64>): f64 {
  let z: f64 = FULL ? bhh[k] : 0;
  for (let q = 0; q < H; q++) z += whh[k * H + q] * hp[q];
  return z;
}

/** Σ dhs·hs + dh_last·h_final. */
function loss(): f64 {
  forward();
  let l: f64 = 0;
  for (let q = 0; q < T * B * H; q++) l += dhs[q] * hs[q];
  if (FULL) {
    const f = (REV ? 0 : T - 1) * B * H;
    for (let q = 0; q < B * H; q++) l += dhl[q] * hs[f + q];
  }
  return l;
}

function toF64(p: usize, n: i32): StaticArray<f64> {
  const a = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) a[i] = at(p, i);
  return a;
}

let forwardErr: f64 = 0;

/** Worst gradient error of one case (forward error goes to forwardErr). */
function check(a: i32, r: i32, after: i32, rev: i32, t: i32, b: i32, i: i32, h: i32, full: bool, withLens: bool): f64 {
  A = a; R = r; AFTER = after; REV = rev; T = t; B = b; I = i; H = h; FULL = full; LENS = withLens;
  const G = 3 * H, L = 4 * H, BH = B * H;
  lens = new StaticArray<i32>(B);
  for (let q = 0; q < B; q++) lens[q] = q == 0 ? T : q == 1 ? 0 : (q * 7 + 3) % (T + 1);
  x = rand64(T * B * I); wih = rand64(G * I, 0.8); whh = rand64(G * H, 0.6);
  bih = rand64(G, 0.5); bhh = rand64(G, 0.5); h0 = rand64(BH);
  dhs = rand64(T * BH); dhl = rand64(BH);
  forward();
  const px = f32buf(x), pwih = f32buf(wih), pwhh = f32buf(whh), plen = withLens ? i32buf(lens) : 0;
  const pbih = full ? f32buf(bih) : 0, pbhh = full ? f32buf(bhh) : 0, ph0 = full ? f32buf(h0) : 0;
  const phs = buf(T * BH), pg = buf(T * B * L);
  // Packed weights (pw_ih, pw_hh) first, then the plain path into the caches that backward reads.
  gru_forward(A, R, AFTER, REV, T, B, I, H, px, pwih, pwhh, packed(G, I, pwih), packed(G, H, pwhh), pbih, pbhh, ph0, plen, phs, pg);
  forwardErr = Math.max(forwardErr, Math.max(maxErr(phs, hs, T * BH), maxErr(pg, gates, T * B * L)));
  gru_forward(A, R, AFTER, REV, T, B, I, H, px, pwih, pwhh, 0, 0, pbih, pbhh, ph0, plen, phs, pg);
  forwardErr = Math.max(forwardErr, Math.max(maxErr(phs, hs, T * BH), maxErr(pg, gates, T * B * L)));

  const pdhs = f32buf(dhs), pdhl = full ? f32buf(dhl) : 0, work = buf(BH);
  const dx = buf(T * B * I), dwih = buf(G * I), dwhh = buf(G * H), dbih = buf(G), dbhh = buf(G), dh0 = buf(BH);
  const dx0 = f32buf(toF64(dx, T * B * I)), dwih0 = f32buf(toF64(dwih, G * I)), dwhh0 = f32buf(toF64(dwhh, G * H));
  const dbih0 = f32buf(toF64(dbih, G)), dbhh0 = f32buf(toF64(dbhh, G)), dh00 = f32buf(toF64(dh0, BH));
  gru_backward(A, R, AFTER, REV, T, B, I, H, px, pwih, pwhh, ph0, plen, phs, pg, pdhs, pdhl, work,
    full ? dx : 0, dwih, dwhh, full ? dbih : 0, full ? dbhh : 0, full ? dh0 : 0);
  let e = Math.max(maxAddErr(dwih, dwih0, numGrad(wih, loss), G * I), maxAddErr(dwhh, dwhh0, numGrad(whh, loss), G * H));
  if (full) {
    e = Math.max(e, maxAddErr(dx, dx0, numGrad(x, loss), T * B * I));
    e = Math.max(e, maxAddErr(dbih, dbih0, numGrad(bih, loss), G));
    e = Math.max(e, maxAddErr(dbhh, dbhh0, numGrad(bhh, loss), G));
    e = Math.max(e, maxAddErr(dh0, dh00, numGrad(h0, loss), BH));
  } else {
    e = Math.max(e, maxAddErr(dx, dx0, new StaticArray<f64>(T * B * I), T * B * I));
  }
  const ps: usize[] = [px, pwih, pwhh, pbih, pbhh, ph0, plen, phs, pg, pdhs, pdhl, work,
    dx, dwih, dwhh, dbih, dbhh, dh0, dx0, dwih0, dwhh0, dbih0, dbhh0, dh00];
  for (let q = 0; q < ps.length; q++) if (ps[q]) free(ps[q]);
  return e;
}

/** Worst gradient error over both variants and directions, lengths on/off, options on/off, act pairs. */
function checkAll(T: i32, B: i32, I: i32, H: i32): f64 {
  forwardErr = 0;
  let e: f64 = 0;
  for (let after = 0; after < 2; after++) for (let rev = 0; rev < 2; rev++) for (let l = 0; l < 2; l++) {
    e = Math.max(e, check(ACT_TANH, ACT_SIGMOID, after, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_TANH, ACT_SIGMOID, after, rev, T, B, I, H, false, l == 1));
    e = Math.max(e, check(ACT_SIGMOID, ACT_TANH, after, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_RELU, ACT_SIGMOID, after, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_LINEAR, ACT_RELU, after, rev, T, B, I, H, false, l == 1));
  }
  expect<f64>(forwardErr).toBeLessThan(1e-5, "forward");
  return e;
}

describe("gru_forward / gru_backward", () => {
  it("T = B = I = H = 1", () => { expect<f64>(checkAll(1, 1, 1, 1)).toBeLessThan(1e-4); });
  it("T = 1 (only the h0 step)", () => { expect<f64>(checkAll(1, 3, 4, 5)).toBeLessThan(1e-4); });
  it("B = 1 (GEMV steps), I = 1", () => { expect<f64>(checkAll(4, 1, 1, 6)).toBeLessThan(1e-4); });
  it("H = 1", () => { expect<f64>(checkAll(3, 3, 2, 1)).toBeLessThan(1e-4); });
  it("odd sizes with padding rows", () => { expect<f64>(checkAll(5, 5, 3, 7)).toBeLessThan(1e-4); });
  it("tile-aligned sizes", () => { expect<f64>(checkAll(3, 4, 8, 8)).toBeLessThan(1e-4); });
  it("T = 0 and B = 0 are no-ops", () => {
    const w = buf(64), g = buf(64), w0 = f32buf(toF64(w, 64)), g0 = f32buf(toF64(g, 64));
    gru_forward(ACT_TANH, ACT_SIGMOID, 1, 0, 0, 2, 2, 2, w, w, w, w, w, w, w, w, 0, g, g);
    gru_forward(ACT_TANH, ACT_SIGMOID, 0, 0, 3, 0, 2, 2, w, w, w, w, w, w, w, w, 0, g, g);
    gru_backward(ACT_TANH, ACT_SIGMOID, 0, 1, 0, 2, 2, 2, w, w, w, w, 0, w, g, g, g, g, g, g, g, g, g, g);
    expect<i32>(memory.compare(w, w0, 256)).toBe(0);
    expect<i32>(memory.compare(g, g0, 256)).toBe(0);
    free(w); free(g); free(w0); free(g0);
  });
});
