// Test helpers: load a built core (release, relaxed or debug) from build/, and (memory.ts, re-exported
// here) move arrays in and out of its memory.

import { readFile } from 'node:fs/promises';
import { instantiateCore, relaxedSimdSupported, type Core } from '../../src/wasm.ts';

export { get, packed, put, putI32, zeros } from './memory.ts';

export type Build = 'release' | 'relaxed' | 'debug';
/**
 * The builds every kernel test runs on: the relaxed-SIMD one only where this runtime can run it (npm test
 * passes Node 20 the flag; tests/src/kernels.test.ts reports a skip when it is missing).
 */
export const BUILDS: readonly Build[] = relaxedSimdSupported() ? ['release', 'relaxed', 'debug'] : ['release', 'debug'];

/** Instantiates build/<build>.wasm (run `npm run build` first; `npm test` does). */
export async function loadCore(build: Build): Promise<Core> {
  return instantiateCore(await readFile(new URL(`../../build/${build}.wasm`, import.meta.url)));
}
