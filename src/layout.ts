// The offset table of a model's parameters: every tensor by its full PyTorch-style name
// (`<layer>.<param>`), contiguous in one block, each 16-byte aligned. Gradients and optimizer state are
// blocks of the same size with the same offsets, so an optimizer step is one kernel call over the block.

import type { InitializerName } from './initializers.ts';

export interface ParamSlot {
  /** Full name: `<layer name>.<param name>`. */
  readonly name: string;
  readonly layer: number;
  readonly local: string;
  readonly shape: readonly number[];
  readonly init: InitializerName;
  readonly after?: (data: Float32Array) => void;
  /** Offset in floats from the start of the block. */
  readonly offset: number;
  readonly size: number;
}

export class ParamLayout {
  readonly slots: readonly ParamSlot[];
  /** Floats in the block, including alignment padding (which stays zero). */
  readonly totalFloats: number;
  /** Real parameter count (no padding). */
  readonly count: number;
  private readonly byName: Map<string, ParamSlot>;

  constructor(layers: readonly { name: string; specs: readonly { name: string; shape: readonly number[]; init: InitializerName; after?: (data: Float32Array) => void }[] }[]) {
    const slots: ParamSlot[] = [];
    let offset = 0;
    layers.forEach((layer, index) => {
      for (const spec of layer.specs) {
        const size = spec.shape.reduce((a, b) => a * b, 1);
        slots.push({ name: `${layer.name}.${spec.name}`, layer: index, local: spec.name, shape: spec.shape, init: spec.init, after: spec.after, offset, size });
        offset += Math.ceil(size / 4) * 4;
      }
    });
    this.slots = slots;
    this.totalFloats = offset;
    this.count = slots.reduce((n, s) => n + s.size, 0);
    this.byName = new Map(slots.map((s) => [s.name, s]));
  }

  get(name: string): ParamSlot | undefined {
    return this.byName.get(name);
  }

  /** Byte addresses of one layer's tensors inside a block at `base`, by parameter name. */
  addresses(base: number, layer: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const slot of this.slots) if (slot.layer === layer) out[slot.local] = base + slot.offset * 4;
    return out;
  }
}
