// A character-level language model on lines of text (names, words): the vocabulary, the training
// windows, the model, and sampling. This is what `recur train` and `recur generate` run.
//
// Training text is the lines joined by "\n" (which also marks the start and end of each line); samples are
// windows of `steps` characters predicting the next character at every step. Generation starts after a
// "\n" and samples one character at a time until the next "\n".

import { Sequential } from '../model.ts';
import { layers } from '../layers/index.ts';
import { optimizers } from '../train/optimizers.ts';
import { Tensor } from '../tensor.ts';
import { Rng } from '../random.ts';

const BOUNDARY = '\n';

export const CHAR_CELLS = ['lstm', 'gru', 'rnn'] as const;
export type CharCell = (typeof CHAR_CELLS)[number];

export interface CharModelOptions {
  cell: CharCell;
  units: number;
  steps: number;
  seed: number;
  learningRate: number;
}

/** The characters a model knows; index 0 is the line boundary "\n". */
export class Vocabulary {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars[0] !== BOUNDARY || new Set(chars).size !== chars.length) throw new Error('vocabulary must start with "\\n" and hold each character once');
    this.chars = chars;
    this.index = new Map(chars.map((c, i) => [c, i]));
  }

  /** The sorted characters of `lines`, after the boundary. */
  static fromLines(lines: readonly string[]): Vocabulary {
    const set = new Set<string>();
    for (const line of lines) for (const c of line) set.add(c);
    set.delete(BOUNDARY);
    return new Vocabulary([BOUNDARY, ...[...set].sort()]);
  }

  get size(): number {
    return this.chars.length;
  }

  id(c: string): number {
    const i = this.index.get(c);
    if (i === undefined) throw new Error(`character ${JSON.stringify(c)} is not in the model's vocabulary`);
    return i;
  }
}

/** Cleans a text file into training lines: trimmed, non-empty. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/**
 * Windows over "\n" + lines.join("\n") + "\n": x one-hot [samples, steps, V], y next-character indices
 * [samples, steps]. Windows start every `stride` characters.
 */
export function makeWindows(lines: readonly string[], vocab: Vocabulary, steps: number, stride: number): { x: Tensor; y: Tensor } {
  const ids = Array.from(BOUNDARY + lines.join(BOUNDARY) + BOUNDARY, (c) => vocab.id(c));
  const count = Math.max(0, Math.floor((ids.length - 1 - steps) / stride) + 1);
  if (count < 1) throw new Error(`the training text is too short: ${ids.length} characters for windows of ${steps + 1}`);
  const V = vocab.size;
  const x = new Float32Array(count * steps * V);
  const y = new Float32Array(count * steps);
  for (let s = 0; s < count; s++) {
    for (let t = 0; t < steps; t++) {
      const at = s * stride + t;
      x[(s * steps + t) * V + ids[at]] = 1;
      y[s * steps + t] = ids[at + 1];
    }
  }
  return { x: new Tensor(x, [count, steps, V]), y: new Tensor(y, [count, steps]) };
}

/** A recurrent layer (LSTM, GRU or SimpleRNN; units, sequences) → Dense(V, softmax), Adam with global norm clipping. */
export function buildCharModel(vocab: Vocabulary, options: CharModelOptions): Sequential {
  const model = new Sequential({
    seed: options.seed,
    name: 'charlm',
    layers: [
      layers[options.cell === 'rnn' ? 'simpleRNN' : options.cell]({ units: options.units, returnSequences: true, inputShape: [null, vocab.size], name: 'rnn' }),
      layers.dense({ units: vocab.size, activation: 'softmax', name: 'head' }),
    ],
  });
  model.compile({
    optimizer: optimizers.adam({ learningRate: options.learningRate, globalClipNorm: 1 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  model.metadata.vocabulary = JSON.stringify(vocab.chars);
  model.metadata.steps = String(options.steps);
  return model;
}

/** The vocabulary and context length saved with a char model. */
export function charModelInfo(model: Sequential): { vocab: Vocabulary; steps: number } {
  const { vocabulary, steps } = model.metadata;
  if (vocabulary === undefined || steps === undefined) throw new Error('this model file is not a character model (its metadata has no vocabulary)');
  return { vocab: new Vocabulary(JSON.parse(vocabulary) as string[]), steps: Number(steps) };
}

/**
 * Samples `count` lines: each starts after a boundary and ends at the next one (or at maxLength).
 * The model sees the last `steps` characters (its training context). temperature < 1 sharpens.
 */
export function sampleLines(model: Sequential, count: number, options: { temperature: number; seed: number; maxLength?: number }): string[] {
  const { vocab, steps } = charModelInfo(model);
  const rng = new Rng(options.seed);
  const maxLength = options.maxLength ?? 24;
  const V = vocab.size;
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const context = [0];
    let line = '';
    while (line.length < maxLength) {
      const window = context.slice(-steps);
      const x = new Float32Array(window.length * V);
      window.forEach((id, t) => { x[t * V + id] = 1; });
      const probs = model.predict(new Tensor(x, [1, window.length, V])).data;
      // A line has at least one character: the boundary cannot come first.
      const next = sample(probs.subarray((window.length - 1) * V, window.length * V), options.temperature, rng, line.length === 0);
      if (next === 0) break;
      line += vocab.chars[next];
      context.push(next);
    }
    out.push(line);
  }
  return out;
}

/** Draws an index from probabilities sharpened (temperature < 1) or flattened (> 1), optionally never index 0. */
function sample(probs: Float32Array, temperature: number, rng: Rng, skipFirst: boolean): number {
  const weights = Array.from(probs, (p, i) => (skipFirst && i === 0 ? 0 : Math.pow(Math.max(p, 1e-30), 1 / temperature)));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}
