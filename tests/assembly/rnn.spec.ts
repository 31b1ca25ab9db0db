// rnn_forward / rnn_backward against a naive f64 step-by-step SimpleRNN and BPTT written here, for both
// directions, every activation, with and without biases / h0 / dh_last / dx / dh0, on odd sizes
// (T = 1, B = 1, H = 1, sizes that are not multiples of the GEMM tiles), without and with lengths
// (padding rows carry the state forward and pass dh through backward).
import { rnn_backward, rnn_forward } from "../../assembly/rnn";
import { ACT_RELU, ACT_SIGMOID, ACT_TANH } from "../../assembly/activations";
import { act64, at, buf, copy, free, i32buf, maxErr, packed } from "./helpers";

function dact(a: i32, y: f64): f64 {
  if (a == ACT_TANH) return 1 - y * y;
  if (a == ACT_SIGMOID) return y * (1 - y);
  if (a == ACT_RELU) return y > 0 ? 1 : 0;
  return 1;
}

/** Worst forward error seen by check() since the last reset (gradients are returned). */
let forwardErr: f64 = 0;

/**
 * Worst gradient error for one configuration (the forward error goes to forwardErr); `full` turns on
 * every optional pointer. Tolerances as in DESIGN §4: forward 1e-5, gradients 1e-4 (f32 BPTT over
 * several steps of a linear or relu RNN grows the rounding error).
 */
function check(a: i32, reverse: i32, T: i32, B: i32, I: i32, H: i32, full: bool, withLens: bool): f64 {
  const BH = B * H;
  // Lengths T, 0, then a spread in [0, T]; padded at t ≥ lens[b].
  const lens = new StaticArray<i32>(B);
  for (let b = 0; b < B; b++) lens[b] = withLens ? (b == 0 ? T : b == 1 ? 0 : (b * 7 + 3) % (T + 1)) : T;
  const x = buf(T * B * I), wih = buf(H * I, 0.6), whh = buf(H * H, 0.6);
  const bih = full ? buf(H) : 0, bhh = full ? buf(H) : 0, h0 = full ? buf(BH) : 0;
  const dhsIn = buf(T * BH), dhLast = full ? buf(BH) : 0;
  const dx = full ? buf(T * B * I) : 0, dwih = buf(H * I), dwhh = buf(H * H);
  const dbih = full ? buf(H) : 0, dbhh = full ? buf(H) : 0, dh0 = full ? buf(BH) : 0;

  // Naive forward: step s visits position t; p is the position of its previous state.
  const hs = new StaticArray<f64>(T * BH);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, p = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
      if (t >= lens[b]) {
        hs[(t * B + b) * H + h] = s > 0 ? hs[(p * B + b) * H + h] : h0 ? <f64>at(h0, b * H + h) : 0;
        continue;
      }
      let z: f64 = (bih ? <f64>at(bih, h) : 0) + (bhh ? <f64>at(bhh, h) : 0);
      for (let i = 0; i < I; i++) z += <f64>at(x, (t * B + b) * I + i) * <f64>at(wih, h * I + i);
      for (let j = 0; j < H; j++) {
        const hp: f64 = s > 0 ? hs[(p * B + b) * H + j] : h0 ? <f64>at(h0, b * H + j) : 0;
        z += hp * <f64>at(whh, h * H + j);
      }
      hs[(t * B + b) * H + h] = act64(a, z);
    }
  }
  // Naive BPTT, one (b, h) at a time.
  const dpre = new StaticArray<f64>(T * BH), gx = new StaticArray<f64>(T * B * I);
  const gih = new StaticArray<f64>(H * I), ghh = new StaticArray<f64>(H * H);
  const gb = new StaticArray<f64>(H), gh0 = new StaticArray<f64>(BH);
  for (let q = 0; q < T * BH; q++) dpre[q] = at(dhsIn, q);
  for (let q = 0; q < T * B * I; q++) gx[q] = dx ? <f64>at(dx, q) : 0;
  for (let q = 0; q < H * I; q++) gih[q] = at(dwih, q);
  for (let q = 0; q < H * H; q++) ghh[q] = at(dwhh, q);
  for (let q = 0; q < BH; q++) gh0[q] = dh0 ? <f64>at(dh0, q) : 0;
  if (dhLast) for (let q = 0; q < BH; q++) dpre[(reverse ? 0 : T - 1) * BH + q] += at(dhLast, q);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s, p = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
      const q = (t * B + b) * H + h;
      if (t >= lens[b]) { // padding: identity
        if (s > 0) dpre[(p * B + b) * H + h] += dpre[q];
        else gh0[b * H + h] += dpre[q];
        dpre[q] = 0;
        continue;
      }
      const d = dpre[q] * dact(a, hs[q]);
      dpre[q] = d;
      gb[h] += d;
      for (let i = 0; i < I; i++) {
        gih[h * I + i] += d * <f64>at(x, (t * B + b) * I + i);
        gx[(t * B + b) * I + i] += d * <f64>at(wih, h * I + i);
      }
      for (let j = 0; j < H; j++) {
        const w = <f64>at(whh, h * H + j);
        if (s > 0) {
          ghh[h * H + j] += d * hs[(p * B + b) * H + j];
          dpre[(p * B + b) * H + j] += d * w;
        } else {
          if (h0) ghh[h * H + j] += d * <f64>at(h0, b * H + j);
          gh0[b * H + j] += d * w;
        }
      }
    }
  }
  const dbih0 = full ? copy(dbih, H) : 0, dbhh0 = full ? copy(dbhh, H) : 0;

  const out = buf(T * BH, 0), plen = withLens ? i32buf(lens) : 0;
  // Packed weights (pw_ih, pw_hh) first, then the plain path into the hs that backward reads.
  const outPacked = buf(T * BH, 0);
  rnn_forward(a, reverse, T, B, I, H, x, wih, whh, packed(H, I, wih), packed(H, H, whh), bih, bhh, h0, plen, outPacked);
  forwardErr = Math.max(forwardErr, maxErr(outPacked, hs, T * BH));
  rnn_forward(a, reverse, T, B, I, H, x, wih, whh, 0, 0, bih, bhh, h0, plen, out);
  forwardErr = Math.max(forwardErr, maxErr(out, hs, T * BH));
  let e: f64 = 0;
  rnn_backward(a, reverse, T, B, I, H, x, wih, whh, h0, plen, out, dhsIn, dhLast, dx, dwih, dwhh, dbih, dbhh, dh0);
  e = Math.max(e, maxErr(dhsIn, dpre, T * BH));
  e = Math.max(e, maxErr(dwih, gih, H * I));
  e = Math.max(e, maxErr(dwhh, ghh, H * H));
  if (full) {
    e = Math.max(e, maxErr(dx, gx, T * B * I));
    e = Math.max(e, maxErr(dh0, gh0, BH));
    for (let h = 0; h < H; h++) {
      e = Math.max(e, Math.abs(<f64>at(dbih, h) - <f64>at(dbih0, h) - gb[h]));
      e = Math.max(e, Math.abs(<f64>at(dbhh, h) - <f64>at(dbhh0, h) - gb[h]));
    }
    free(bih); free(bhh); free(h0); free(dhLast); free(dx); free(dbih); free(dbhh); free(dh0); free(dbih0); free(dbhh0);
  }
  free(x); free(wih); free(whh); free(dhsIn); free(dwih); free(dwhh); free(out);
  if (plen) free(plen);
  return e;
}

