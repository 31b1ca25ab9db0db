// The sgemm grid of sgemm.bench.ts in headless Chromium: recur's plain SIMD core (build/release.wasm, as the
// Node rows) and the f32x4 mul + add peak loop, both compiled by the browser's engine, each case timed in
// the page between two measurements of that peak (its row's "% of peak"). Node 20's V8 and the browser's
// compile the same wasm into different machine code, and the browser's is where recur's users run it.
// recur only: the tfjs rows of the Node table measure libraries, this measures the engine.
//
//   node --import tsx bench/browser-sgemm.bench.ts recur
//
// The cases' operands and f64 results are written to a temporary folder for the page (bench/browser/
// sgemm-page.ts, opened by bench/browser/chromium.ts), which checks every case before timing any. Without
// Chromium each case is reported as skipped, with the reason.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IN_BROWSER, noChromium, withBenchPage } from './browser/chromium.ts';
import type { CaseSpec, PageBench } from './browser/sgemm-page.ts';
import { emit, gate, oncePerRun, peerFromArgv } from './common.ts';
import { references, rowsBetweenPeaks, SAMPLE_TIME, sgemmCases, tolerance } from './sgemm-cases.ts';

const BENCH = 'sgemm' + IN_BROWSER;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The page's globalThis, as sgemm-page.ts sets it up. */
type PageGlobal = { bench: PageBench };

const peer = peerFromArgv('browser-sgemm.bench.ts', ['recur']);
const cases = sgemmCases();

const reason = noChromium();
if (reason) {
  emit({ bench: BENCH, peer, info: reason, rows: [], skipped: cases.map((c) => ({ case: c.name, reason })) });
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'recur-bench-sgemm-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const expected = oncePerRun('sgemm', () => references(cases));
const specs: CaseSpec[] = cases.map((c, i) => {
  const id = `c${i}`;
  writeFileSync(join(dir, `${id}.a.f32`), c.a);
  writeFileSync(join(dir, `${id}.b.f32`), c.b);
  writeFileSync(join(dir, `${id}.ref.f64`), expected[c.name]);
  return { id, name: c.name, trans: c.trans, M: c.M, N: c.N, K: c.K };
});

const routes: [string, string][] = [['/build/', join(ROOT, 'build')], ['/peak/', join(ROOT, 'bench/build')], ['/case/', dir]];
await withBenchPage('./sgemm-page.ts', routes, async (page, chromiumVersion) => {
  // Check every case before timing any, so a wrong kernel fails fast.
  const errors: number[] = [];
  for (const [i, c] of cases.entries()) {
    errors.push(await page.evaluate((s) => (globalThis as unknown as PageGlobal).bench.prepare(s), specs[i]));
    gate(`recur ${c.name} in Chromium vs f64 reference`, errors[i], tolerance(c));
  }
  const rows = await rowsBetweenPeaks(cases, errors,
    (i) => page.evaluate(([id, t]) => (globalThis as unknown as PageGlobal).bench.time(id, t), [specs[i].id, SAMPLE_TIME] as const),
    () => page.evaluate(() => (globalThis as unknown as PageGlobal).bench.peakNow()));
  emit({
    bench: BENCH, peer, rows,
    info: `recur sgemm export, release core (SIMD), in headless Chromium ${chromiumVersion}; % of peak over bench/peak/kernel.ts's mul + add loop in the same page`,
  });
});
