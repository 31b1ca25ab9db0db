// The layer factories of the public API (Keras-style `layers.lstm({...})`), and rebuilding a layer from
// its saved config.

import { Recurrent, Bidirectional, type SimpleRNNOptions, type LSTMOptions, type GRUOptions, type BidirectionalOptions } from './recurrent.ts';
import { Dense, type DenseOptions } from './dense.ts';
import { Embedding, type EmbeddingOptions } from './embedding.ts';
import { Masking, type MaskingOptions } from './masking.ts';
import type { Layer, LayerConfig } from './layer.ts';
import type { CellKind } from './cells.ts';

export const layers = {
  simpleRNN: (options: SimpleRNNOptions): Recurrent => new Recurrent('simpleRNN', options),
  lstm: (options: LSTMOptions): Recurrent => new Recurrent('lstm', options),
  gru: (options: GRUOptions): Recurrent => new Recurrent('gru', options),
  bidirectional: (options: BidirectionalOptions): Bidirectional => new Bidirectional(options),
  dense: (options: DenseOptions): Dense => new Dense(options),
  embedding: (options: EmbeddingOptions): Embedding => new Embedding(options),
  masking: (options?: MaskingOptions): Masking => new Masking(options),
};

const CELL_KINDS: readonly string[] = ['simpleRNN', 'lstm', 'gru'] satisfies CellKind[];

/** Rebuilds a layer from `layer.config()` (as stored in a model file). */
export function layerFromConfig(config: LayerConfig): Layer {
  const options = config.options as Record<string, unknown>;
  if (CELL_KINDS.includes(config.kind)) return new Recurrent(config.kind as CellKind, options as unknown as LSTMOptions & GRUOptions);
  switch (config.kind) {
    case 'bidirectional': {
      const inner = options.layer as LayerConfig | undefined;
      if (!inner || !CELL_KINDS.includes(inner.kind)) throw new Error('model file is corrupt: a bidirectional layer without a recurrent layer config');
      return new Bidirectional({ ...options, layer: new Recurrent(inner.kind as CellKind, inner.options as unknown as LSTMOptions & GRUOptions) } as BidirectionalOptions);
    }
    case 'dense': return new Dense(options as unknown as DenseOptions);
    case 'embedding': return new Embedding(options as unknown as EmbeddingOptions);
    case 'masking': return new Masking(options as MaskingOptions);
    default: throw new Error(`unknown layer kind ${JSON.stringify(config.kind)} (expected one of: ${[...CELL_KINDS, 'bidirectional', 'dense', 'embedding', 'masking'].join(', ')})`);
  }
}

export { Recurrent, Bidirectional, Dense, Embedding, Masking };
export type { SimpleRNNOptions, LSTMOptions, GRUOptions, BidirectionalOptions, DenseOptions, EmbeddingOptions, MaskingOptions, Layer, LayerConfig };
