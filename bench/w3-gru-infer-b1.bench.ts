// W3 gru-infer-b1 (BENCHMARKS.md): GRU forward as W1; 7.86 MFLOP per call (64·2·1·160·384). Two cases,
// because the peers do not all have the same GRU:
//   - reset_after=True (PyTorch nn.GRU, Keras default, ONNX linear_before_reset=1): recur, ONNX Runtime;
//     TensorFlow.js 4.22's GRUCell throws on resetAfter: true.
//   - reset_after=False (the original GRU: r multiplies h before the recurrent product; ONNX
//     linear_before_reset=0): recur, tfjs (its only GRU), ONNX Runtime, brain.js GRUTimeStep (the same cell
//     with one bias per gate).
// What each peer runs and how it is checked: bench/infer.ts.
//
//   node --import tsx bench/w3-gru-infer-b1.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>

import { inferBench } from './infer.ts';

await inferBench({
  file: 'w3-gru-infer-b1.bench.ts', bench: 'W3 gru-infer-b1', cell: 'gru', B: 1, T: 64,
  cases: [
    { name: 'GRU reset_after=True I=32 H=128 T=64 B=1', resetAfter: true, peers: ['recur', 'ort-web', 'ort-node'] },
    { name: 'GRU reset_after=False I=32 H=128 T=64 B=1', resetAfter: false, peers: ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain'] },
  ],
});
