// uniform_fill (assembly/random.ts) against the JavaScript reference (src/reference/uniform.ts), through
// the façade's wrapper (initKernelsOn), on every build: the same f32 values bit for bit and the generator
// left in the same state, for empty, odd and long fills, several seeds and ranges (the glorot limits of
// an LSTM's weight_ih, [0, 1), a range not centred on 0), and fills that follow other draws, so that the
// stream is continued, not restarted. The core's block is freed.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { initKernelsOn } from '../../src/initializers.ts';
import { uniformReference } from '../../src/reference/uniform.ts';
import { Rng } from '../../src/random.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';

const LIMIT = Math.sqrt(6 / (512 + 32)); // glorot_uniform of an LSTM(128)'s weight_ih [512, 32]
const RANGES: [number, number][] = [[-LIMIT, 2 * LIMIT], [0, 1], [-3, 0.5]];

for (const build of BUILDS) {
  describe(`uniform_fill (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const n of [0, 1, 7, 1000, 16_384]) {
      it(`${n} values`, () => {
        for (const seed of [1, 2 ** 40 + 3, -7]) {
          for (const [lo, span] of RANGES) {
            const a = new Rng(seed).derive(5), b = new Rng(seed).derive(5);
            a.next(); b.next(); // a stream already under way
            a.normal(); b.normal(); // with a cached normal, which the fill must leave alone
            const got = new Float32Array(n), want = new Float32Array(n);
            const live = core.heap.liveBytes;
            initKernelsOn(core).fillUniform(a, got, lo, span);
            uniformReference(b, want, lo, span);
            assert.equal(core.heap.liveBytes, live, 'live bytes after the call');
            assert.deepEqual(got, want, `seed ${seed}, lo ${lo}, span ${span}`);
            assert.deepEqual(a.getState(), b.getState(), `state after: seed ${seed}, lo ${lo}, span ${span}`);
            assert.equal(a.normal(), b.normal());
          }
        }
      });
    }
  });
}
