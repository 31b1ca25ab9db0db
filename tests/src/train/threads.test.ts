// Tests for training on several threads (src/train/threads.ts and the Node backend, node-threads.ts and
// node-thread-worker.ts): fit and trainOnBatch with threads: 2 and 3 must give the weights, losses and
// metrics of threads: 1 up to float summation order, deterministically; workers must end with fit, even
// when a callback throws; bad `threads` values and runtimes without threads must be clear errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Worker } from 'node:worker_threads';
import { init, Sequential, layers, optimizers, tensor, type Tensor, type Optimizer, type LossName, type MetricName, type FitOptions } from '../../../src/entry-node.ts';
import { Rng } from '../../../src/random.ts';
import { shardWeights } from '../../../src/train/shards.ts';

await init();

// Every worker the backend starts, to check that they end: the backend takes Worker from
// process.getBuiltinModule('node:worker_threads'), the CommonJS module object patched here (its ESM
// binding follows after syncBuiltinESMExports).
const started: Worker[] = [];
/** The workerData each of them was started with. */
const startedWith: Record<string, unknown>[] = [];
const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
const Original = workerThreads.Worker;
workerThreads.Worker = class extends Original {
  constructor(...args: ConstructorParameters<typeof Original>) {
    super(...args);
    started.push(this);
    startedWith.push(args[1]?.workerData as Record<string, unknown>);
  }
};
syncBuiltinESMExports();

/** The setups of the training threads among the workers started since started[from] (the others are their watchdogs). */
function trainingSince(from: number): { core: WebAssembly.Module }[] {
  return startedWith.slice(from).flatMap((data) => (data?.recurTrainingThread ? [data.recurTrainingThread as { core: WebAssembly.Module }] : []));
}

/** Asserts that `sets` sets of training threads, `threads` threads in all, each set with its one watchdog, started since started[from]. */
function assertStarted(from: number, sets: number, threads: number, what: string): void {
  assert.equal(trainingSince(from).length, threads, `${what}: training threads`);
  assert.equal(started.length - from - threads, sets, `${what}: one watchdog per set`);
}

