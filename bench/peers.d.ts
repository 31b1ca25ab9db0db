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

/** The part of ONNX Runtime's common API (onnxruntime-common 1.30, shared by -web and -node) the bench uses. */
declare namespace OrtApi {
  type Feeds = Record<string, Tensor>;
  class Tensor {
    constructor(type: 'float32', data: Float32Array, dims: readonly number[]);
    readonly data: Float32Array | Int32Array | Uint8Array;
    readonly dims: readonly number[];
  }
  class InferenceSession {
    static create(model: Uint8Array, options?: {
      executionProviders?: string[];
      graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
      intraOpNumThreads?: number;
      interOpNumThreads?: number;
    }): Promise<InferenceSession>;
    run(feeds: Feeds): Promise<Record<string, Tensor>>;
    readonly inputNames: readonly string[];
    readonly outputNames: readonly string[];
  }
  const env: { wasm: { numThreads?: number; simd?: boolean; wasmPaths?: string } };
}

declare module 'onnxruntime-web' {
  export import Tensor = OrtApi.Tensor;
  export import InferenceSession = OrtApi.InferenceSession;
  export import env = OrtApi.env;
}

declare module 'onnxruntime-node' {
  export import Tensor = OrtApi.Tensor;
  export import InferenceSession = OrtApi.InferenceSession;
  export import env = OrtApi.env;
}

declare module 'brain.js' {
  /** brain.js 1.6.1 (CommonJS); the bench reaches its recurrent nets through `default.recurrent`. */
  const brain: { recurrent: Record<string, unknown> };
  export default brain;
}
