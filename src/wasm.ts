// Loading the numeric core in any runtime, and the one loaded core the façade uses.
//
// `init(source)` accepts what each runtime can give: a `WebAssembly.Module` (Cloudflare Workers, where
// compiling bytes at request time is forbidden), bytes (Node), or a URL / `Response` (browsers, streamed,
// falling back to `arrayBuffer()` when the server sends the wrong MIME type). Nothing here imports a Node
// module: the per-runtime entry files (entry-*.ts) supply the default source.

import { ABI_VERSION, KERNEL_NAMES, type Kernels } from './kernels.ts';
import { Heap } from './heap.ts';

export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response | PromiseLike<Response>;

/** A loaded core: its kernels and the allocator over its memory. */
export interface Core {
  readonly kernels: Kernels;
  readonly heap: Heap;
}

// The smallest module that uses a v128 instruction: (func (result v128) v128.const i32x4 0 0 0 0).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

let current: Core | undefined;

/** Loads the core from `source` and makes it the one the façade uses. Returns it (tests use several). */
export async function initCore(source: WasmSource): Promise<Core> {
  current = await instantiateCore(source);
  return current;
}

/** The loaded core; throws a clear error when `init()` has not been awaited yet. */
export function core(): Core {
  if (!current) throw new Error('recur is not initialised: call `await init()` (or `await init(source)`) before building models');
  return current;
}

/** Instantiates a core without making it current. */
export async function instantiateCore(source: WasmSource): Promise<Core> {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error('this JavaScript runtime does not support WebAssembly SIMD (fixed-width 128-bit), which recur needs');
  }
  const instance = await instantiate(await resolve(source));
  const exports = instance.exports as Record<string, unknown>;
  const missing = KERNEL_NAMES.filter((name) => !(name in exports));
  if (missing.length > 0 || typeof exports.abi_version !== 'function') {
    throw new Error(`the wasm given to init() is not a recur core (missing exports: ${missing.join(', ')})`);
  }
  const kernels = exports as unknown as Kernels;
  const version = kernels.abi_version();
  if (version !== ABI_VERSION) {
    throw new Error(`the wasm given to init() is a recur core of another version (core ABI ${version}, this package expects ${ABI_VERSION})`);
  }
  return { kernels, heap: new Heap(kernels.memory, kernels.heap_base()) };
}

type Resolved = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response;

async function resolve(source: WasmSource): Promise<Resolved> {
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  if (typeof source === 'string' || source instanceof URL) return fetch(source);
  if (typeof Response !== 'undefined' && source instanceof Response) return source;
  if (source && typeof (source as PromiseLike<Response>).then === 'function') return resolve(await source);
  throw new Error(`init() expects a WebAssembly.Module, bytes (ArrayBuffer / typed array), a URL or a Response; got ${describe(source)}`);
}

async function instantiate(source: Resolved): Promise<WebAssembly.Instance> {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, {});
  if (!(source instanceof Response)) return (await WebAssembly.instantiate(source as BufferSource, {})).instance;
  if (!source.ok) throw new Error(`could not fetch the recur core: HTTP ${source.status} ${source.statusText} (${source.url})`);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return (await WebAssembly.instantiateStreaming(source.clone(), {})).instance;
    } catch (error) {
      // Servers often send .wasm as application/octet-stream; streaming compilation refuses that, bytes do not.
      if (!(error instanceof TypeError)) throw error;
    }
  }
  return (await WebAssembly.instantiate(await source.arrayBuffer(), {})).instance;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
