// Activation names of the public API and their codes in the core.

import { Act } from '../kernels.ts';

export const ACTIVATIONS = ['linear', 'tanh', 'sigmoid', 'relu', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Activations a recurrent cell may use (softmax is not elementwise). */
export const CELL_ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear'] as const satisfies readonly ActivationName[];

/** The core's code for an elementwise activation (softmax is applied by its own kernel). */
export function actCode(name: ActivationName): number {
  switch (name) {
    case 'linear': case 'softmax': return Act.Linear;
    case 'tanh': return Act.Tanh;
    case 'sigmoid': return Act.Sigmoid;
    case 'relu': return Act.Relu;
  }
}
