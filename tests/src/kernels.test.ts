// Tests for src/kernels.ts, the typed ABI contract: KERNEL_NAMES (and the Kernels interface) list exactly
// the exports of every build of the core, each function takes the number of arguments the interface
// declares, the core imports nothing, and abi_version() equals ABI_VERSION.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ABI_VERSION, KERNEL_NAMES, type Kernels } from '../../src/kernels.ts';
import { instantiateCore, relaxedSimdSupported } from '../../src/wasm.ts';
import { BUILDS } from '../helpers/core.ts';

// Compile-time half of the check: every member of the Kernels interface is in KERNEL_NAMES (the
// `satisfies` in kernels.ts already makes every listed name a member). `tsc -p .` fails if one is missing.
type Unlisted = Exclude<keyof Kernels, (typeof KERNEL_NAMES)[number]>;
const everyMemberListed: [Unlisted] extends [never] ? true : never = true;
void everyMemberListed;

/** Parameter counts of the interface's methods, read from the source of src/kernels.ts. */
async function declaredArities(): Promise<Map<string, number>> {
  const source = await readFile(new URL('../../src/kernels.ts', import.meta.url), 'utf8');
  const start = source.indexOf('export interface Kernels {');
  assert.ok(start >= 0, 'src/kernels.ts declares interface Kernels');
  const end = source.indexOf('\n}', start);
  const body = source.slice(start, end).replace(/\/\*\*[\s\S]*?\*\//g, ''); // drop doc comments
  const arities = new Map<string, number>();
  for (const match of body.matchAll(/^\s*(\w+)\(([^)]*)\)\s*:/gm)) {
    const params = match[2].split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    arities.set(match[1], params.length);
  }
  return arities;
}

for (const build of BUILDS) {
  test(`${build}: KERNEL_NAMES lists exactly the core's exports (none missing, none extra)`, async () => {
    const module = new WebAssembly.Module(await readFile(new URL(`../../build/${build}.wasm`, import.meta.url)));
    const exported = WebAssembly.Module.exports(module);
    const names = exported.map((e) => e.name);
    const missing = KERNEL_NAMES.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !(KERNEL_NAMES as readonly string[]).includes(n));
    assert.deepEqual(missing, [], `listed in KERNEL_NAMES but not exported by build/${build}.wasm`);
    assert.deepEqual(extra, [], `exported by build/${build}.wasm but not in KERNEL_NAMES / interface Kernels`);
    assert.equal(new Set(KERNEL_NAMES).size, KERNEL_NAMES.length, 'KERNEL_NAMES has no duplicates');
    for (const e of exported) assert.equal(e.kind, e.name === 'memory' ? 'memory' : 'function', `kind of export ${e.name}`);
    assert.deepEqual(WebAssembly.Module.imports(module), [], 'the core imports nothing (DESIGN.md §2)');
  });

  test(`${build}: every exported function takes as many arguments as interface Kernels declares`, async () => {
    const arities = await declaredArities();
    assert.deepEqual([...arities.keys()].sort(), KERNEL_NAMES.filter((n) => n !== 'memory').sort(), 'methods parsed from interface Kernels');
    const { kernels } = await instantiateCore(await readFile(new URL(`../../build/${build}.wasm`, import.meta.url)));
    const exports = kernels as unknown as Record<string, unknown>;
    for (const [name, arity] of arities) {
      const fn = exports[name];
      assert.equal(typeof fn, 'function', name);
      assert.equal((fn as (...args: number[]) => unknown).length, arity, `${name}: wasm parameter count vs the interface`);
    }
    assert.ok(kernels.memory instanceof WebAssembly.Memory);
  });

  test(`${build}: abi_version() equals ABI_VERSION and heap_base() lies inside the initial memory`, async () => {
    const { kernels } = await instantiateCore(await readFile(new URL(`../../build/${build}.wasm`, import.meta.url)));
    assert.equal(kernels.abi_version(), ABI_VERSION);
    assert.equal(typeof ABI_VERSION, 'number');
    assert.ok(Number.isInteger(ABI_VERSION) && ABI_VERSION >= 1);
    const base = kernels.heap_base();
    assert.ok(Number.isInteger(base) && base > 0, `heap_base ${base}`);
    assert.ok(base <= kernels.memory.buffer.byteLength, 'static data fits in the initial memory');
  });
}

test('relaxed_simd() tells the builds apart, and only the relaxed build uses relaxed-SIMD instructions', async (t) => {
  const bytes = async (build: string): Promise<Buffer> => readFile(new URL(`../../build/${build}.wasm`, import.meta.url));
  // The plain builds validate without relaxed SIMD; the relaxed one needs it (its fused multiply-adds).
  const plain = await instantiateCore(await bytes('release'));
  assert.equal(plain.kernels.relaxed_simd(), 0);
  const text = await readFile(new URL('../../build/relaxed.wat', import.meta.url), 'utf8');
  assert.ok((text.match(/f32x4\.relaxed_(fma|madd)/g) ?? []).length > 100, 'the relaxed build fuses its multiply-adds');
  assert.doesNotMatch(await readFile(new URL('../../build/release.wat', import.meta.url), 'utf8'), /f32x4\.relaxed_/);
  if (!relaxedSimdSupported()) {
    t.skip('this runtime has no relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd; npm test passes it): the relaxed build is untested here');
    return;
  }
  assert.ok(BUILDS.includes('relaxed'), 'every kernel test runs on the relaxed build too');
  assert.equal((await instantiateCore(await bytes('relaxed'))).kernels.relaxed_simd(), 1);
});
