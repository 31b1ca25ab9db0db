// Model-level parity with PyTorch: fixtures of tests/fixtures/torch/ (made by
// `/usr/bin/python3 tests/fixtures/make_torch_fixtures.py` and `.../make_torch_gated_fixtures.py`) are
// rebuilt as a Sequential — nn.RNN / nn.LSTM / nn.GRU layers as recurrent layers (bidirectional where
// PyTorch's are), then a Dense head — with PyTorch's weights loaded by name through setWeights. Outputs and
// final states must match (packed sequences through `lengths`, nonzero initial states through
// `initialState`), and where training starts from zero states, the loss and every parameter gradient of one
// training step. (tests/assembly/*parity* check the kernels on every fixture, state losses included.)

import { test } from 'node:test';
import { init, Sequential, layers, optimizers, tensor, type Tensor } from '../../src/entry-node.ts';
import { loadTorchFixtures, loadGatedFixtures, type TorchFixture, type GatedFixture } from '../helpers/torch-fixtures.ts';
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

// ── LSTM and GRU (tests/fixtures/make_torch_gated_fixtures.py): stacked, bidirectional, packed sequences ──

/** recur's name for a gated fixture's parameter: layer k (and its _reverse direction) is Sequential layer rnn<k>. */
function gatedName(torchName: string): string {
  const m = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$/.exec(torchName);
  return m ? `rnn${m[2]}.${m[1]}_l0${m[3] ?? ''}` : torchName;
}

function gatedModel(f: GatedFixture, head: boolean): Sequential {
  const { cell, layers: depth, bidirectional, I, H, O, T, bias, loss } = f.config;
  const stack = Array.from({ length: depth }, (_, k) => {
    const options = {
      units: H, useBias: bias, returnSequences: k < depth - 1 || f.config.head === 'sequence' || !head, returnState: !head && k === depth - 1,
      ...(k === 0 ? { inputShape: [T, I] } : {}), ...(bidirectional ? {} : { name: `rnn${k}` }),
    };
    const layer = cell === 'lstm' ? layers.lstm(options) : layers.gru(options);
    return bidirectional ? layers.bidirectional({ layer, name: `rnn${k}` }) : layer;
  });
  const model = new Sequential({ layers: head ? [...stack, layers.dense({ units: O, useBias: bias, name: 'fc', activation: loss === 'mse' ? 'linear' : 'softmax' })] : stack });
  const weights: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(f.tensors)) {
    const mapped = gatedName(name);
    if (/^rnn\d+\./.test(mapped) || (head && mapped.startsWith('fc.'))) weights[mapped] = tensor(t.data, t.shape);
  }
  model.setWeights(weights);
  return model;
}

/** Slice [layer·dirs + direction] of an initial/final state tensor [layers·dirs, B, H]. */
function stateSlice(t: { data: number[] }, index: number, B: number, H: number): number[] {
  return t.data.slice(index * B * H, (index + 1) * B * H);
}

const gated = loadGatedFixtures();

test('there are LSTM and GRU fixtures, some trainable through Sequential (zero initial states, no state loss)', () => {
  if (gated.length < 12) throw new Error(`expected at least 12 gated fixtures, found ${gated.length}`);
  if (gated.filter(trainable).length < 3) throw new Error('expected at least 3 fixtures with zero initial states and no state loss');
});

function trainable(f: GatedFixture): boolean {
  return !f.config.state_loss && f.tensors.h0.data.every((v) => v === 0) && (f.tensors.c0?.data.every((v) => v === 0) ?? true);
}

for (const f of gated) {
  test(`PyTorch ${f.name}: weights by name; outputs and h_n${f.config.cell === 'lstm' ? ' / c_n' : ''}${trainable(f) ? ', loss and every gradient' : ''}`, () => {
    const { B, H, layers: depth, bidirectional, cell } = f.config;
    const dirs = bidirectional ? 2 : 1;
    const x = tensor(f.tensors.x.data, f.tensors.x.shape);
    const lengths = f.tensors.lengths?.data;
    const initialState: Record<string, Tensor> = {};
    for (let k = 0; k < depth; k++) {
      for (let d = 0; d < dirs; d++) {
        const suffix = d === 1 ? '_reverse' : '';
        initialState[`rnn${k}.h${suffix}`] = tensor(stateSlice(f.tensors.h0, k * dirs + d, B, H), [B, H]);
        if (cell === 'lstm') initialState[`rnn${k}.c${suffix}`] = tensor(stateSlice(f.tensors.c0, k * dirs + d, B, H), [B, H]);
      }
    }
    const body = gatedModel(f, false);
    const [output, ...states] = body.predictWithState(x, { ...(lengths ? { lengths } : {}), initialState });
    assertClose('output', output.data, f.tensors.output.data, 1e-5);
    const perDirection = cell === 'lstm' ? 2 : 1;
    for (let d = 0; d < dirs; d++) {
      const index = (depth - 1) * dirs + d;
      assertClose(`h_n[${index}]`, states[d * perDirection].data, stateSlice(f.tensors.h_n, index, B, H), 1e-5);
      if (cell === 'lstm') assertClose(`c_n[${index}]`, states[d * perDirection + 1].data, stateSlice(f.tensors.c_n, index, B, H), 1e-5);
    }
    body.dispose();
    if (!trainable(f)) return;
    const model = gatedModel(f, true);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: f.config.loss === 'mse' ? 'mse' : 'sparseCategoricalCrossentropy' });
    const logs = model.trainOnBatch(x, tensor(f.tensors.target.data, f.tensors.target.shape), lengths ? { lengths } : {});
    assertClose('loss', [logs.loss], [f.loss], 1e-5);
    const grads = model.getGradients();
    for (const [name, g] of Object.entries(f.grads)) {
      if (name === 'x' || name === 'h0' || name === 'c0') continue;
      assertClose(`grad ${name}`, grads[gatedName(name)].data, g.data, 1e-4);
    }
    model.dispose();
  });
}
