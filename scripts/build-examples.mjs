// Bundles the examples with esbuild, against recur's dist/ (run `npm run build` first), the way an app that
// depends on recur would:
//   browser → examples/browser/dist/: index.html, main.js (the page), trainer.js (the Web Worker), both cores
//   worker  → examples/worker/dist/: worker.js (model inlined) and core-relaxed.wasm (a `wasm` module for workerd)
// Usage: node scripts/build-examples.mjs [browser|worker]...   (no argument: both). Prints sizes.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['browser', 'worker'];

async function sizes(files) {
  const rows = [];
  for (const file of files) {
    const bytes = await readFile(file);
    rows.push({ file: file.slice(root.length), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return rows;
}

export async function buildBrowser() {
  const out = join(root, 'examples/browser/dist');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'examples/browser/main.ts'), join(root, 'examples/browser/trainer.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true,
    outdir: out, logLevel: 'warning',
  });
  await copyFile(join(root, 'examples/browser/index.html'), join(out, 'index.html'));
  // recur's browser entry fetches new URL('./core-relaxed.wasm', import.meta.url) where the browser runs
  // relaxed SIMD, else './core.wasm': copy both cores next to the bundle (a page downloads one of them).
  for (const core of ['core.wasm', 'core-relaxed.wasm']) await copyFile(require.resolve(`recur/${core}`), join(out, core));
  return sizes(['index.html', 'main.js', 'trainer.js', 'core.wasm', 'core-relaxed.wasm'].map((f) => join(out, f)));
}

export async function buildWorker() {
  const out = join(root, 'examples/worker/dist');
  await rm(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'examples/worker/worker.ts')],
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', minify: true,
    conditions: ['workerd', 'worker'],          // recur's Workers entry (esbuild does not pick it by itself)
    loader: { '.wasm': 'copy', '.safetensors': 'binary' },
    assetNames: '[name]',                       // dist/core-relaxed.wasm, as config.capnp names it
    outdir: out, logLevel: 'warning',
  });
  return sizes(['worker.js', 'core-relaxed.wasm'].map((f) => join(out, f)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await stat(join(root, 'dist/core.wasm')).catch(() => { throw new Error('dist/ is missing: run `npm run build` first'); });
  for (const target of targets) {
    const rows = target === 'browser' ? await buildBrowser() : target === 'worker' ? await buildWorker() : undefined;
    if (!rows) throw new Error(`unknown example "${target}" (browser or worker)`);
    for (const r of rows) console.log(`${r.file.padEnd(34)} ${String(r.bytes).padStart(8)} B  ${String(r.gzip).padStart(7)} B gzip`);
    const total = rows.reduce((a, r) => ({ bytes: a.bytes + r.bytes, gzip: a.gzip + r.gzip }), { bytes: 0, gzip: 0 });
    console.log(`${`${target} total`.padEnd(34)} ${String(total.bytes).padStart(8)} B  ${String(total.gzip).padStart(7)} B gzip`);
  }
}
