// orthogonal_q (assembly/orthogonal.ts) against the f64 reference (src/reference/orthogonal.ts), on every
// build, in both output layouts (Q and Qᵀ): square, tall and single-column shapes, odd m (the f64x2 loops'
// tails), an LSTM's [4H, H] (Gram–Schmidt: the square ones project their last columns twice); the
// Householder fallback on a matrix with an all-zero column (the H_k = I branch, whose reflector must be
// stored as zeros) and on one whose column projects to exactly zero; nearly dependent columns, which
// need the second projection; m < n and n = 0 write nothing; the façade's wrapper (initKernelsOn), which
// draws the normal matrix in the core too, returns the Q of the references (orthogonalReference) and frees
// its blocks. Q is unique, so the two ways and the reference differ only in rounding (the order of their
// sums, and the core's blocks of 4: every shape with n ≥ 4 runs them, n % 4 ≠ 0 the single ones too): Q
// must agree to ~1e-12 where the matrix is well conditioned, and be orthonormal to the same precision. The
// reference's own layouts are checked against its column-major householderQ by hand here too, so that a
// transposition bug in both cannot hide.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { householderQ, orthogonalQReference, orthogonalReference } from '../../src/reference/orthogonal.ts';
import { initKernelsOn } from '../../src/initializers.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';
import { Rng } from '../helpers/random.ts';
import { Rng as SeededRng } from '../../src/random.ts'; // the models' generator, whose state the wrapper carries
import { orthonormalityError } from '../helpers/orthonormality.ts';
import { compareTensors } from '../helpers/compare.ts';

const SHAPES: [number, number][] = [[1, 1], [2, 1], [5, 1], [3, 3], [7, 7], [12, 3], [33, 33], [96, 32], [97, 31], [512, 128]];
const TOL = 1e-12;

/** Copies a row-major m×n f64 matrix into core memory, runs orthogonal_q, returns what it left there. */
function coreQ(core: Core, a: Float64Array, m: number, n: number, transposed: boolean): Float64Array {
  const pa = core.heap.alloc(a.length * 8), work = core.heap.alloc(a.length * 8);
  new Float64Array(core.kernels.memory.buffer, pa, a.length).set(a);
  core.kernels.orthogonal_q(m, n, pa, work, transposed ? 1 : 0);
  return new Float64Array(core.kernels.memory.buffer, pa, a.length).slice();
}

/** max |a − b|: compareTensors with a floor of 1, which no entry of an orthonormal Q exceeds, so unscaled. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return compareTensors(a, b, 1).error;
}

for (const build of BUILDS) {
  describe(`orthogonal_q (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const [m, n] of SHAPES) {
      for (const transposed of [false, true]) {
        it(`${m}×${n} random, ${transposed ? 'Qᵀ' : 'Q'}`, () => {
          const rng = new Rng(m * 1000 + n);
          const a = rng.array(m * n);
          const got = coreQ(core, a, m, n, transposed);
          const want = orthogonalQReference(Float64Array.from(a), m, n, transposed);
          assert.ok(maxDiff(got, want) < TOL, `max |Q − reference| = ${maxDiff(got, want)}`);
          // Q [m, n] has orthonormal columns; Qᵀ [n, m] orthonormal rows.
          const error = transposed ? orthonormalityError(got, n, m, 'rows') : orthonormalityError(got, m, n, 'columns');
          assert.ok(error < TOL, `max |QᵀQ − I| = ${error}`);
        });
      }
    }

    it('a zero column: its reflector is the identity, and Q still matches the reference', () => {
      // 20×9: the zero reflector inside a block that is then applied to the columns after it.
      for (const [m, n] of [[9, 4], [20, 9]]) {
        const rng = new Rng(77);
        const a = Float64Array.from({ length: m * n }, (_, i) => (i % n === 2 ? 0 : rng.uniform(-1, 1)));
        const got = coreQ(core, a, m, n, false);
        assert.ok(maxDiff(got, orthogonalQReference(Float64Array.from(a), m, n, false)) < TOL, `${m}×${n}`);
      }
    });

    it('a column Gram–Schmidt projects to exactly zero: Householder instead, and Q still matches the reference', () => {
      // Column 1 is half of column 0 = 2·e_0, so its projection off q_0 = e_0 is exactly zero (twice): no
      // direction to normalise. Without the fallback Q would hold NaN.
      const m = 7, n = 3, rng = new Rng(78);
      const a = Float64Array.from({ length: m * n }, (_, i) => (i % n === 2 ? rng.uniform(-1, 1) : i === 0 ? 2 : i === 1 ? 1 : 0));
      for (const transposed of [false, true]) {
        const got = coreQ(core, a, m, n, transposed);
        assert.ok(maxDiff(got, orthogonalQReference(Float64Array.from(a), m, n, transposed)) < TOL, `transposed ${transposed}`);
      }
    });

    it('nearly dependent columns (condition ~1e7): projected twice, Q is orthonormal to rounding', () => {
      // Every column is one vector plus 1e-6 of noise: after the first projection a column keeps ~1e-12 of its
      // squared norm, and its error from the first pass (~1e-16 of the original) is ~1e-10 of what is left;
      // the second projection brings it back to rounding. Q itself is that sensitive: it may differ from the
      // reference's by ~condition·1e-16.
      const m = 40, n = 8, rng = new Rng(79), base = rng.array(m);
      const a = Float64Array.from({ length: m * n }, (_, i) => base[Math.floor(i / n)] + 1e-6 * rng.uniform(-1, 1));
      for (const transposed of [false, true]) {
        const got = coreQ(core, a, m, n, transposed);
        const error = transposed ? orthonormalityError(got, n, m, 'rows') : orthonormalityError(got, m, n, 'columns');
        assert.ok(error < TOL, `max |QᵀQ − I| = ${error}`);
        assert.ok(maxDiff(got, orthogonalQReference(Float64Array.from(a), m, n, transposed)) < 1e-6, `transposed ${transposed}`);
      }
    });

    it("the façade's wrapper (initKernelsOn) gives the reference's Q and frees every block it took", () => {
      const m = 40, n = 13, got = new Float64Array(m * n), want = new Float64Array(m * n);
      const live = core.heap.liveBytes;
      initKernelsOn(core).orthogonal(new SeededRng(5), got, m, n, false);
      assert.equal(core.heap.liveBytes, live, 'live bytes after the call');
      orthogonalReference(new SeededRng(5), want, m, n, false);
      assert.ok(maxDiff(got, want) < TOL);
    });

    it('m < n and n = 0 write nothing', () => {
      for (const [m, n] of [[2, 3], [4, 0]]) {
        const q = coreQ(core, new Float64Array(Math.max(m * n, 1)).fill(1), m, n, false);
        assert.ok(q.every((v) => v === 1), `${m}×${n}: the matrix was written`);
      }
    });
  });
}

describe('orthogonalQReference', () => {
  it("lays out householderQ's column-major Q as Q [m, n] or Qᵀ [n, m], row-major", () => {
    const m = 5, n = 3, a = new Rng(9).array(m * n); // row-major
    const columns = Float64Array.from({ length: m * n }, (_, k) => a[(k % m) * n + Math.floor(k / m)]);
    const q = householderQ(columns, m, n); // q[j·m + i] = Q[i][j]
    const Q = orthogonalQReference(Float64Array.from(a), m, n, false);
    const Qt = orthogonalQReference(Float64Array.from(a), m, n, true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        assert.equal(Q[i * n + j], q[j * m + i]);
        assert.equal(Qt[j * m + i], q[j * m + i]);
      }
    }
  });
});
