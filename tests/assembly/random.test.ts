// uniform_fill and normal_fill (assembly/random.ts) against their JavaScript references
// (src/reference/uniform.ts, normal.ts), through the façade's wrappers (initKernelsOn), on every build,
// with the generator left in the same state, for empty, odd and long fills, several seeds, and fills that
// follow other draws, so that the stream is continued, not restarted. The core's block is freed.
// uniform_fill: the same f32 values bit for bit, over several ranges (the glorot limits of an LSTM's
// weight_ih, [0, 1), a range not centred on 0).
// normal_fill: f32 and f64 outputs, plain and truncated, scaled and shifted, starting with and without a
// cached second value; the core's log/sin/cos are its own, so values are held to a few ulps of f64 (f32: to
// one rounding step), the integer state exactly and the cached value as closely.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/wasm.ts';
import { initKernelsOn } from '../../src/initializers.ts';
import { normalReference } from '../../src/reference/normal.ts';
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

/**
 * Max over i of |got − want| relative to the size of the terms of want = mean + std·z: |mean| + std·max(1, |z|)
 * (an ulp of z shows as std ulps of it, whatever the sum comes to).
 */
function maxRelative(got: ArrayLike<number>, want: ArrayLike<number>, mean: number, std: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const scale = Math.abs(mean) + std * Math.max(1, Math.abs(want[i] - mean) / std);
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  }
  return worst;
}

/** The two generators' states agree: the integer words exactly, the cached normal to an ulp. */
function assertSameState(a: Rng, b: Rng, what: string): void {
  const sa = a.getState(), sb = b.getState();
  assert.deepEqual(sa.slice(0, 7), sb.slice(0, 7), `state words: ${what}`);
  assert.ok(Math.abs(sa[7] - sb[7]) <= 1e-15 * Math.max(1, Math.abs(sb[7])), `cached normal ${sa[7]} vs ${sb[7]}: ${what}`);
}

const NORMALS: [number, number][] = [[0, 1], [0, 0.05], [2, 3]]; // [mean, std]

for (const build of BUILDS) {
  describe(`normal_fill (${build} build)`, () => {
    let core: Core;
    before(async () => { core = await loadCore(build); });

    for (const n of [0, 1, 2, 7, 1000, 16_384]) {
      it(`${n} values`, () => {
        for (const seed of [1, 2 ** 40 + 3, -7]) {
          for (const [mean, std] of NORMALS) {
            for (const truncate of [false, true]) {
              for (const cached of [false, true]) {
                for (const Out of [Float32Array, Float64Array]) {
                  const what = `seed ${seed}, mean ${mean}, std ${std}, truncate ${truncate}, cached ${cached}, ${Out.name}`;
                  const a = new Rng(seed).derive(9), b = new Rng(seed).derive(9);
                  a.next(); b.next(); // a stream already under way
                  if (cached) { a.normal(); b.normal(); } // the fill starts with the cached second value
                  const got = new Out(n), want = new Out(n);
                  const live = core.heap.liveBytes;
                  initKernelsOn(core).fillNormal(a, got, mean, std, truncate);
                  normalReference(b, want, mean, std, truncate);
                  assert.equal(core.heap.liveBytes, live, 'live bytes after the call');
                  // f64: an ulp of the last operations; f32: the f64 values may straddle a rounding boundary.
                  const tolerance = Out === Float64Array ? 1e-15 : 2 ** -23;
                  assert.ok(maxRelative(got, want, mean, std) <= tolerance, `values (max relative difference ${maxRelative(got, want, mean, std)}): ${what}`);
                  if (truncate) assert.ok(got.every((v) => Math.abs(v - mean) <= 2 * std * (1 + 1e-6)), `a value beyond 2 std: ${what}`);
                  assertSameState(a, b, what);
                  assert.ok(Math.abs(a.normal() - b.normal()) <= 1e-14, `the next normal: ${what}`);
                }
              }
            }
          }
        }
      });
    }

    it('draws the standard normal distribution, and truncation cuts at 2', () => {
      const plain = new Float64Array(200_000), cut = new Float64Array(200_000);
      initKernelsOn(core).fillNormal(new Rng(3), plain, 0, 1, false);
      initKernelsOn(core).fillNormal(new Rng(4), cut, 0, 1, true);
      const moments = (v: Float64Array): [number, number] => {
        const m = v.reduce((s, x) => s + x, 0) / v.length;
        return [m, Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length)];
      };
      const [m, s] = moments(plain), [mc, sc] = moments(cut);
      assert.ok(Math.abs(m) < 0.01 && Math.abs(s - 1) < 0.01, `plain: mean ${m}, std ${s}`);
      assert.ok(plain.some((x) => Math.abs(x) > 3.5), 'the plain draws have tails');
      // The std of a standard normal truncated to [−2, 2] (initializers.ts' TRUNCATED_NORMAL_STD_CORRECTION).
      assert.ok(Math.abs(mc) < 0.01 && Math.abs(sc - 0.87962566103423978) < 0.01, `truncated: mean ${mc}, std ${sc}`);
      assert.ok(cut.every((x) => Math.abs(x) <= 2) && cut.some((x) => Math.abs(x) > 1.99), 'truncated at 2, up to 2');
    });
  });
}
