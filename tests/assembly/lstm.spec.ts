// lstm_forward / lstm_backward against a naive f64 LSTM written here: hs, cs and the activated gates cache
// directly; every gradient against central differences of that f64 forward (so the spec needs no
// hand-written BPTT to trust). Both directions, several (act, ract) pairs, with and without biases / h0 /
// c0 / dh_last / dc_last / dx / dh0 / dc0, with lengths (including 0 and T), on odd sizes (T = 1, B = 1,
// H = 1, I = 1, H not a multiple of 4, several GEMM tiles). Gradient buffers start random: kernels add.
import { lstm_backward, lstm_forward } from "../../assembly/lstm";
import { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH } from "../../assembly/activations";
import { act64, at, buf, f32buf, free, i32buf, maxAddErr, maxErr, numGrad, packed, rand64 } from "./helpers";

// The case under test (globals, so loss() can be handed to numGrad as a plain function).
let A = ACT_TANH, R = ACT_SIGMOID, REV = 0, T = 1, B = 1, I = 1, H = 1, FULL = false, LENS = false;
let lens = new StaticArray<i32>(0);
let x = new StaticArray<f64>(0), wih = x, whh = x, bih = x, bhh = x, h0 = x, c0 = x, dhs = x, dhl = x, dcl = x;
let hs = x, cs = x, gates = x;

/** Naive forward into hs, cs, gates ([T, B, 4H], activated i, f, g, o; zeros at padded positions). */
function forward(): void {
  const G = 4 * H;
  hs = new StaticArray<f64>(T * B * H); cs = new StaticArray<f64>(T * B * H); gates = new StaticArray<f64>(T * B * G);
  for (let s = 0; s < T; s++) {
    const t = REV ? T - 1 - s : s, p = REV ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * H, po = (p * B + b) * H;
      for (let j = 0; j < H; j++) {
        const hp: f64 = s > 0 ? hs[po + j] : FULL ? h0[b * H + j] : 0;
        const cp: f64 = s > 0 ? cs[po + j] : FULL ? c0[b * H + j] : 0;
        if (LENS && t >= lens[b]) { hs[o + j] = hp; cs[o + j] = cp; continue; }
        const pre = new StaticArray<f64>(4);
        for (let k = 0; k < 4; k++) {
          const r = k * H + j;
          let z: f64 = FULL ? bih[r] + bhh[r] : 0;
          for (let i = 0; i < I; i++) z += wih[r * I + i] * x[(t * B + b) * I + i];
          for (let q = 0; q < H; q++) z += whh[r * H + q] * (s > 0 ? hs[po + q] : FULL ? h0[b * H + q] : 0);
          pre[k] = z;
        }
        const ig = act64(R, pre[0]), fg = act64(R, pre[1]), gg = act64(A, pre[2]), og = act64(R, pre[3]);
        const c = fg * cp + ig * gg;
        cs[o + j] = c;
        hs[o + j] = og * act64(A, c);
        const go = (t * B + b) * G + j;
        gates[go] = ig; gates[go + H] = fg; gates[go + 2 * H] = gg; gates[go + 3 * H] = og;
      }
    }
  }
}

/** Σ dhs·hs + dh_last·h_final + dc_last·c_final (the loss whose gradient backward computes). */
function loss(): f64 {
  forward();
  let l: f64 = 0;
  for (let q = 0; q < T * B * H; q++) l += dhs[q] * hs[q];
  if (FULL) {
    const f = (REV ? 0 : T - 1) * B * H;
    for (let q = 0; q < B * H; q++) l += dhl[q] * hs[f + q] + dcl[q] * cs[f + q];
  }
  return l;
}

let forwardErr: f64 = 0;

