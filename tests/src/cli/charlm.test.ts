// Tests for src/cli/charlm.ts: the vocabulary, the training windows, and sampling (a generated line is
// never empty, and the same seed gives the same lines).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../../src/entry-node.ts';
import { Vocabulary, makeWindows, buildCharModel, sampleLines } from '../../../src/cli/charlm.ts';

await init();

test('windows: one-hot inputs and next-character targets over "\\n"-joined lines', () => {
  const vocab = Vocabulary.fromLines(['ab', 'ba']);
  assert.deepEqual(vocab.chars, ['\n', 'a', 'b']);
  const { x, y } = makeWindows(['ab', 'ba'], vocab, 3, 1); // "\nab\nba\n": 7 characters, windows of 4
  assert.deepEqual(x.shape, [4, 3, 3]);
  assert.deepEqual(Array.from(y.data.subarray(0, 3)), [1, 2, 0]); // after "\n" comes a, then b, then "\n"
  assert.deepEqual(Array.from(x.data.subarray(0, 9)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.throws(() => vocab.id('c'), /character "c" is not in the model's vocabulary/);
});

test('sampling never returns an empty line, even when the model insists on ending it at once', () => {
  const vocab = Vocabulary.fromLines(['abc']);
  const model = buildCharModel(vocab, { cell: 'gru', units: 4, steps: 4, seed: 1, learningRate: 0.01 });
  const bias = new Float32Array(vocab.size);
  bias[0] = 30; // the boundary ("\n") gets almost all of the probability
  model.setWeights({ 'head.bias': { data: bias, shape: [vocab.size] } });
  const lines = sampleLines(model, 20, { temperature: 1, seed: 3 });
  assert.equal(lines.length, 20);
  for (const line of lines) assert.ok(line.length >= 1 && /^[abc]+$/.test(line), JSON.stringify(line));
  assert.deepEqual(sampleLines(model, 20, { temperature: 1, seed: 3 }), lines);
});
