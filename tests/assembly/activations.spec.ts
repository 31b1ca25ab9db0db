// act_forward / act_backward against Math on a dense grid and on the edges: the stated error bound of
// the rational tanh/sigmoid, exact saturation at ±Infinity, no NaN for huge inputs, in-place use,
// tails of n % 4 elements, and derivatives taken from outputs.
import { act_backward, act_forward, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH } from "../../assembly/activations";
import { at, buf, copy, free, maxErr } from "./helpers";

function ref(act: i32, x: f64): f64 {
  if (act == ACT_TANH) return Math.tanh(x);
  if (act == ACT_SIGMOID) return 1 / (1 + Math.exp(-x));
  if (act == ACT_RELU) return Math.max(x, 0);
  return x;
}

function dref(act: i32, y: f64): f64 {
  if (act == ACT_TANH) return 1 - y * y;
  if (act == ACT_SIGMOID) return y * (1 - y);
  if (act == ACT_RELU) return y > 0 ? 1 : 0;
  return 1;
}

/** Max abs error of act over n points evenly spread on [-lo, lo] (n odd: not a multiple of 4). */
function gridErr(act: i32, n: i32, lo: f64): f64 {
  const x = buf(n, 0), y = buf(n, 0);
  for (let i = 0; i < n; i++) store<f32>(x + 4 * i, <f32>(-lo + 2 * lo * i / (n - 1)));
  act_forward(act, n, x, y);
  let e: f64 = 0;
  for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(<f64>at(y, i) - ref(act, at(x, i))));
  free(x); free(y);
  return e;
}

/** act(v) through the kernel, for one value (n = 1 runs the scalar tail). */
function one(act: i32, v: f32): f32 {
  const x = buf(1, 0, v);
  act_forward(act, 1, x, x);
  const r = at(x, 0);
  free(x);
  return r;
}

describe("act_forward", () => {
  it("tanh is within 4e-7 of Math.tanh on [-20, 20]", () => {
    expect<f64>(gridErr(ACT_TANH, 200003, 20)).toBeLessThan(4e-7);
  });
  it("sigmoid is within 3e-7 of 1/(1+exp(-x)) on [-40, 40]", () => {
    expect<f64>(gridErr(ACT_SIGMOID, 200003, 40)).toBeLessThan(3e-7);
  });
  it("relu and linear are exact", () => {
    expect<f64>(gridErr(ACT_RELU, 1001, 5)).toBe(0);
    expect<f64>(gridErr(ACT_LINEAR, 1001, 5)).toBe(0);
  });
  it("saturates exactly and never returns NaN for huge or infinite input", () => {
    expect<f32>(one(ACT_TANH, Infinity)).toBe(1);
    expect<f32>(one(ACT_TANH, -Infinity)).toBe(-1);
    expect<f32>(one(ACT_TANH, 1e30)).toBe(1);
    expect<f32>(one(ACT_TANH, -3e38)).toBe(-1);
    expect<f32>(one(ACT_TANH, 0)).toBe(0);
    expect<f32>(one(ACT_SIGMOID, Infinity)).toBe(1);
    expect<f32>(one(ACT_SIGMOID, -Infinity)).toBe(0);
    expect<f32>(one(ACT_SIGMOID, 0)).toBe(0.5);
    expect<f32>(one(ACT_RELU, -Infinity)).toBe(0);
  });
  it("works in place and on every tail length", () => {
    for (let n = 1; n <= 9; n++) {
      const x = buf(n, 3), y = buf(n, 0);
      act_forward(ACT_TANH, n, x, y);
      act_forward(ACT_TANH, n, x, x);
      for (let i = 0; i < n; i++) expect<f32>(at(x, i)).toBe(at(y, i));
      free(x); free(y);
    }
  });
});

describe("act_backward", () => {
  it("accumulates dy·act'(y) computed from the output, for every act and tail length", () => {
    for (let act = 0; act < 4; act++) for (let n = 1; n <= 11; n += 2) {
      const x = buf(n, 3), y = buf(n, 0), dy = buf(n), dx = buf(n);
      act_forward(act, n, x, y);
      const want = new StaticArray<f64>(n);
      for (let i = 0; i < n; i++) want[i] = <f64>at(dx, i) + <f64>at(dy, i) * dref(act, at(y, i));
      const dy0 = copy(dy, n);
      act_backward(act, n, y, dy, dx);
      expect<f64>(maxErr(dx, want, n)).toBeLessThan(1e-6);
      expect<i32>(memory.compare(dy, dy0, <usize>n << 2)).toBe(0, "dy is not modified");
      free(x); free(y); free(dy); free(dx); free(dy0);
    }
  });
});
