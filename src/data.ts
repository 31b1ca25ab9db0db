// Data at the model boundary: validating x, y and sequence lengths against a model (ranks, sizes, finite
// values, class indices, token ids, trailing padding), and moving batches between the user's
// batch-major [samples, steps, width] arrays and the core's time-major [steps, B, width] buffers.

import { Tensor, toTensor, formatIndex, type TensorLike } from './tensor.ts';
import { checkFinite } from './finite.ts';
import type { FeatureShape, Layer } from './layers/layer.ts';
import { Masking, lengthsFromPadding } from './layers/masking.ts';
import { Embedding } from './layers/embedding.ts';

/** x and y checked against the model, with per-sample lengths when sequences are padded. */
export interface Data {
  readonly x: Tensor;
  readonly y: Tensor | undefined;
  readonly samples: number;
  readonly steps: number;
  /** Per-sample lengths in [0, steps], or undefined when every sequence has `steps` steps. */
  readonly lengths: Int32Array | undefined;
}

/** What the checks need to know about the model. */
export interface DataSpec {
  readonly first: Layer;
  readonly input: FeatureShape;
  readonly fixedSteps: number | null;
  readonly head: FeatureShape;
  readonly sparse: boolean;
}

/**
 * Validates x (and y, and explicit lengths) against the model; throws before anything is changed. Lengths
 * come from `lengths`, or from a first masking layer / an embedding with maskZero.
 */
export function checkData(spec: DataSpec, xLike: TensorLike, yLike: TensorLike | undefined, lengthsLike?: ArrayLike<number>): Data {
  const x = toTensor(xLike, 'x');
  const { input, fixedSteps } = spec;
  const width = input.tokens ? undefined : input.features;
  const steps = input.sequence ? (fixedSteps ?? 'steps') : undefined;
  const expected = `[${['samples', steps, width].filter((d) => d !== undefined).join(', ')}]`;
  const rank = (input.sequence ? 2 : 1) + (input.tokens ? 0 : 1);
  if (x.rank !== rank || (width !== undefined && x.shape[rank - 1] !== width) || (input.sequence && fixedSteps !== null && x.shape[1] !== fixedSteps)) {
    throw new Error(`x has shape [${x.shape.join(', ')}], expected ${expected}${input.tokens ? ' of token ids' : ''}`);
  }
  if (x.shape[0] < 1 || (input.sequence && x.shape[1] < 1)) throw new Error(`x has shape [${x.shape.join(', ')}]: it needs at least one sample${input.sequence ? ' and one step' : ''}`);
  checkFinite(x, 'x');
  spec.first.checkInput(x.data);
  const samples = x.shape[0];
  const T = input.sequence ? x.shape[1] : 1;
  const lengths = sequenceLengths(spec, x, samples, T, lengthsLike);
  if (yLike === undefined) return { x, y: undefined, samples, steps: T, lengths };
  const y = toTensor(yLike, 'y');
  checkFinite(y, 'y');
  if (y.shape[0] !== samples) throw new Error(`x and y have different numbers of samples: x has ${samples}, y has ${y.shape[0]}`);
  const { head, sparse } = spec;
  const yWidth = sparse ? 1 : head.features;
  const lead = head.sequence ? [samples, T] : [samples];
  const ok = y.shape.length >= lead.length && lead.every((d, i) => y.shape[i] === d)
    && (y.shape.length === lead.length ? sparse : y.shape.length === lead.length + 1 && y.shape[lead.length] === yWidth);
  if (!ok) {
    const want = `[${lead.join(', ')}${sparse ? '' : `, ${yWidth}`}]`;
    throw new Error(`y has shape [${y.shape.join(', ')}], expected ${want}${sparse ? ` (class indices; [${lead.join(', ')}, 1] also works)` : ''} for this model's output`);
  }
  if (sparse) {
    for (let i = 0; i < y.data.length; i++) {
      const c = y.data[i];
      if (!Number.isInteger(c) || c < 0 || c >= head.features) {
        throw new Error(`y${formatIndex(i, y.shape)} = ${c} is not a class index in [0, ${head.features - 1}]`);
      }
    }
  }
  return { x, y, samples, steps: T, lengths };
}

