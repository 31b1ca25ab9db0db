// recur for browsers (and the default entry): the public API and init() fetching the core next to this file.
//
// In src/ the cores are the build outputs (../build/release.wasm and ../build/relaxed.wasm, for tsx and the
// tests); `npm run build` (scripts/build-dist.mjs) rewrites those literals in dist/entry-browser.js to
// './core.wasm' and './core-relaxed.wasm', the files it copies next to it. Bundlers leave
// `new URL('./core.wasm', import.meta.url)` as it is (esbuild) or copy the asset (Vite, webpack 5); with
// esbuild, copy recur/core.wasm and recur/core-relaxed.wasm next to the bundle, or pass a URL.

import { initCore, relaxedSimdSupported, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { memory, coreInfo, relaxedSimdSupported } from './wasm.ts';

/**
 * Loads the numeric core: by default fetched (streamed) from next to this module, core-relaxed.wasm where
 * the browser runs relaxed SIMD (current Chrome, Edge and Firefox), else core.wasm; or `source`.
 */
export async function init(source?: WasmSource): Promise<void> {
  await initCore(source ?? (relaxedSimdSupported()
    ? new URL('../build/relaxed.wasm', import.meta.url)
    : new URL('../build/release.wasm', import.meta.url)));
}
