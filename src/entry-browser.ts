// recur for browsers (and the default entry): the public API and init() fetching the core next to this file.
//
// In src/ the core is the build output (../build/release.wasm, for tsx and the tests); `npm run build`
// (scripts/build-dist.mjs) rewrites that literal in dist/entry-browser.js to './core.wasm', the file it
// copies next to it. Bundlers leave `new URL('./core.wasm', import.meta.url)` as it is (esbuild) or copy
// the asset (Vite, webpack 5); with esbuild, copy recur/core.wasm next to the bundle, or pass a URL.

import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { memory } from './wasm.ts';

/** Loads the numeric core: by default core.wasm fetched (streamed) from next to this module, or `source`. */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? new URL('../build/release.wasm', import.meta.url));
}
