// Tests for src/random.ts: determinism, stream independence, distribution moments and argument checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random.ts';

const DRAWS = 100_000;

function take(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32());
}

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, variance: squares / values.length };
}

test('same seed gives the same sequence', () => {
  assert.deepEqual(take(new Rng(42), 1000), take(new Rng(42), 1000));
});

test('the stream is pinned (sfc32 seeded by splitmix32), so a change of algorithm is noticed', () => {
  // Also produced by an independent Python transcription of splitmix32 + sfc32 (arbitrary-precision ints
  // masked to 32 bits). Change only with a deliberate, documented change of algorithm.
  assert.deepEqual(take(new Rng(0), 4), [2284194094, 3088906220, 1993615705, 2986507134]);
});

test('different seeds give different sequences, including seeds beyond 32 bits and negative ones', () => {
  const seeds = [0, 1, 2, 42, -1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 1_700_000_000_000, -(2 ** 40)];
  const firsts = seeds.map((seed) => take(new Rng(seed), 4).join(','));
  assert.equal(new Set(firsts).size, seeds.length);
});

test('next() is in [0, 1) with mean 1/2 and variance 1/12', () => {
  const rng = new Rng(7);
  const values = new Float64Array(DRAWS);
  for (let i = 0; i < DRAWS; i++) {
    values[i] = rng.next();
    assert.ok(values[i] >= 0 && values[i] < 1);
  }
  const { mean, variance } = moments(values);
  // Standard error of the mean is sqrt(1/12 / 1e5) ≈ 0.0009; allow ~5 sigma.
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
});

test('uniform(lo, hi) stays in range with the right mean and variance', () => {
  const rng = new Rng(8);
  const values = new Float64Array(DRAWS);
  for (let i = 0; i < DRAWS; i++) {
    values[i] = rng.uniform(-3, 5);
    assert.ok(values[i] >= -3 && values[i] < 5);
  }
  const { mean, variance } = moments(values);
  assert.ok(Math.abs(mean - 1) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 64 / 12) < 0.1, `variance ${variance}`);
  assert.equal(rng.uniform(2, 2), 2);
});

test('normal() has the requested mean and std and is deterministic', () => {
  const rng = new Rng(9);
  const values = new Float64Array(DRAWS);
  for (let i = 0; i < DRAWS; i++) values[i] = rng.normal(2, 3);
  const { mean, variance } = moments(values);
  assert.ok(Math.abs(mean - 2) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 3) < 0.05, `std ${Math.sqrt(variance)}`);
  // Roughly 95.45% of a normal lies within 2 std.
  const inside = values.filter((v) => Math.abs(v - 2) < 6).length / DRAWS;
  assert.ok(Math.abs(inside - 0.9545) < 0.005, `fraction within 2 std ${inside}`);

  const a = new Rng(10);
  const b = new Rng(10);
  for (let i = 0; i < 101; i++) assert.equal(a.normal(), b.normal());
});

test('int(n) covers exactly [0, n) evenly', () => {
  const rng = new Rng(11);
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 70_000; i++) {
    const k = rng.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    counts[k]++;
  }
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 500, `counts ${counts}`);
  assert.equal(rng.int(1), 0);
  const big = rng.int(2 ** 32);
  assert.ok(Number.isInteger(big) && big >= 0 && big < 2 ** 32);
});

test('shuffle is a seeded permutation for arrays and typed arrays', () => {
  const original = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Rng(12).shuffle([...original]);
  assert.notDeepEqual(shuffled, original);
  assert.deepEqual([...shuffled].sort((x, y) => x - y), original);
  assert.deepEqual(new Rng(12).shuffle([...original]), shuffled);
  assert.notDeepEqual(new Rng(13).shuffle([...original]), shuffled);

  const typed = new Rng(12).shuffle(Int32Array.from(original));
  assert.deepEqual(Array.from(typed), shuffled);
  const unsigned = new Rng(12).shuffle(Uint32Array.from(original));
  assert.deepEqual(Array.from(unsigned), shuffled);

  assert.deepEqual(new Rng(1).shuffle([]), []);
  assert.deepEqual(new Rng(1).shuffle(['only']), ['only']);
});

