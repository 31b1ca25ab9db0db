// The training loop: epochs of shuffled mini-batches, a validation split or set, callbacks and the
// history — Keras' model.fit, over the model's trainBatch (forward, BPTT, one optimizer step), its
// gradients split across worker threads when `threads` > 1 (train/threads.ts).
//
// Nothing here knows about particular layers: the model does the numeric work, this file schedules it.

import type { Sequential } from '../model.ts';
import { range, type Data } from '../data.ts';
import { accumulate, logs, type BatchResult } from './results.ts';
import type { TensorLike } from '../tensor.ts';
import { checkOptions, integer, number, boolean } from '../options.ts';
import { threadCount, startWorkers } from './threads.ts';

type Logs = Record<string, number>;
type Maybe<T> = T | Promise<T>;

export interface Callbacks {
  onTrainBegin?(logs: Logs): Maybe<void>;
  onTrainEnd?(logs: Logs): Maybe<void>;
  onEpochBegin?(epoch: number, logs: Logs): Maybe<void>;
  onEpochEnd?(epoch: number, logs: Logs): Maybe<void>;
  onBatchEnd?(batch: number, logs: Logs): Maybe<void>;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling (as Keras does), kept for validation. */
  validationSplit?: number;
  /** [x, y] or [x, y, lengths]. */
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, ArrayLike<number>];
  /** Per-sample sequence lengths of x (steps beyond are padding: they change no output, state, loss or gradient). */
  lengths?: ArrayLike<number>;
  callbacks?: Callbacks | Callbacks[];
  /**
   * Threads computing each batch (Node only; default 1): the batch is split into that many contiguous
   * shards whose gradients are combined before one optimizer step. Workers start with fit and end with it.
   */
  threads?: number;
}

export interface History {
  /** Epoch indices run. */
  epoch: number[];
  /** Per-epoch values by log name: loss, metrics, val_loss, val_<metric>. */
  history: Record<string, number[]>;
}

const OPTIONS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'lengths', 'callbacks', 'threads'] as const;

/** Trains `model` on (x, y). Everything is validated before the first step. */
export async function fit(model: Sequential, x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
  const o = checkOptions(options, OPTIONS, 'fit');
  const epochs = integer(o.epochs, 'fit epochs', 1);
  const batchSize = integer(o.batchSize, 'fit batchSize', 32);
  const shuffle = boolean(o.shuffle, 'fit shuffle', true);
  const split = number(o.validationSplit, 'fit validationSplit', 0, 0, 1);
  if (split >= 1) throw new Error(`fit validationSplit must be below 1, got ${split}`);
  const threads = threadCount(o.threads, 'fit');
  const callbacks = o.callbacks === undefined ? [] : Array.isArray(o.callbacks) ? o.callbacks as Callbacks[] : [o.callbacks as Callbacks];
  const training = model.training;
  if (!training) throw new Error('fit needs a compiled model: call model.compile({ optimizer, loss }) first');
  const data = model.checkData(x, y, o.lengths as ArrayLike<number> | undefined);

  let trainCount = data.samples;
  let validation: { data: Data; indices: Int32Array } | undefined;
  if (o.validationData !== undefined) {
    if (split > 0) throw new Error('fit: give validationSplit or validationData, not both');
    const pair = o.validationData;
    if (!Array.isArray(pair) || pair.length < 2 || pair.length > 3) throw new Error('fit validationData must be [x, y] or [x, y, lengths]');
    const vdata = model.checkData(pair[0] as TensorLike, pair[1] as TensorLike, pair[2] as ArrayLike<number> | undefined);
    validation = { data: vdata, indices: range(0, vdata.samples) };
  } else if (split > 0) {
    const held = Math.floor(data.samples * split);
    if (held < 1 || held >= data.samples) {
      throw new Error(`fit validationSplit ${split} of ${data.samples} samples leaves ${held} for validation and ${data.samples - held} for training: both need at least 1`);
    }
    trainCount = data.samples - held;
    validation = { data, indices: range(trainCount, held) };
  }

  const history: History = { epoch: [], history: {} };
  model.stopTraining = false;
  const order = range(0, trainCount);
  const workers = threads > 1 ? startWorkers(model, threads, 'fit') : undefined;
  // Whatever ends the loop (the last epoch, stopTraining, an error in a step or a callback), the workers end too.
  try {
    workers?.load(data);
    for (const cb of callbacks) await cb.onTrainBegin?.({});
    let last: Logs = {};
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
      if (shuffle) model.rng.shuffle(order);
      const total: BatchResult = { lossSum: 0, rows: 0, metrics: training.metrics.map(() => ({ sum: 0, count: 0 })) };
      for (let start = 0, batch = 0; start < trainCount && !model.stopTraining; start += batchSize, batch++) {
        const indices = order.subarray(start, Math.min(trainCount, start + batchSize));
        const result = model.trainBatch(data, indices, workers);
        accumulate(total, result);
        for (const cb of callbacks) await cb.onBatchEnd?.(batch, logs(result, training, ''));
      }
      last = logs(total, training, '');
      if (validation) Object.assign(last, model.evaluateData(validation.data, validation.indices, batchSize, training, 'val_'));
      history.epoch.push(epoch);
      for (const [key, value] of Object.entries(last)) (history.history[key] ??= []).push(value);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, last);
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(last);
  } finally {
    await workers?.close();
  }
  return history;
}
