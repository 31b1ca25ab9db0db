// lstm_forward / lstm_backward (assembly/) against the reference LSTM (src/reference/lstm.ts), on both builds:
// every combination of direction, bias, h0/c0, dh_last/dc_last, dx/dh0/dc0 pointers and lengths on an odd
// shape; shapes that take every size path (B = 1, T = 1, H = 1, I = 1, H = 37 > a tile, B = 9) with four
// act/ract pairs; lengths with zeros and full rows; accumulation. The cases are in
// tests/helpers/gated-kernel-cases.ts (shared with gru.test.ts).

import { describe, it, before } from 'node:test';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';
import { declareKernelSweeps } from '../helpers/gated-kernel-cases.ts';

for (const build of BUILDS) {
  describe(`lstm_forward / lstm_backward (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });
    declareKernelSweeps(it, describe, () => core, 'lstm', 30_000);
  });
}
