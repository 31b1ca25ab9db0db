// dense, losses and optimizers on small known cases and against naive loops (odd sizes, n % 4 tails).
import { dense_backward, dense_forward } from "../../assembly/dense";
import { mse, sigmoid_cross_entropy, softmax_cross_entropy, softmax_forward } from "../../assembly/loss";
import { adam_update, clip_grad_norm, sgd_update } from "../../assembly/optim";
import { ACT_TANH } from "../../assembly/activations";
import { at, buf, copy, free, maxErr, packed } from "./helpers";

describe("dense", () => {
  it("forward and backward match naive loops (tanh, N=3, I=5, O=7)", () => {
    const N = 3, I = 5, O = 7;
    const x = buf(N * I), w = buf(O * I), b = buf(O), y = buf(N * O, 0), dy = buf(N * O);
    const dx = buf(N * I, 0), dw = buf(O * I, 0), db = buf(O, 0);
    dense_forward(ACT_TANH, N, I, O, x, w, 0, b, y);
    const wantY = new StaticArray<f64>(N * O), d = new StaticArray<f64>(N * O);
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
      let s = <f64>at(b, o);
      for (let i = 0; i < I; i++) s += <f64>at(x, n * I + i) * <f64>at(w, o * I + i);
      wantY[n * O + o] = Math.tanh(s);
    }
    expect<f64>(maxErr(y, wantY, N * O)).toBeLessThan(1e-6);
    const yPacked = buf(N * O, 0);
    dense_forward(ACT_TANH, N, I, O, x, w, packed(O, I, w), b, yPacked);
    expect<f64>(maxErr(yPacked, wantY, N * O)).toBeLessThan(1e-6);
    for (let q = 0; q < N * O; q++) d[q] = <f64>at(dy, q) * (1 - <f64>at(y, q) * <f64>at(y, q));
    const wantDx = new StaticArray<f64>(N * I), wantDw = new StaticArray<f64>(O * I), wantDb = new StaticArray<f64>(O);
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
      wantDb[o] += d[n * O + o];
      for (let i = 0; i < I; i++) {
        wantDx[n * I + i] += d[n * O + o] * <f64>at(w, o * I + i);
        wantDw[o * I + i] += d[n * O + o] * <f64>at(x, n * I + i);
      }
    }
    dense_backward(ACT_TANH, N, I, O, x, w, y, dy, dx, dw, db);
    expect<f64>(maxErr(dy, d, N * O)).toBeLessThan(1e-6);
    expect<f64>(maxErr(dx, wantDx, N * I)).toBeLessThan(1e-5);
    expect<f64>(maxErr(dw, wantDw, O * I)).toBeLessThan(1e-5);
    expect<f64>(maxErr(db, wantDb, O)).toBeLessThan(1e-5);
    free(x); free(w); free(b); free(y); free(dy); free(dx); free(dw); free(db);
  });
});

