// recur's public API, shared by every runtime entry (entry-node.ts, entry-browser.ts, entry-workerd.ts),
// which add `init()` with the right default source for the core.

export { Sequential, type SequentialOptions, type CompileOptions } from './model.ts';
export { layers, type SimpleRNNOptions, type LSTMOptions, type GRUOptions, type BidirectionalOptions, type DenseOptions, type EmbeddingOptions, type MaskingOptions, type Layer } from './layers/index.ts';
export { optimizers, type Optimizer, type AdamOptions, type SGDOptions } from './train/optimizers.ts';
export type { FitOptions, History, Callbacks } from './train/fit.ts';
export type { LossName } from './train/losses.ts';
export type { MetricName } from './train/metrics.ts';
export { Tensor, tensor, type TensorLike, type NestedArray } from './tensor.ts';
export { saveModel, loadModel } from './io/model-file.ts';
export type { WasmSource } from './wasm.ts';
export { loadKerasWeights, kerasWeightsToRecur, kerasLayerToRecur, recurWeightsToKeras, type KerasArray, type KerasLayerWeights, type KerasLayerLike, type KerasWeight } from './io/keras.ts';
