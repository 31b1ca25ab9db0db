// The lstm_* and gru_* kernels against PyTorch nn.LSTM / nn.GRU, on both builds: 1–2 layers, bidirectional
// (a forward and a reverse kernel call per layer, same lengths, outputs concatenated for the next layer),
// with and without bias, packed sequences of different lengths; outputs at valid positions, h_n, c_n, the
// loss and every gradient including dx, dh0 and dc0 (tests/helpers/gated-pipeline.ts). Fixtures:
//   /usr/bin/python3 tests/fixtures/make_torch_gated_fixtures.py
// Tolerances: forward ≤ 1e-5, gradients ≤ 1e-4 (tests/helpers/compare.ts metric).

import { describe, it, before } from 'node:test';
import type { Core } from '../../src/wasm.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';
import { loadGatedFixtures } from '../helpers/torch-fixtures.ts';
import { checkGatedFixture, type Driver } from '../helpers/gated-pipeline.ts';
import { runKernelForward } from '../helpers/recurrent-kernels.ts';

for (const build of BUILDS) {
  describe(`kernels vs PyTorch LSTM / GRU fixtures (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });
    const kernels: Driver = (p) => {
      // Packed weights (pw_ih, pw_hh), as the façade passes them.
      const r = runKernelForward(core, p, true);
      return {
        hs: r.hs, cs: r.cs,
        backward: (dhs, dhLast, dcLast) => {
          const g = r.backward(dhs, dhLast, dcLast);
          const f64 = (a: Float32Array | null, n: number) => (a ? Float64Array.from(a) : new Float64Array(n));
          const G = g.dwIh.length / p.I;
          return { dx: f64(g.dx, 0), dwIh: f64(g.dwIh, 0), dwHh: f64(g.dwHh, 0), dbIh: f64(g.dbIh, G), dbHh: f64(g.dbHh, G),
            dh0: f64(g.dh0, 0), dc0: g.dc0 ? Float64Array.from(g.dc0) : null };
        },
      };
    };
    for (const fx of loadGatedFixtures()) it(fx.name, () => checkGatedFixture(fx, kernels));
  });
}
