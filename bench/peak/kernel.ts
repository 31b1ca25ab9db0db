// @ts-nocheck: AssemblyScript (v128, f32x4, i32), compiled by bench/run.sh with asc; the root tsconfig
// typechecks bench/**/*.ts as TypeScript, which these types are not.
//
// The machine's f32x4 arithmetic peak, for the benchmarks only: never part of recur's core (assembly/).
// run.sh builds this file twice into bench/build/ (git-ignored), `-O3 --noAssert --runtime stub`:
//   peak.wasm       --enable simd                 one f32x4.mul then one f32x4.add per chain and iteration
//   peak-fma.wasm   --enable simd,relaxed-simd    one f32x4.relaxed_madd (a fused multiply-add) instead
// Twelve independent chains a ← a·m + c: enough to cover the latency of a multiply followed by an add, and
// 12 accumulators + m + c fit V8's 15 usable SIMD registers, so nothing spills (PERF-NOTES). A GEMM-shaped
// loop (a 4×8 tile whose operands are loaded every step) peaks lower on this machine: it is bound by its
// loads, so this loop is the arithmetic ceiling. m just under 1 and c small keep every lane near
// c / (1 − m), far from denormals and overflow, for any number of iterations.

/** One step of one chain: a·m + c, fused in the relaxed-SIMD build. */
// @ts-ignore: decorator
@inline function step(a: v128, m: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, m, c);
  return f32x4.add(f32x4.mul(a, m), c);
}

/** `iterations` steps of 12 chains: 96 FLOPs per iteration (12 chains × 4 lanes × a multiply and an add). */
export function peak(iterations: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m), vc = f32x4.splat(c);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3), a3 = f32x4.splat(0.4);
  let a4 = f32x4.splat(0.5), a5 = f32x4.splat(0.6), a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8);
  let a8 = f32x4.splat(0.9), a9 = f32x4.splat(1.0), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let i = 0; i < iterations; i++) {
    a0 = step(a0, vm, vc); a1 = step(a1, vm, vc); a2 = step(a2, vm, vc); a3 = step(a3, vm, vc);
    a4 = step(a4, vm, vc); a5 = step(a5, vm, vc); a6 = step(a6, vm, vc); a7 = step(a7, vm, vc);
    a8 = step(a8, vm, vc); a9 = step(a9, vm, vc); a10 = step(a10, vm, vc); a11 = step(a11, vm, vc);
  }
  // Every chain feeds the result, so none can be dropped as dead code.
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
