// W1, W2 and W3 in headless Chromium: the inference workloads of infer.ts (same weights, inputs and f64
// references) run by a web page, for the two peers that run in one: recur (the package's browser entry,
// dist/) and ONNX Runtime Web (its wasm build, 1 thread). The Node rows measure the same libraries in Node
// 20's V8; these measure them in the browser's, which compiles WebAssembly with another optimising
// compiler, and where recur's users run it.
//
//   node --import tsx bench/browser-infer.bench.ts <recur | ort-web>
//
// Each process opens the page bench/browser/page.ts in headless Chromium (bench/browser/chromium.ts), served
// with dist/, ONNX Runtime Web's dist/ and the cases' files; every case is checked against its f64
// reference in the page, and only then timed there with the Node rows' timing loop. Without Chromium each
// case is reported as skipped, with the reason.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IN_BROWSER, noChromium, withBenchPage } from './browser/chromium.ts';
import { emit, gate, MAX_TIME, peerFromArgv, type Row } from './common.ts';
import { inferData, TOLERANCE } from './infer.ts';
import { H, I, onnxRnn, packageVersion, recurWeights, reference, stepFlop, type Cell } from './rnn.ts';
import type { CaseSpec, PageBench } from './browser/page.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const T = 64;
const CASES: { bench: string; name: string; cell: Cell; B: number; resetAfter: boolean }[] = [
  { bench: 'W1 lstm-infer-b1', name: 'LSTM I=32 H=128 T=64 B=1', cell: 'lstm', B: 1, resetAfter: true },
  { bench: 'W2 lstm-infer-b32', name: 'LSTM I=32 H=128 T=64 B=32', cell: 'lstm', B: 32, resetAfter: true },
  { bench: 'W3 gru-infer-b1', name: 'GRU reset_after=True I=32 H=128 T=64 B=1', cell: 'gru', B: 1, resetAfter: true },
  { bench: 'W3 gru-infer-b1', name: 'GRU reset_after=False I=32 H=128 T=64 B=1', cell: 'gru', B: 1, resetAfter: false },
];
/** The page's globalThis, as page.ts sets it up (the functions page.evaluate runs there call into it). */
type PageGlobal = { bench: PageBench };

const peer = peerFromArgv('browser-infer.bench.ts', ['recur', 'ort-web']) as 'recur' | 'ort-web';
const benches = [...new Set(CASES.map((c) => c.bench))];

const reason = noChromium();
if (reason) {
  for (const bench of benches) {
    emit({ bench: bench + IN_BROWSER, peer, info: reason, rows: [], skipped: CASES.filter((c) => c.bench === bench).map((c) => ({ case: c.name + IN_BROWSER, reason })) });
  }
  process.exit(0);
}

const require = createRequire(import.meta.url);
const ortEntry = require.resolve('onnxruntime-web');
const ortDist = dirname(ortEntry);
const ortVersion = packageVersion(ortEntry);

// The cases' files: weights, input, reference and ONNX model, as infer.ts makes them.
const dir = mkdtempSync(join(tmpdir(), 'recur-bench-browser-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const f32 = (a: Float32Array | Float64Array): Buffer => Buffer.from(Float32Array.from(a).buffer);
const specs: CaseSpec[] = CASES.map((c, i) => {
  const id = `c${i}`;
  const { w, x } = inferData(c.cell, c.B, T);
  writeFileSync(join(dir, `${id}.x.f32`), f32(x));
  writeFileSync(join(dir, `${id}.ref.f32`), f32(reference(w, x, c.B, T, { resetAfter: c.resetAfter }).hs));
  writeFileSync(join(dir, `${id}.onnx`), onnxRnn(w, c.B, T, { resetAfter: c.resetAfter }));
  const weights: CaseSpec['weights'] = [];
  let offset = 0;
  const named = Object.entries(recurWeights(w, c.cell));
  for (const [name, t] of named) {
    weights.push({ name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length;
  }
  const blob = new Float32Array(offset);
  named.forEach(([, t], j) => blob.set(t.data, weights[j].offset));
  writeFileSync(join(dir, `${id}.weights.f32`), f32(blob));
  return { id, cell: c.cell, resetAfter: c.resetAfter, B: c.B, T, I, H, weights, ortVersion };
});
const routes: [string, string][] = [['/dist/', join(ROOT, 'dist')], ['/ort/', ortDist], ['/case/', dir]];
await withBenchPage('./page.ts', routes, async (page, chromiumVersion) => {
  const chromiumInfo = `headless Chromium ${chromiumVersion}`;
  for (const bench of benches) {
    const rows: Row[] = [];
    let info = '';
    for (const [i, c] of CASES.entries()) {
      if (c.bench !== bench) continue;
      const checked = await page.evaluate(([p, s]) => (globalThis as unknown as PageGlobal).bench.prepare(p, s), [peer, specs[i]] as const);
      gate(`${c.name} in Chromium: ${peer} vs f64 reference`, checked.maxErr, TOLERANCE);
      const timing = await page.evaluate((t) => (globalThis as unknown as PageGlobal).bench.time(t), MAX_TIME);
      info = `${checked.info}; in ${chromiumInfo}`;
      rows.push({ case: c.name + IN_BROWSER, ...timing, flop: T * c.B * stepFlop(c.cell), items: c.B, maxErr: checked.maxErr });
    }
    emit({ bench: bench + IN_BROWSER, peer, info, itemName: 'sequences', rows });
  }
});
