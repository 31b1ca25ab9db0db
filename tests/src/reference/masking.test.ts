// Sequence lengths in the references (every recurrent cell): the padded batch must behave exactly like
// running each sequence ALONE at its own length (src/kernels.ts, "Sequences of different lengths").
// Concretely, for row b of length L:
//   - outputs at real positions and the final states equal those of the lone run (B = 1, T = L, same h0/c0);
//   - padding carries states: forward, positions t ≥ L hold the lone run's final state; reverse, they hold h0
//     (the padding is visited first), and an all-padding row (L = 0) holds h0 everywhere;
//   - backward treats padding as the identity, so the lone run receives as dh_last the padded batch's dh_last
//     plus (forward direction) the dhs of the padded positions, which sit after the sequence's end; in the
//     reverse direction those dhs flow to dh0 instead; dx is 0 at padding and the weight gradients are the
//     sums of the lone runs' gradients.
// Padded inputs are random garbage, so any leak of them into the result shows.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../helpers/random.ts';
import { CELLS, drawParams, finalPos, seqBackward, seqForward, type SeqGrads, type SeqParams } from '../../helpers/recurrent.ts';

/** |a − b| ≤ 1e-12 · max(1, |b|) elementwise (sums over rows are taken in a different order). */
function assertNear(name: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * Math.max(1, Math.abs(want[i])), `${name}[${i}]: ${got[i]} ≠ ${want[i]}`);
  }
}

/** Row b of a [T, B, F] tensor restricted to positions t0 ≤ t < t1, as [t1 − t0, F]. */
function rows(a: ArrayLike<number>, B: number, F: number, b: number, t0: number, t1: number): Float64Array {
  const out = new Float64Array(Math.max(0, t1 - t0) * F);
  for (let t = t0; t < t1; t++) for (let f = 0; f < F; f++) out[(t - t0) * F + f] = a[(t * B + b) * F + f];
  return out;
}

const sumRows = (a: Float64Array, F: number) => {
  const out = new Float64Array(F);
  for (let k = 0; k < a.length; k++) out[k % F] += a[k];
  return out;
};

