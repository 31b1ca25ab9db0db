// Tests for src/finite.ts (checkFinite): up to 1024 values a JavaScript loop of four partial sums, above
// that the core's scan, 65 536 values at a time. So: lengths on both sides of each boundary; positions at
// every lane of the loop, in its tail, in every chunk and at its edges; each kind of non-finite value;
// finite values that a careless check could trip on. The core's scratch block is freed whether the check
// passes or throws.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, Tensor } from '../../src/entry-node.ts';
import { checkFinite } from '../../src/finite.ts';
import { core } from '../../src/wasm.ts';

await init();

const CHUNK = 65_536;
/** Around the loop / core boundary (1024) and the chunk boundaries, with lengths that leave every tail size. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 1023, 1024, 1025, 2051, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 17];
const BAD = [NaN, Infinity, -Infinity];

/** Positions to spoil: the first values, the middle, each chunk's edges, the last block and value. */
function positions(n: number): number[] {
  const edges = [CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK];
  return [...new Set([0, 1, 2, 3, n >> 1, ...edges, (n & ~15) - 1, n & ~15, n - 1].filter((i) => i >= 0 && i < n))];
}

function filled(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
}

test('checkFinite names the first NaN or ±Infinity, in the loop, in each chunk of the core scan and at their edges', () => {
  const live = core().heap.liveBytes;
  for (const n of LENGTHS) {
    for (const bad of BAD) {
      for (const at of positions(n)) {
        const data = filled(n);
        data[at] = bad;
        if (at + 1 < n) data[n - 1] = -bad; // a later bad value does not hide the first
        assert.throws(() => checkFinite(new Tensor(data, [n]), 'x'), { message: `x contains ${bad} at [${at}]: every value must be a finite number` },
          `${bad} at ${at} of ${n}`);
      }
    }
  }
  assert.equal(core().heap.liveBytes, live, 'the scratch block is freed after a throw');
});

test('checkFinite passes finite values, the extreme ones included, and names a multi-index', () => {
  const live = core().heap.liveBytes;
  const extremes = [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0, 0];
  for (const n of LENGTHS) {
    const data = filled(n);
    positions(n).forEach((at, j) => { data[at] = extremes[j % extremes.length]; });
    assert.doesNotThrow(() => checkFinite(new Tensor(data, [n]), 'x'), `length ${n}`);
  }
  assert.equal(core().heap.liveBytes, live, 'the scratch block is freed');
  const data = filled(2 * 3 * 4);
  data[1 * 12 + 2 * 4 + 3] = -Infinity;
  assert.throws(() => checkFinite(new Tensor(data, [2, 3, 4]), 'y'), { message: 'y contains -Infinity at [1, 2, 3]: every value must be a finite number' });
  const big = filled(3 * 50_000);
  big[2 * 50_000 + 7] = NaN; // in the second chunk
  assert.throws(() => checkFinite(new Tensor(big, [3, 50_000]), 'w'), { message: 'w contains NaN at [2, 7]: every value must be a finite number' });
});
