// Release-build guard: the hot kernels must really run SIMD, and the core must never allocate.
// Run: bash scripts/build-wasm.sh && node --import tsx --test tests/assembly/wat.test.ts
//
// What the release .wat looks like (AssemblyScript 0.27, -O3, see asconfig.json): every export is a
// `(func $assembly/<file>/<name>` of its own, but the exports that are thin wrappers contain no vector
// code themselves: rnn_forward and dense_forward call $assembly/gemm/sgemm and
// $assembly/activations/bias_act, act_forward calls bias_act, and sgemm dispatches to
// $assembly/gemm/packedRange, $assembly/gemm/gemmNT and $assembly/gemm/gemmAB (too big to inline), which
// hold the register-blocked tiles; the forward kernels reach packedRange and gemmNT through
// $assembly/gemm/gemm_wt (packed weights or not). The cells keep their per-step gate passes as functions
// of their own file (lstm_forward calls $assembly/lstm/forwardDefault or forwardAny, gru_backward calls
// $assembly/gru/afterBackStep, ...: one call per time step, each holding the inlined vector loop over the
// step's [B, G] slice). So the test asserts f32x4 instructions in the functions that do the arithmetic,
// and, for each hot export, in the functions it reaches through `call`, so a kernel that lost its SIMD
// path (or was rewired to a scalar helper) fails here instead of passing quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const wat = readFileSync(new URL('../../build/release.wat', import.meta.url), 'utf8');

/** Function name → body text, split at each `(func $name` header. */
const funcs = new Map<string, string>();
const headers = [...wat.matchAll(/^ \(func \$(\S+)/gm)];
headers.forEach((m, i) => funcs.set(m[1], wat.slice(m.index, headers[i + 1]?.index ?? wat.length)));

/** Export name → function name. */
const exportsMap = new Map([...wat.matchAll(/\(export "(\w+)" \(func \$(\S+)\)\)/g)].map((m) => [m[1], m[2]]));

/** The function and everything it reaches through direct calls. */
function reachable(name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [name];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || !funcs.has(f)) continue;
    seen.add(f);
    for (const m of funcs.get(f)!.matchAll(/\bcall \$(\S+)/g)) todo.push(m[1]);
  }
  return seen;
}

const hasSimd = (body: string) => /\bf32x4\.(mul|add)\b/.test(body);

test('the arithmetic functions of the hot kernels are SIMD (f32x4.mul / f32x4.add in their own body)', () => {
  for (const name of ['assembly/gemm/packedRange', 'assembly/gemm/gemmNT', 'assembly/gemm/gemmAB', 'assembly/activations/bias_act', 'assembly/activations/act_grad',
    'assembly/lstm/forwardDefault', 'assembly/lstm/forwardAny', 'assembly/lstm/backwardStep', 'assembly/gru/afterStep', 'assembly/gru/beforeGatesStep',
    'assembly/gru/beforeStateStep', 'assembly/gru/afterBackStep', 'assembly/gru/beforeStateBackStep',
    'assembly/gru/beforeGatesBackStep']) {
    const body = funcs.get(name);
    assert.ok(body, `${name} is missing from release.wat (renamed or inlined? update this test)`);
    assert.ok(hasSimd(body), `${name} has no f32x4 arithmetic`);
  }
});