describe("losses", () => {
  it("softmax rows sum to 1 and survive huge logits", () => {
    const x = buf(6, 0);
    store<f32>(x, 1000); store<f32>(x, -1000, 4); store<f32>(x, 0, 8);
    softmax_forward(2, 3, x, x);
    expect<f32>(at(x, 0)).toBe(1);
    expect<f32>(at(x, 1)).toBe(0);
    for (let i = 3; i < 6; i++) expect<f32>(at(x, i)).toBeCloseTo(<f32>(1.0 / 3.0));
    free(x);
  });
  it("softmax cross-entropy: sparse and dense targets agree, loss is finite, gradient is scale·(p − t)", () => {
    const z = buf(6, 0), ts = buf(2, 0), td = buf(6, 0), p = buf(6, 0), g = buf(6, 0);
    store<f32>(z, 100); store<f32>(z, -100, 4); // row 0 = [100, -100, 0], row 1 = [0, 0, 0]
    store<f32>(ts, 1); store<f32>(ts, 2, 4);   // classes 1 and 2
    store<f32>(td, 1, 4); store<f32>(td, 1, 20);
    const sparse = softmax_cross_entropy(2, 3, z, ts, 1, p, g, 0.5);
    expect<f64>(sparse).toBeCloseTo(200 + Math.log(3), 4);
    expect<f64>(softmax_cross_entropy(2, 3, z, td, 0, 0, 0, 1)).toBeCloseTo(sparse, 6);
    expect<f32>(at(g, 1)).toBeCloseTo(-0.5);
    expect<f32>(at(g, 5)).toBeCloseTo(<f32>(0.5 * (1.0 / 3.0 - 1)));
    free(z); free(ts); free(td); free(p); free(g);
  });
  it("sigmoid cross-entropy is stable for large logits", () => {
    const z = buf(5, 0), t = buf(5, 0), g = buf(5, 0);
    store<f32>(z, 100); store<f32>(z, -100, 4); store<f32>(t, 1, 4); // z = [100, -100, 0, 0, 0], t = [0, 1, 0, 0, 0]
    const l = sigmoid_cross_entropy(5, z, t, 0, g, 1);
    expect<f64>(l).toBeCloseTo(200 + 3 * Math.log(2), 6);
    expect<f32>(at(g, 0)).toBe(1);
    expect<f32>(at(g, 1)).toBe(-1);
    expect<f32>(at(g, 2)).toBe(0.5);
    free(z); free(t); free(g);
  });
  it("mse sums squares in f64 and writes 2·scale·(pred − target), tail included", () => {
    const n = 7, pr = buf(n), tg = buf(n), g = buf(n, 0);
    let want: f64 = 0;
    for (let i = 0; i < n; i++) want += (<f64>at(pr, i) - <f64>at(tg, i)) ** 2;
    expect<f64>(mse(n, pr, tg, g, 0.25)).toBeCloseTo(want, 6);
    for (let i = 0; i < n; i++) expect<f32>(at(g, i)).toBeCloseTo(0.5 * (at(pr, i) - at(tg, i)), 6);
    free(pr); free(tg); free(g);
  });
});

describe("optimizers", () => {
  it("sgd with nesterov momentum and weight decay (n = 7)", () => {
    const n = 7, p = buf(n), g = buf(n), v = buf(n), p0 = copy(p, n), v0 = copy(v, n);
    sgd_update(n, p, g, v, 0.1, 0.9, 1, 0.01);
    for (let i = 0; i < n; i++) {
      const gg: f32 = at(g, i) + 0.01 * at(p0, i), vv: f32 = 0.9 * at(v0, i) + gg;
      expect<f32>(at(v, i)).toBeCloseTo(vv, 6);
      expect<f32>(at(p, i)).toBeCloseTo(at(p0, i) - <f32>0.1 * (gg + <f32>0.9 * vv), 6);
    }
    free(p); free(g); free(v); free(p0); free(v0);
  });
  it("plain sgd leaves a null velocity alone", () => {
    const p = buf(3), g = buf(3), p0 = copy(p, 3);
    sgd_update(3, p, g, 0, 0.5, 0, 0, 0);
    for (let i = 0; i < 3; i++) expect<f32>(at(p, i)).toBeCloseTo(at(p0, i) - 0.5 * at(g, i), 6);
    free(p); free(g); free(p0);
  });
  it("adam first step moves every parameter by about lr·sign(g)", () => {
    const n = 5, p = buf(n), g = buf(n), m = buf(n, 0), v = buf(n, 0), p0 = copy(p, n);
    adam_update(n, p, g, m, v, 0.01, 0.9, 0.999, 1e-8, 0.1, 0.001);
    for (let i = 0; i < n; i++) expect<f32>(at(p, i)).toBeCloseTo(at(p0, i) - (at(g, i) > 0 ? 0.01 : -0.01), 4);
    free(p); free(g); free(m); free(v); free(p0);
  });
  it("clip_grad_norm returns the norm and rescales only above maxNorm", () => {
    const g = buf(5, 0);
    store<f32>(g, 3); store<f32>(g, 4, 16); // [3, 0, 0, 0, 4]: norm 5, the 4 sits in the tail
    expect<f64>(clip_grad_norm(5, g, 10)).toBe(5);
    expect<f32>(at(g, 4)).toBe(4);
    expect<f64>(clip_grad_norm(5, g, 1)).toBe(5);
    expect<f32>(at(g, 0)).toBeCloseTo(0.6);
    expect<f32>(at(g, 4)).toBeCloseTo(0.8);
    free(g);
  });
});
