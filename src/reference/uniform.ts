// Reference uniform draws: the executable spec of the core's uniform_fill (assembly/random.ts), through
// Rng.next() in f64 and rounded to f32 on store. The core must give the same values bit for bit.

import type { Rng } from '../random.ts';

/** out[i] = lo + span·rng.next(), in order (a FillUniform, see src/initializers.ts). */
export function uniformReference(rng: Rng, out: Float32Array, lo: number, span: number): void {
  for (let i = 0; i < out.length; i++) out[i] = lo + span * rng.next();
}
