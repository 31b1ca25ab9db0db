// A training thread of the Node backend (train/node-threads.ts), the worker's side: its own instance of
// the main thread's compiled core (whatever init() loaded there), loaded by the Node entry's init(), a copy of the model rebuilt from its model file and compiled with
// the main thread's loss and metrics, and then, per step, the new parameters in, forward + loss + BPTT of
// its shard, the gradient block and the shard's sums out. It never takes an optimizer step.
//
// Also the protocol between the two sides. Replies go through a MessagePort that the main thread reads
// synchronously (receiveMessageOnPort), each one announced on a shared counter the main thread
// Atomics.waits on, so that trainOnBatch stays synchronous (a round trip of small messages: ~20–35 µs here).

import type { MessagePort } from 'node:worker_threads';
import { loadModel } from '../io/model-file.ts';
import { Tensor } from '../tensor.ts';
import type { Data } from '../data.ts';
import type { LossName } from './losses.ts';
import type { MetricName } from './metrics.ts';
import type { BatchResult } from './results.ts';

/** The workerData key of a training thread's setup (other workers of the application have none). */
export const SETUP_KEY = 'recurTrainingThread';
/**
 * The global under which the bootstrap of a training thread (node-threads.ts) puts its setup before it
 * imports the entry, so that importing recur anywhere else never loads node:worker_threads to find out.
 */
export const THREAD_SETUP = Symbol.for('recur.trainingThread');
/** The value of a worker's reply counter once its thread has exited. */
export const DEAD = -1;

/** What a training thread starts with. The Float32Arrays live in SharedArrayBuffers, allocated by the main thread. */
export interface ThreadSetup {
  readonly index: number;
  readonly port: MessagePort;
  /**
   * Never used, only held for the thread's whole life (here, under THREAD_SETUP): it closes when the
   * thread ends, however it ends, and the main thread's watchdog (node-threads.ts) sees its other end close.
   */
  readonly life: MessagePort;
  /** One reply counter per worker: +1 per reply, DEAD when its thread exits. */
  readonly signal: Int32Array;
  /** The model file (io/model-file.ts) of the main thread's model, without optimizer state. */
  readonly model: Uint8Array;
  /** The compiled core of the main thread's model (same build, so the same arithmetic). */
  readonly core: WebAssembly.Module;
  readonly loss: LossName;
  readonly metrics: readonly MetricName[];
  /** Written by the main thread before each step: the whole parameter block. */
  readonly params: Float32Array;
  /** Written by this worker after each step: its shard's gradient block. */
  readonly grads: Float32Array;
}

/** Checked data as shared with the workers: the arrays in SharedArrayBuffers, the tensors without their class. */
export interface SharedData {
  readonly x: { data: Float32Array; shape: readonly number[] };
  readonly y: { data: Float32Array; shape: readonly number[] } | undefined;
  readonly samples: number;
  readonly steps: number;
  readonly lengths: Int32Array | undefined;
}

export type ToWorker = { kind: 'data'; data: SharedData } | { kind: 'step'; indices: Int32Array };
export type FromWorker = { kind: 'ready' } | { kind: 'done'; result: BatchResult } | { kind: 'failed'; error: string };

/** In a worker started by the Node backend: serves as a training thread, with `init` loading its core. Elsewhere nothing. */
export function serveIfTrainingThread(init: (core: WebAssembly.Module) => Promise<void>): void {
  const setup = (globalThis as Record<symbol, ThreadSetup | undefined>)[THREAD_SETUP];
  if (setup) void serve(setup, init);
}

async function serve(setup: ThreadSetup, init: (core: WebAssembly.Module) => Promise<void>): Promise<void> {
  const reply = (message: FromWorker): void => {
    setup.port.postMessage(message);
    Atomics.add(setup.signal, setup.index, 1);
    Atomics.notify(setup.signal, setup.index);
  };
  try {
    await init(setup.core);
    const model = loadModel(setup.model);
    // Plain SGD keeps no state, so this costs no memory; the main thread's optimizer takes every step.
    model.compile({ optimizer: 'sgd', loss: setup.loss, metrics: [...setup.metrics] });
    const { built } = model.requireBuilt();
    const params = new Map(built.layout.slots.map((slot) => [slot.name, setup.params.subarray(slot.offset, slot.offset + slot.size)]));
    let data: Data | undefined;
    setup.port.on('message', (message: ToWorker) => {
      try {
        if (message.kind === 'data') {
          const d = message.data;
          data = { x: new Tensor(d.x.data, d.x.shape), y: d.y && new Tensor(d.y.data, d.y.shape), samples: d.samples, steps: d.steps, lengths: d.lengths };
          return;
        }
        if (!data) throw new Error('a step before any data');
        model.writeBlock(built.params, params);
        const result = model.computeBatch(data, message.indices, true);
        setup.grads.set(model.blockView('grads'));
        reply({ kind: 'done', result });
      } catch (error) {
        reply({ kind: 'failed', error: describe(error) });
      }
    });
    reply({ kind: 'ready' });
  } catch (error) {
    reply({ kind: 'failed', error: describe(error) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
