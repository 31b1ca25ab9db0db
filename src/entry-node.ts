// recur for Node: the public API, init() loading the bundled core from disk, and model files on disk.
//
// In src/ the core is the build output (../build/release.wasm, for tsx and the tests); `npm run build`
// (scripts/build-dist.mjs) rewrites that literal in dist/entry-node.js to './core.wasm', next to it.
// Bytes, not a file: URL: Node 20's fetch cannot read file: URLs.

import { readFile } from 'node:fs/promises';
import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { memory } from './wasm.ts';
export { saveModelFile, loadModelFile } from './io/node-files.ts';

/** Loads the numeric core: the bundled core.wasm by default, or `source`. Call once before building models. */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? await readFile(new URL('../build/release.wasm', import.meta.url)));
}
