// layers.masking: marks trailing time steps whose features all equal maskValue as padding (Keras
// Masking, restricted to padding at the end of each sequence, which is what variable-length batches
// are). The data passes through unchanged; the model turns the mask into per-sequence lengths that the
// recurrent layers and the loss respect.

import { checkOptions, number, identifier } from '../options.ts';
import { Layer, type FeatureShape, type LayerCall, type LayerConfig, type ParamSpec } from './layer.ts';
import { parseInputShape } from './input-shape.ts';

export interface MaskingOptions {
  maskValue?: number;
  inputShape?: readonly (number | null)[];
  name?: string;
}

export class Masking extends Layer {
  readonly kind = 'masking';
  readonly defaultName = 'masking';
  readonly maskValue: number;

  constructor(options: MaskingOptions = {}) {
    const where = 'layers.masking';
    const o = checkOptions(options, ['maskValue', 'inputShape', 'name'], where);
    super(identifier(o.name, `${where} name`), parseInputShape(o.inputShape, where, true));
    this.maskValue = number(o.maskValue, `${where} maskValue`, 0);
  }

  config(): LayerConfig {
    return { kind: this.kind, options: { maskValue: this.maskValue, name: this.name, ...(this.inputShape ? { inputShape: this.inputShape } : {}) } };
  }

  protected outputShape(input: FeatureShape): FeatureShape {
    if (!input.sequence || input.tokens) throw new Error('layers.masking needs sequences of feature vectors [steps, features] and must be the first layer');
    return input;
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  outputFloats(): number {
    return 0;
  }

  scratchFloats(): number {
    return 0;
  }

  forward(_call: LayerCall, x: number): number {
    return x;
  }

  /** Nothing to do: masking is the first layer, so there is no input gradient to pass on. */
  backward(): void {}
}

/**
 * Per-sample lengths from trailing padding: a step is padding when all of its `width` values equal
 * `pad`. Throws if a padding step is followed by a real one (only trailing padding is supported).
 */
export function lengthsFromPadding(data: Float32Array, samples: number, steps: number, width: number, pad: number): Int32Array {
  const lengths = new Int32Array(samples);
  const isPad = (s: number, t: number): boolean => {
    for (let f = 0; f < width; f++) if (data[(s * steps + t) * width + f] !== pad) return false;
    return true;
  };
  for (let s = 0; s < samples; s++) {
    let length = steps;
    while (length > 0 && isPad(s, length - 1)) length--;
    for (let t = 0; t < length; t++) {
      if (isPad(s, t)) throw new Error(`sample ${s} has a masked step at ${t} before data at step ${length - 1}: only trailing padding is supported`);
    }
    lengths[s] = length;
  }
  return lengths;
}
