// Embedding lookup (PyTorch nn.Embedding, Keras Embedding): embedding_forward and embedding_backward side
// by side. Not a sparse-gradient API: the backward adds into a dense dtable of the table's shape.
//
//   out[n, :] = table[ids[n], :]          dtable[ids[n], :] += dout[n, :]
//
// Dims: N ids (= T·B or B), V vocabulary size, D embedding width.
// Layout: weight [V, D] (PyTorch `weight`). ids are f32 integers in [0, V) (the façade checks them; the
// model's input tensors are f32, so ids travel as f32 and are converted with a truncation here).

import { add_into } from "./gemm";

/** Row id of the n-th id, as a byte offset of a [V, D] table. ids [N] f32. */
// @ts-ignore: decorator
@inline function rowOf(ids: usize, n: i32, D: i32): usize {
  return (<usize>i32(load<f32>(ids + (<usize>n << 2))) * <usize>D) << 2;
}

/** out [N, D] = table [V, D] rows at ids [N] (f32 integers in [0, V)). */
export function embedding_forward(N: i32, D: i32, ids: usize, table: usize, out: usize): void {
  const dB = <usize>D << 2;
  for (let n = 0; n < N; n++, out += dB) memory.copy(out, table + rowOf(ids, n, D), dB);
}

/** dtable [V, D] rows at ids [N] += dout [N, D] (repeated ids add up). */
export function embedding_backward(N: i32, D: i32, ids: usize, dout: usize, dtable: usize): void {
  const dB = <usize>D << 2;
  for (let n = 0; n < N; n++, dout += dB) add_into(D, dout, dtable + rowOf(ids, n, D));
}
