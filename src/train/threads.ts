// Training on several threads, the part every runtime shares: the `threads` option, the hook through which
// a runtime entry supplies worker threads, and one data-parallel step (shards, gradients combined).
//
// This file imports nothing runtime-specific, because fit.ts and model.ts are bundled for browsers and
// Workers too. Only the Node entry registers a backend (train/node-threads.ts, worker_threads); elsewhere
// `threads` > 1 is an error that says so.

import type { Sequential } from '../model.ts';
import type { Data } from '../data.ts';
import { integer } from '../options.ts';
import { accumulate, type BatchResult } from './results.ts';
import { shardRanges, shardWeights } from './shards.ts';

/**
 * Worker threads as a runtime backend provides them: each holds its own core and a copy of the model
 * (compiled with the same loss and metrics) and computes forward, loss and gradients of one shard.
 */
export interface Workers {
  readonly count: number;
  /** Hands every worker the data that shard indices refer to (shared by all of them, not copied per worker). */
  load(data: Data): void;
  /** Starts worker k on the samples `indices` of the loaded data, from the flat parameter block `params`. */
  start(k: number, indices: Int32Array, params: Float32Array): void;
  /** Waits for worker k's shard: its sums and its gradient block (valid until the worker's next start). */
  finish(k: number): { result: BatchResult; grads: Float32Array };
  /** Ends every worker thread; resolves when they are gone. */
  close(): Promise<void>;
}

/** Starts `count` workers for `model` (built and compiled); returns once they are ready. */
export type ThreadBackend = (model: Sequential, count: number) => Workers;

let backend: ThreadBackend | undefined;

/** Called by a runtime entry that can run threads (the Node entry). */
export function registerThreadBackend(threads: ThreadBackend): void {
  backend = threads;
}

/** The `threads` option: a positive integer, 1 when not given. */
export function threadCount(value: unknown, where: string): number {
  return integer(value, `${where} threads`, 1);
}

/** The workers of a run with `threads` threads: the calling thread computes a shard too, so threads − 1 of them. */
export function startWorkers(model: Sequential, threads: number, where: string): Workers {
  if (!backend) {
    throw new Error(`${where} threads: ${threads} needs Node's worker_threads; this runtime's entry of recur trains on one thread only (use threads: 1)`);
  }
  return backend(model, threads - 1);
}

/**
 * Forward, loss and gradients of the samples `indices` of `data` (already loaded into the workers), split
 * into contiguous shards: the first for this thread, one for each worker. The shards' gradients are
 * combined into the model's gradient block; the sums of loss and metrics come back as one batch's. The
 * optimizer step is the caller's, as after model.computeBatch.
 */
export function parallelGradients(model: Sequential, workers: Workers, data: Data, indices: Int32Array): BatchResult {
  const [own, ...others] = shardRanges(indices.length, workers.count + 1);
  const params = model.blockView('params');
  others.forEach(([start, end], k) => workers.start(k, indices.subarray(start, end), params));
  const total = model.computeBatch(data, indices.subarray(...own), true);
  if (others.length === 0) return total;
  const rows = [total.rows];
  const grads = others.map((_, k) => {
    const shard = workers.finish(k);
    rows.push(shard.result.rows);
    accumulate(total, shard.result);
    return shard.grads;
  });
  model.mixGradients(shardWeights(rows), grads);
  return total;
}
