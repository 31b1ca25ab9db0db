// recur for Cloudflare Workers (workerd): the public API and init() taking the core as a WebAssembly.Module.
// Workers may not compile wasm bytes at request time, so the Worker imports the .wasm (bundled as a
// module) and passes it in: `import wasm from 'recur/core.wasm'; await init(wasm);`.

import { initCore, type WasmSource } from './wasm.ts';

export * from './index.ts';

export async function init(source: WasmSource): Promise<void> {
  if (source === undefined) throw new Error('in Workers, init() needs the core module: import wasm from "recur/core.wasm"; await init(wasm)');
  await initCore(source);
}
