// Weight initializers with Keras 3 names and formulas (keras/src/initializers/), filling a Float32Array
// from the seeded Rng. The defaults of DESIGN.md §3 (glorot_uniform kernels, orthogonal recurrent kernels)
// come from here. This file does not pick an initializer per tensor or set the unit forget bias; the layers do.
//
// Layout: a tensor is [rows, cols] row-major in PyTorch layout [out_features, in_features], so
// fanOut = rows and fanIn = cols. For `weight_ih_l{k}` [G·H, I] that gives fanIn = I, fanOut = G·H, the fans
// Keras computes for its transposed kernel [I, G·H]. Likewise 'orthogonal' on `weight_hh_l{k}` [G·H, H] has
// orthonormal columns: the transpose of Keras' orthogonal recurrent kernel [H, G·H], which has orthonormal rows.
//
// Everything is computed in f64 and rounded to f32 once, on store.

import type { Rng } from './random.ts';
import type { Core } from './wasm.ts';

export const INITIALIZER_NAMES = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'orthogonal',
  'zeros',
  'ones',
  'random_uniform',
  'random_normal',
] as const;

export type InitializerName = (typeof INITIALIZER_NAMES)[number];

// Keras' truncated normal keeps draws within 2 std; dividing the target std by the std of a standard normal
// truncated to [-2, 2] gives the truncated draws the intended variance (keras VarianceScaling).
const TRUNCATED_NORMAL_STD_CORRECTION = 0.87962566103423978;
// keras.initializers.RandomUniform / RandomNormal defaults.
const RANDOM_UNIFORM_LIMIT = 0.05;
const RANDOM_NORMAL_STD = 0.05;

// Accepted spellings: the snake_case names, their camelCase forms, and tfjs' 'leCunUniform' / 'leCunNormal'.
const ALIASES: ReadonlyMap<string, InitializerName> = new Map<string, InitializerName>([
  ...INITIALIZER_NAMES.map((name): [string, InitializerName] => [name, name]),
  ...INITIALIZER_NAMES.map((name): [string, InitializerName] => [
    name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()),
    name,
  ]),
  ['leCunUniform', 'lecun_uniform'],
  ['leCunNormal', 'lecun_normal'],
]);

/** Resolves a user-supplied initializer name (snake_case or camelCase), or throws listing the valid ones. */
export function parseInitializer(name: unknown): InitializerName {
  const resolved = typeof name === 'string' ? ALIASES.get(name) : undefined;
  if (resolved === undefined) throw unknownInitializer(name);
  return resolved;
}

function unknownInitializer(name: unknown): Error {
  return new Error(`unknown initializer ${JSON.stringify(name) ?? String(name)} (expected one of: ${INITIALIZER_NAMES.join(', ')})`);
}

/**
 * Draws an m×n standard normal matrix from rng, row by row (as FillNormal with mean 0, std 1), and writes
 * into `out` Q·diag(sign(R_kk)) of its thin QR (m ≥ n), row-major m×n, or its n×m transpose when
 * `transposed`, rounded to out's type: the core's normal_fill and orthogonal_q on one block
 * (initKernelsOn), or the f64 references in tests (orthogonalReference).
 */
export type Orthogonal = (rng: Rng, out: Float32Array | Float64Array, m: number, n: number, transposed: boolean) => void;

/**
 * out[i] = f32(lo + span·rng.next()) for i = 0 .. out.length − 1, leaving rng where those calls would: the
 * core's uniform_fill (initKernelsOn), or the JavaScript reference in tests (uniformReference).
 */
export type FillUniform = (rng: Rng, out: Float32Array, lo: number, span: number) => void;

/**
 * out[i] = mean + std·z_i for the next normals z_i of rng (Box–Muller, as Rng.normal), skipping those with
 * |z| > 2 when `truncate`, leaving rng where those draws would: the core's normal_fill (initKernelsOn), or
 * the JavaScript reference in tests (normalReference).
 */
export type FillNormal = (rng: Rng, out: Float32Array | Float64Array, mean: number, std: number, truncate: boolean) => void;

/** What initialize needs besides the generator: the core's kernels, or in tests their references. */
export interface InitKernels {
  orthogonal: Orthogonal;
  fillUniform: FillUniform;
  fillNormal: FillNormal;
}

/** The core's orthogonal_q, uniform_fill and normal_fill as InitKernels. */
export function initKernelsOn(core: Core): InitKernels {
  return { orthogonal: orthogonalOn(core), fillUniform: fillUniformOn(core), fillNormal: fillNormalOn(core) };
}

// The generator's state block of uniform_fill and normal_fill: sfc32's 4 i32, the cached normal's flag (i32
// at +16) and value (f64 at +24); the values follow it.
const STATE_BYTES = 32;

/**
 * Runs `draw(state, values)` on a block holding rng's state and room for `valueBytes` of values, copies the
 * values out with `take` and the advanced state back into rng; frees the block whatever happens.
 */
function drawInCore(core: Core, rng: Rng, valueBytes: number, draw: (state: number, values: number) => void,
  take: (buffer: ArrayBuffer, values: number) => void): void {
  const state = rng.getState(); // [a, b, c, counter, keyLo, keyHi, cached (0/1), cached value]
  const block = core.heap.alloc(STATE_BYTES + valueBytes);
  try {
    new Int32Array(core.kernels.memory.buffer, block, 5).set([...state.slice(0, 4), state[6]]);
    new Float64Array(core.kernels.memory.buffer, block + 24, 1)[0] = state[7];
    draw(block, block + STATE_BYTES);
    const buffer = core.kernels.memory.buffer;
    take(buffer, block + STATE_BYTES);
    const words = new Int32Array(buffer, block, 5);
    rng.setState([words[0], words[1], words[2], words[3], state[4], state[5], words[4], new Float64Array(buffer, block + 24, 1)[0]]);
  } finally {
    core.heap.free(block);
  }
}