function checkMasking(p: SeqParams, rng: Rng): void {
  const { T, B, I, H } = p;
  const lengths = p.lengths!;
  const lstm = p.cell === 'lstm';
  const dhs = rng.array(T * B * H), dhLast = rng.array(B * H), dcLast = rng.array(B * H);
  const f = seqForward(p);
  const g = seqBackward(p, f, dhs, dhLast, lstm ? dcLast : null);
  const fin = finalPos(T, p.reverse);
  const weightSums: Partial<Record<keyof SeqGrads, Float64Array>> = {};
  for (const key of ['dwIh', 'dwHh', 'dbIh', 'dbHh'] as const) weightSums[key] = new Float64Array(g[key].length);

  for (let b = 0; b < B; b++) {
    const L = lengths[b];
    const at = (a: ArrayLike<number> | null, F: number) => (a ? Float64Array.from(a).subarray(b * F, (b + 1) * F) : new Float64Array(F));
    const h0 = at(p.h0, H), c0 = at(p.c0, H);
    const padDhs = sumRows(rows(dhs, B, H, b, L, T), H); // Σ over padded positions of dhs[t, b]
    const tag = `${p.cell} rev=${p.reverse} row ${b} (length ${L})`;
    if (L === 0) {
      for (let t = 0; t < T; t++) assertNear(`${tag}: hs[${t}] = h0`, rows(f.hs, B, H, b, t, t + 1), h0);
      if (f.cs) for (let t = 0; t < T; t++) assertNear(`${tag}: cs[${t}] = c0`, rows(f.cs, B, H, b, t, t + 1), c0);
      assertNear(`${tag}: dx = 0`, rows(g.dx, B, I, b, 0, T), new Float64Array(T * I));
      assertNear(`${tag}: dh0`, at(g.dh0, H), padDhs.map((v, j) => v + dhLast[b * H + j]));
      if (lstm) assertNear(`${tag}: dc0`, at(g.dc0, H), at(dcLast, H));
      continue;
    }
    const alone: SeqParams = { ...p, T: L, B: 1, x: rows(p.x, B, I, b, 0, L), h0: p.h0 ? h0 : null, c0: p.c0 ? c0 : null, lengths: null };
    const fa = seqForward(alone);
    const aFin = finalPos(L, p.reverse);
    assertNear(`${tag}: real outputs`, rows(f.hs, B, H, b, 0, L), fa.hs);
    assertNear(`${tag}: final h`, rows(f.hs, B, H, b, fin, fin + 1), fa.hs.subarray(aFin * H, (aFin + 1) * H));
    if (f.cs) {
      assertNear(`${tag}: real cs`, rows(f.cs, B, H, b, 0, L), fa.cs!);
      assertNear(`${tag}: final c`, rows(f.cs, B, H, b, fin, fin + 1), fa.cs!.subarray(aFin * H, (aFin + 1) * H));
    }
    // What the padded positions hold: the lone final state (forward) or h0 (reverse).
    const carried = p.reverse ? h0 : fa.hs.subarray(aFin * H, (aFin + 1) * H);
    for (let t = L; t < T; t++) assertNear(`${tag}: hs[${t}] (padding)`, rows(f.hs, B, H, b, t, t + 1), carried);

    const dhLastAlone = at(dhLast, H).map((v, j) => v + (p.reverse ? 0 : padDhs[j]));
    const ga = seqBackward(alone, fa, rows(dhs, B, H, b, 0, L), dhLastAlone, lstm ? at(dcLast, H) : null);
    assertNear(`${tag}: dx (real)`, rows(g.dx, B, I, b, 0, L), ga.dx);
    assertNear(`${tag}: dx (padding) = 0`, rows(g.dx, B, I, b, L, T), new Float64Array((T - L) * I));
    assertNear(`${tag}: dh0`, at(g.dh0, H), ga.dh0.map((v, j) => v + (p.reverse ? padDhs[j] : 0)));
    if (lstm) assertNear(`${tag}: dc0`, at(g.dc0, H), ga.dc0!);
    for (const key of ['dwIh', 'dwHh', 'dbIh', 'dbHh'] as const) ga[key].forEach((v, k) => { weightSums[key]![k] += v; });
  }
  for (const key of ['dwIh', 'dwHh', 'dbIh', 'dbHh'] as const) assertNear(`${p.cell} rev=${p.reverse}: ${key} = Σ lone runs`, g[key], weightSums[key]!);
}

describe('reference lengths: a padded batch equals each sequence run alone', () => {
  let seed = 9000;
  for (const cell of CELLS) {
    for (const reverse of [0, 1]) {
      for (const init of [true, false]) {
        for (const lengths of [[5, 0, 3, 1], [2, 5, 4, 5]]) {
          const s = seed++;
          it(`${cell} rev=${reverse}, ${init ? 'random' : 'zero'} initial state, lengths [${lengths}]`, () => {
            const rng = new Rng(s);
            checkMasking(drawParams(rng, cell, { T: 5, B: 4, I: 3, H: 3 }, { reverse, bias: true, h0: init, c0: init, lengths }), rng);
          });
        }
      }
    }
  }

  for (const cell of CELLS) {
    it(`${cell}: lengths all equal to T give exactly the unpadded results`, () => {
      for (const reverse of [0, 1]) {
        const rng = new Rng(9500 + reverse);
        const p = drawParams(rng, cell, { T: 3, B: 2, I: 2, H: 3 }, { reverse, bias: true, h0: true, c0: true, lengths: null });
        const dhs = rng.array(3 * 2 * 3), dhLast = rng.array(6), dcLast = rng.array(6);
        const plain = seqForward(p), padded = seqForward({ ...p, lengths: [3, 3] });
        assert.deepEqual(Array.from(padded.hs), Array.from(plain.hs));
        const g0 = seqBackward(p, plain, dhs, dhLast, dcLast), g1 = seqBackward({ ...p, lengths: [3, 3] }, padded, dhs, dhLast, dcLast);
        for (const key of ['dx', 'dwIh', 'dwHh', 'dbIh', 'dbHh', 'dh0'] as const) assert.deepEqual(Array.from(g1[key]), Array.from(g0[key]), key);
      }
    });
  }
});
