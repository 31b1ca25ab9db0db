// The Node backend of training threads (worker_threads), the main thread's side: starts the workers of
// fit / trainOnBatch({ threads }), hands them the model once, the data once per fit (in SharedArrayBuffers,
// one copy for all of them) and each step's parameters, and collects their gradients. Only the Node entry
// uses this file (useNodeThreads); browser and Workers bundles never contain it.
//
// Per step and worker: a message and a wake-up each way (a worker idles in its event loop, the main thread
// in Atomics.wait: ~20 µs for a round trip here) and copies of the parameter and gradient blocks. Measured
// (README): a step of a tiny model goes from 0.04–0.08 ms to 0.16–0.31 ms on 2 threads, while W5's 52–61 ms
// step takes 28–32 ms; starting a worker costs ~0.1 s. A spinning worker would answer faster but burn a core.
//
// A worker runs the Node entry itself (in dist/ one bundle holding everything): the entry calls
// useNodeThreads, which in a worker serves as a training thread (node-thread-worker.ts).
//
// node:worker_threads is loaded when the first workers start, not when recur is imported: loading it
// costs every cold start ~4 ms, and ~15 ms when a V8 flag makes Node compile its built-in modules afresh
// (Node 20's --experimental-wasm-relaxed-simd does: its code cache no longer matches).

import type { Worker, MessagePort } from 'node:worker_threads';
import type { Sequential } from '../model.ts';
import type { Data } from '../data.ts';
import { saveModel } from '../io/model-file.ts';
import { registerThreadBackend, type Workers } from './threads.ts';
import type { BatchResult } from './results.ts';
import { serveIfTrainingThread, SETUP_KEY, THREAD_SETUP, DEAD, type ThreadSetup, type SharedData, type ToWorker, type FromWorker } from './node-thread-worker.ts';

/** How long a worker may take to load its core and model before fit gives up on it. */
const START_TIMEOUT_MS = 60_000;

/**
 * Runs first in every worker: puts the worker's setup where the entry will look for it (THREAD_SETUP),
 * reports a failure to load this module, and registers tsx's loader when this is the TypeScript source
 * (tsx's --import does not reach worker threads on Node 20: privatenumber/tsx#354). Its end is WATCHDOG's
 * to report. Passed as source text: a worker started from a .ts file would fail before any of our code
 * ran. Workers inherit the process's flags, and under `node --input-type=module` that text runs as a
 * module, where there is no `require`: both sources here take node:worker_threads from
 * process.getBuiltinModule.
 */
const BOOTSTRAP = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { signal, index, port } = workerData.${SETUP_KEY};
globalThis[Symbol.for('${THREAD_SETUP.description}')] = workerData.${SETUP_KEY};
(async () => {
  if (workerData.loader) (await import(workerData.loader)).register();
  await import(workerData.entry);
})().catch((error) => {
  port.postMessage({ kind: 'failed', error: String(error && error.message || error) });
  Atomics.add(signal, index, 1);
  Atomics.notify(signal, index);
});
`;

/**
 * The one extra thread of a set of training threads: it marks a training thread's counter DEAD when the
 * thread ends, so that a main thread waiting on it wakes up. The main thread waits for replies in
 * Atomics.wait, so it cannot see a worker's 'exit' event, and an exit handler in the worker would not do:
 * a thread that V8 stops at its heap limit (ERR_WORKER_OUT_OF_MEMORY) runs none, nor does one ended by
 * terminate(). Each training thread holds one end of a channel (ThreadSetup.life) and this thread the
 * other: however a training thread ends, its end closes, and this thread sees it. (Only a started port
 * reports 'close', hence the message listeners.) Plain source: it loads nothing of recur.
 */
const WATCHDOG = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { signal, ends } = workerData;
ends.forEach((end, index) => {
  end.on('message', () => {});
  end.on('close', () => { Atomics.store(signal, index, ${DEAD}); Atomics.notify(signal, index); });
});
`;

class NodeWorkers implements Workers {
  readonly count: number;
  /** Every thread started: the watchdog, then the training threads. */
  private readonly threads: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly setups: ThreadSetup[] = [];
  /** Per worker: the value of its reply counter when its last reply was taken. */
  private readonly seen: number[];
  private readonly signal: Int32Array;

