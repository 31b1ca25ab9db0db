// Gradient checks of the reference SimpleRNN (src/reference/rnn.ts): every activation, both directions,
// with and without biases and h0. The loss L = Σ c ⊙ hs + Σ d ⊙ h_final uses every output AND the final
// state, so both dhs and dh_last paths of rnnBackward are exercised; c and d are random so that a wrong
// index or a swapped tensor changes the number.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../../src/kernels.ts';
import { rnnBackward, rnnForward, finalStep, type RnnParams } from '../../../src/reference/rnn.ts';
import { Rng } from '../../helpers/random.ts';
import { assertGradcheck } from '../../helpers/gradcheck.ts';

const ACTS = Object.entries(Act) as [string, number][];

/**
 * The smallest |pre-activation| over all steps, recomputed from hs. A ReLU is not differentiable at 0, so a
 * finite difference that straddles a kink measures a slope that is neither side's; ReLU cases redraw
 * their data until every pre-activation is clear of 0 by more than the stencil's reach.
 */
function minAbsPreActivation(p: RnnParams, hs: Float64Array): number {
  const { T, B, I, H } = p;
  let min = Infinity;
  for (let t = 0; t < T; t++) {
    const first = p.reverse ? t === T - 1 : t === 0;
    const prev = p.reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        let pre = (p.bIh ? p.bIh[h] : 0) + (p.bHh ? p.bHh[h] : 0);
        for (let i = 0; i < I; i++) pre += p.x[(t * B + b) * I + i] * p.wIh[h * I + i];
        for (let j = 0; j < H; j++) {
          const hp = first ? (p.h0 ? p.h0[b * H + j] : 0) : hs[(prev * B + b) * H + j];
          pre += hp * p.wHh[h * H + j];
        }
        min = Math.min(min, Math.abs(pre));
      }
    }
  }
  return min;
}

function lossOf(p: RnnParams, c: Float64Array, d: Float64Array): number {
  const hs = rnnForward(p);
  const { B, H } = p;
  const f = finalStep(p.T, p.reverse);
  let loss = 0;
  for (let k = 0; k < hs.length; k++) loss += c[k] * hs[k];
  for (let k = 0; k < B * H; k++) loss += d[k] * hs[f * B * H + k];
  return loss;
}

describe('reference rnn: gradient check', () => {
  for (const [actName, act] of ACTS) {
    for (const reverse of [0, 1]) {
      for (const withBias of [true, false]) {
        for (const withH0 of [true, false]) {
          it(`${actName}, reverse ${reverse}, ${withBias ? 'bias' : 'no bias'}, ${withH0 ? 'h0' : 'zero h0'}`, () => {
            const rng = new Rng(1000 + act * 8 + reverse * 4 + (withBias ? 2 : 0) + (withH0 ? 1 : 0));
            const T = 4, B = 2, I = 3, H = 5;
            // Weights are kept small enough that tanh/sigmoid are not saturated (saturation would make the
            // gradients tiny and the check weak).
            const draw = (): RnnParams => ({
              act, reverse, T, B, I, H,
              x: rng.array(T * B * I), wIh: rng.array(H * I, -0.6, 0.6), wHh: rng.array(H * H, -0.5, 0.5),
              bIh: withBias ? rng.array(H, -0.3, 0.3) : null, bHh: withBias ? rng.array(H, -0.3, 0.3) : null,
              h0: withH0 ? rng.array(B * H) : null,
            });
            let p = draw();
            while (act === Act.Relu && minAbsPreActivation(p, rnnForward(p)) < 1e-2) p = draw();
            const c = rng.array(T * B * H);
            const d = rng.array(B * H);
            const hs = rnnForward(p);
            const g = rnnBackward(p, hs, c, d);
            const mutable = (key: 'x' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'h0') => Float64Array.from(p[key] as ArrayLike<number>);
            const check = (key: 'x' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'h0', analytic: Float64Array) => {
              const x = mutable(key);
              assertGradcheck(key, (v) => lossOf({ ...p, [key]: v }, c, d), x, analytic);
            };
            check('x', g.dx);
            check('wIh', g.dwIh);
            check('wHh', g.dwHh);
            if (withBias) { check('bIh', g.dbIh); check('bHh', g.dbHh); }
            if (withH0) check('h0', g.dh0);
            else {
              // Without h0 the gradient w.r.t. an h0 of zeros must still be the right one.
              const zero = new Float64Array(B * H);
              assertGradcheck('h0 (zeros)', (v) => lossOf({ ...p, h0: v }, c, d), zero, g.dh0);
            }
            if (!withBias) {
              const zero = new Float64Array(H);
              assertGradcheck('bIh (zeros)', (v) => lossOf({ ...p, bIh: v }, c, d), zero, g.dbIh);
            }
          });
        }
      }
    }
  }

  it('reverse = 1 is the forward RNN on the time-reversed sequence, stored at the original positions', () => {
    // An independent characterisation of the reverse semantics in src/kernels.ts.
    const rng = new Rng(7);
    const T = 5, B = 2, I = 3, H = 4;
    const p: RnnParams = { act: Act.Tanh, reverse: 1, T, B, I, H, x: rng.array(T * B * I), wIh: rng.array(H * I),
      wHh: rng.array(H * H), bIh: rng.array(H), bHh: rng.array(H), h0: rng.array(B * H) };
    const flip = (a: ArrayLike<number>, F: number) => {
      const out = new Float64Array(a.length);
      for (let t = 0; t < T; t++) out.set(Array.from(a).slice(t * B * F, (t + 1) * B * F), (T - 1 - t) * B * F);
      return out;
    };
    const hsRev = rnnForward(p);
    const hsFwdOfFlipped = rnnForward({ ...p, reverse: 0, x: flip(p.x, I) });
    assert.deepEqual(Array.from(hsRev), Array.from(flip(hsFwdOfFlipped, H)));
  });

  it('T = 1 and a single unit: h = act(x·w_ih + b_ih + h0·w_hh + b_hh) by hand', () => {
    const hs = rnnForward({ act: Act.Tanh, reverse: 0, T: 1, B: 1, I: 1, H: 1, x: [0.5], wIh: [2], wHh: [-1],
      bIh: [0.25], bHh: [0.125], h0: [0.75] });
    // 0.5·2 + 0.25 + 0.75·(−1) + 0.125 = 0.625
    assert.equal(hs[0], Math.tanh(0.625));
  });
});
