// Tests for src/wasm.ts: loading the core from every kind of source init() accepts (a compiled Module,
// bytes, a Response streamed or — on a wrong MIME type — read as bytes, a URL served over HTTP), and a
// clear error for every way loading can go wrong (wrong source type, a wasm that is not a recur core, a
// core of another ABI version, an HTTP error, core() before init).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { initCore, instantiateCore, core, type Core, type WasmSource } from '../../src/wasm.ts';
import { ABI_VERSION, KERNEL_NAMES } from '../../src/kernels.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let bytes: Uint8Array<ArrayBuffer>;
let module: WebAssembly.Module;

before(async () => {
  bytes = new Uint8Array(await readFile(new URL('../../build/release.wasm', import.meta.url)));
  module = new WebAssembly.Module(bytes);
});

/** A core that actually computes: sgemm of 2×2 matrices through its own heap. */
function checkWorks(c: Core): void {
  assert.equal(c.kernels.abi_version(), ABI_VERSION);
  const a = c.heap.alloc(16);
  const b = c.heap.alloc(16);
  const out = c.heap.alloc(16);
  const view = c.heap.f32();
  view.set([1, 2, 3, 4], a >> 2);
  view.set([5, 6, 7, 8], b >> 2);
  c.kernels.sgemm(0, 2, 2, 2, a, 2, b, 2, out, 2);
  assert.deepEqual([...c.heap.f32().subarray(out >> 2, (out >> 2) + 4)], [19, 22, 43, 50]);
  c.heap.free(a);
  c.heap.free(b);
  c.heap.free(out);
}

/** An exact copy of the bytes in a fresh ArrayBuffer (the Buffer from readFile may share a pool). */
function freshArrayBuffer(): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

async function rejectsWith(source: unknown, message: RegExp): Promise<void> {
  await assert.rejects(instantiateCore(source as WasmSource), (error: unknown) => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

// ---- a tiny wasm encoder, for modules that look like a core but are not ----

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function name(text: string): number[] {
  const utf8 = [...new TextEncoder().encode(text)];
  return [...leb(utf8.length), ...utf8];
}

/**
 * A module exporting a memory as "memory" and one function `() -> i32` returning `version` under each
 * of `functions` (the same function; arity does not matter to the loader's export check).
 */
function fakeCore(functions: readonly string[], version: number, withMemory = true): Uint8Array {
  const exports = functions.map((n) => [...name(n), 0x00, 0x00]);
  if (withMemory) exports.push([...name('memory'), 0x02, 0x00]);
  const body = [0x00, 0x41, ...leb(version), 0x0b]; // no locals; i32.const version; end (version < 64)
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // type 0: () -> i32
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0x00, 1]), // one memory, min 1 page
    ...section(7, [...leb(exports.length), ...exports.flat()]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

const FUNCTION_NAMES = KERNEL_NAMES.filter((n) => n !== 'memory');

// ---- sources that work ----

test('loads from a compiled WebAssembly.Module', async () => {
  checkWorks(await instantiateCore(module));
});

test('loads from bytes: an ArrayBuffer, a Uint8Array, a Uint8Array at an offset into a bigger buffer, a Node Buffer', async () => {
  checkWorks(await instantiateCore(freshArrayBuffer()));
  checkWorks(await instantiateCore(new Uint8Array(bytes)));
  const padded = new Uint8Array(bytes.length + 24);
  padded.set(bytes, 8);
  checkWorks(await instantiateCore(padded.subarray(8, 8 + bytes.length)));
  checkWorks(await instantiateCore(await readFile(new URL('../../build/debug.wasm', import.meta.url))));
});

test('loads from a Response with content-type application/wasm (streaming compilation)', async () => {
  const original = WebAssembly.instantiateStreaming;
  let streamed = 0;
  WebAssembly.instantiateStreaming = async (...args: Parameters<typeof original>) => {
    streamed++;
    return original(...args);
  };
  try {
    checkWorks(await instantiateCore(new Response(bytes, { headers: { 'content-type': 'application/wasm' } })));
  } finally {
    WebAssembly.instantiateStreaming = original;
  }
  assert.equal(streamed, 1, 'a Response with the right MIME type goes through instantiateStreaming');
});

test('loads from a Response with content-type application/octet-stream (streaming refuses it; falls back to bytes)', async () => {
  const original = WebAssembly.instantiateStreaming;
  const outcomes: string[] = [];
  WebAssembly.instantiateStreaming = async (...args: Parameters<typeof original>) => {
    try {
      const result = await original(...args);
      outcomes.push('ok');
      return result;
    } catch (error) {
      outcomes.push((error as Error).constructor.name);
      throw error;
    }
  };
  try {
    checkWorks(await instantiateCore(new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })));
  } finally {
    WebAssembly.instantiateStreaming = original;
  }
  assert.deepEqual(outcomes, ['TypeError'], 'streaming was tried and refused the MIME type, then the fallback loaded the bytes');
});

