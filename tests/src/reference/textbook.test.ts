// The textbook worked example of a SimpleRNN, by hand: three 2-d inputs, 2×2 input weights W, 2×2
// recurrent weights U, bias b, sigmoid activation, h0 = (0, 0):
//   h_t = σ(W x_t + U h_{t−1} + b)
// The expected states below were worked out with a calculator (not with the code under test) and pasted
// as literals; every input is exactly representable in float32, so the wasm kernel sees the same numbers.
//
//   W = [[0.5, −0.25], [0.75, 0.125]]   U = [[0.25, −0.5], [0.375, 0.625]]   b = (0.125, −0.25)
//   x1 = (1, 0.5)   x2 = (−0.5, 1)   x3 = (0.25, −0.75)
//
//   t = 1: W x1 = (0.5 − 0.125, 0.75 + 0.0625) = (0.375, 0.8125);  U h0 = (0, 0)
//          a1 = (0.5, 0.5625)
//          h1 = σ(a1) = (0.622459331202, 0.637030794480)
//   t = 2: W x2 = (−0.25 − 0.25, −0.375 + 0.125) = (−0.5, −0.25)
//          U h1 = (0.25·0.622459331202 − 0.5·0.637030794480, 0.375·0.622459331202 + 0.625·0.637030794480)
//               = (−0.162900564440, 0.631566495751)
//          a2 = (−0.537900564440, 0.131566495751)
//          h2 = σ(a2) = (0.368676099491, 0.532844260458)
//   t = 3: W x3 = (0.125 + 0.1875, 0.1875 − 0.09375) = (0.3125, 0.09375)
//          U h2 = (0.25·0.368676099491 − 0.5·0.532844260458, 0.375·0.368676099491 + 0.625·0.532844260458)
//               = (−0.174253105356, 0.471281200096)
//          a3 = (0.263246894644, 0.315031200096)
//          h3 = σ(a3) = (0.565434282251, 0.578112842556)
//
// In recur's layout W is w_ih [H, I] and U is w_hh [H, H] (PyTorch's weight_ih / weight_hh: row h holds the
// weights INTO unit h), x is time-major [T, B = 1, I], and hs [T, 1, H] holds h1, h2, h3.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Act } from '../../../src/kernels.ts';
import { rnnForward } from '../../../src/reference/rnn.ts';
import { BUILDS, get, loadCore, put, zeros } from '../../helpers/core.ts';
import type { Core } from '../../../src/wasm.ts';
import { assertClose, FORWARD_TOL } from '../../helpers/compare.ts';

const W = [0.5, -0.25, 0.75, 0.125];
const U = [0.25, -0.5, 0.375, 0.625];
const b = [0.125, -0.25];
const x = [1, 0.5, -0.5, 1, 0.25, -0.75];
const expected = [
  0.622459331202, 0.637030794480, // h1
  0.368676099491, 0.532844260458, // h2
  0.565434282251, 0.578112842556, // h3
];

describe('textbook SimpleRNN example (sigmoid, 2 units, 3 steps)', () => {
  it('reference: h1, h2, h3 match the hand computation to 1e-11', () => {
    const hs = rnnForward({ act: Act.Sigmoid, reverse: 0, T: 3, B: 1, I: 2, H: 2, x, wIh: W, wHh: U, bIh: b });
    hs.forEach((h, k) => assert.ok(Math.abs(h - expected[k]) < 1e-11, `hs[${k}] = ${h}, by hand ${expected[k]}`));
  });

  it('reference: the bias may sit in b_hh instead of b_ih, and an explicit zero h0 equals none', () => {
    const hs = rnnForward({ act: Act.Sigmoid, reverse: 0, T: 3, B: 1, I: 2, H: 2, x, wIh: W, wHh: U, bHh: b, h0: [0, 0] });
    hs.forEach((h, k) => assert.ok(Math.abs(h - expected[k]) < 1e-11, `hs[${k}] = ${h}, by hand ${expected[k]}`));
  });

  for (const build of BUILDS) {
    describe(`wasm rnn_forward (${build} build)`, () => {
      let core: Core;
      before(async () => { core = await loadCore(build); });

      it('h1, h2, h3 match the hand computation (bias in b_ih, b_hh, h0 and lengths absent)', () => {
        const hs = zeros(core, 6);
        core.kernels.rnn_forward(Act.Sigmoid, 0, 3, 1, 2, 2, put(core, x), put(core, W), put(core, U), 0, 0, put(core, b), 0, 0, 0, hs);
        assertClose('hs', get(core, hs, 6), expected, FORWARD_TOL, [3, 1, 2]);
      });

      it('h1, h2, h3 match with the bias in b_hh and an explicit zero h0', () => {
        const hs = zeros(core, 6);
        core.kernels.rnn_forward(Act.Sigmoid, 0, 3, 1, 2, 2, put(core, x), put(core, W), put(core, U), 0, 0, 0, put(core, b), zeros(core, 2), 0, hs);
        assertClose('hs', get(core, hs, 6), expected, FORWARD_TOL, [3, 1, 2]);
      });
    });
  }
});