test('shuffle gives every position to every element about equally', () => {
  const rng = new Rng(14);
  const firstCounts = [0, 0, 0, 0];
  for (let i = 0; i < 40_000; i++) firstCounts[rng.shuffle([0, 1, 2, 3])[0]]++;
  for (const count of firstCounts) assert.ok(Math.abs(count - 10_000) < 500, `counts ${firstCounts}`);
});

test('derive depends only on the seed and label, not on draws made before', () => {
  const fresh = new Rng(5);
  const used = new Rng(5);
  take(used, 17);
  used.normal();
  assert.deepEqual(take(fresh.derive(3), 8), take(used.derive(3), 8));

  const labels = [0, 1, 2, 3, -1, 2 ** 32, 2 ** 40 + 7];
  const streams = labels.map((label) => take(fresh.derive(label), 4).join(','));
  streams.push(take(new Rng(5), 4).join(','));
  streams.push(take(new Rng(6).derive(3), 4).join(','));
  assert.equal(new Set(streams).size, streams.length);

  assert.deepEqual(take(fresh.derive(1).derive(2), 8), take(new Rng(5).derive(1).derive(2), 8));
});

test('derived streams are not correlated with each other', () => {
  const parent = new Rng(99);
  const a = parent.derive(0);
  const b = parent.derive(1);
  let product = 0;
  for (let i = 0; i < DRAWS; i++) product += (a.next() - 0.5) * (b.next() - 0.5);
  // E = 0, std of the mean of products = (1/12) / sqrt(1e5) ≈ 0.00026.
  assert.ok(Math.abs(product / DRAWS) < 0.0015, `covariance ${product / DRAWS}`);
});

test('invalid arguments throw errors naming what was expected and what came', () => {
  for (const seed of [1.5, NaN, Infinity, 2 ** 53, '1' as unknown as number, undefined as unknown as number]) {
    assert.throws(() => new Rng(seed), /seed must be a safe integer, got/);
  }
  assert.throws(() => new Rng(1.5), /got 1\.5/);
  const rng = new Rng(1);
  assert.throws(() => rng.int(0), /integer n in \[1, 2\^32\], got 0/);
  assert.throws(() => rng.int(2.5), /got 2\.5/);
  assert.throws(() => rng.int(2 ** 32 + 1), /got 4294967297/);
  assert.throws(() => rng.uniform(1, 0), /lo <= hi, got lo=1, hi=0/);
  assert.throws(() => rng.uniform(0, Infinity), /finite/);
  assert.throws(() => rng.normal(0, -1), /std >= 0, got mean=0, std=-1/);
  assert.throws(() => rng.derive(0.5), /label must be a safe integer, got 0\.5/);
});

test('fillNormal gives, bit for bit, what as many normal() calls would, and leaves the same state', () => {
  // Even and odd lengths, with and without a cached second value to start from, f64 and f32 arrays.
  for (const length of [0, 1, 2, 7, 10]) {
    for (const cached of [false, true]) {
      for (const [mean, std] of [[0, 1], [0.5, 0.05]]) {
        for (const Kind of [Float64Array, Float32Array]) {
          const a = new Rng(31), b = new Rng(31);
          if (cached) { a.normal(); b.normal(); }
          const got = new Kind(length);
          a.fillNormal(got, mean, std);
          const want = new Kind(length);
          for (let i = 0; i < length; i++) want[i] = b.normal(mean, std);
          const what = `length ${length}, cached ${cached}, mean ${mean}, std ${std}, ${Kind.name}`;
          assert.deepEqual(got, want, what);
          assert.deepEqual(a.getState(), b.getState(), what);
          assert.equal(a.normal(), b.normal(), what);
        }
      }
    }
  }
  assert.throws(() => new Rng(1).fillNormal(new Float64Array(2), 0, -1), /Rng.fillNormal needs finite mean and std >= 0, got mean=0, std=-1/);
});

test('getState/setState resumes the exact stream, including a cached normal', () => {
  const a = new Rng(7);
  a.next();
  a.normal(); // leaves the second Box–Muller value cached
  const saved = JSON.parse(JSON.stringify(a.getState()));
  const expected = [a.normal(), a.next(), a.int(1000)];
  const b = new Rng(123);
  b.setState(saved);
  assert.deepEqual([b.normal(), b.next(), b.int(1000)], expected);
  assert.throws(() => b.setState([1, 2, 3]), /Rng.setState needs the 8 numbers/);
});
