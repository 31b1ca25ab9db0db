// Gradient checks of the reference LSTM and both GRU variants (src/reference/lstm.ts, gru.ts), and of every
// recurrent reference (SimpleRNN included) with sequence lengths. Five-point central differences, relative
// error < 1e-6 in f64 (tests/helpers/gradcheck.ts). The loss
//   L = Σ c ⊙ hs + Σ d ⊙ h_final (+ Σ e ⊙ c_final for the LSTM)
// touches every output, padded positions included, and both final states, so the dhs, dh_last and dc_last
// paths are all exercised; c, d, e are random so that a wrong index or a swapped tensor changes the number.
// Absent biases / h0 / c0 are checked as tensors of zeros: the gradient is the one they would have.
// Hand-computed single steps pin down the formulas themselves (a gradient check cannot tell a wrong but
// self-consistent forward pass from the right one).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../../src/kernels.ts';
import { lstmForward } from '../../../src/reference/lstm.ts';
import { gruForward } from '../../../src/reference/gru.ts';
import { Rng } from '../../helpers/random.ts';
import { assertGradcheck } from '../../helpers/gradcheck.ts';
import { CELLS, drawParams, finalPos, seqBackward, seqForward, type Cell, type SeqParams } from '../../helpers/recurrent.ts';

type Key = 'x' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'h0' | 'c0';

function lossOf(p: SeqParams, c: Float64Array, d: Float64Array, e: Float64Array): number {
  const f = seqForward(p);
  const { B, H } = p;
  const fin = finalPos(p.T, p.reverse) * B * H;
  let loss = 0;
  for (let k = 0; k < f.hs.length; k++) loss += c[k] * f.hs[k];
  for (let k = 0; k < B * H; k++) loss += d[k] * f.hs[fin + k];
  if (f.cs) for (let k = 0; k < B * H; k++) loss += e[k] * f.cs[fin + k];
  return loss;
}

/** Checks every gradient of one case (present tensors and absent ones as zeros). */
function checkAll(p: SeqParams, rng: Rng): void {
  const { T, B, H } = p;
  const c = rng.array(T * B * H), d = rng.array(B * H), e = rng.array(B * H);
  const g = seqBackward(p, seqForward(p), c, d, p.cell === 'lstm' ? e : null);
  const zerosLike = (key: Key) => new Float64Array(key === 'h0' || key === 'c0' ? B * H : g.dbIh.length);
  const check = (key: Key, analytic: Float64Array) => {
    const x = p[key] ? Float64Array.from(p[key]!) : zerosLike(key);
    assertGradcheck(p[key] ? key : `${key} (zeros)`, (v) => lossOf({ ...p, [key]: v }, c, d, e), x, analytic);
  };
  check('x', g.dx);
  check('wIh', g.dwIh);
  check('wHh', g.dwHh);
  check('bIh', g.dbIh);
  check('bHh', g.dbHh);
  check('h0', g.dh0);
  if (p.cell === 'lstm') check('c0', g.dc0!);
  else assert.equal(g.dc0, null);
}

const T = 4, B = 3, I = 3, H = 4;
// Each row: no lengths; full, 0 (all padding) and partial lengths; and no row at full length.
const LENGTHS: (number[] | null)[] = [null, [4, 0, 2], [1, 3, 2]];

describe('reference gated cells and lengths: gradient check', () => {
  let seed = 5000;
  for (const cell of CELLS) {
    for (const reverse of [0, 1]) {
      for (const bias of [true, false]) {
        for (const init of [true, false]) {
          for (const lengths of LENGTHS) {
            const s = seed++;
            const states = cell === 'lstm' ? 'h0, c0' : 'h0';
            it(`${cell} rev=${reverse}, ${bias ? 'bias' : 'no bias'}, ${init ? states : `zero ${states}`}, lengths ${lengths ? `[${lengths}]` : 'none'}`, () => {
              const rng = new Rng(s);
              checkAll(drawParams(rng, cell, { T, B, I, H }, { reverse, bias, h0: init, c0: init, lengths }), rng);
            });
          }
        }
      }
    }
  }

  // Other activation pairs (Keras `activation` / `recurrentActivation`): smooth ones only, so that no
  // finite difference straddles a ReLU kink. The kernel tests cover ReLU.
  const PAIRS: [string, number, number][] = [['linear/sigmoid', Act.Linear, Act.Sigmoid], ['sigmoid/tanh', Act.Sigmoid, Act.Tanh],
    ['tanh/tanh', Act.Tanh, Act.Tanh]];
  for (const cell of ['lstm', 'gru', 'gru_reset_before'] as Cell[]) {
    for (const [name, act, ract] of PAIRS) {
      const s = seed++;
      it(`${cell} act/ract ${name}, rev=1, lengths [2, 4, 0]`, () => {
        const rng = new Rng(s);
        checkAll(drawParams(rng, cell, { T, B, I, H }, { act, ract, reverse: 1, bias: true, h0: true, c0: true, lengths: [2, 4, 0] }), rng);
      });
    }
  }
});

