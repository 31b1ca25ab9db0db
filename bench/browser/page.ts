// The page of bench/browser-infer.bench.ts, bundled by it with esbuild and run in headless Chromium: one
// peer's inference cases as a web page runs them. recur is the package's browser entry (dist/, which
// fetches its core from next to itself: the relaxed-SIMD build where the browser has relaxed SIMD); ONNX
// Runtime Web is its wasm build (ort.wasm.min.mjs), 1 thread. Both are imported at run time from the URLs
// the bench's server maps them to, so a page only ever loads the peer it measures.
//
// Each case is prepared (model built from the case's files, one call checked against the f64 reference)
// before it is timed, with the same timing loop as the Node processes (bench/measure.ts).

import { maxAbsDiff, timeAsync, timeSync, type Timing } from '../measure.ts';
import type * as Recur from '../../dist/entry-browser.js';

type Ort = typeof import('onnxruntime-web');

/** One case as the bench passes it to prepare(); its arrays are the files /case/<id>.* of its server. */
export interface CaseSpec {
  id: string;
  cell: 'lstm' | 'gru';
  resetAfter: boolean;
  B: number;
  T: number;
  I: number;
  H: number;
  /** recur's weights by name, as slices of /case/<id>.weights.f32. */
  weights: { name: string; shape: number[]; offset: number; length: number }[];
  ortVersion: string;
}

/** Where the server serves each peer's module (variables, so that neither tsc nor esbuild resolves them). */
const RECUR_URL: string = '/dist/entry-browser.js';
const ORT_URL: string = '/ort/ort.wasm.min.mjs';

interface Prepared {
  /** One inference of the case; its output. */
  run: () => Float32Array | Promise<Float32Array>;
  sync: boolean;
  info: string;
}

const floats = async (url: string): Promise<Float32Array> => new Float32Array(await (await fetch(url)).arrayBuffer());

async function prepareRecur(spec: CaseSpec, x: Float32Array): Promise<Prepared> {
  const recur = await import(RECUR_URL) as typeof Recur;
  await recur.init();
  const { cell, B, T, I, H } = spec;
  const shape = { units: H, returnSequences: true, inputShape: [T, I] as [number, number] };
  const layer = cell === 'lstm' ? recur.layers.lstm(shape) : recur.layers.gru({ ...shape, resetAfter: spec.resetAfter });
  const model = new recur.Sequential({ seed: 1, layers: [layer] });
  const blob = await floats(`/case/${spec.id}.weights.f32`);
  model.setWeights(Object.fromEntries(spec.weights.map((w) => [w.name, recur.tensor(blob.subarray(w.offset, w.offset + w.length), w.shape)])));
  const input = recur.tensor(x, [B, T, I]);
  const core = recur.coreInfo().relaxedSimd ? 'relaxed-SIMD core (fused multiply-add)' : 'plain SIMD core';
  return { run: () => (model.predict(input, { batchSize: B }) as Recur.Tensor).data, sync: true, info: `recur Sequential from dist/entry-browser.js, ${core}, 1 thread` };
}

async function prepareOrt(spec: CaseSpec, x: Float32Array): Promise<Prepared> {
  const ort = await import(ORT_URL) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  const model = new Uint8Array(await (await fetch(`/case/${spec.id}.onnx`)).arrayBuffer());
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const { B, T, I } = spec;
  const feeds = { X: new ort.Tensor('float32', x, B > 1 ? [B, T, I] : [T, B, I]) };
  return {
    run: async () => (await session.run(feeds)).Y.data as Float32Array,
    sync: false,
    info: `onnxruntime-web ${spec.ortVersion} (ort.wasm.min.mjs: wasm, SIMD), numThreads 1; the one-op ONNX model of the Node rows`,
  };
}

let current: Prepared | undefined;

/** Builds the case's model for `peer` and checks one output: the max |diff| from the f64 reference. */
async function prepare(peer: 'recur' | 'ort-web', spec: CaseSpec): Promise<{ maxErr: number; info: string }> {
  const [x, expected] = await Promise.all([floats(`/case/${spec.id}.x.f32`), floats(`/case/${spec.id}.ref.f32`)]);
  current = peer === 'recur' ? await prepareRecur(spec, x) : await prepareOrt(spec, x);
  return { maxErr: maxAbsDiff(await current.run(), expected), info: current.info };
}

/** Times the prepared case. */
async function time(maxTime: number): Promise<Timing> {
  const prepared = current as Prepared;
  return prepared.sync ? timeSync(prepared.run, { maxTime }) : timeAsync(async () => prepared.run(), { maxTime });
}

/** What the page puts on globalThis.bench for the bench process to call (page.evaluate). */
export interface PageBench {
  prepare: typeof prepare;
  time: typeof time;
}

Object.assign(globalThis, { bench: { prepare, time } satisfies PageBench });