/** Worst gradient error of one case (forward error goes to forwardErr). */
function check(a: i32, r: i32, rev: i32, t: i32, b: i32, i: i32, h: i32, full: bool, withLens: bool): f64 {
  A = a; R = r; REV = rev; T = t; B = b; I = i; H = h; FULL = full; LENS = withLens;
  const G = 4 * H, BH = B * H;
  lens = new StaticArray<i32>(B);
  for (let q = 0; q < B; q++) lens[q] = q == 0 ? T : q == 1 ? 0 : (q * 7 + 3) % (T + 1);
  x = rand64(T * B * I); wih = rand64(G * I, 0.8); whh = rand64(G * H, 0.6);
  bih = rand64(G, 0.5); bhh = rand64(G, 0.5); h0 = rand64(BH); c0 = rand64(BH);
  dhs = rand64(T * BH); dhl = rand64(BH); dcl = rand64(BH);
  forward();
  const px = f32buf(x), pwih = f32buf(wih), pwhh = f32buf(whh), plen = withLens ? i32buf(lens) : 0;
  const pbih = full ? f32buf(bih) : 0, pbhh = full ? f32buf(bhh) : 0, ph0 = full ? f32buf(h0) : 0, pc0 = full ? f32buf(c0) : 0;
  const phs = buf(T * BH), pcs = buf(T * BH), pg = buf(T * B * G);
  // Packed weights (pw_ih, pw_hh) first, then the plain path into the caches that backward reads.
  lstm_forward(A, R, REV, T, B, I, H, px, pwih, pwhh, packed(G, I, pwih), packed(G, H, pwhh), pbih, pbhh, ph0, pc0, plen, phs, pcs, pg);
  forwardErr = Math.max(forwardErr, Math.max(maxErr(phs, hs, T * BH), Math.max(maxErr(pcs, cs, T * BH), maxErr(pg, gates, T * B * G))));
  lstm_forward(A, R, REV, T, B, I, H, px, pwih, pwhh, 0, 0, pbih, pbhh, ph0, pc0, plen, phs, pcs, pg);
  forwardErr = Math.max(forwardErr, Math.max(maxErr(phs, hs, T * BH), Math.max(maxErr(pcs, cs, T * BH), maxErr(pg, gates, T * B * G))));

  const pdhs = f32buf(dhs), pdhl = full ? f32buf(dhl) : 0, pdcl = full ? f32buf(dcl) : 0, work = buf(BH);
  const dx = buf(T * B * I), dwih = buf(G * I), dwhh = buf(G * H), dbih = buf(G), dbhh = buf(G), dh0 = buf(BH), dc0 = buf(BH);
  const dx0 = f32buf(toF64(dx, T * B * I)), dwih0 = f32buf(toF64(dwih, G * I)), dwhh0 = f32buf(toF64(dwhh, G * H));
  const dbih0 = f32buf(toF64(dbih, G)), dbhh0 = f32buf(toF64(dbhh, G)), dh00 = f32buf(toF64(dh0, BH)), dc00 = f32buf(toF64(dc0, BH));
  lstm_backward(A, R, REV, T, B, I, H, px, pwih, pwhh, ph0, pc0, plen, phs, pcs, pg, pdhs, pdhl, pdcl, work,
    full ? dx : 0, dwih, dwhh, full ? dbih : 0, full ? dbhh : 0, full ? dh0 : 0, full ? dc0 : 0);
  let e = Math.max(maxAddErr(dwih, dwih0, numGrad(wih, loss), G * I), maxAddErr(dwhh, dwhh0, numGrad(whh, loss), G * H));
  if (full) {
    e = Math.max(e, maxAddErr(dx, dx0, numGrad(x, loss), T * B * I));
    e = Math.max(e, maxAddErr(dbih, dbih0, numGrad(bih, loss), G));
    e = Math.max(e, maxAddErr(dbhh, dbhh0, numGrad(bhh, loss), G));
    e = Math.max(e, maxAddErr(dh0, dh00, numGrad(h0, loss), BH));
    e = Math.max(e, maxAddErr(dc0, dc00, numGrad(c0, loss), BH));
  } else {
    // Absent pointers: the optional gradients were not touched.
    e = Math.max(e, maxAddErr(dx, dx0, new StaticArray<f64>(T * B * I), T * B * I));
  }
  const ps: usize[] = [px, pwih, pwhh, pbih, pbhh, ph0, pc0, plen, phs, pcs, pg, pdhs, pdhl, pdcl, work,
    dx, dwih, dwhh, dbih, dbhh, dh0, dc0, dx0, dwih0, dwhh0, dbih0, dbhh0, dh00, dc00];
  for (let q = 0; q < ps.length; q++) if (ps[q]) free(ps[q]);
  return e;
}

function toF64(p: usize, n: i32): StaticArray<f64> {
  const a = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) a[i] = at(p, i);
  return a;
}

/** Worst gradient error over both directions, lengths on/off, optional pointers on/off, several act pairs. */
function checkAll(T: i32, B: i32, I: i32, H: i32): f64 {
  forwardErr = 0;
  let e: f64 = 0;
  for (let rev = 0; rev < 2; rev++) for (let l = 0; l < 2; l++) {
    e = Math.max(e, check(ACT_TANH, ACT_SIGMOID, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_TANH, ACT_SIGMOID, rev, T, B, I, H, false, l == 1));
    e = Math.max(e, check(ACT_SIGMOID, ACT_TANH, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_RELU, ACT_SIGMOID, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_LINEAR, ACT_RELU, rev, T, B, I, H, true, l == 1));
    e = Math.max(e, check(ACT_TANH, ACT_LINEAR, rev, T, B, I, H, false, l == 1));
  }
  expect<f64>(forwardErr).toBeLessThan(1e-5, "forward");
  return e;
}

describe("lstm_forward / lstm_backward", () => {
  it("T = B = I = H = 1", () => { expect<f64>(checkAll(1, 1, 1, 1)).toBeLessThan(1e-4); });
  it("T = 1 (only the h0 step)", () => { expect<f64>(checkAll(1, 3, 4, 5)).toBeLessThan(1e-4); });
  it("B = 1 (GEMV steps), I = 1", () => { expect<f64>(checkAll(4, 1, 1, 6)).toBeLessThan(1e-4); });
  it("H = 1", () => { expect<f64>(checkAll(3, 3, 2, 1)).toBeLessThan(1e-4); });
  it("odd sizes with padding rows", () => { expect<f64>(checkAll(5, 5, 3, 7)).toBeLessThan(1e-4); });
  it("tile-aligned sizes", () => { expect<f64>(checkAll(3, 4, 8, 8)).toBeLessThan(1e-4); });
  it("T = 0 and B = 0 are no-ops", () => {
    const w = buf(64), g = buf(64), w0 = f32buf(toF64(w, 64)), g0 = f32buf(toF64(g, 64));
    lstm_forward(ACT_TANH, ACT_SIGMOID, 0, 0, 2, 2, 2, w, w, w, w, w, w, w, w, w, 0, g, g, g);
    lstm_forward(ACT_TANH, ACT_SIGMOID, 0, 3, 0, 2, 2, w, w, w, w, w, w, w, w, w, 0, g, g, g);
    lstm_backward(ACT_TANH, ACT_SIGMOID, 1, 0, 2, 2, 2, w, w, w, w, w, 0, w, w, w, g, g, g, g, g, g, g, g, g, g, g);
    expect<i32>(memory.compare(w, w0, 256)).toBe(0);
    expect<i32>(memory.compare(g, g0, 256)).toBe(0);
    free(w); free(g); free(w0); free(g0);
  });
});
