// W2 lstm-infer-b32 (BENCHMARKS.md): W1 at batch 32; 335.5 MFLOP per call. brain.js has no batches: it
// runs the 32 sequences one after another. What each peer runs and how it is checked: bench/infer.ts.
//
//   node --import tsx bench/w2-lstm-infer-b32.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>

import { inferBench } from './infer.ts';

await inferBench({
  file: 'w2-lstm-infer-b32.bench.ts', bench: 'W2 lstm-infer-b32', cell: 'lstm', B: 32, T: 64,
  cases: [{ name: 'LSTM I=32 H=128 T=64 B=32', peers: ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain'] }],
});