test('every hot export reaches SIMD code', () => {
  for (const exp of ['sgemm', 'act_forward', 'act_backward', 'rnn_forward', 'rnn_backward', 'dense_forward', 'dense_backward',
    'lstm_forward', 'lstm_backward', 'gru_forward', 'gru_backward']) {
    const fn = exportsMap.get(exp);
    assert.ok(fn, `export ${exp} is missing`);
    const simd = [...reachable(fn)].filter((f) => hasSimd(funcs.get(f)!));
    assert.ok(simd.length > 0, `${exp} reaches no function with f32x4 arithmetic`);
  }
  // sgemm must reach all three layouts' tiles and the packed ones, not just one of them, the paths that
  // pack their operands block by block (TN's is inlined into sgemm, so it shows as the call to
  // transposeBlock; NT's and NN's are gemmPackedB, which packs B's rows or columns), and the 4×8 tiles over
  // interleaved rows of A (rows4, inlined into packedRange and into NN's path, gemmNN: each of them calls
  // interleaveRows4).
  const sgemm = reachable(exportsMap.get('sgemm')!);
  for (const name of ['gemmNT', 'gemmAB', 'packedRange', 'transposeBlock', 'gemmPackedB', 'packRowStrips', 'packColumnStrips', 'interleaveRows4']) {
    assert.ok(sgemm.has(`assembly/gemm/${name}`), `sgemm does not reach ${name}`);
  }
  const interleaving = [...sgemm].filter((f) => funcs.get(f)!.includes('call $assembly/gemm/interleaveRows4'));
  assert.ok(interleaving.includes('assembly/gemm/packedRange') && interleaving.length >= 2,
    `NN products do not run the 4×8 tiles over interleaved rows (interleaving: ${interleaving.join(', ')})`);
});

test('the packed GEMM is register-tiled SIMD and every forward kernel reaches it (and the unpacked NT fallback)', () => {
  const body = funcs.get('assembly/gemm/packedRange');
  assert.ok(body, 'assembly/gemm/packedRange is missing from release.wat (renamed or inlined? update this test)');
  // The strips are read with v128 loads and the A elements broadcast (4×8, 2×16 and 1×24 tiles).
  assert.ok(/\bv128\.load32_splat\b/.test(body) && /\bv128\.load\b/.test(body), 'packedRange has no v128 strip loads / A broadcasts');
  assert.ok((body.match(/\bf32x4\.mul\b/g) ?? []).length >= 8 + 8 + 6, 'packedRange lost one of its register tiles');
  for (const exp of ['rnn_forward', 'lstm_forward', 'gru_forward', 'dense_forward']) {
    const seen = reachable(exportsMap.get(exp)!);
    assert.ok(seen.has('assembly/gemm/packedRange'), `${exp} does not reach the packed GEMM`);
    assert.ok(seen.has('assembly/gemm/gemmNT'), `${exp} does not reach the unpacked NT GEMM (pw = 0)`);
  }
  // pack_weights transposes 4×4 blocks with shuffles.
  const pack = [...reachable(exportsMap.get('pack_weights')!)].map((f) => funcs.get(f)!).join('');
  assert.ok(/\bi8x16\.shuffle\b/.test(pack), 'pack_weights lost its SIMD transpose');
});

test('the LSTM and GRU kernels reach a vectorised gate pass of their own file and the NT and NN/TN GEMMs', () => {
  for (const exp of ['lstm_forward', 'lstm_backward', 'gru_forward', 'gru_backward']) {
    const fn = exportsMap.get(exp);
    assert.ok(fn, `export ${exp} is missing`);
    const seen = [...reachable(fn)];
    const file = fn.slice(0, fn.lastIndexOf('/') + 1);
    const gatePasses = seen.filter((f) => f.startsWith(file) && f !== fn && hasSimd(funcs.get(f)!));
    assert.ok(gatePasses.length > 0, `${exp} reaches no SIMD gate pass in ${file}`);
    // forward: x·W_ihᵀ and h·W_hhᵀ are NT; backward: dh·W_hh (NN) and the weight gradients (TN).
    const gemm = exp.endsWith('_forward') ? 'assembly/gemm/gemmNT' : 'assembly/gemm/gemmAB';
    assert.ok(seen.includes(gemm), `${exp} does not reach ${gemm}`);
  }
});

test('the core never allocates (no __new, stub runtime only)', () => {
  assert.ok(!wat.includes('__new'), 'release.wat contains __new');
  assert.ok(funcs.size > 10, 'release.wat parsed into functions');
});