test('loads from a promise of a Response', async () => {
  checkWorks(await instantiateCore(Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/wasm' } }))));
});

test('initCore makes the loaded core current; instantiateCore does not', async () => {
  const first = await initCore(module);
  assert.equal(core(), first);
  const other = await instantiateCore(module);
  assert.notEqual(other, first);
  assert.equal(core(), first, 'instantiateCore must not replace the current core');
  const second = await initCore(new Uint8Array(bytes));
  assert.equal(core(), second);
  assert.notEqual(second.kernels.memory, first.kernels.memory, 'each instantiation has its own memory');
});

// ---- a URL served over HTTP ----

let server: Server | undefined;
let baseUrl = '';

before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/core.wasm') {
      response.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes);
    } else if (request.url === '/octet.wasm') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such file');
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.closeAllConnections();
  server?.close();
});

test('loads from a URL object and a URL string (fetched), with either MIME type', async () => {
  checkWorks(await instantiateCore(new URL('/core.wasm', baseUrl)));
  checkWorks(await instantiateCore(`${baseUrl}/octet.wasm`));
});

test('an HTTP error from a URL is a clear error naming the status and the URL', async () => {
  await rejectsWith(`${baseUrl}/missing.wasm`, /could not fetch the recur core: HTTP 404 Not Found \(http:\/\/127\.0\.0\.1:\d+\/missing\.wasm\)/);
});

// ---- errors ----

test('an HTTP error Response (404) is a clear error naming the status', async () => {
  await rejectsWith(new Response('not here', { status: 404, statusText: 'Not Found' }), /could not fetch the recur core: HTTP 404 Not Found/);
  await rejectsWith(new Response('oops', { status: 500, statusText: 'Internal Server Error', headers: { 'content-type': 'application/wasm' } }), /HTTP 500/);
});

test('a source of the wrong type is a clear error naming what was given', async () => {
  await rejectsWith(42, /init\(\) expects a WebAssembly\.Module, bytes \(ArrayBuffer \/ typed array\), a URL or a Response; got number$/);
  await rejectsWith({ wasm: 'here' }, /init\(\) expects .*; got Object$/);
  await rejectsWith(null, /init\(\) expects .*; got null$/);
  await rejectsWith(undefined, /init\(\) expects .*; got undefined$/);
  await rejectsWith(new Map(), /init\(\) expects .*; got Map$/);
});

test('a valid wasm that is not a recur core (no exports) is a clear error listing what is missing', async () => {
  const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  assert.ok(WebAssembly.validate(empty), 'the test module itself is valid wasm');
  await rejectsWith(empty, /the wasm given to init\(\) is not a recur core \(missing exports: memory, heap_base, abi_version, relaxed_simd, sgemm, .*clip_grad_norm, orthogonal_q, uniform_fill, normal_fill, first_nonfinite\)/);
  await rejectsWith(new WebAssembly.Module(empty), /not a recur core/);
});

test('a module missing one kernel is refused, and the message names exactly that kernel', async () => {
  const almost = fakeCore(FUNCTION_NAMES.filter((n) => n !== 'rnn_backward'), ABI_VERSION);
  await rejectsWith(almost, /not a recur core \(missing exports: rnn_backward\)$/);
  const noMemory = fakeCore(FUNCTION_NAMES, ABI_VERSION, false);
  await rejectsWith(noMemory, /not a recur core \(missing exports: memory\)$/);
});

