// The model file: one .safetensors file holding the weights under their PyTorch-style names (so
// `safetensors.torch.load_file` opens it) and, in `__metadata__`, the model config (JSON), the format
// version, a CRC-32 of the tensor data and, for a compiled model, the training state (optimizer config,
// step count and state tensors `optimizer.<state>.<weight>`, shuffling stream), so that training resumes
// exactly where it stopped, and the application's own strings (`model.metadata`, e.g. a vocabulary).
//
// Loading validates everything (container, format, version, checksum, config, every tensor's name and
// shape) before a model is returned; a failure leaves nothing behind.

import { encodeSafetensors, decodeSafetensors, type NamedTensor, type DecodedTensor } from './safetensors.ts';
import { crc32 } from './crc32.ts';
import { Sequential } from '../model.ts';
import { layerFromConfig, type LayerConfig } from '../layers/index.ts';
import { optimizerFromConfig } from '../train/optimizers.ts';
import { checkOptions, boolean } from '../options.ts';
import type { LossName } from '../train/losses.ts';
import type { MetricName } from '../train/metrics.ts';

export const FORMAT = 'recur';
export const FORMAT_VERSION = 1;
const OPTIMIZER_PREFIX = 'optimizer.';

interface ModelConfig {
  name: string;
  seed: number;
  inputShape: (number | null)[];
  layers: LayerConfig[];
}

interface TrainingConfig {
  loss: LossName;
  metrics: MetricName[];
  optimizer: { kind: string; config: Record<string, unknown>; iterations: number };
  rng: number[];
}

/** The model as .safetensors bytes (with its training state unless includeOptimizer is false). */
export function saveModel(model: Sequential, options: { includeOptimizer?: boolean } = {}): Uint8Array {
  const o = checkOptions(options, ['includeOptimizer'], 'saveModel');
  const includeOptimizer = boolean(o.includeOptimizer, 'saveModel includeOptimizer', true);
  model.requireBuilt();
  const tensors: NamedTensor[] = Object.entries(model.getWeights()).map(([name, t]) => ({ name, shape: [...t.shape], data: t.data }));
  const config: ModelConfig = {
    name: model.name, seed: model.seed, inputShape: [...(model.modelInputShape ?? [])],
    layers: model.layers.map((layer) => layer.config()),
  };
  const metadata: Record<string, string> = {
    format: FORMAT, format_version: String(FORMAT_VERSION), config: JSON.stringify(config), user: JSON.stringify(model.metadata),
  };
  const training = model.training;
  if (training && includeOptimizer) {
    const { optimizer } = training;
    optimizer.stateNames.forEach((state, i) => {
      for (const [name, t] of Object.entries(model.readBlock(training.state[i]))) {
        tensors.push({ name: `${OPTIMIZER_PREFIX}${state}.${name}`, shape: [...t.shape], data: t.data });
      }
    });
    const trainingConfig: TrainingConfig = {
      loss: training.loss.name, metrics: [...training.metrics],
      optimizer: { kind: optimizer.kind, config: optimizer.config(), iterations: optimizer.iterations },
      rng: model.rng.getState(),
    };
    metadata.training = JSON.stringify(trainingConfig);
  }
  metadata.checksum = checksum(tensors.map((t) => t.data));
  return encodeSafetensors(tensors, metadata);
}