function sequenceLengths(spec: DataSpec, x: Tensor, samples: number, T: number, given: ArrayLike<number> | undefined): Int32Array | undefined {
  const { first } = spec;
  const masked = first instanceof Masking || (first instanceof Embedding && first.maskZero);
  if (given !== undefined) {
    if (masked) throw new Error('give lengths or a masking layer (or embedding maskZero), not both');
    if (!spec.input.sequence) throw new Error('lengths apply to sequence inputs only');
    if (typeof given !== 'object' || given.length !== samples) throw new Error(`lengths must have one entry per sample (${samples}), got ${given?.length ?? typeof given}`);
    const out = new Int32Array(samples);
    for (let s = 0; s < samples; s++) {
      const n = given[s];
      if (!Number.isInteger(n) || n < 0 || n > T) throw new Error(`lengths[${s}] = ${n} is not an integer in [0, ${T}]`);
      out[s] = n;
    }
    return full(out, T) ? undefined : out;
  }
  if (!masked) return undefined;
  const lengths = first instanceof Masking
    ? lengthsFromPadding(x.data, samples, T, spec.input.features, first.maskValue)
    : lengthsFromPadding(x.data, samples, T, 1, 0);
  return full(lengths, T) ? undefined : lengths;
}

function full(lengths: Int32Array, T: number): boolean {
  return lengths.every((n) => n === T);
}

/** The indices start, start + 1, …, start + n − 1. */
export function range(start: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

/** view (time-major [steps, B, width] at float index `at`) ← src rows of samples `indices` (batch-major [samples, steps, width]). */
export function scatterTimeMajor(view: Float32Array, at: number, src: Float32Array, indices: Int32Array, steps: number, width: number): void {
  const B = indices.length;
  // One sample: both layouts are [steps, width], so one copy (row by row, the subarray calls took ~3 ms of
  // a cold start's first predict).
  if (B === 1) {
    const sample = indices[0] * steps * width;
    view.set(src.subarray(sample, sample + steps * width), at);
    return;
  }
  for (let j = 0; j < B; j++) {
    const sample = indices[j] * steps * width;
    for (let t = 0; t < steps; t++) {
      const from = sample + t * width;
      view.set(src.subarray(from, from + width), at + (t * B + j) * width);
    }
  }
}

/** out (batch-major [samples, steps, width], rows start..start+B) ← view (time-major [steps, B, width] at float index `at`). */
export function gatherBatchMajor(view: Float32Array, at: number, out: Float32Array, start: number, B: number, steps: number, width: number): void {
  if (B === 1) { // one sample: the same layout (see scatterTimeMajor)
    out.set(view.subarray(at, at + steps * width), start * steps * width);
    return;
  }
  for (let j = 0; j < B; j++) {
    for (let t = 0; t < steps; t++) {
      const from = at + (t * B + j) * width;
      out.set(view.subarray(from, from + width), ((start + j) * steps + t) * width);
    }
  }
}

/** Time-major row indices (t·B + j) of the real (unpadded) steps of a batch. */
export function validRows(lengths: Int32Array, indices: Int32Array, T: number): Int32Array {
  const B = indices.length;
  const rows: number[] = [];
  for (let t = 0; t < T; t++) for (let j = 0; j < B; j++) if (t < lengths[indices[j]]) rows.push(t * B + j);
  return Int32Array.from(rows);
}

/** dst[i] ← src row rows[i] (rows of `width` floats; float indices into view). */
export function gatherRows(view: Float32Array, src: number, dst: number, rows: Int32Array, width: number): void {
  for (let i = 0; i < rows.length; i++) view.copyWithin(dst + i * width, src + rows[i] * width, src + (rows[i] + 1) * width);
}

/** dst row rows[i] ← src[i]; every other of the `total` dst rows becomes zero. */
export function scatterRows(view: Float32Array, src: number, dst: number, rows: Int32Array, width: number, total: number): void {
  view.fill(0, dst, dst + total * width);
  for (let i = 0; i < rows.length; i++) view.copyWithin(dst + rows[i] * width, src + i * width, src + (i + 1) * width);
}
