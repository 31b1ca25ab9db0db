// Loading the PyTorch fixtures (tests/fixtures/torch/*.json) and converting between PyTorch's
// batch-major [B, T, F] (batch_first=True) and recur's time-major [T, B, F] layouts.
//
// The fixtures are made by `/usr/bin/python3 tests/fixtures/make_torch_fixtures.py` (SimpleRNN, rnn_*.json)
// and `/usr/bin/python3 tests/fixtures/make_torch_gated_fixtures.py` (LSTM / GRU, lstm_*.json and gru_*.json);
// see their docstrings for the file format. They are committed, so tests never need PyTorch.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface TorchFixture {
  /** File name without .json. */
  name: string;
  config: {
    act: 'tanh' | 'relu';
    layers: number;
    I: number;
    H: number;
    O: number;
    T: number;
    B: number;
    loss: 'mse' | 'cross_entropy';
    head: 'last' | 'sequence';
    bias: boolean;
  };
  tensors: Record<string, FixtureTensor>;
  loss: number;
  grads: Record<string, FixtureTensor>;
}

const DIR = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));

/** The fixtures whose file name starts with `prefix`, sorted by name. */
function loadFixtures<F>(prefix: string): F[] {
  return readdirSync(DIR).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort().map((file) => {
    const fixture = JSON.parse(readFileSync(DIR + file, 'utf8')) as object;
    return { name: file.slice(0, -'.json'.length), ...fixture } as F;
  });
}

/** Every SimpleRNN fixture (rnn_*.json). */
export function loadTorchFixtures(): TorchFixture[] {
  return loadFixtures<TorchFixture>('rnn_');
}

/** An LSTM / GRU fixture (make_torch_gated_fixtures.py). */
export interface GatedFixture {
  name: string;
  config: {
    cell: 'lstm' | 'gru';
    layers: number;
    bidirectional: boolean;
    I: number;
    H: number;
    O: number;
    T: number;
    B: number;
    bias: boolean;
    head: 'last' | 'sequence';
    loss: 'mse' | 'cross_entropy';
    packed: boolean;
    state_loss: boolean;
  };
  tensors: Record<string, FixtureTensor>;
  loss: number;
  grads: Record<string, FixtureTensor>;
}

/** Every LSTM and GRU fixture (lstm_*.json, gru_*.json). */
export function loadGatedFixtures(): GatedFixture[] {
  return [...loadFixtures<GatedFixture>('gru_'), ...loadFixtures<GatedFixture>('lstm_')];
}

/** [B, T, F] → [T, B, F]. */
export function toTimeMajor(data: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  const out = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = data[(b * T + t) * F + f];
  return out;
}

/** [T, B, F] → [B, T, F]. */
export function toBatchMajor(data: ArrayLike<number>, T: number, B: number, F: number): Float64Array {
  const out = new Float64Array(B * T * F);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = data[(t * B + b) * F + f];
  return out;
}

/**
 * The PyTorch parameter names of layer l (SimpleRNN, LSTM and GRU alike); `reverse` adds the `_reverse`
 * suffix of a bidirectional layer's backward direction.
 */
export function rnnParamNames(l: number, reverse = false): { wIh: string; wHh: string; bIh: string; bHh: string } {
  const s = reverse ? '_reverse' : '';
  return { wIh: `weight_ih_l${l}${s}`, wHh: `weight_hh_l${l}${s}`, bIh: `bias_ih_l${l}${s}`, bHh: `bias_hh_l${l}${s}` };
}

/** Slice k of a tensor whose leading dimension is split into equal slices (h0 [layers, B, H] → layer k). */
export function slice(t: FixtureTensor, k: number): number[] {
  const size = t.data.length / t.shape[0];
  return t.data.slice(k * size, (k + 1) * size);
}
