// recur for Node: the public API, init() loading the bundled core from disk, and model files on disk.

import { readFile } from 'node:fs/promises';
import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { saveModelFile, loadModelFile } from './io/node-files.ts';

/** Loads the numeric core: the bundled build/release.wasm by default, or `source`. Call once before building models. */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? await readFile(new URL('../build/release.wasm', import.meta.url)));
}
