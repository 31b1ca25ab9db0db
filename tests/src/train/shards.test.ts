// Tests for src/train/shards.ts: how a batch is cut into per-thread shards, and the weight of each shard's
// gradient.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardRanges, shardWeights } from '../../../src/train/shards.ts';

test('shardRanges: contiguous, covering, sizes differing by at most one (larger first), empty shards left out', () => {
  assert.deepEqual(shardRanges(10, 3), [[0, 4], [4, 7], [7, 10]]);
  assert.deepEqual(shardRanges(32, 2), [[0, 16], [16, 32]]);
  assert.deepEqual(shardRanges(2, 3), [[0, 1], [1, 2]]);
  assert.deepEqual(shardRanges(1, 4), [[0, 1]]);
  assert.deepEqual(shardRanges(0, 2), []);
  for (let n = 0; n < 40; n++) {
    for (let parts = 1; parts <= 6; parts++) {
      const ranges = shardRanges(n, parts);
      const sizes = ranges.map(([s, e]) => e - s);
      assert.equal(sizes.reduce((a, b) => a + b, 0), n, `n=${n} parts=${parts}: covers every row`);
      ranges.forEach(([s], i) => assert.equal(s, i === 0 ? 0 : ranges[i - 1][1], `n=${n} parts=${parts}: contiguous`));
      assert.ok(sizes.every((size) => size > 0) && sizes.length === Math.min(n, parts), `n=${n} parts=${parts}: no empty shard`);
      assert.ok(sizes.every((size, i) => i === 0 || (size <= sizes[i - 1] && sizes[0] - size <= 1)), `n=${n} parts=${parts}: balanced ${sizes}`);
    }
  }
});

test('shardWeights: rowsᵢ / Σ rows, all zero when no shard has a row', () => {
  assert.deepEqual(shardWeights([16, 16]), [0.5, 0.5]);
  assert.deepEqual(shardWeights([4, 3, 3]), [0.4, 0.3, 0.3]);
  assert.deepEqual(shardWeights([5, 0]), [1, 0]);
  assert.deepEqual(shardWeights([0, 0]), [0, 0]);
});
