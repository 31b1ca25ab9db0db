// Tensors at the public boundary: a Float32Array with a shape, and conversion from what users pass in
// (nested arrays, typed arrays with a shape, Tensors), validated so nothing malformed reaches the core.
//
// Not a tensor library: no arithmetic here. Inside, the model works on raw core memory.

/** Nested number arrays of any depth, as users write them: [[[0.1, 0.2], ...], ...]. */
export type NestedArray = number | NestedArray[];

/** What the public API accepts wherever it takes data. */
export type TensorLike = Tensor | { data: Float32Array | ArrayLike<number>; shape: readonly number[] } | NestedArray[];

/** A dense float32 tensor in row-major order. */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];

  constructor(data: Float32Array, shape: readonly number[]) {
    checkShape(shape, 'tensor');
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(`tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The values as nested arrays (plain numbers), shaped like `shape`. */
  toArray(): NestedArray[] {
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      if (dim === this.shape.length - 1) return Array.from(this.data.subarray(offset, offset + n));
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return this.shape.length === 0 ? [this.data[0]] : build(0, 0);
  }
}

/** Builds a Tensor from a typed array or numbers plus a shape (the shape is required for flat data). */
export function tensor(data: Float32Array | ArrayLike<number>, shape: readonly number[]): Tensor {
  return new Tensor(data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), shape);
}

/**
 * Converts user input to a Tensor, checking that nested arrays are rectangular and hold numbers.
 * `what` names the argument in error messages ("x", "y").
 */
export function toTensor(value: TensorLike, what: string): Tensor {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) return fromNested(value, what);
  if (value && typeof value === 'object' && 'data' in value && 'shape' in value) {
    if (!Array.isArray(value.shape)) throw new Error(`${what}.shape must be an array of dimensions, got ${typeof value.shape}`);
    try {
      return tensor(value.data, value.shape);
    } catch (error) {
      throw new Error(`${what}: ${(error as Error).message}`);
    }
  }
  throw new Error(`${what} must be nested arrays of numbers or { data: Float32Array, shape }, got ${value === null ? 'null' : typeof value}`);
}

/** Throws if any value is NaN or ±Infinity, naming the first bad position. */
export function checkFinite(t: Tensor, what: string): void {
  const { data } = t;
  if (allFinite(data)) return;
  const i = data.findIndex((v) => !Number.isFinite(v));
  throw new Error(`${what} contains ${data[i]} at ${formatIndex(i, t.shape)}: every value must be a finite number`);
}

/** Above this many values, allFinite scans with the engine's includes. */
const LOOP_MAX = 16_384;

/**
 * Are all values finite? Two ways, each where it is fast (measured on 2048 and 82 k values):
 * - small arrays, such as every predict's input: a loop, ~0.7 ns a value once optimised, where three
 *   includes scans took 3–6 ns (a W4 predict is ~140 µs, and the scans were ~5–10 µs of it);
 * - large ones (weights, whole data sets), mostly checked once and often at a cold start: the three scans
 *   (NaN matches NaN in includes) run at full speed at once, while the loop would still be interpreted
 *   (0.5 against 2.7 ms for an LSTM's 82 k weights).
 */
function allFinite(data: Float32Array): boolean {
  if (data.length > LOOP_MAX) return !data.includes(NaN) && !data.includes(Infinity) && !data.includes(-Infinity);
  // v·0 is 0 for finite v, NaN for NaN and ±Infinity; four sums, so that no add waits for the one before.
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

/** Formats a flat index as a multi-index, e.g. [2, 0, 1]. */
export function formatIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${what} shape [${shape.join(', ')}] must hold non-negative integers`);
  }
}

function fromNested(value: NestedArray[], what: string): Tensor {
  const shape: number[] = [];
  let probe: NestedArray = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let k = 0;
  const walk = (node: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') {
        throw new Error(`${what}${path.map((i) => `[${i}]`).join('')} must be a number, got ${Array.isArray(node) ? 'an array' : typeof node}`);
      }
      data[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      const got = Array.isArray(node) ? `length ${node.length}` : typeof node;
      throw new Error(`${what} is not rectangular: ${what}${path.map((i) => `[${i}]`).join('')} should be an array of length ${shape[dim]}, got ${got}`);
    }
    node.forEach((child, i) => walk(child, dim + 1, [...path, i]));
  };
  walk(value, 0, []);
  return new Tensor(data, shape);
}
