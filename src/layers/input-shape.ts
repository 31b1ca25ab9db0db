// The `inputShape` option of a first layer: [steps | null, features] for sequences, [features] for vectors.

import type { FeatureShape } from './layer.ts';

export function parseInputShape(value: unknown, where: string, sequence: boolean): readonly (number | null)[] | undefined {
  if (value === undefined) return undefined;
  const ok = (d: unknown): boolean => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1;
  const expected = sequence ? '[steps | null, features]' : '[features] or [steps | null, features]';
  if (!Array.isArray(value) || value.length < (sequence ? 2 : 1) || value.length > 2
    || !ok(value[value.length - 1]) || (value.length === 2 && value[0] !== null && !ok(value[0]))) {
    throw new Error(`${where} inputShape must be ${expected} with positive integers, got ${JSON.stringify(value)}`);
  }
  return Object.freeze([...value]) as readonly (number | null)[];
}

/** The feature shape of a model input given as [steps | null, features] or [features]. */
export function featureShape(inputShape: readonly (number | null)[]): FeatureShape {
  return { sequence: inputShape.length === 2, features: inputShape[inputShape.length - 1] as number };
}
