// The offset table of a model's parameters: every tensor by its full PyTorch-style name
// (`<layer>.<param>`), contiguous in one block, each 16-byte aligned. Gradients and optimizer state are
// blocks of the same size with the same offsets, so an optimizer step is one kernel call over the block.
// Weights that forward multiplies as x·Wᵀ also get a slot in a second block holding their packed copies
// (pack_weights: 8-column strips the fast GEMMs stream, then 28-column row blocks for batch-1 GEMVs), and
// pairs of biases that forward only adds together (an LSTM's b_ih and b_hh) one holding their sum.

import type { InitializerName } from './initializers.ts';
import type { ParamSpec } from './layers/layer.ts';
import { packedFloats } from './kernels.ts';

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
  /** Offset in floats in the packed block, or −1 when the tensor has no packed copy (or sum). */
  readonly packedOffset: number;
  /** The parameter (local name) whose sum with this one the packed block holds, when the spec says so. */
  readonly summedWith?: string;
}

export class ParamLayout {
  readonly slots: readonly ParamSlot[];
  /** Floats in the block, including alignment padding (which stays zero). */
  readonly totalFloats: number;
  /** Real parameter count (no padding). */
  readonly count: number;
  /** Floats of the packed block (0 when no tensor is packed). */
  readonly packedFloats: number;
  private readonly byName: Map<string, ParamSlot>;

  constructor(layers: readonly { name: string; specs: readonly ParamSpec[] }[]) {
    const slots: ParamSlot[] = [];
    let offset = 0;
    let packedOffset = 0;
    layers.forEach((layer, index) => {
      for (const spec of layer.specs) {
        const size = spec.shape.reduce((a, b) => a * b, 1);
        const aligned = Math.ceil(size / 4) * 4;
        const packed = spec.packed || spec.summedWith ? packedOffset : -1;
        if (spec.packed) packedOffset += packedFloats(spec.shape[0], spec.shape[1]);
        else if (spec.summedWith) packedOffset += aligned;
        slots.push({ name: `${layer.name}.${spec.name}`, layer: index, local: spec.name, shape: spec.shape, init: spec.init, after: spec.after, offset, size, packedOffset: packed, summedWith: spec.summedWith });
        offset += aligned;
      }
    });
    this.slots = slots;
    this.totalFloats = offset;
    this.packedFloats = packedOffset;
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

  /** Byte addresses of one layer's packed copies (and sums) inside the packed block at `base`, by parameter name. */
  packedAddresses(base: number, layer: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const slot of this.slots) if (slot.layer === layer && slot.packedOffset >= 0) out[slot.local] = base + slot.packedOffset * 4;
    return out;
  }
}
