// The finite-value check of everything a model is given (weights, states, x and y): a NaN or ±Infinity is
// refused with the position of the first one, before anything is written.
//
// Large arrays are scanned by the core (first_nonfinite, SIMD) from a copy in its memory, a chunk at a
// time: the façade checks weights while its JavaScript is still cold, and at a model's first setWeights
// (an LSTM(128)'s 82 k weights) the engine's includes() scans took ~4 ms and an interpreted loop ~75 ns a
// value. Small arrays (a streamed step's input) stay in a JavaScript loop: once optimised it is faster than
// the copy and the call up to about a thousand values (warm, 257 values: 0.4 µs against 1.4; 2048: 2.8
// against 1.6).

import { core } from './wasm.ts';
import { formatIndex, type Tensor } from './tensor.ts';

/** Up to this many values, a JavaScript loop; above, the core. */
const LOOP_MAX = 1024;
/** Values copied into the core per scan (256 KB). */
const CHUNK = 65_536;

/** Throws if any value is NaN or ±Infinity, naming the first bad position. Needs the core (init()). */
export function checkFinite(t: Tensor, what: string): void {
  const i = firstNonFinite(t.data);
  if (i >= 0) throw new Error(`${what} contains ${t.data[i]} at ${formatIndex(i, t.shape)}: every value must be a finite number`);
}

/** The index of the first NaN or ±Infinity in data, or −1. */
function firstNonFinite(data: Float32Array): number {
  if (data.length <= LOOP_MAX) return allFinite(data) ? -1 : data.findIndex((v) => !Number.isFinite(v));
  const { kernels, heap } = core();
  const scratch = heap.alloc(Math.min(CHUNK, data.length) * 4);
  try {
    for (let start = 0; start < data.length; start += CHUNK) {
      const chunk = data.subarray(start, start + CHUNK);
      heap.f32().set(chunk, scratch >> 2);
      const i = kernels.first_nonfinite(scratch, chunk.length);
      if (i >= 0) return start + i;
    }
    return -1;
  } finally {
    heap.free(scratch);
  }
}

/** Are all values finite? v·0 is 0 for finite v, NaN for NaN and ±Infinity; four sums, so that no add waits for the one before. */
function allFinite(data: Float32Array): boolean {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (const n4 = data.length & ~3; i < n4; i += 4) {
    s0 += data[i] * 0;
    s1 += data[i + 1] * 0;
    s2 += data[i + 2] * 0;
    s3 += data[i + 3] * 0;
  }
  for (; i < data.length; i++) s0 += data[i] * 0;
  return s0 + s1 + s2 + s3 === 0;
}
