// The layer factories of the public API (Keras-style `layers.simpleRNN({...})`), and rebuilding a layer
// from its saved config.

import { SimpleRNN, type SimpleRNNOptions } from './simple-rnn.ts';
import { Dense, type DenseOptions } from './dense.ts';
import type { Layer, LayerConfig } from './layer.ts';

export const layers = {
  simpleRNN: (options: SimpleRNNOptions): SimpleRNN => new SimpleRNN(options),
  dense: (options: DenseOptions): Dense => new Dense(options),
};

/** Rebuilds a layer from `layer.config()` (as stored in a model file). */
export function layerFromConfig(config: LayerConfig): Layer {
  const options = config.options as Record<string, unknown>;
  switch (config.kind) {
    case 'simpleRNN': return new SimpleRNN(options as unknown as SimpleRNNOptions);
    case 'dense': return new Dense(options as unknown as DenseOptions);
    default: throw new Error(`unknown layer kind ${JSON.stringify(config.kind)} (expected "simpleRNN" or "dense")`);
  }
}

export { SimpleRNN, Dense };
export type { SimpleRNNOptions, DenseOptions, Layer, LayerConfig };
