// Reference normal draws: the executable spec of the core's normal_fill (assembly/random.ts), through
// Rng.normal / Rng.fillNormal in f64, rounded on store to the output's type. The core takes the same
// uniforms and the same steps but its own log, sin and cos, so its values may differ from these by ulps
// of f64 (rarely visible after rounding to f32); the generator must end in the same state.

import type { Rng } from '../random.ts';

/**
 * out[i] = mean + std·z_i for the next normals z_i of rng, in order; with `truncate`, a z with |z| > 2 is
 * skipped (a FillNormal, see src/initializers.ts).
 */
export function normalReference(rng: Rng, out: Float32Array | Float64Array, mean: number, std: number, truncate: boolean): void {
  if (!truncate) {
    rng.fillNormal(out, mean, std);
    return;
  }
  for (let i = 0; i < out.length; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal(); // redraw, as tf.random.truncated_normal does
    out[i] = mean + std * z;
  }
}
