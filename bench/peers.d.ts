// Types for the bench's untyped or optional dependencies. `npm test` typechecks bench/ after a plain
// `npm ci`, which does not install bench/node_modules, so nothing here may need that folder to exist.

declare module 'benchmark' {
  /** The part of benchmark.js 2.1.4 that the bench files use. */
  export default class Benchmark {
    constructor(name: string, fn: () => void, options?: { minSamples?: number; minTime?: number; maxTime?: number });
    run(): this;
    /** Set when the benchmarked function threw. */
    readonly error?: unknown;
    /** sample: seconds per call, one entry per timed cycle. */
    readonly stats: { readonly sample: readonly number[] };
  }
}

declare module '@tensorflow/tfjs-backend-wasm' {
  /** Where the backend's .wasm files are: a URL or path prefix ending in '/'. */
  export function setWasmPaths(prefix: string): void;
}
