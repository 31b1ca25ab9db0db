// Tests for src/initializers.ts: Keras' limits and variances, orthogonality, determinism, name parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIALIZER_NAMES, initialize as initializeWith, parseInitializer, type InitializerName } from '../../src/initializers.ts';
import { orthogonalReference } from '../../src/reference/orthogonal.ts';
import { normalReference } from '../../src/reference/normal.ts';
import { uniformReference } from '../../src/reference/uniform.ts';
import { Rng } from '../../src/random.ts';
import { orthonormalityError } from '../helpers/orthonormality.ts';

/** initialize with the references of the core's kernels (tests/assembly/orthogonal.test.ts and random.test.ts check the core against them). */
function initialize(name: InitializerName, out: Float32Array, rows: number, cols: number, rng: Rng): void {
  initializeWith(name, out, rows, cols, rng, { orthogonal: orthogonalReference, fillUniform: uniformReference, fillNormal: normalReference });
}

function init(name: InitializerName, rows: number, cols: number, seed = 1): Float32Array {
  const out = new Float32Array(rows * cols);
  initialize(name, out, rows, cols, new Rng(seed));
  return out;
}

function moments(values: Float32Array): { mean: number; std: number; maxAbs: number } {
  let sum = 0;
  let maxAbs = 0;
  for (const v of values) {
    sum += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length), maxAbs };
}

test('glorot_uniform stays within sqrt(6 / (fanIn + fanOut)) with variance limit²/3', () => {
  const rows = 256; // fanOut
  const cols = 128; // fanIn
  const limit = Math.sqrt(6 / (rows + cols));
  const { mean, std, maxAbs } = moments(init('glorot_uniform', rows, cols));
  assert.ok(maxAbs <= limit, `max |w| ${maxAbs} > limit ${limit}`);
  assert.ok(maxAbs > 0.99 * limit, 'the range should be used up to the limit');
  assert.ok(Math.abs(mean) < 0.002, `mean ${mean}`);
  assert.ok(Math.abs(std / (limit / Math.sqrt(3)) - 1) < 0.01, `std ${std}`);
});

test('he_uniform and lecun_uniform use fanIn = cols', () => {
  const he = moments(init('he_uniform', 64, 400));
  assert.ok(he.maxAbs <= Math.sqrt(6 / 400) && he.maxAbs > 0.99 * Math.sqrt(6 / 400));
  const lecun = moments(init('lecun_uniform', 64, 400));
  assert.ok(lecun.maxAbs <= Math.sqrt(3 / 400) && lecun.maxAbs > 0.99 * Math.sqrt(3 / 400));
});

test('truncated normals (glorot, he, lecun) reach the target std and are cut at 2 std of the raw normal', () => {
  const rows = 200;
  const cols = 300;
  const cases: [InitializerName, number][] = [
    ['glorot_normal', Math.sqrt(2 / (rows + cols))],
    ['he_normal', Math.sqrt(2 / cols)],
    ['lecun_normal', Math.sqrt(1 / cols)],
  ];
  for (const [name, targetStd] of cases) {
    const { mean, std, maxAbs } = moments(init(name, rows, cols));
    const cut = (2 * targetStd) / 0.87962566103423978;
    assert.ok(maxAbs <= cut * (1 + 1e-6), `${name}: max |w| ${maxAbs} beyond the cut ${cut}`);
    assert.ok(Math.abs(mean) < 0.02 * targetStd, `${name}: mean ${mean}`);
    assert.ok(Math.abs(std / targetStd - 1) < 0.01, `${name}: std ${std}, expected ${targetStd}`);
  }
});

test('random_uniform is U(-0.05, 0.05) and random_normal is N(0, 0.05) like Keras', () => {
  const uniform = moments(init('random_uniform', 300, 300));
  assert.ok(uniform.maxAbs <= 0.05 && uniform.maxAbs > 0.0499);
  assert.ok(Math.abs(uniform.std - 0.05 / Math.sqrt(3)) < 0.0005);
  const normal = moments(init('random_normal', 300, 300));
  assert.ok(Math.abs(normal.std - 0.05) < 0.0005, `std ${normal.std}`);
  assert.ok(normal.maxAbs > 0.15, 'random_normal is not truncated');
});

test('zeros and ones overwrite whatever was there', () => {
  const out = new Float32Array([5, 6, 7, 8, 9, 10]);
  initialize('zeros', out, 2, 3, new Rng(0));
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, 0, 0]);
  initialize('ones', out, 3, 2, new Rng(0));
  assert.deepEqual(Array.from(out), [1, 1, 1, 1, 1, 1]);
});

