// The size budget of inference in a page (issue #4: "the wasm core + JS façade needed for inference ≤ 40 KB
// gzipped"): a page that imports recur from its package (dist/, which `npm test` builds first), builds an
// LSTM and predicts, bundled and minified by esbuild as an app would, plus the core a browser loads
// (core-relaxed.wasm), each compressed by `gzip -9 -n` (GNU gzip, as the README measures; zlib at level 9
// makes the core ~550 B larger, so the tool is part of the number). A size is exact, not a timing, so it
// can be asserted; the number is printed for the README.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const BUDGET = 40_000; // bytes
const root = fileURLToPath(new URL('../', import.meta.url));

const PAGE = `import { init, Sequential, layers, tensor } from 'recur';
await init();
const model = new Sequential({ layers: [layers.lstm({ units: 128, returnSequences: true, inputShape: [64, 32] })] });
console.log(model.predict(tensor(new Float32Array(64 * 32), [1, 64, 32])).data[0]);
`;

test(`an LSTM page's recur (bundled, minified) and core-relaxed.wasm fit in ${BUDGET} bytes after gzip -9`, async () => {
  const bundled = await build({
    stdin: { contents: PAGE, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, logLevel: 'warning',
  });
  const js = bundled.outputFiles[0].contents;
  assert.match(new TextDecoder().decode(js), /lstm_forward/, 'the bundle holds recur (its kernel names)');
  const core = await readFile(`${root}dist/core-relaxed.wasm`);
  const [jsGzip, coreGzip] = [js, core].map((bytes) => execFileSync('gzip', ['-9', '-n', '-c'], { input: bytes }).length);
  console.log(`LSTM page: recur ${js.length} B (${jsGzip} B gzip) + core-relaxed.wasm ${core.length} B (${coreGzip} B gzip) = ${jsGzip + coreGzip} B gzip`);
  assert.ok(jsGzip + coreGzip <= BUDGET, `${jsGzip} + ${coreGzip} = ${jsGzip + coreGzip} B gzip, over the ${BUDGET} B budget`);
});