test('a module with every export but another ABI version is refused with both versions in the message', async () => {
  // Control: the same fake with the right version passes the loader's checks, so the refusal below is
  // about the version only.
  const right = await instantiateCore(fakeCore(FUNCTION_NAMES, ABI_VERSION));
  assert.equal(right.kernels.abi_version(), ABI_VERSION);
  await rejectsWith(fakeCore(FUNCTION_NAMES, ABI_VERSION + 1), new RegExp(`a recur core of another version \\(core ABI ${ABI_VERSION + 1}, this package expects ${ABI_VERSION}\\)`));
});

test('bytes that are not wasm at all are rejected (the engine\'s CompileError)', async () => {
  await assert.rejects(instantiateCore(new TextEncoder().encode('<html>not wasm</html>')), WebAssembly.CompileError);
});

test('core() before any init throws a message telling to call init (fresh module instance)', async () => {
  // The module under test here has already been initialised above, so load a second, never-initialised
  // instance of src/wasm.ts (a different specifier is a different module record).
  const specifier = new URL('../../src/wasm.ts?uninitialised', import.meta.url).href;
  const fresh = (await import(specifier)) as typeof import('../../src/wasm.ts');
  assert.notEqual(fresh.core, core, 'the fresh import is a separate module instance');
  assert.throws(() => fresh.core(), /recur is not initialised: call `await init\(\)`/);
  // A failed init leaves it uninitialised (and does not install a half-made core).
  await assert.rejects(fresh.initCore(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), /not a recur core/);
  assert.throws(() => fresh.core(), /not initialised/);
  const loaded = await fresh.initCore(module);
  assert.equal(fresh.core(), loaded);
});

test('the public API before init(): building a model throws the init message (child process)', async () => {
  const script = `
    import { Sequential, layers, init } from './src/entry-node.ts';
    const build = () => new Sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    try { build(); console.log('NO ERROR'); } catch (e) { console.log('ERROR ' + e.message); }
    await init();
    build();
    console.log('AFTER INIT OK');
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
  const lines = stdout.trim().split('\n');
  assert.match(lines[0], /^ERROR recur is not initialised: call `await init\(\)`/);
  assert.equal(lines[1], 'AFTER INIT OK');
});

test('init() loads the relaxed-SIMD core where the runtime has relaxed SIMD, else the plain one (child processes, with and without the Node 20 flag)', async () => {
  const script = `
    import { init, coreInfo, relaxedSimdSupported } from './src/entry-node.ts';
    await init();
    console.log(JSON.stringify({ supported: relaxedSimdSupported(), ...coreInfo() }));
  `;
  const probe = async (flags: string[]): Promise<{ supported: boolean; relaxedSimd: boolean; abi: number }> => {
    const { stdout } = await run(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) as string);
  };
  const runs = [await probe([])];
  const flagKnown = await run(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '0']).then(() => true, () => false);
  if (flagKnown) runs.push(await probe(['--experimental-wasm-relaxed-simd']));
  for (const r of runs) {
    assert.equal(r.relaxedSimd, r.supported, 'the default core is the relaxed one exactly when the runtime supports it');
    assert.equal(r.abi, ABI_VERSION);
  }
  if (flagKnown) assert.equal(runs[1].relaxedSimd, true, 'Node 20 with the flag loads the relaxed core');
});

test('load errors say what to do: not wasm (named, with its first bytes), HTML served as application/wasm, a file: URL in Node', async () => {
  await rejectsWith(new TextEncoder().encode('<!doctype html><p>Not found'), /the data given to init\(\) is not WebAssembly \(27 bytes starting "<!doctype html><p>Not fo"\): check the URL or file of recur's core\.wasm/);
  const page = new Response('<html>error</html>', { headers: { 'content-type': 'application/wasm' } });
  await rejectsWith(page, /is not WebAssembly \(18 bytes starting "<html>error<\/html>"\)/);
  await rejectsWith(new URL('../../build/release.wasm', import.meta.url), /this runtime cannot fetch file: URLs, pass the bytes instead/);
  await rejectsWith(fakeCore([...FUNCTION_NAMES].slice(0, 3), ABI_VERSION + 1), /another version \(core ABI .*\): use the core\.wasm shipped with this version of recur/);
});
