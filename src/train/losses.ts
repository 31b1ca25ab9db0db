// Losses of the public API (Keras names), each a call into the core's fused loss kernels.
//
// Cross-entropy losses take the head's logits: the head's softmax/sigmoid is applied by the loss kernel,
// fused with its gradient (probs − targets), which is exact and never divides by a tiny probability.
// Reductions follow Keras and PyTorch: the mean over rows (cross-entropy) or over all values (MSE, BCE).

import type { Kernels } from '../kernels.ts';
import type { ActivationName } from '../layers/activation.ts';

export const LOSSES = ['meanSquaredError', 'mse', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy'] as const;
export type LossName = (typeof LOSSES)[number];

export interface Loss {
  readonly name: LossName;
  /** Whether the head runs as logits (its activation applied inside the loss). */
  readonly fused: boolean;
  /** Targets are class indices: one value per row. */
  readonly sparse: boolean;
  /** Throws if the model's head cannot be trained with this loss. */
  checkHead(activation: ActivationName | undefined, units: number): void;
  /**
   * Mean loss over `rows` rows of `width` values; writes the model's predictions (after the head's
   * activation) to `pred` when ≠ 0 and dLoss/d(head output or logits) to `grad` when ≠ 0.
   */
  compute(k: Kernels, rows: number, width: number, out: number, targets: number, pred: number, grad: number): number;
}

export function makeLoss(name: LossName): Loss {
  switch (name) {
    case 'mse':
    case 'meanSquaredError':
      return {
        name, fused: false, sparse: false,
        checkHead(activation) {
          if (activation === 'softmax') throw new Error('loss "mse" cannot train a softmax head: use a categorical cross-entropy loss, or a linear/sigmoid/tanh head');
        },
        compute(k, rows, width, out, targets, pred, grad) {
          const n = rows * width;
          if (pred !== 0 && pred !== out) k.act_forward(0, n, out, pred);
          return k.mse(n, out, targets, grad, 1 / n) / n;
        },
      };
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy': {
      const sparse = name === 'sparseCategoricalCrossentropy';
      return {
        name, fused: true, sparse,
        checkHead(activation, units) {
          if (activation !== 'softmax') throw new Error(`loss "${name}" needs a dense head with activation "softmax", got ${activation === undefined ? 'a non-dense last layer' : `"${activation}"`}`);
          if (units < 2) throw new Error(`loss "${name}" needs at least 2 classes, got a head of ${units} unit`);
        },
        compute(k, rows, width, out, targets, pred, grad) {
          return k.softmax_cross_entropy(rows, width, out, targets, sparse ? 1 : 0, pred, grad, 1 / rows) / rows;
        },
      };
    }
    case 'binaryCrossentropy':
      return {
        name, fused: true, sparse: false,
        checkHead(activation) {
          if (activation !== 'sigmoid') throw new Error(`loss "binaryCrossentropy" needs a dense head with activation "sigmoid", got ${activation === undefined ? 'a non-dense last layer' : `"${activation}"`}`);
        },
        compute(k, rows, width, out, targets, pred, grad) {
          const n = rows * width;
          return k.sigmoid_cross_entropy(n, out, targets, pred, grad, 1 / n) / n;
        },
      };
  }
}
