// W1, W2 and W3 in headless Chromium: the inference workloads of infer.ts (same weights, inputs and f64
// references) run by a web page, for the two peers that run in one: recur (the package's browser entry,
// dist/) and ONNX Runtime Web (its wasm build, 1 thread). The Node rows measure the same libraries in Node
// 20's V8; these measure them in the browser's, which compiles WebAssembly with another optimising
// compiler, and where recur's users run it.
//
//   node --import tsx bench/browser-infer.bench.ts <recur | ort-web>
//
// Each process starts Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core and a
// loopback server for the page (bench/browser/page.ts, bundled here with esbuild), dist/, ONNX Runtime
// Web's dist/ and the cases' files; every case is checked against its f64 reference in the page, and only
// then timed there with the Node rows' timing loop. The server sends COOP/COEP headers, so that the page
// is cross-origin isolated and its performance.now() is not coarsened to 100 µs. Without Chromium each
// case is reported as skipped, with the reason.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { emit, gate, MAX_TIME, peerFromArgv, type Row } from './common.ts';
import { inferData, TOLERANCE } from './infer.ts';
import { H, I, onnxRnn, packageVersion, recurWeights, reference, stepFlop, type Cell } from './rnn.ts';
import type { CaseSpec, PageBench } from './browser/page.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const T = 64;
const CASES: { bench: string; name: string; cell: Cell; B: number; resetAfter: boolean }[] = [
  { bench: 'W1 lstm-infer-b1', name: 'LSTM I=32 H=128 T=64 B=1', cell: 'lstm', B: 1, resetAfter: true },
  { bench: 'W2 lstm-infer-b32', name: 'LSTM I=32 H=128 T=64 B=32', cell: 'lstm', B: 32, resetAfter: true },
  { bench: 'W3 gru-infer-b1', name: 'GRU reset_after=True I=32 H=128 T=64 B=1', cell: 'gru', B: 1, resetAfter: true },
  { bench: 'W3 gru-infer-b1', name: 'GRU reset_after=False I=32 H=128 T=64 B=1', cell: 'gru', B: 1, resetAfter: false },
];
/** The browser's rows are workloads and cases of their own: "W1 lstm-infer-b1, Chromium" etc. */
const IN_BROWSER = ', Chromium';

/** The page's globalThis, as page.ts sets it up (the functions page.evaluate runs there call into it). */
type PageGlobal = { bench: PageBench };

const peer = peerFromArgv('browser-infer.bench.ts', ['recur', 'ort-web']) as 'recur' | 'ort-web';
const benches = [...new Set(CASES.map((c) => c.bench))];

if (!existsSync(CHROMIUM)) {
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`;
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
const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
  bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'warning',
});
writeFileSync(join(dir, 'page.js'), bundle.outputFiles[0].contents);

const ROUTES: [string, string][] = [['/dist/', join(ROOT, 'dist')], ['/ort/', ortDist], ['/case/', dir]];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  if (path === '/') {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/case/page.js"></script>');
    return;
  }
  const route = ROUTES.find(([prefix]) => path.startsWith(prefix));
  const file = route && join(route[1], path.slice(route[0].length));
  if (!file || !file.startsWith(route[1]) || !existsSync(file)) {
    res.writeHead(404, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => 'bench' in globalThis, undefined, { timeout: 30_000 }).catch(() => {
    throw new Error(`the bench page did not load: ${errors.join('; ') || 'no page error'}`);
  });
  const chromiumInfo = `headless Chromium ${browser.version()}`;
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
} finally {
  await browser.close();
  server.close();
}