/** The core's uniform_fill as a FillUniform. */
function fillUniformOn(core: Core): FillUniform {
  return (rng, out, lo, span) => drawInCore(core, rng, out.length * 4,
    (state, values) => core.kernels.uniform_fill(state, out.length, values, lo, span),
    (buffer, values) => out.set(new Float32Array(buffer, values, out.length)));
}

/** The core's normal_fill as a FillNormal. */
function fillNormalOn(core: Core): FillNormal {
  return (rng, out, mean, std, truncate) => {
    const wide = out instanceof Float64Array;
    drawInCore(core, rng, out.length * (wide ? 8 : 4),
      (state, values) => core.kernels.normal_fill(state, out.length, values, wide ? 1 : 0, mean, std, truncate ? 1 : 0),
      (buffer, values) => out.set(wide ? new Float64Array(buffer, values, out.length) : new Float32Array(buffer, values, out.length)));
  };
}

/**
 * The core's normal_fill and orthogonal_q as an Orthogonal: the normals are drawn where the QR reads them
 * (the matrix, then Q, and its scratch follow the state in one block), so they never pass through
 * JavaScript.
 */
function orthogonalOn(core: Core): Orthogonal {
  return (rng, out, m, n, transposed) => {
    const bytes = m * n * 8;
    drawInCore(core, rng, 2 * bytes,
      (state, a) => {
        core.kernels.normal_fill(state, m * n, a, 1, 0, 1, 0);
        core.kernels.orthogonal_q(m, n, a, a + bytes, transposed ? 1 : 0);
      },
      (buffer, q) => out.set(new Float64Array(buffer, q, m * n)));
  };
}

/**
 * Overwrites `out` (a [rows, cols] tensor, see the header for the fans) with initializer `name`; kernels
 * draw the uniform and normal values and factor the normal matrix of 'orthogonal'.
 */
export function initialize(name: InitializerName, out: Float32Array, rows: number, cols: number, rng: Rng, kernels: InitKernels): void {
  if (!(Number.isSafeInteger(rows) && rows >= 0 && Number.isSafeInteger(cols) && cols >= 0)) {
    throw new Error(`initialize(${name}): rows and cols must be non-negative integers, got rows=${rows}, cols=${cols}`);
  }
  if (out.length !== rows * cols) {
    throw new Error(`initialize(${name}): out has ${out.length} elements, expected rows*cols = ${rows}*${cols} = ${rows * cols}`);
  }
  if (out.length === 0) return; // also keeps the fans below away from 0
  const fanIn = cols;
  const fanOut = rows;
  switch (name) {
    case 'glorot_uniform':
      return fillUniform(out, Math.sqrt(6 / (fanIn + fanOut)), rng, kernels);
    case 'glorot_normal':
      return kernels.fillNormal(rng, out, 0, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_NORMAL_STD_CORRECTION, true);
    case 'he_uniform':
      return fillUniform(out, Math.sqrt(6 / fanIn), rng, kernels);
    case 'he_normal':
      return kernels.fillNormal(rng, out, 0, Math.sqrt(2 / fanIn) / TRUNCATED_NORMAL_STD_CORRECTION, true);
    case 'lecun_uniform':
      return fillUniform(out, Math.sqrt(3 / fanIn), rng, kernels);
    case 'lecun_normal':
      return kernels.fillNormal(rng, out, 0, Math.sqrt(1 / fanIn) / TRUNCATED_NORMAL_STD_CORRECTION, true);
    case 'orthogonal':
      return fillOrthogonal(out, rows, cols, rng, kernels);
    case 'zeros':
      out.fill(0);
      return;
    case 'ones':
      out.fill(1);
      return;
    case 'random_uniform':
      return fillUniform(out, RANDOM_UNIFORM_LIMIT, rng, kernels);
    case 'random_normal':
      return kernels.fillNormal(rng, out, 0, RANDOM_NORMAL_STD, false);
    default:
      throw unknownInitializer(name); // only untyped callers get here
  }
}

/** Uniform in [−limit, limit): −limit + 2·limit·u, computed in that order (the values recur has always drawn). */
function fillUniform(out: Float32Array, limit: number, rng: Rng, kernels: InitKernels): void {
  kernels.fillUniform(rng, out, -limit, 2 * limit);
}

/**
 * Keras `Orthogonal` (gain 1): QR-factor an m×n standard normal matrix, m = max(rows, cols) and
 * n = min(rows, cols), scale Q's columns by sign(diag R), and transpose when rows < cols. The result has
 * orthonormal columns (rows >= cols) or orthonormal rows (rows < cols). The sign correction makes the
 * factorisation unique (R with a positive diagonal), so orthogonal yields the same Q as LAPACK would for
 * the same normal matrix.
 */
function fillOrthogonal(out: Float32Array, rows: number, cols: number, rng: Rng, kernels: InitKernels): void {
  // out is [m, n] = Q when rows >= cols, else [n, m] = Qᵀ.
  kernels.orthogonal(rng, out, Math.max(rows, cols), Math.min(rows, cols), rows < cols);
}
