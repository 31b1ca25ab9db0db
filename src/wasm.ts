// Loading the numeric core in any runtime, and the one loaded core the façade uses.
//
// `init(source)` accepts what each runtime can give: a `WebAssembly.Module` (Cloudflare Workers, where
// compiling bytes at request time is forbidden), bytes (Node), or a URL / `Response` (browsers, streamed,
// falling back to `arrayBuffer()` when the server sends the wrong MIME type). Nothing here imports a Node
// module: the per-runtime entry files (entry-*.ts) supply the default source.

import { ABI_VERSION, KERNEL_NAMES, type Kernels } from './kernels.ts';
import { Heap } from './heap.ts';

export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response | PromiseLike<Response>;

/** A loaded core: its kernels, the allocator over its memory, and its compiled module (training threads instantiate it again). */
export interface Core {
  readonly kernels: Kernels;
  readonly heap: Heap;
  readonly module: WebAssembly.Module;
}

// The smallest module that uses a v128 instruction: (func (result v128) v128.const i32x4 0 0 0 0).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

// The smallest module that uses a relaxed-SIMD instruction: f32x4.relaxed_madd of three v128.const.
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 133, 2, 11,
]);

/**
 * Whether this runtime runs relaxed SIMD (browsers and workerd do; Node 20 only with
 * --experimental-wasm-relaxed-simd, Node 22 by default). The entries then load the relaxed build of the
 * core: fused multiply-adds make it ~15–25% faster (measured in bench/), and round differently in the
 * last bits from the plain build, which every runtime with SIMD can run.
 */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

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

/** Which build of the core is loaded: `relaxedSimd` (fused multiply-add) or the plain SIMD one, and its ABI version. */
export function coreInfo(): { relaxedSimd: boolean; abi: number } {
  const { kernels } = core();
  return { relaxedSimd: kernels.relaxed_simd() === 1, abi: kernels.abi_version() };
}

/**
 * The loaded core's memory: `wasmBytes`, the size of its linear memory (it only grows, as WebAssembly
 * memories do), and `liveBytes`, what models and their workspaces hold now. A long-running server can log
 * these to see that serving requests does not grow memory.
 */
export function memory(): { wasmBytes: number; liveBytes: number } {
  const { kernels, heap } = core();
  return { wasmBytes: kernels.memory.buffer.byteLength, liveBytes: heap.liveBytes };
}

/** Instantiates a core without making it current. */
export async function instantiateCore(source: WasmSource): Promise<Core> {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error('this JavaScript runtime does not support WebAssembly SIMD (fixed-width 128-bit), which recur needs');
  }
  const { module, instance } = await instantiate(await resolve(source));
  const exports = instance.exports as Record<string, unknown>;
  // The version first: a core of another recur version usually also lacks (or adds) kernels, and
  // "another version" is the message that tells the user what to fix.
  if (typeof exports.abi_version === 'function') {
    const version = (exports.abi_version as () => number)();
    if (version !== ABI_VERSION) {
      throw new Error(`the wasm given to init() is a recur core of another version (core ABI ${version}, this package expects ${ABI_VERSION}): `
        + 'use the core.wasm shipped with this version of recur (recur/core.wasm)');
    }
  }
  const missing = KERNEL_NAMES.filter((name) => !(name in exports));
  if (missing.length > 0 || typeof exports.abi_version !== 'function') {
    throw new Error(`the wasm given to init() is not a recur core (missing exports: ${missing.join(', ')})`);
  }
  const kernels = exports as unknown as Kernels;
  return { kernels, heap: new Heap(kernels.memory, kernels.heap_base()), module };
}

type Resolved = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response;

async function resolve(source: WasmSource): Promise<Resolved> {
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  if (typeof source === 'string' || source instanceof URL) return fetchCore(source);
  if (typeof Response !== 'undefined' && source instanceof Response) return source;
  if (source && typeof (source as PromiseLike<Response>).then === 'function') return resolve(await source);
  throw new Error(`init() expects a WebAssembly.Module, bytes (ArrayBuffer / typed array), a URL or a Response; got ${describe(source)}`);
}

async function fetchCore(url: string | URL): Promise<Response> {
  try {
    return await fetch(url);
  } catch (error) {
    const href = String(url);
    // Node 20's fetch cannot read file: URLs; the Node entry reads the file itself, a caller can too.
    const hint = href.startsWith('file:') ? ': this runtime cannot fetch file: URLs, pass the bytes instead (init(await readFile(url)))' : '';
    throw new Error(`could not fetch the recur core from ${href}${hint} (${(error as Error).message})`, { cause: error });
  }
}

async function instantiate(source: Resolved): Promise<WebAssembly.WebAssemblyInstantiatedSource> {
  if (source instanceof WebAssembly.Module) return { module: source, instance: await WebAssembly.instantiate(source, {}) };
  // Bytes are told apart without touching the global `Response`: in Node 20 its first use loads the whole
  // fetch implementation (undici), ~40 ms of a cold start that never fetches.
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return instantiateBytes(source as BufferSource, 'the data given to init()');
  if (!source.ok) throw new Error(`could not fetch the recur core: HTTP ${source.status} ${source.statusText} (${source.url})`);
  const what = `the file fetched from ${source.url || 'the Response'} (content-type ${source.headers.get('content-type') ?? 'none'})`;
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return await WebAssembly.instantiateStreaming(source.clone(), {});
    } catch (error) {
      // Servers often send .wasm as application/octet-stream; streaming compilation refuses that, bytes do not.
      // A CompileError (say an HTML error page served as application/wasm) is explained from the bytes below.
      if (!(error instanceof TypeError) && !(error instanceof WebAssembly.CompileError)) throw error;
    }
  }
  return instantiateBytes(await source.arrayBuffer(), what);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Compiles and instantiates bytes, turning the engine's terse CompileErrors into ones that say what to do. */
async function instantiateBytes(bytes: BufferSource, what: string): Promise<WebAssembly.WebAssemblyInstantiatedSource> {
  try {
    return await WebAssembly.instantiate(bytes, {});
  } catch (error) {
    if (!(error instanceof WebAssembly.CompileError)) throw error;
    const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
    let message: string;
    if (/disallowed by embedder|code generation/i.test(error.message)) {
      message = 'this runtime does not allow compiling WebAssembly from bytes at run time (Cloudflare Workers): '
        + 'import the core as a module and pass that instead: import wasm from "recur/core.wasm"; await init(wasm)';
    } else if (!WASM_MAGIC.every((b, i) => view[i] === b)) {
      const start = new TextDecoder().decode(view.subarray(0, 24)).replace(/[^\x20-\x7e]/g, '.');
      message = `${what} is not WebAssembly (${view.length} bytes starting ${JSON.stringify(start)}): check the URL or file of recur's core.wasm`;
    } else {
      message = `${what} is not a valid WebAssembly module for this runtime: ${error.message}`;
    }
    const explained = new WebAssembly.CompileError(message);
    explained.cause = error;
    throw explained;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
