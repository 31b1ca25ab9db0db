// The check of a training workload before it is timed (bench/README.md "Method"), for any peer whose model
// computes the same function as the f64 reference: from the initial weights, one trainOnBatch with plain
// SGD at learning rate 1 must move every parameter by exactly −(its gradient), and its loss must equal the
// f64 loss; then the initial weights are restored, the model compiled with the optimizer to be timed, and
// that optimizer's first step must report the f64 loss again.

import { gate, maxAbsDiff } from './common.ts';

/** What the check needs from a peer's model. */
export interface Trainable {
  /** Restores the initial weights and compiles with SGD (learning rate 1) or with the optimizer to be timed. */
  compile(optimizer: 'sgd-lr1' | 'timed'): void;
  /** One trainOnBatch on the workload's batch; resolves to its loss. */
  step(): number | Promise<number>;
  /** The parameters now, in the order and layout of `CheckedParam`s. */
  weights(): Float32Array[];
}

/** One parameter: its initial value and its f64 gradient, both in the layout `Trainable.weights` returns. */
export interface CheckedParam {
  name: string;
  initial: Float32Array;
  grad: Float64Array;
}

/**
 * Runs the check, exiting the process if any part fails. Returns the largest gradient error and the time
 * of the last step: the first step with the timed optimizer, which is the timing's warm-up (TimeOptions.warmedUp).
 */
export async function checkTraining(peer: string, model: Trainable, params: readonly CheckedParam[], f64Loss: number,
  tolerance: { grad: number; loss: number }): Promise<{ maxErr: number; stepMs: number }> {
  model.compile('sgd-lr1');
  gate(`${peer} SGD-step loss vs f64`, Math.abs((await model.step()) - f64Loss), tolerance.loss);
  const after = model.weights();
  let worst = 0;
  params.forEach(({ name, initial, grad }, i) => {
    const d = maxAbsDiff(initial.map((v, j) => v - after[i][j]), grad);
    worst = Math.max(worst, d);
    gate(`${peer} gradient of ${name} (SGD lr 1) vs f64`, d, tolerance.grad);
  });
  model.compile('timed');
  const start = performance.now();
  const loss = await model.step();
  const stepMs = performance.now() - start;
  gate(`${peer} first timed-optimizer step's loss vs f64`, Math.abs(loss - f64Loss), tolerance.loss);
  return { maxErr: worst, stepMs };
}
