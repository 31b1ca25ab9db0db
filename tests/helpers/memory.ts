// Test and bench helpers: arrays in and out of a core's memory. No Node module here, so that the bench's
// browser pages bundle it too (core.ts, which loads a core from build/, re-exports it for the tests).

import type { Core } from '../../src/wasm.ts';
import { packedFloats } from '../../src/kernels.ts';

/** Copies `data` (numbers, f64 or f32) into a fresh block of core memory and returns its address. */
export function put(core: Core, data: ArrayLike<number>): number {
  const ptr = core.heap.alloc(data.length * 4);
  core.heap.f32().set(data, ptr >> 2);
  return ptr;
}

/** A fresh zero-filled block of n floats. */
export function zeros(core: Core, n: number): number {
  const ptr = core.heap.alloc(n * 4);
  core.heap.f32().fill(0, ptr >> 2, (ptr >> 2) + n);
  return ptr;
}

/** Copies n floats out of core memory at `ptr`. */
export function get(core: Core, ptr: number, n: number): Float32Array {
  return core.heap.f32().slice(ptr >> 2, (ptr >> 2) + n);
}

/** Copies integers into a fresh block of core memory as little-endian i32 (e.g. sequence lengths) and returns its address. */
export function putI32(core: Core, data: ArrayLike<number>): number {
  const ptr = core.heap.alloc(Math.max(1, data.length) * 4);
  new Int32Array(core.kernels.memory.buffer, ptr, data.length).set(Array.from(data));
  return ptr;
}

/**
 * pack_weights of the weight W [N, K] already in core memory at w, into a fresh block of packedFloats(N, K)
 * floats (pre-filled with NaN, so a packing that misses an element poisons every product); returns its address.
 */
export function packed(core: Core, N: number, K: number, w: number): number {
  const n = packedFloats(N, K);
  const ptr = core.heap.alloc(Math.max(1, n) * 4);
  core.heap.f32().fill(NaN, ptr >> 2, (ptr >> 2) + n);
  core.kernels.pack_weights(N, K, w, ptr);
  return ptr;
}
