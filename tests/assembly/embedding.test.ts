// embedding_forward / embedding_backward (assembly/) against the reference (src/reference/embedding.ts), on
// both builds: widths D that are and are not multiples of 4 (1, 3, 4, 8, 37), N = 1 and N > a tile, repeated
// ids (their gradients must add up), large ids, N = 0 (touches nothing); backward accumulates into a table
// gradient that starts from random values, and twice into zeros gives twice the gradient.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { embeddingBackward, embeddingForward } from '../../src/reference/embedding.ts';
import { BUILDS, get, loadCore, put } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { assertClose, FORWARD_TOL, GRAD_TOL } from '../helpers/compare.ts';

const SHAPES: { N: number; D: number; V: number }[] = [
  { N: 1, D: 1, V: 1 }, { N: 7, D: 5, V: 4 }, { N: 5, D: 3, V: 9 }, { N: 9, D: 4, V: 3 }, { N: 6, D: 8, V: 6 },
  { N: 33, D: 37, V: 50 }, { N: 12, D: 70, V: 300 }, { N: 4, D: 16, V: 100_000 },
];

for (const build of BUILDS) {
  describe(`embedding_forward / embedding_backward (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    let seed = 60_000;
    for (const { N, D, V } of SHAPES) {
      const s = seed++;
      it(`N=${N} D=${D} V=${V}`, () => {
        const rng = new Rng(s);
        // Few distinct ids relative to N so that ids repeat; the largest id is always present.
        const ids = Array.from({ length: N }, () => rng.int(0, V - 1));
        ids[rng.int(0, N - 1)] = V - 1;
        const table = rng.array(V * D), dout = rng.array(N * D), init = rng.array(V * D);
        const p = { N, D, V, ids, table };
        const k = core.kernels;
        const pids = put(core, ids), ptable = put(core, table), pout = put(core, new Float64Array(N * D));
        k.embedding_forward(N, D, pids, ptable, pout);
        // A lookup copies: exact equality, not a tolerance.
        assert.deepEqual(Array.from(get(core, pout, N * D)), Array.from(embeddingForward(p), Math.fround));
        assertClose('out', get(core, pout, N * D), embeddingForward(p), FORWARD_TOL, [N, D]);
        const pd = put(core, init);
        k.embedding_backward(N, D, pids, put(core, dout), pd);
        const want = embeddingBackward(p, dout).map((v, i) => v + init[i]);
        assertClose('dtable', get(core, pd, V * D), want, GRAD_TOL, [V, D]);
        assert.deepEqual(Array.from(get(core, ptable, V * D)), Array.from(table), 'table was modified');
      });
    }

    it('backward accumulates: two calls into a zero table gradient give twice the gradient', () => {
      const rng = new Rng(61);
      const N = 10, D = 6, V = 4;
      const ids = Array.from({ length: N }, () => rng.int(0, V - 1)), dout = rng.array(N * D);
      const pd = put(core, new Float64Array(V * D)), pids = put(core, ids), pdout = put(core, dout);
      core.kernels.embedding_backward(N, D, pids, pdout, pd);
      core.kernels.embedding_backward(N, D, pids, pdout, pd);
      assertClose('dtable (2 calls)', get(core, pd, V * D), embeddingBackward({ N, D, V, ids, table: [] }, dout).map((v) => 2 * v), GRAD_TOL);
      assert.deepEqual(Array.from(get(core, pdout, N * D)), Array.from(dout), 'dout was modified');
    });

    it('N = 0 writes nothing', () => {
      const out = put(core, [7, 7, 7]), dtable = put(core, [5, 5, 5]), ids = put(core, [0]), table = put(core, [1, 2, 3]);
      core.kernels.embedding_forward(0, 3, ids, table, out);
      core.kernels.embedding_backward(0, 3, ids, table, dtable);
      assert.deepEqual(Array.from(get(core, out, 3)), [7, 7, 7]);
      assert.deepEqual(Array.from(get(core, dtable, 3)), [5, 5, 5]);
    });
  });
}