/** Worst gradient error over every activation, both directions, with and without the optional pointers. */
function checkAll(T: i32, B: i32, I: i32, H: i32): f64 {
  forwardErr = 0;
  let e: f64 = 0;
  for (let a = 0; a < 4; a++) for (let r = 0; r < 2; r++) for (let l = 0; l < 2; l++) {
    e = Math.max(e, check(a, r, T, B, I, H, false, l == 1));
    e = Math.max(e, check(a, r, T, B, I, H, true, l == 1));
  }
  expect<f64>(forwardErr).toBeLessThan(1e-5, "forward");
  return e;
}

describe("rnn_forward / rnn_backward", () => {
  it("T = B = I = H = 1", () => { expect<f64>(checkAll(1, 1, 1, 1)).toBeLessThan(1e-4); });
  it("T = 1 (only the h0 step)", () => { expect<f64>(checkAll(1, 3, 5, 6)).toBeLessThan(1e-4); });
  it("B = 1 (GEMV steps)", () => { expect<f64>(checkAll(5, 1, 7, 9)).toBeLessThan(1e-4); });
  it("H = 1", () => { expect<f64>(checkAll(4, 3, 2, 1)).toBeLessThan(1e-4); });
  it("odd sizes over several tiles", () => { expect<f64>(checkAll(6, 5, 11, 13)).toBeLessThan(1e-4); });
  it("tile-aligned sizes", () => { expect<f64>(checkAll(3, 4, 8, 16)).toBeLessThan(1e-4); });
  it("T = 0 is a no-op", () => {
    const w = buf(16), g = buf(16), w0 = copy(w, 16), g0 = copy(g, 16);
    rnn_forward(ACT_TANH, 0, 0, 2, 2, 2, w, w, w, w, w, w, w, w, 0, w);
    rnn_backward(ACT_TANH, 1, 0, 2, 2, 2, w, w, w, w, 0, w, g, g, g, g, g, g, g, g);
    expect<i32>(memory.compare(w, w0, 64)).toBe(0);
    expect<i32>(memory.compare(g, g0, 64)).toBe(0);
    free(w); free(g); free(w0); free(g0);
  });
});
