// The reference LSTM and GRU (src/reference/lstm.ts, gru.ts) against PyTorch nn.LSTM / nn.GRU: 1–2 layers,
// bidirectional, with and without bias, packed sequences of different lengths, every output, final state,
// the loss and every gradient (tests/helpers/gated-pipeline.ts). The fixtures come from
//   /usr/bin/python3 tests/fixtures/make_torch_gated_fixtures.py
// PyTorch computed in float32, the reference in f64 from the same inputs: ≤ 1e-5 forward, ≤ 1e-4 gradients.
// The same pipeline runs on the wasm kernels in tests/assembly/torch-gated-parity.test.ts.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadGatedFixtures } from '../../helpers/torch-fixtures.ts';
import { checkGatedFixture, type Driver } from '../../helpers/gated-pipeline.ts';
import { seqBackward, seqForward } from '../../helpers/recurrent.ts';

const reference: Driver = (p) => {
  const f = seqForward(p);
  return { hs: f.hs, cs: f.cs, backward: (dhs, dhLast, dcLast) => seqBackward(p, f, dhs, dhLast, dcLast) };
};

describe('reference vs PyTorch LSTM / GRU fixtures', () => {
  const fixtures = loadGatedFixtures();
  it('the fixtures are there (15: lstm and gru, 1–2 layers, bidirectional, packed)', () => {
    assert.equal(fixtures.length, 15);
    assert.ok(fixtures.some((f) => f.config.cell === 'lstm' && f.config.bidirectional && f.config.layers === 2 && f.config.packed));
    assert.ok(fixtures.some((f) => f.config.cell === 'gru' && f.config.bidirectional && f.config.layers === 2 && f.config.packed));
  });
  for (const fx of fixtures) it(fx.name, () => checkGatedFixture(fx, reference));
});