/** Rebuilds a model (compiled, with its training state, when the file has one) from .safetensors bytes. */
export function loadModel(bytes: Uint8Array, options: { maxBytes?: number } = {}): Sequential {
  const o = checkOptions(options, ['maxBytes'], 'loadModel');
  if (!(bytes instanceof Uint8Array)) throw new Error(`loadModel expects the file's bytes as a Uint8Array, got ${typeof bytes}`);
  const file = decodeSafetensors(bytes, o.maxBytes === undefined ? {} : { maxBytes: o.maxBytes as number });
  const { metadata, tensors } = file;
  if (metadata.format !== FORMAT) {
    throw new Error(`not a recur model file: __metadata__.format is ${JSON.stringify(metadata.format)}, expected "${FORMAT}"`);
  }
  if (metadata.format_version !== String(FORMAT_VERSION)) {
    throw new Error(`recur model file format version ${metadata.format_version} is not supported (this recur reads version ${FORMAT_VERSION})`);
  }
  const expectedSum = checksum([...tensors.values()].map((t) => t.data));
  if (metadata.checksum !== expectedSum) {
    throw new Error(`model file is corrupt: data checksum is ${expectedSum}, the file says ${JSON.stringify(metadata.checksum)}`);
  }
  const config = parseJson<ModelConfig>(metadata.config, 'config');
  const training = metadata.training === undefined ? undefined : parseJson<TrainingConfig>(metadata.training, 'training');
  if (!config || !Array.isArray(config.layers) || !Array.isArray(config.inputShape)) {
    throw new Error('model file is corrupt: __metadata__.config lacks layers or inputShape');
  }
  const model = new Sequential({ name: config.name, seed: config.seed, layers: config.layers.map(layerFromConfig) });
  try {
    model.build(config.inputShape);
    const { built } = model.requirePlanned();
    const weights = new Map<string, Float32Array>();
    const stateTensors = new Map<string, DecodedTensor>();
    for (const [name, t] of tensors) {
      if (name.startsWith(OPTIMIZER_PREFIX)) { stateTensors.set(name, t); continue; }
      const slot = built.layout.get(name);
      if (!slot) throw new Error(`model file has a tensor "${name}" that this model does not have`);
      checkShape(name, t.shape, slot.shape);
      weights.set(name, t.data);
    }
    const missing = built.layout.slots.filter((s) => !weights.has(s.name)).map((s) => s.name);
    if (missing.length > 0) throw new Error(`model file lacks tensors: ${missing.join(', ')}`);
    model.writeBlock(built.params, weights);
    if (metadata.user !== undefined) Object.assign(model.metadata, parseUserMetadata(metadata.user));
    if (training) restoreTraining(model, training, stateTensors);
    else if (stateTensors.size > 0) throw new Error('model file has optimizer tensors but no training metadata');
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function restoreTraining(model: Sequential, training: TrainingConfig, stateTensors: Map<string, DecodedTensor>): void {
  const optimizer = optimizerFromConfig(training.optimizer?.kind, training.optimizer?.config ?? {});
  model.compile({ optimizer, loss: training.loss, metrics: training.metrics });
  const { built } = model.requireBuilt();
  const state = model.training?.state ?? [];
  optimizer.stateNames.forEach((stateName, i) => {
    const block = new Map<string, Float32Array>();
    for (const slot of built.layout.slots) {
      const name = `${OPTIMIZER_PREFIX}${stateName}.${slot.name}`;
      const t = stateTensors.get(name);
      if (!t) throw new Error(`model file lacks optimizer tensor "${name}"`);
      checkShape(name, t.shape, slot.shape);
      block.set(slot.name, t.data);
      stateTensors.delete(name);
    }
    model.writeBlock(state[i], block);
  });
  if (stateTensors.size > 0) throw new Error(`model file has unexpected optimizer tensors: ${[...stateTensors.keys()].join(', ')}`);
  const iterations = training.optimizer.iterations;
  if (!Number.isSafeInteger(iterations) || iterations < 0) throw new Error(`model file is corrupt: optimizer iterations ${JSON.stringify(iterations)}`);
  optimizer.iterations = iterations;
  model.rng.setState(training.rng);
}

function parseUserMetadata(text: string): Record<string, string> {
  const user = parseJson<unknown>(text, 'user');
  if (!user || typeof user !== 'object' || Array.isArray(user) || Object.values(user).some((v) => typeof v !== 'string')) {
    throw new Error('model file is corrupt: __metadata__.user must be a JSON object of strings');
  }
  return user as Record<string, string>;
}

function checkShape(name: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new Error(`model file tensor "${name}" has shape [${got.join(', ')}], the model expects [${want.join(', ')}]`);
  }
}

function parseJson<T>(text: string | undefined, key: string): T {
  if (text === undefined) throw new Error(`model file is corrupt: __metadata__.${key} is missing`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`model file is corrupt: __metadata__.${key} is not valid JSON`);
  }
}

/** CRC-32 of the tensors' bytes in file order, as 8 hex digits. */
function checksum(datas: Float32Array[]): string {
  let crc = 0;
  for (const d of datas) crc = crc32(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), crc);
  return crc.toString(16).padStart(8, '0');
}
