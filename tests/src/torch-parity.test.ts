// Model-level parity with PyTorch: each fixture of tests/fixtures/torch/ that starts from zero states
// (made by `/usr/bin/python3 tests/fixtures/make_torch_fixtures.py`) is rebuilt as a Sequential —
// SimpleRNN layers then a Dense head — with PyTorch's weights loaded by name through setWeights. Its
// outputs, loss and every parameter gradient of one training step must match what torch computed.
// (tests/assembly/torch-parity.test.ts checks the kernels on every fixture, including nonzero h0.)

import { test } from 'node:test';
import { init, Sequential, layers, optimizers, tensor, type Tensor } from '../../src/entry-node.ts';
import { loadTorchFixtures, type TorchFixture } from '../helpers/torch-fixtures.ts';
import { assertClose } from '../helpers/compare.ts';

await init();

/** recur's tensor name for a fixture's parameter: layer k of nn.RNN becomes Sequential layer rnn<k>. */
function recurName(torchName: string): string {
  const m = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)$/.exec(torchName);
  return m ? `rnn${m[2]}.${m[1]}_l0` : torchName;
}

function buildModel(f: TorchFixture, withHead: boolean): Sequential {
  const { act, layers: depth, I, H, O, T, head, bias, loss } = f.config;
  const stack = Array.from({ length: depth }, (_, k) => layers.simpleRNN({
    units: H, activation: act, useBias: bias, name: `rnn${k}`,
    returnSequences: k < depth - 1 || head === 'sequence' || !withHead,
    ...(k === 0 ? { inputShape: [T, I] } : {}),
  }));
  const model = new Sequential({ layers: withHead ? [...stack, layers.dense({ units: O, useBias: bias, name: 'fc', activation: loss === 'mse' ? 'linear' : 'softmax' })] : stack });
  const weights: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(f.tensors)) {
    const mapped = recurName(name);
    if (/^(rnn\d+|fc)\./.test(mapped) && (withHead || !mapped.startsWith('fc.'))) weights[mapped] = tensor(t.data, t.shape);
  }
  model.setWeights(weights);
  return model;
}

function softmaxRows(values: number[], width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length; r += width) {
    const row = values.slice(r, r + width);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / sum));
  }
  return out;
}

const fixtures = loadTorchFixtures().filter((f) => f.tensors.h0.data.every((v) => v === 0));

test('there are zero-initial-state fixtures to check', () => {
  if (fixtures.length < 3) throw new Error(`expected at least 3 fixtures with h0 = 0, found ${fixtures.length}`);
});

for (const f of fixtures) {
  test(`PyTorch ${f.name}: outputs, final state, loss and every gradient`, () => {
    const { H, O, B, T, layers: depth } = f.config;
    const x = tensor(f.tensors.x.data, f.tensors.x.shape);

    const body = buildModel(f, false);
    const states = body.predict(x);
    assertClose('output', states.data, f.tensors.output.data, 1e-5);
    const last = new Float32Array(B * H);
    for (let b = 0; b < B; b++) last.set(states.data.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
    assertClose('h_n (last layer)', last, f.tensors.h_n.data.slice((depth - 1) * B * H), 1e-5);
    body.dispose();

    const model = buildModel(f, true);
    const predicted = model.predict(x).data;
    const fcOut = f.tensors.fc_out.data;
    assertClose('prediction', predicted, f.config.loss === 'mse' ? fcOut : softmaxRows(fcOut, O), 1e-5);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: f.config.loss === 'mse' ? 'mse' : 'sparseCategoricalCrossentropy' });
    const logs = model.trainOnBatch(x, tensor(f.tensors.target.data, f.tensors.target.shape));
    assertClose('loss', [logs.loss], [f.loss], 1e-5);
    const grads = model.getGradients();
    for (const [name, g] of Object.entries(f.grads)) {
      if (name === 'x' || name === 'h0') continue;
      assertClose(`grad ${name}`, grads[recurName(name)].data, g.data, 1e-4);
    }
    model.dispose();
  });
}
