// Tests for src/tensor.ts's finiteness check (checkFinite): it scans small arrays with a loop of four
// partial sums and large ones with includes, so both sizes, every lane of the loop and its scalar tail,
// and each kind of non-finite value are checked, as are finite values that a careless check could trip on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, checkFinite } from '../../src/tensor.ts';

/** Around both sides of the loop / includes boundary (16 384), with lengths that leave every tail size. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 2048, 2051, 16_383, 16_384, 16_385, 82_433];
const BAD = [NaN, Infinity, -Infinity];

/** Positions to spoil: every lane of the first group of four, the middle, the tail, the last value. */
function positions(n: number): number[] {
  return [...new Set([0, 1, 2, 3, n >> 1, (n & ~3) - 1, n & ~3, n - 1].filter((i) => i >= 0 && i < n))];
}

function filled(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
}

test('checkFinite names the first NaN or ±Infinity, at every lane and in the tail, below and above the loop limit', () => {
  for (const n of LENGTHS) {
    for (const bad of BAD) {
      for (const at of positions(n)) {
        const data = filled(n);
        data[at] = bad;
        assert.throws(() => checkFinite(new Tensor(data, [n]), 'x'), { message: `x contains ${bad} at [${at}]: every value must be a finite number` },
          `${bad} at ${at} of ${n}`);
      }
    }
  }
});

test('checkFinite passes finite values, the extreme ones included, and names a multi-index', () => {
  const extremes = [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0, 0];
  for (const n of LENGTHS) {
    const data = filled(n);
    positions(n).forEach((at, j) => { data[at] = extremes[j % extremes.length]; });
    assert.doesNotThrow(() => checkFinite(new Tensor(data, [n]), 'x'), `length ${n}`);
  }
  const data = filled(2 * 3 * 4);
  data[1 * 12 + 2 * 4 + 3] = -Infinity;
  assert.throws(() => checkFinite(new Tensor(data, [2, 3, 4]), 'y'), { message: 'y contains -Infinity at [1, 2, 3]: every value must be a finite number' });
});
