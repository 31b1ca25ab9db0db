// recur for Node: the public API, init() loading the bundled core from disk, and model files on disk.
//
// In src/ the cores are the build outputs (../build/release.wasm and ../build/relaxed.wasm, for tsx and the
// tests); `npm run build` (scripts/build-dist.mjs) rewrites those literals in dist/entry-node.js to
// './core.wasm' and './core-relaxed.wasm', next to it.
// Bytes, not a file: URL: Node 20's fetch cannot read file: URLs.

import { readFile } from 'node:fs/promises';
import { initCore, relaxedSimdSupported, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { memory, coreInfo, relaxedSimdSupported } from './wasm.ts';
export { saveModelFile, loadModelFile } from './io/node-files.ts';
import { useNodeThreads } from './train/node-threads.ts';
useNodeThreads(import.meta.url, init); // fit / trainOnBatch({ threads }): workers run this entry and load their core with its init()

/**
 * Loads the numeric core: by default the bundled core-relaxed.wasm where the runtime runs relaxed SIMD,
 * else core.wasm; or `source`. Call once before building models.
 */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? await readFile(relaxedSimdSupported()
    ? new URL('../build/relaxed.wasm', import.meta.url)
    : new URL('../build/release.wasm', import.meta.url)));
}
