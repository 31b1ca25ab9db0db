// recur for browsers (and the default entry): the public API and init() fetching the core next to this file.

import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';

/** Loads the numeric core: by default core.wasm fetched (streamed) from next to this module, or `source`. */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? new URL('../build/release.wasm', import.meta.url));
}