  constructor(model: Sequential, count: number, entry: string) {
    const training = model.training;
    if (!training) throw new Error('training threads need a compiled model');
    // A worker runs `entry`: if that is not recur's own file but an application bundled with it (or the
    // CLI), the worker would run the whole application again.
    if (!/\/entry-node\.[jt]s$/.test(new URL(entry).pathname)) {
      throw new Error(`threads > 1 start workers from recur's Node entry file (dist/entry-node.js), but recur runs from ${entry}: `
        + 'bundled into another file, it cannot train on several threads (leave recur out of the bundle, or use threads: 1)');
    }
    this.count = count;
    this.seen = new Array<number>(count).fill(0);
    this.signal = new Int32Array(new SharedArrayBuffer(4 * count));
    const floats = model.requireBuilt().built.layout.totalFloats;
    const bytes = saveModel(model, { includeOptimizer: false });
    // import.meta.resolve only runs for the TypeScript source, where tsx is a dev dependency.
    const loader = entry.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
    const { Worker, MessageChannel } = workerThreads();
    /** Failures arrive as replies or as the DEAD counter; a worker never keeps the process alive (fit ends its workers, and trainOnBatch's may be forgotten). */
    const start = (source: string, workerData: unknown, transferList: MessagePort[]): void => {
      const worker = new Worker(source, { eval: true, workerData, transferList });
      worker.on('error', () => {}); // without a listener, an 'error' event would crash the process
      worker.unref();
      this.threads.push(worker);
    };
    try {
      const lives = Array.from({ length: count }, () => new MessageChannel());
      const ends = lives.map(({ port2 }) => port2);
      start(WATCHDOG, { signal: this.signal, ends }, ends);
      for (let index = 0; index < count; index++) {
        const { port1, port2 } = new MessageChannel();
        const life = lives[index].port1;
        const setup: ThreadSetup = {
          index, port: port2, life, signal: this.signal, model: bytes, core: model.coreModule(), loss: training.loss.name, metrics: training.metrics,
          params: shared(Float32Array, floats), grads: shared(Float32Array, floats),
        };
        start(BOOTSTRAP, { entry, loader, [SETUP_KEY]: setup }, [port2, life]);
        port1.unref();
        this.ports.push(port1);
        this.setups.push(setup);
      }
      for (let k = 0; k < count; k++) this.receive(k, START_TIMEOUT_MS);
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  load(data: Data): void {
    const message: ToWorker = {
      kind: 'data',
      data: {
        x: { data: shareCopy(Float32Array, data.x.data), shape: data.x.shape },
        y: data.y && { data: shareCopy(Float32Array, data.y.data), shape: data.y.shape },
        samples: data.samples, steps: data.steps, lengths: data.lengths && shareCopy(Int32Array, data.lengths),
      } satisfies SharedData,
    };
    for (const port of this.ports) port.postMessage(message);
  }

  start(k: number, indices: Int32Array, params: Float32Array): void {
    this.setups[k].params.set(params);
    // A copy: posting a subarray would clone the whole buffer under it (fit's sample order).
    const message: ToWorker = { kind: 'step', indices: indices.slice() };
    this.ports[k].postMessage(message);
  }

  finish(k: number): { result: BatchResult; grads: Float32Array } {
    const reply = this.receive(k, Infinity);
    if (reply.kind !== 'done') throw new Error(`training thread ${k + 1}: unexpected ${reply.kind} message`);
    return { result: reply.result, grads: this.setups[k].grads };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((worker) => worker.terminate()));
  }

  /** Blocks until worker k's next reply; throws its failure, or that it exited, or (only starting has a timeout) that it did not start. */
  private receive(k: number, timeout: number): FromWorker {
    const deadline = performance.now() + timeout;
    let value = Atomics.load(this.signal, k);
    while (value === this.seen[k]) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`training thread ${k + 1} did not start within ${timeout / 1000} s`);
      Atomics.wait(this.signal, k, value, left);
      value = Atomics.load(this.signal, k);
    }
    // A failed worker posts its reason, then exits: the message may be there even when the counter says DEAD.
    const message = workerThreads().receiveMessageOnPort(this.ports[k])?.message as FromWorker | undefined;
    if (message?.kind === 'failed') throw new Error(`training thread ${k + 1} failed: ${message.error}`);
    if (!message || value === DEAD) throw new Error(`training thread ${k + 1} exited unexpectedly`);
    this.seen[k] = value;
    return message;
  }
}

/** node:worker_threads (Node caches it after the first call). */
function workerThreads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

type TypedArrayOf<T> = { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** A zeroed typed array of n elements in a SharedArrayBuffer. */
function shared<T>(Type: TypedArrayOf<T>, n: number): T {
  return new Type(new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT));
}

/** A copy of `source` in a SharedArrayBuffer. */
function shareCopy<T extends Float32Array | Int32Array>(Type: TypedArrayOf<T>, source: T): T {
  const copy = shared(Type, source.length);
  copy.set(source as never);
  return copy;
}

/**
 * Called once by the Node entry: `entry` is the entry module's URL (what workers run), `init` its loader
 * of the core (which workers call with the compiled core of the model they train). Registers the backend
 * in the main thread; in a training thread, serves.
 */
export function useNodeThreads(entry: string, init: (core: WebAssembly.Module) => Promise<void>): void {
  registerThreadBackend((model, count) => new NodeWorkers(model, count, entry));
  serveIfTrainingThread(init);
}
