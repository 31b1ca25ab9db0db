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
