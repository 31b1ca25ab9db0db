// gru_forward / gru_backward (assembly/) against the reference GRU (src/reference/gru.ts), both variants
// (resetAfter = 1, PyTorch; resetAfter = 0, the original / Keras reset_after=False), on both builds: every
// combination of direction, bias, h0, dh_last, dx/dh0 pointers and lengths on an odd shape; shapes that take
// every size path with four act/ract pairs; lengths with zeros and full rows; accumulation. The cases are in
// tests/helpers/gated-kernel-cases.ts (shared with lstm.test.ts).

import { describe, it, before } from 'node:test';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';
import { declareKernelSweeps } from '../helpers/gated-kernel-cases.ts';

for (const build of BUILDS) {
  for (const [variant, cell, seed] of [['resetAfter = 1', 'gru', 40_000], ['resetAfter = 0', 'gru_reset_before', 50_000]] as const) {
    describe(`gru_forward / gru_backward, ${variant} (${build} build)`, () => {
      let core: Core;
      before(async () => { core = await loadCore(build); });
      declareKernelSweeps(it, describe, () => core, cell, seed);
    });
  }
}