/** Resolves once every worker started since started[from] has exited; rejects after `ms`. */
async function allExited(from: number, ms = 10_000): Promise<void> {
  const workers = started.slice(from);
  const exits = workers.map((w) => (w.threadId === -1 ? Promise.resolve() : new Promise<void>((resolve) => w.once('exit', () => resolve()))));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${workers.length} workers started, not all exited within ${ms} ms`)), ms); });
  try {
    await Promise.race([Promise.all(exits), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Relative to the tensor's largest magnitude (at least 1): only the order of float sums may differ. */
function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  assert.ok(worst <= tol, `${what}: relative difference ${worst.toExponential(2)} exceeds ${tol}`);
}

function uniform(rng: Rng, shape: number[], lo = -1, hi = 1): Tensor {
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)), shape);
}

interface Case {
  name: string;
  model: () => Sequential;
  optimizer: () => Optimizer;
  loss: LossName;
  metrics: MetricName[];
  x: Tensor;
  y: Tensor;
  options: FitOptions;
}

const N = 23; // batches of 10, 10 and 3: neither 2 nor 3 divides every batch, and 3 threads see a batch of 3
const T = 6;

function cases(): Case[] {
  const rng = new Rng(7);
  // Token ids with trailing padding (id 0, maskZero): lengths 6, 5, …, 0 (one sequence entirely padded).
  const ids = new Float32Array(N * T);
  for (let s = 0; s < N; s++) for (let t = 0; t < T - (s % 7); t++) ids[s * T + t] = 1 + rng.int(8);
  const lengths = Array.from({ length: N }, (_, s) => (s * 5) % (T + 1));
  return [
    {
      name: 'embedding(maskZero) → bidirectional GRU → LSTM → per-step softmax, padded, sparse CE + accuracy, Adam, validationSplit',
      model: () => new Sequential({ seed: 5, layers: [
        layers.embedding({ inputDim: 9, outputDim: 5, maskZero: true, inputShape: [T] }),
        layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true }) }),
        layers.lstm({ units: 6, returnSequences: true }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ] }),
      optimizer: () => optimizers.adam({ learningRate: 0.01 }),
      loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'],
      x: tensor(ids, [N, T]), y: tensor(Float32Array.from({ length: N * T }, () => rng.int(3)), [N, T]),
      options: { epochs: 2, batchSize: 10, validationSplit: 0.2 },
    },
    {
      name: 'LSTM → dense on the last step, explicit lengths, MSE + mae, SGD with Nesterov momentum and clipping',
      model: () => new Sequential({ seed: 6, layers: [layers.lstm({ units: 7, inputShape: [T, 3] }), layers.dense({ units: 2 })] }),
      optimizer: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, globalClipNorm: 0.5 }),
      loss: 'mse', metrics: ['mae'],
      x: uniform(rng, [N, T, 3]), y: uniform(rng, [N, 2]),
      options: { epochs: 2, batchSize: 10, lengths },
    },
    {
      name: 'SimpleRNN → GRU (resetAfter false) → sigmoid, binary CE + accuracy, Adam, validationData',
      model: () => new Sequential({ seed: 8, layers: [
        layers.simpleRNN({ units: 5, returnSequences: true, inputShape: [T, 2] }),
        layers.gru({ units: 4, resetAfter: false }),
        layers.dense({ units: 3, activation: 'sigmoid' }),
      ] }),
      optimizer: () => optimizers.adam({ learningRate: 0.01 }),
      loss: 'binaryCrossentropy', metrics: ['accuracy'],
      x: uniform(rng, [N, T, 2]), y: tensor(Float32Array.from({ length: N * 3 }, () => rng.int(2)), [N, 3]),
      options: { epochs: 2, batchSize: 10, validationData: [uniform(rng, [5, T, 2]), tensor(new Float32Array(15).fill(1), [5, 3])] },
    },
  ];
}

interface Trained {
  initial: Record<string, Tensor>;
  weights: Record<string, Tensor>;
  history: Record<string, number[]>;
  batches: Record<string, number>[];
}

async function train(c: Case, threads: number): Promise<Trained> {
  const model = c.model();
  model.compile({ optimizer: c.optimizer(), loss: c.loss, metrics: c.metrics });
  const initial = model.getWeights();
  const batches: Record<string, number>[] = [];
  const { history } = await model.fit(c.x, c.y, { ...c.options, threads, callbacks: { onBatchEnd: (_, logs) => { batches.push(logs); } } });
  const weights = model.getWeights();
  model.dispose();
  return { initial, weights, history, batches };
}

test('mixGradients: the row-weighted sum of shard gradients is the gradient of the whole batch (padded per-step rows)', () => {
  const [c] = cases();
  const model = c.model().compile({ optimizer: 'adam', loss: c.loss });
  const data = model.checkData(c.x, c.y);
  const gradients = (indices: number[]): { grads: Float32Array; rows: number } => {
    const { rows } = model.computeBatch(data, Int32Array.from(indices), true);
    return { grads: model.blockView('grads').slice(), rows };
  };
  const whole = gradients([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const shards = [gradients([0, 1, 2, 3]), gradients([4, 5, 6]), gradients([7, 8])];
  assert.ok(new Set(shards.map((s) => s.rows)).size === 3, `shards of different row counts: ${shards.map((s) => s.rows)}`);
  model.blockView('grads').set(shards[0].grads);
  model.mixGradients(shardWeights(shards.map((s) => s.rows)), shards.slice(1).map((s) => s.grads));
  assertClose(model.blockView('grads'), whole.grads, 1e-6, 'mixed gradient');
  model.dispose();
});

for (const c of cases()) {
  test(`fit with threads: 2 and 3 gives the weights, history and batch logs of threads: 1 — ${c.name}`, async () => {
    const from = started.length;
    const one = await train(c, 1);
    for (const [name, w] of Object.entries(one.weights)) assert.notDeepEqual(w.data, one.initial[name].data, `training moved ${name}`);
    for (const threads of [2, 3]) {
      const many = await train(c, threads);
      for (const [name, w] of Object.entries(one.weights)) assertClose(many.weights[name].data, w.data, 1e-5, `threads ${threads}: ${name}`);
      assert.deepEqual(Object.keys(many.history), Object.keys(one.history));
      for (const [key, values] of Object.entries(one.history)) assertClose(many.history[key], values, 1e-6, `threads ${threads}: history ${key}`);
      assert.equal(many.batches.length, one.batches.length);
      many.batches.forEach((logs, b) => assertClose(Object.values(logs), Object.values(one.batches[b]), 1e-6, `threads ${threads}: batch ${b} logs`));
    }
    assertStarted(from, 2, 1 + 2, 'one worker for threads: 2, two for threads: 3');
    await allExited(from);
  });
}

test('threads: 2 is deterministic: two runs give bit-identical weights', async () => {
  const [c] = cases();
  const a = await train(c, 2);
  const b = await train(c, 2);
  for (const [name, w] of Object.entries(a.weights)) assert.deepEqual(b.weights[name].data, w.data, name);
  assert.deepEqual(b.history, a.history);
});

test('trainOnBatch with threads: 2 matches threads: 1 step after step, reuses its workers, and ends them on compile and dispose', async () => {
  const rng = new Rng(11);
  const x = uniform(rng, [9, 5, 3]);
  const y = tensor(Float32Array.from({ length: 9 }, () => rng.int(4)), [9]);
  const make = (): Sequential => {
    const m = new Sequential({ seed: 12, layers: [layers.gru({ units: 6, inputShape: [5, 3] }), layers.dense({ units: 4, activation: 'softmax' })] });
    return m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
  };
  const one = make();
  const two = make();
  const from = started.length;
  for (let step = 0; step < 3; step++) {
    const want = one.trainOnBatch(x, y);
    const got = two.trainOnBatch(x, y, { threads: 2 });
    assertClose(Object.values(got), Object.values(want), 1e-6, `step ${step} logs`);
    assertClose(two.getGradients()['gru.weight_hh_l0'].data, one.getGradients()['gru.weight_hh_l0'].data, 1e-6, `step ${step} combined gradient`);
  }
  for (const [name, w] of Object.entries(one.getWeights())) assertClose(two.getWeights()[name].data, w.data, 1e-5, name);
  assertStarted(from, 1, 1, 'one worker, kept across the three calls');
  // The worker instantiates the model's own compiled core (whichever build init() loaded), not its default.
  assert.equal(trainingSince(from)[0].core, two.coreModule());
  two.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  two.trainOnBatch(x, y, { threads: 2 });
  assertStarted(from, 2, 2, 'compile() ended the worker; the next call started another');
  two.dispose();
  one.dispose();
  await allExited(from);
});

test('an error thrown in a callback, or stopTraining, still ends every worker', async () => {
  const [c] = cases();
  const model = c.model().compile({ optimizer: 'adam', loss: c.loss });
  const from = started.length;
  const throwing = { onBatchEnd: (batch: number) => { if (batch === 1) throw new Error('callback failed'); } };
  await assert.rejects(model.fit(c.x, c.y, { batchSize: 8, threads: 3, callbacks: throwing }), /callback failed/);
  assertStarted(from, 1, 2, 'threads: 3');
  await allExited(from);
  let batches = 0;
  const stopping = { onBatchEnd: () => { batches++; model.stopTraining = true; } };
  await model.fit(c.x, c.y, { epochs: 5, batchSize: 8, threads: 2, callbacks: stopping });
  assert.equal(batches, 1);
  await allExited(from);
  model.dispose();
});

test('bad threads values are clear errors, before any training', async () => {
  const [c] = cases();
  const model = c.model().compile({ optimizer: 'adam', loss: c.loss });
  const before = JSON.stringify(model.getWeights());
  for (const bad of [0, -1, 1.5, NaN, '2', null]) {
    const shown = JSON.stringify(bad);
    await assert.rejects(model.fit(c.x, c.y, { threads: bad as number }), { message: `fit threads must be an integer ≥ 1, got ${shown}` });
    assert.throws(() => model.trainOnBatch(c.x, c.y, { threads: bad as number }), { message: `trainOnBatch threads must be an integer ≥ 1, got ${shown}` });
  }
  assert.equal(JSON.stringify(model.getWeights()), before);
  model.dispose();
});

const ROOT = new URL('../../../', import.meta.url);
const run = promisify(execFile);

test('recur bundled into an application refuses threads > 1 instead of starting workers that would rerun the application (child process)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recur-threads-'));
  try {
    await writeFile(join(dir, 'app.mjs'), `
      import { readFile } from 'node:fs/promises';
      import { isMainThread } from 'node:worker_threads';
      import { init, Sequential, layers } from ${JSON.stringify(fileURLToPath(new URL('src/entry-node.ts', ROOT)))};
      console.log(isMainThread ? 'app started' : 'APP STARTED IN A WORKER');
      await init(await readFile(${JSON.stringify(fileURLToPath(new URL('build/release.wasm', ROOT)))}));
      const model = new Sequential({ layers: [layers.simpleRNN({ units: 2, inputShape: [3, 1] }), layers.dense({ units: 1 })] });
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      await model.fit([[[1], [2], [3]]], [[1]], { threads: 2 }).catch((e) => console.log(e.message));
    `);
    await build({ entryPoints: [join(dir, 'app.mjs')], outfile: join(dir, 'bundle.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
    const { stdout } = await run(process.execPath, [join(dir, 'bundle.mjs')], { timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'app started');
    assert.match(lines[1], /^threads > 1 start workers from recur's Node entry file \(dist\/entry-node\.js\), but recur runs from file:.*bundle\.mjs: bundled into another file/);
    assert.equal(lines.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the browser entry has no threads: threads > 1 is an error saying they need Node\'s worker_threads (child process)', async () => {
  const script = `
    import { readFile } from 'node:fs/promises';
    import { init, Sequential, layers } from './src/entry-browser.ts';
    await init(await readFile('build/release.wasm'));
    const model = new Sequential({ layers: [layers.simpleRNN({ units: 2, inputShape: [3, 1] }), layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = [[[1], [2], [3]], [[4], [5], [6]]], y = [[1], [2]];
    await model.fit(x, y, { threads: 2 }).catch((e) => console.log('fit: ' + e.message));
    try { model.trainOnBatch(x, y, { threads: 2 }); } catch (e) { console.log('trainOnBatch: ' + e.message); }
    await model.fit(x, y, { threads: 1 });
    console.log('threads 1 trains');
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
  assert.deepEqual(stdout.trim().split('\n'), [
    "fit: fit threads: 2 needs Node's worker_threads; this runtime's entry of recur trains on one thread only (use threads: 1)",
    "trainOnBatch: trainOnBatch threads: 2 needs Node's worker_threads; this runtime's entry of recur trains on one thread only (use threads: 1)",
    'threads 1 trains',
  ]);
});

test('a training thread that ends without its exit handler (as at V8\'s heap limit) fails the next step instead of leaving it waiting (child process)', async () => {
  // worker.terminate() skips a thread's exit handlers, as V8 stopping it at its heap limit does: the main
  // thread, waiting in Atomics.wait, must learn of it from the watchdog. Without one it would wait for
  // ever, hence a child process with a timeout. The child runs under --input-type=module, which its
  // workers inherit: their eval'd sources must run as modules too.
  const script = `
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const workerThreads = createRequire(import.meta.url)('node:worker_threads');
    const threads = [];
    const Original = workerThreads.Worker;
    workerThreads.Worker = class extends Original {
      constructor(...args) { super(...args); if (args[1]?.workerData?.recurTrainingThread) threads.push(this); }
    };
    syncBuiltinESMExports();
    const { init, Sequential, layers } = await import('./src/entry-node.ts');
    await init();
    const model = new Sequential({ seed: 3, layers: [layers.simpleRNN({ units: 2, inputShape: [3, 1] }), layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = [[[1], [2], [3]], [[4], [5], [6]]], y = [[1], [2]];
    model.trainOnBatch(x, y, { threads: 2 });
    const before = JSON.stringify(model.getWeights());
    await threads[0].terminate();
    try { model.trainOnBatch(x, y, { threads: 2 }); console.log('no error'); } catch (e) { console.log(e.message); }
    console.log(JSON.stringify(model.getWeights()) === before ? 'weights unchanged' : 'weights changed');
    model.trainOnBatch(x, y, { threads: 2 });
    console.log(threads.length + ' training threads started; trains again');
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
  assert.deepEqual(stdout.trim().split('\n'), ['training thread 1 exited unexpectedly', 'weights unchanged', '2 training threads started; trains again']);
});
