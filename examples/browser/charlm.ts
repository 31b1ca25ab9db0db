// A character-level name model, in the same format as the `recur train` CLI writes (the vocabulary and the
// context length are kept in the model file's metadata), so a model trained here loads in the CLI and a
// model trained by the CLI loads here. Line boundary "\n" is character 0.
import { Sequential, layers, optimizers, Tensor } from 'recur';

const BOUNDARY = '\n';

export interface CharData {
  chars: string[];
  x: Tensor; // one-hot [windows, steps, V]
  y: Tensor; // next-character ids [windows, steps]
}

/** Windows of `steps` characters over "\n" + lines.join("\n") + "\n", one every `stride` characters. */
export function makeData(lines: string[], steps: number, stride: number): CharData {
  const set = new Set<string>();
  for (const line of lines) for (const c of line) set.add(c);
  const chars = [BOUNDARY, ...[...set].sort()];
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = Array.from(BOUNDARY + lines.join(BOUNDARY) + BOUNDARY, (c) => index.get(c)!);
  const V = chars.length;
  const count = Math.floor((ids.length - 1 - steps) / stride) + 1;
  const x = new Float32Array(count * steps * V);
  const y = new Float32Array(count * steps);
  for (let s = 0; s < count; s++) {
    for (let t = 0; t < steps; t++) {
      const at = s * stride + t;
      x[(s * steps + t) * V + ids[at]] = 1;
      y[s * steps + t] = ids[at + 1];
    }
  }
  return { chars, x: new Tensor(x, [count, steps, V]), y: new Tensor(y, [count, steps]) };
}

/** SimpleRNN(units, sequences) → Dense(V, softmax), Adam with global norm clipping. */
export function buildModel(chars: string[], units: number, steps: number, seed: number): Sequential {
  const model = new Sequential({
    seed,
    name: 'charlm',
    layers: [
      layers.simpleRNN({ units, returnSequences: true, inputShape: [null, chars.length], name: 'rnn' }),
      layers.dense({ units: chars.length, activation: 'softmax', name: 'head' }),
    ],
  });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01, globalClipNorm: 1 }), loss: 'sparseCategoricalCrossentropy' });
  model.metadata.vocabulary = JSON.stringify(chars);
  model.metadata.steps = String(steps);
  return model;
}

/** The vocabulary and context of a character model, or undefined for another kind of model. */
export function charInfo(model: Sequential): { chars: string[]; steps: number } | undefined {
  const { vocabulary, steps } = model.metadata;
  if (vocabulary === undefined || steps === undefined) return undefined;
  return { chars: JSON.parse(vocabulary) as string[], steps: Number(steps) };
}

/** `count` new lines, sampled one character at a time (temperature < 1: safer choices). */
export function generate(model: Sequential, count: number, temperature: number, seed: number): string[] {
  const info = charInfo(model);
  if (!info) throw new Error('this model is not a character model (no vocabulary in its metadata)');
  const { chars, steps } = info;
  const V = chars.length;
  let state = seed >>> 0 || 1;
  const random = () => { // xorshift32: reproducible samples for a seed
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const context = [0];
    let line = '';
    while (line.length < 24) {
      const window = context.slice(-steps);
      const x = new Float32Array(window.length * V);
      window.forEach((id, t) => { x[t * V + id] = 1; });
      const probs = model.predict(new Tensor(x, [1, window.length, V])).data.subarray((window.length - 1) * V);
      const weights = Array.from(probs, (p) => Math.pow(Math.max(p, 1e-30), 1 / temperature));
      let r = random() * weights.reduce((a, b) => a + b, 0);
      let next = weights.length - 1;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) { next = i; break; }
      }
      if (next === 0) break;
      line += chars[next];
      context.push(next);
    }
    out.push(line);
  }
  return out;
}
