// first_nonfinite (assembly/finite.ts) on every build, against findIndex(!Number.isFinite): each kind of
// non-finite value (NaN with several payloads and signs, ±Infinity) at every position of arrays whose
// lengths leave every block and tail size, the first of several bad values, finite values at the edges of
// the exponent range (largest, smallest subnormal, ±0), and no read past n (a NaN right after the array).

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';

/** Bit patterns: quiet NaN, negative NaN, a signalling NaN, NaN with every payload bit, ±Infinity. */
const BAD_BITS = [0x7fc00000, 0xffc00000, 0x7f800001, 0x7fffffff, 0x7f800000, 0xff800000];
/** Finite bit patterns a careless mask could trip on: ±largest, ±smallest subnormal, ±0, largest exponent below all-ones. */
const EDGE_BITS = [0x7f7fffff, 0xff7fffff, 0x00000001, 0x80000001, 0x00000000, 0x80000000, 0x7f000000];
/** Lengths around the 16-value blocks: empty, tails only, whole blocks, blocks plus each tail. */
const LENGTHS = [0, 1, 3, 15, 16, 17, 31, 32, 33, 47, 100];

for (const build of BUILDS) {
  describe(`first_nonfinite (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    /** Runs the kernel over bits [n] followed by 16 NaNs (which it must not read), returns its answer. */
    function scan(bits: Uint32Array): number {
      const n = bits.length;
      const at = core.heap.alloc((n + 16) * 4);
      try {
        const view = new Uint32Array(core.kernels.memory.buffer, at, n + 16);
        view.set(bits);
        view.fill(0x7fc00000, n);
        return core.kernels.first_nonfinite(at, n);
      } finally {
        core.heap.free(at);
      }
    }

    function finiteBits(n: number): Uint32Array {
      return new Uint32Array(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3).buffer);
    }

    it('returns −1 for finite values, the edge ones included, and never reads past n', () => {
      for (const n of LENGTHS) {
        const bits = finiteBits(n);
        for (let i = 0; i < n; i++) if (i % 3 === 0) bits[i] = EDGE_BITS[i % EDGE_BITS.length];
        assert.equal(scan(bits), -1, `length ${n}`);
      }
    });

    it('finds each kind of non-finite value at every position', () => {
      for (const n of LENGTHS) {
        for (const bad of BAD_BITS) {
          for (let at = 0; at < n; at++) {
            const bits = finiteBits(n);
            bits[at] = bad;
            assert.equal(scan(bits), at, `0x${bad.toString(16)} at ${at} of ${n}`);
          }
        }
      }
    });

    it('returns the first of several, in the same block and in later ones', () => {
      const n = 200;
      for (const [first, ...later] of [[5, 6, 15], [16, 17, 31, 190], [31, 32], [47, 199], [199]]) {
        const bits = finiteBits(n);
        for (const i of [first, ...later]) bits[i] = BAD_BITS[i % BAD_BITS.length];
        const want = new Float32Array(bits.buffer).findIndex((v) => !Number.isFinite(v));
        assert.equal(want, first);
        assert.equal(scan(bits), first, `bad at ${[first, ...later].join(', ')}`);
      }
    });
  });
}