describe('reference gated cells: one step by hand (H = I = B = T = 1)', () => {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 1e-14, `${what}: ${got} ≠ ${want}`);

  it('LSTM: gate order i, f, g, o in the weight rows; c = f·c0 + i·g; h = o·tanh(c)', () => {
    // Distinct weights per gate row, so a permuted gate order gives different numbers.
    const wIh = [0.5, -0.25, 0.75, 1], wHh = [0.125, 0.5, -0.5, 0.25], bIh = [0.1, 0.2, -0.3, 0], bHh = [0, 0.05, 0.1, -0.2];
    const x = 0.8, h0 = -0.6, c0 = 0.4;
    const pre = (k: number) => x * wIh[k] + bIh[k] + h0 * wHh[k] + bHh[k];
    const i = sig(pre(0)), f = sig(pre(1)), g = Math.tanh(pre(2)), o = sig(pre(3));
    const c = f * c0 + i * g;
    const r = lstmForward({ act: Act.Tanh, ract: Act.Sigmoid, reverse: 0, T: 1, B: 1, I: 1, H: 1, x: [x], wIh, wHh, bIh, bHh, h0: [h0], c0: [c0] });
    close(r.gates[0], i, 'i'); close(r.gates[1], f, 'f'); close(r.gates[2], g, 'g'); close(r.gates[3], o, 'o');
    close(r.cs[0], c, 'c');
    close(r.hs[0], o * Math.tanh(c), 'h');
  });

  const wIh = [0.5, -0.25, 0.75], wHh = [0.125, 0.5, -0.5], bIh = [0.1, 0.2, -0.3], bHh = [0.3, 0.05, 0.1];
  const x = 0.8, h0 = -0.6;
  const r = sig(x * wIh[0] + bIh[0] + h0 * wHh[0] + bHh[0]);
  const z = sig(x * wIh[1] + bIh[1] + h0 * wHh[1] + bHh[1]);
  for (const resetAfter of [1, 0]) {
    it(`GRU reset${resetAfter ? 'After (PyTorch): n = tanh(W_in x + b_in + r·(W_hn h + b_hn))' : 'Before (original): n = tanh(W_in x + b_in + W_hn (r·h) + b_hn)'}`, () => {
      // With b_hn ≠ 0 and r ≠ 1 the two variants differ: r multiplies b_hn only in the reset-after form.
      const hn = resetAfter ? h0 * wHh[2] + bHh[2] : r * h0;
      const n = Math.tanh(x * wIh[2] + bIh[2] + (resetAfter ? r * hn : wHh[2] * hn + bHh[2]));
      const f = gruForward({ act: Act.Tanh, ract: Act.Sigmoid, resetAfter, reverse: 0, T: 1, B: 1, I: 1, H: 1, x: [x], wIh, wHh, bIh, bHh, h0: [h0] });
      close(f.gates[0], r, 'r'); close(f.gates[1], z, 'z'); close(f.gates[2], n, 'n'); close(f.gates[3], hn, 'fourth block');
      close(f.hs[0], (1 - z) * n + z * h0, 'h');
    });
  }

  it('the two GRU variants differ when r ≠ 1 and b_hn ≠ 0 (so the variant flag is really used)', () => {
    const p = { act: Act.Tanh, ract: Act.Sigmoid, reverse: 0, T: 1, B: 1, I: 1, H: 1, x: [x], wIh, wHh, bIh, bHh, h0: [h0] };
    assert.ok(Math.abs(gruForward({ ...p, resetAfter: 1 }).hs[0] - gruForward({ ...p, resetAfter: 0 }).hs[0]) > 1e-3);
  });
});
