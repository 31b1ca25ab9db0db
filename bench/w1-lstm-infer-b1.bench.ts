// W1 lstm-infer-b1 (BENCHMARKS.md): LSTM forward, I = 32, H = 128, T = 64, B = 1, every hidden state
// returned; 10.49 MFLOP per call (64·2·1·160·512). What each peer runs and how it is checked: bench/infer.ts.
//
//   node --import tsx bench/w1-lstm-infer-b1.bench.ts <recur | tfjs-cpu | tfjs-wasm | ort-web | ort-node | brain>

import { inferBench } from './infer.ts';

await inferBench({
  file: 'w1-lstm-infer-b1.bench.ts', bench: 'W1 lstm-infer-b1', cell: 'lstm', B: 1, T: 64,
  cases: [{ name: 'LSTM I=32 H=128 T=64 B=1', peers: ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain'] }],
});
