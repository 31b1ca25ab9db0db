// embedding_forward / embedding_backward against naive loops: rows gathered by f32 ids, repeated ids
// adding up in backward (accumulating into a random dtable), D = 1 and D not a multiple of 4, N = 0.
import { embedding_backward, embedding_forward } from "../../assembly/embedding";
import { at, buf, copy, free, maxErr } from "./helpers";

function check(N: i32, V: i32, D: i32): f64 {
  const ids = buf(N, 0), table = buf(V * D), out = buf(N * D), dout = buf(N * D), dtable = buf(V * D);
  for (let n = 0; n < N; n++) store<f32>(ids + (<usize>n << 2), <f32>((n * 5 + 2) % V)); // repeats when N > V
  const dtable0 = copy(dtable, V * D);
  embedding_forward(N, D, ids, table, out);
  embedding_backward(N, D, ids, dout, dtable);
  const wantOut = new StaticArray<f64>(N * D), wantD = new StaticArray<f64>(V * D);
  for (let q = 0; q < V * D; q++) wantD[q] = at(dtable0, q);
  for (let n = 0; n < N; n++) {
    const id = (n * 5 + 2) % V;
    for (let d = 0; d < D; d++) {
      wantOut[n * D + d] = at(table, id * D + d);
      wantD[id * D + d] += <f64>at(dout, n * D + d);
    }
  }
  const e = Math.max(maxErr(out, wantOut, N * D), maxErr(dtable, wantD, V * D));
  free(ids); free(table); free(out); free(dout); free(dtable); free(dtable0);
  return e;
}

describe("embedding", () => {
  it("D = 1", () => { expect<f64>(check(7, 3, 1)).toBeLessThan(1e-6); });
  it("odd D, repeated ids", () => { expect<f64>(check(11, 4, 7)).toBeLessThan(1e-6); });
  it("D a multiple of 4", () => { expect<f64>(check(5, 9, 16)).toBeLessThan(1e-6); });
  it("N = 0 is a no-op", () => { expect<f64>(check(0, 3, 5)).toBeLessThan(1e-6); });
});
