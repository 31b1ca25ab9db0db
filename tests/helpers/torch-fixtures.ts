// Loading the PyTorch fixtures (tests/fixtures/torch/*.json) and converting between PyTorch's
// batch-major [B, T, F] (batch_first=True) and recur's time-major [T, B, F] layouts.
//
// The fixtures are made by `/usr/bin/python3 tests/fixtures/make_torch_fixtures.py` (see its docstring for
// the file format); they are committed, so tests never need PyTorch.

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

/** Every fixture, sorted by name. */
export function loadTorchFixtures(): TorchFixture[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const fixture = JSON.parse(readFileSync(DIR + file, 'utf8')) as Omit<TorchFixture, 'name'>;
    return { name: file.slice(0, -'.json'.length), ...fixture };
  });
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

/** The PyTorch parameter names of layer l of a SimpleRNN (and whether the biases exist). */
export function rnnParamNames(l: number): { wIh: string; wHh: string; bIh: string; bHh: string } {
  return { wIh: `weight_ih_l${l}`, wHh: `weight_hh_l${l}`, bIh: `bias_ih_l${l}`, bHh: `bias_hh_l${l}` };
}

/** Slice k of a tensor whose leading dimension is split into equal slices (h0 [layers, B, H] → layer k). */
export function slice(t: FixtureTensor, k: number): number[] {
  const size = t.data.length / t.shape[0];
  return t.data.slice(k * size, (k + 1) * size);
}
