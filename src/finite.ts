// The finite-value check of everything a model is given (weights, states, x and y): a NaN or ±Infinity is
// refused with the position of the first one, before anything is written.
//
// Large arrays are scanned by the core (first_nonfinite, SIMD) from a copy in its memory, a chunk at a
// time: the façade checks weights while its JavaScript is still cold, and at a model's first setWeights
// (an LSTM(128)'s 82 k weights) the engine's includes() scans took ~4 ms and an interpreted loop ~75 ns a
// value. Small arrays (a streamed step's input) stay in a JavaScript loop, which saves the copy and the call.

import { core } from './wasm.ts';
import { formatIndex, type Tensor } from './tensor.ts';

/** Up to this many values, a JavaScript loop; above, the core. */
const LOOP_MAX = 256;
/** Values copied into the core per scan (256 KB). */
const CHUNK = 65_536;

/** Throws if any value is NaN or ±Infinity, naming the first bad position. Needs the core (init()). */
export function checkFinite(t: Tensor, what: string): void {
  const i = firstNonFinite(t.data);
  if (i >= 0) throw new Error(`${what} contains ${t.data[i]} at ${formatIndex(i, t.shape)}: every value must be a finite number`);
}

/** The index of the first NaN or ±Infinity in data, or −1. */
function firstNonFinite(data: Float32Array): number {
  if (data.length <= LOOP_MAX) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
    return -1;
  }
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
