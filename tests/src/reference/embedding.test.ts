// Reference embedding (src/reference/embedding.ts): a gradient check of the table with repeated ids (their
// rows' gradients must add up) and unused ids (zero gradient), a by-hand lookup, and the id range check.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingBackward, embeddingForward } from '../../../src/reference/embedding.ts';
import { Rng } from '../../helpers/random.ts';
import { assertGradcheck } from '../../helpers/gradcheck.ts';

describe('reference embedding', () => {
  it('gradient check of the table (ids repeat, some rows unused)', () => {
    const rng = new Rng(31);
    const V = 6, D = 5, ids = [4, 1, 4, 0, 4, 1, 3];
    const N = ids.length;
    const table = rng.array(V * D), c = rng.array(N * D);
    // A nonlinear loss, Σ c ⊙ out², so the gradient depends on the table values and a wrong row shows.
    const loss = (tab: Float64Array) => embeddingForward({ N, D, V, ids, table: tab }).reduce((s, v, k) => s + c[k] * v * v, 0);
    const out = embeddingForward({ N, D, V, ids, table });
    const dtable = embeddingBackward({ N, D, V, ids, table }, out.map((v, k) => 2 * c[k] * v));
    assertGradcheck('table', loss, Float64Array.from(table), dtable);
    assert.deepEqual(Array.from(dtable.subarray(2 * D, 3 * D)), [0, 0, 0, 0, 0], 'id 2 is unused');
  });

  it('out[n] = table[ids[n]] by hand; dtable sums the rows of a repeated id', () => {
    const table = [1, 2, 3, 4, 5, 6]; // V = 3, D = 2
    const p = { N: 3, D: 2, V: 3, ids: [2, 0, 2], table };
    assert.deepEqual(Array.from(embeddingForward(p)), [5, 6, 1, 2, 5, 6]);
    assert.deepEqual(Array.from(embeddingBackward(p, [1, 10, 100, 1000, 0.5, 0.25])), [100, 1000, 0, 0, 1.5, 10.25]);
  });

  it('rejects ids outside [0, V) and non-integers', () => {
    for (const id of [-1, 3, 1.5, NaN]) {
      assert.throws(() => embeddingForward({ N: 1, D: 1, V: 3, ids: [id], table: [1, 2, 3] }), /id .* is not an integer in \[0, 3\)/);
    }
  });
});