test('orthogonal gives orthonormal columns (tall), rows (wide) or both (square)', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [7, 7],
    [64, 64],
    [12, 3], // LSTM weight_hh: [4H, H]
    [96, 32],
    [3, 12],
    [32, 96],
    [5, 1],
    [1, 5],
  ];
  for (const [rows, cols] of shapes) {
    const w = init('orthogonal', rows, cols, rows * 100 + cols);
    if (rows >= cols) {
      const error = orthonormalityError(w, rows, cols, 'columns');
      assert.ok(error < 1e-6, `${rows}x${cols}: max |WᵀW - I| = ${error}`);
    }
    if (rows <= cols) {
      const error = orthonormalityError(w, rows, cols, 'rows');
      assert.ok(error < 1e-6, `${rows}x${cols}: max |WWᵀ - I| = ${error}`);
    }
  }
});

test('orthogonal matches numpy.linalg.qr (LAPACK) with Keras sign correction on the same normal draws', () => {
  // Made by hand: the 4x3 standard normals of new Rng(2024) were fed to
  //   q, r = numpy.linalg.qr(a); q *= numpy.sign(numpy.diag(r))   (and q.T for the 3x4 case)
  const tall = [
    0.5793961, -0.0687538, -0.01569121, 0.76461464, -0.22453241, 0.22602062, 0.03154404, 0.69895655, 0.712685,
    -0.28048095, -0.675513, 0.663889,
  ];
  const wide = [
    0.5793961, 0.76461464, 0.03154404, -0.28048095, -0.0687538, -0.22453241, 0.69895655, -0.675513, -0.01569121,
    0.22602062, 0.712685, 0.663889,
  ];
  for (const [rows, cols, expected] of [[4, 3, tall], [3, 4, wide]] as [number, number, number[]][]) {
    const w = init('orthogonal', rows, cols, 2024);
    w.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `${rows}x${cols}[${i}]: ${value} vs ${expected[i]}`));
  }
});

test('every initializer is deterministic for a seed and differs across seeds', () => {
  for (const name of INITIALIZER_NAMES) {
    assert.deepEqual(init(name, 9, 5, 3), init(name, 9, 5, 3), name);
    if (name !== 'zeros' && name !== 'ones') assert.notDeepEqual(init(name, 9, 5, 3), init(name, 9, 5, 4), name);
  }
});

test('empty tensors are accepted and draw nothing', () => {
  const rng = new Rng(1);
  for (const name of INITIALIZER_NAMES) {
    initialize(name, new Float32Array(0), 0, 5, rng);
    initialize(name, new Float32Array(0), 5, 0, rng);
  }
  assert.equal(rng.nextUint32(), new Rng(1).nextUint32());
});

test('parseInitializer accepts snake_case, camelCase and the tfjs spellings', () => {
  assert.equal(parseInitializer('glorot_uniform'), 'glorot_uniform');
  assert.equal(parseInitializer('glorotUniform'), 'glorot_uniform');
  assert.equal(parseInitializer('heNormal'), 'he_normal');
  assert.equal(parseInitializer('lecunUniform'), 'lecun_uniform');
  assert.equal(parseInitializer('leCunUniform'), 'lecun_uniform');
  assert.equal(parseInitializer('randomNormal'), 'random_normal');
  assert.equal(parseInitializer('orthogonal'), 'orthogonal');
  for (const name of INITIALIZER_NAMES) assert.equal(parseInitializer(name), name);
});

test('unknown initializer names throw an Error listing the valid ones', () => {
  assert.throws(
    () => parseInitializer('glorot'),
    (error: unknown) =>
      error instanceof Error &&
      error.message.startsWith('unknown initializer "glorot" (expected one of: glorot_uniform, glorot_normal,') &&
      INITIALIZER_NAMES.every((name) => error.message.includes(name)),
  );
  assert.throws(() => parseInitializer('GLOROT_UNIFORM'), /unknown initializer "GLOROT_UNIFORM"/);
  assert.throws(() => parseInitializer(undefined), /unknown initializer undefined \(expected/);
  assert.throws(() => parseInitializer(3), /unknown initializer 3 \(expected/);
  assert.throws(
    () => initialize('glorot' as InitializerName, new Float32Array(4), 2, 2, new Rng(0)),
    /unknown initializer "glorot"/,
  );
});

test('initialize checks the size of out against rows x cols', () => {
  assert.throws(
    () => initialize('zeros', new Float32Array(5), 2, 3, new Rng(0)),
    /out has 5 elements, expected rows\*cols = 2\*3 = 6/,
  );
  assert.throws(() => initialize('zeros', new Float32Array(0), -1, 0, new Rng(0)), /non-negative integers, got rows=-1/);
  assert.throws(() => initialize('zeros', new Float32Array(3), 1.5, 2, new Rng(0)), /got rows=1\.5, cols=2/);
});
