// recur for Cloudflare Workers (workerd): the public API and init() taking the core as a WebAssembly.Module.
// Workers may not compile wasm bytes at request time, and `import.meta.url` is undefined there, so the
// Worker imports the .wasm (its bundler turns it into a module: wrangler does by default, esbuild with
// `--loader:.wasm=copy` plus a `wasm` module in the workerd config) and passes it in:
//   import wasm from 'recur/core-relaxed.wasm';   // workerd runs relaxed SIMD; 'recur/core.wasm' is the plain build
//   await init(wasm);
// Call it inside a request handler (or lazily, once): top-level await on real work fails in Workers.

import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';
export { memory, coreInfo, relaxedSimdSupported } from './wasm.ts';

export async function init(source: WasmSource): Promise<void> {
  if (source === undefined) {
    throw new Error('in Workers, init() needs the core as a module: import wasm from "recur/core.wasm"; await init(wasm)');
  }
  await initCore(source);
}
