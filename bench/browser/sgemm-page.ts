// The page of bench/browser-sgemm.bench.ts, bundled by it (browser/chromium.ts) and run in headless Chromium:
// recur's sgemm cases (sgemm-cases.ts) on the plain SIMD core (build/release.wasm, as the Node rows), and
// the f32x4 mul + add peak loop (bench/build/peak.wasm) that each case is measured between, both in this
// page's engine.

import { instantiateCore, type Core } from '../../src/wasm.ts';
import { maxAbsDiff, timeSync, type Timing } from '../measure.ts';
import { measurePeak, peakGflops, peakLoop, type PeakLoop } from '../peak/loop.ts';
import { recurCase, type PreparedCase, type SgemmCase } from '../sgemm-cases.ts';

/** A case as the bench passes it: its shape and layout; its operands and f64 result are /case/<id>.{a,b}.f32 and .ref.f64. */
export type CaseSpec = Omit<SgemmCase, 'a' | 'b'> & { id: string };

const bytes = async (url: string): Promise<ArrayBuffer> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
};

let core: Core | undefined;
let peak: PeakLoop | undefined;
/** The cases prepared so far, by id: their operands stay in the core's memory, as in the Node process. */
const prepared = new Map<string, PreparedCase>();

/** Copies the case's operands into the core (instantiated on first use) and checks one product: the max |diff| from the f64 reference. */
async function prepare(spec: CaseSpec): Promise<number> {
  core ??= await instantiateCore(await bytes('/build/release.wasm'));
  const [a, b, expected] = await Promise.all(['a.f32', 'b.f32', 'ref.f64'].map((f) => bytes(`/case/${spec.id}.${f}`)));
  const c = recurCase(core, { ...spec, a: new Float32Array(a), b: new Float32Array(b) });
  prepared.set(spec.id, c);
  return maxAbsDiff(c.result(), new Float64Array(expected));
}

/** Times a prepared case with the timing loop of the workloads. */
function time(id: string, maxTime: number): Timing {
  const c = prepared.get(id);
  if (!c) throw new Error(`case ${id} was not prepared`);
  return timeSync(c.run, { maxTime });
}

/** The mul + add peak loop's GFLOP/s now (the loop is loaded on first use). */
async function peakNow(): Promise<number> {
  peak ??= peakLoop(new Uint8Array(await bytes('/peak/peak.wasm')));
  return peakGflops(measurePeak(peak));
}

/** What the page puts on globalThis.bench for the bench process to call (page.evaluate). */
export interface PageBench {
  prepare: typeof prepare;
  time: typeof time;
  peakNow: typeof peakNow;
}

Object.assign(globalThis, { bench: { prepare, time, peakNow } satisfies PageBench });
