// Tests for the `recur` command (src/cli/main.ts, run as a child process through tsx) and its training
// progress output (src/cli/progress.ts, with a fake output object): usage and exit codes (0 ok, 2 usage
// error, 1 other error), train → file → generate (deterministic per seed) → inspect, and the TTY /
// non-TTY progress formats.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progressCallbacks, type ProgressOutput } from '../../src/cli/progress.ts';
import { Rng } from '../../src/random.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

/** Runs `node --import tsx src/cli/main.ts ...args` in the project root. */
function recur(args: string[], timeout = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`recur ${args.join(' ')} did not exit normally (${error.signal ?? error.code ?? error.message})\n${stderr}`));
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function assertExit(run: Run, code: number, what: string): void {
  assert.equal(run.code, code, `${what}: exit code ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

/** ~200 made-up names from syllables (no real data set needed). */
function madeUpNames(): string[] {
  const rng = new Rng(2024);
  const onsets = ['b', 'd', 'k', 'l', 'm', 'n', 'r', 's', 't', 'v', 'z', 'sh', 'th'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea'];
  const codas = ['', '', 'n', 'l', 'r', 's'];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)];
  const names = new Set<string>();
  while (names.size < 200) {
    const syllables = 1 + Math.floor(rng.next() * 3);
    let name = '';
    for (let s = 0; s < syllables; s++) name += pick(onsets) + pick(vowels);
    names.add(name + pick(codas));
  }
  return [...names];
}

describe('recur CLI', () => {
  let dir: string;
  let dataFile: string;
  let modelFile: string;
  let vocabulary: Set<string>;
  let trainRun: Run;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recur-cli-'));
    const names = madeUpNames();
    vocabulary = new Set(names.join(''));
    dataFile = join(dir, 'names.txt');
    // CRLF line ends, blank lines and padding are cleaned away by the CLI.
    await writeFile(dataFile, `${names.slice(0, 100).join('\n')}\n\n  ${names.slice(100).join('\r\n')}\n`);
    modelFile = join(dir, 'm.safetensors');
    trainRun = await recur(['train', '--data', dataFile, '--epochs', '2', '--units', '16', '--out', modelFile, '--samples', '3']);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await recur(['--help']);
    assertExit(run, 0, '--help');
    assert.match(run.stdout, /^recur — recurrent neural networks/);
    assert.match(run.stdout, /Usage:/);
    for (const command of ['train --data FILE', 'generate --model F', 'inspect FILE']) assert.ok(run.stdout.includes(command), command);
    assert.equal(run.stderr, '');
  });

  test('<command> --help prints that command\'s options and exits 0 (nothing is trained or loaded)', async () => {
    const train = await recur(['train', '--help']);
    assertExit(train, 0, 'train --help');
    assert.match(train.stdout, /^recur train --data FILE \[options\]/);
    for (const option of ['--data FILE', '--out FILE', '--epochs N', '--units N', '--steps N', '--batch-size N', '--learning-rate X', '--seed N', '--samples N']) {
      assert.ok(train.stdout.includes(option), option);
    }
    const generate = await recur(['generate', '--help']);
    assertExit(generate, 0, 'generate --help');
    assert.match(generate.stdout, /^recur generate --model FILE/);
    assert.match(generate.stdout, /--temperature X/);
    const inspect = await recur(['inspect', '--help']);
    assertExit(inspect, 0, 'inspect --help');
    assert.match(inspect.stdout, /^recur inspect FILE/);
  });

  test('train: exits 0, prints one plain line per epoch with the loss, 3 generated lines, and writes the model file', async () => {
    assertExit(trainRun, 0, 'train');
    const out = trainRun.stdout;
    assert.ok(!out.includes('\r'), 'stdout is not a TTY: no carriage-return redraws');
    assert.ok(!out.includes('\x1b['), 'no terminal escape codes');
    assert.match(out, new RegExp(`training a character GRU \\(16 units, ${vocabulary.size + 1} characters, context 16\\) on 200 lines: \\d+ windows, 2 epochs`));
    const epochLines = out.split('\n').filter((l) => l.startsWith('epoch '));
    assert.equal(epochLines.length, 2, out);
    epochLines.forEach((line, i) => assert.match(line, new RegExp(`^epoch ${i + 1}/2  loss \\d+\\.\\d{4}  accuracy \\d\\.\\d{4}  \\(\\d+\\.\\ds, ETA \\d+s\\)$`)));
    const losses = epochLines.map((l) => Number(/loss (\S+)/.exec(l)?.[1]));
    assert.ok(losses.every((l) => l > 0 && l < Math.log(vocabulary.size + 1) + 0.5), `losses ${losses} are plausible cross-entropies`);
    const lines = out.split('\n');
    const header = lines.indexOf('3 generated lines (temperature 0.8):');
    assert.ok(header > 0, out);
    const generated = lines.slice(header + 1, header + 4);
    for (const line of generated) {
      assert.match(line, /^ {2}/);
      for (const c of line.slice(2)) assert.ok(vocabulary.has(c), `generated character ${JSON.stringify(c)} is in the training vocabulary`);
    }
    assert.equal(lines[header + 4], '', 'exactly 3 generated lines');
    assert.match(out, new RegExp(`model saved to ${modelFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok((await stat(modelFile)).size > 1000);
    assert.deepEqual((await readdir(dir)).sort(), ['m.safetensors', 'names.txt'], 'no temporary files left');
  });

  test('generate: --count 5 lines made of the training characters; the same seed gives the same lines', async () => {
    const first = await recur(['generate', '--model', modelFile, '--count', '5', '--seed', '3']);
    assertExit(first, 0, 'generate');
    const lines = first.stdout.split('\n');
    assert.equal(lines.pop(), '', 'output ends with a newline');
    assert.equal(lines.length, 5, first.stdout);
    for (const line of lines) for (const c of line) assert.ok(vocabulary.has(c), `character ${JSON.stringify(c)} in ${JSON.stringify(line)}`);
    assert.ok(lines.some((l) => l.length > 0), 'at least one non-empty line');
    const again = await recur(['generate', '--model', modelFile, '--count', '5', '--seed', '3']);
    assertExit(again, 0, 'generate again');
    assert.equal(again.stdout, first.stdout, 'same seed, same lines');
    const other = await recur(['generate', '--model', modelFile, '--count', '5', '--seed', '4', '--temperature', '1.5']);
    assertExit(other, 0, 'generate seed 4');
    assert.notEqual(other.stdout, first.stdout, 'another seed and temperature give other lines');
  });

  test('inspect: layers, tensor names and shapes, format version, training state and vocabulary', async () => {
    const run = await recur(['inspect', modelFile]);
    assertExit(run, 0, 'inspect');
    const V = vocabulary.size + 1;
    assert.match(run.stdout, /Model: charlm/);
    // The default cell is a GRU: gate blocks r, z, n make 3·16 rows.
    assert.match(run.stdout, /rnn \(gru tanh, sequences\)/);
    assert.match(run.stdout, new RegExp(`rnn\\.weight_ih_l0\\s+\\[48, ${V}\\]`));
    assert.match(run.stdout, /rnn\.weight_hh_l0\s+\[48, 16\]/);
    assert.match(run.stdout, /rnn\.bias_ih_l0\s+\[48\]/);
    assert.match(run.stdout, new RegExp(`head\\.weight\\s+\\[${V}, 16\\]`));
    assert.match(run.stdout, /optimizer\.m\.head\.bias/);
    assert.match(run.stdout, /Format: recur version 1, checksum [0-9a-f]{8}/);
    assert.match(run.stdout, /Training: loss sparseCategoricalCrossentropy, optimizer adam .*, \d+ steps taken/);
    assert.match(run.stdout, new RegExp(`Character model: ${V} characters .*, context 16`));
  });

  test('the default job (no command) trains on the bundled names and saves where --out says', async () => {
    const out = join(dir, 'names.safetensors');
    const run = await recur(['--epochs', '1', '--units', '8', '--steps', '8', '--batch-size', '256', '--samples', '2', '--out', out]);
    assertExit(run, 0, 'default job');
    assert.match(run.stdout, /on 4951 lines/);
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('epoch ')).length, 1);
    assert.ok((await stat(out)).size > 0);
    await rm(out);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /recur: unknown command "frobnicate" \(expected train, generate or inspect\)/],
    ['an unknown option', ['train', '--data', 'x.txt', '--frob', '1'], /recur: Unknown option '--frob'/],
    ['an option of another command', ['generate', '--model', 'm.safetensors', '--epochs', '3'], /recur: Unknown option '--epochs'/],
    ['train without --data', ['train', '--epochs', '2'], /recur: train needs --data FILE/],
    ['--data without a value', ['train', '--data'], /recur: Option '--data <value>' argument missing/],
    ['a bad --epochs value', ['train', '--data', '<data>', '--epochs', 'two'], /recur: --epochs must be an integer ≥ 1, got "two"/],
    ['--epochs 0', ['train', '--data', '<data>', '--epochs', '0'], /recur: --epochs must be an integer ≥ 1, got "0"/],
    ['a negative --learning-rate', ['train', '--data', '<data>', '--learning-rate=-1'], /recur: --learning-rate must be a positive number, got "-1"/],
    ['a non-numeric --learning-rate', ['train', '--data', '<data>', '--learning-rate', 'fast'], /recur: --learning-rate must be a positive number, got "fast"/],
    ['generate without --model', ['generate'], /recur: generate needs --model FILE/],
    ['a bad --count', ['generate', '--model', '<model>', '--count', '2.5'], /recur: --count must be an integer ≥ 1, got "2\.5"/],
    ['inspect without a file', ['inspect'], /recur: inspect needs exactly one model file/],
    ['inspect with two files', ['inspect', 'a', 'b'], /recur: inspect needs exactly one model file/],
    ['a positional argument to train', ['train', '--data', '<data>', 'extra'], /recur: Unexpected argument 'extra'/],
  ];
  for (const [what, args, message] of usageErrors) {
    test(`${what} exits 2 with a message and a pointer to --help`, async () => {
      const run = await recur(args.map((a) => (a === '<data>' ? dataFile : a === '<model>' ? modelFile : a)));
      assertExit(run, 2, what);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /run `recur --help` for usage/);
      assert.equal(run.stdout, '', 'nothing trained or printed');
    });
  }

  test('a missing model file exits 1 (not a usage error) with the path in the message', async () => {
    const missing = join(dir, 'missing.safetensors');
    for (const args of [['generate', '--model', missing], ['inspect', missing]]) {
      const run = await recur(args);
      assertExit(run, 1, args.join(' '));
      assert.match(run.stderr, /^recur: ENOENT: no such file or directory.*missing\.safetensors/);
      assert.doesNotMatch(run.stderr, /--help/);
    }
  });

  test('a missing or empty data file, and a file that is not a model, exit 1', async () => {
    const missing = await recur(['train', '--data', join(dir, 'none.txt')]);
    assertExit(missing, 1, 'missing data');
    assert.match(missing.stderr, /recur: ENOENT.*none\.txt/);
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '\n  \n');
    const emptyRun = await recur(['train', '--data', empty]);
    assertExit(emptyRun, 1, 'empty data');
    assert.match(emptyRun.stderr, /has no non-empty lines to train on/);
    await rm(empty);
    const junk = await recur(['generate', '--model', dataFile]);
    assertExit(junk, 1, 'not a model');
    assert.match(junk.stderr, /^recur: safetensors header/);
  });
});

// ---- progress.ts ----

class FakeOutput implements ProgressOutput {
  readonly writes: string[] = [];
  constructor(readonly isTTY: boolean, readonly columns?: number) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

/** Runs progress callbacks for `epochs` × `batches` with a fake clock advancing `msPerBatch` per batch. */
async function simulate(out: FakeOutput, epochs: number, batches: number, msPerBatch: number): Promise<void> {
  const realNow = performance.now;
  let now = 1000;
  performance.now = () => now;
  try {
    const callbacks = progressCallbacks(out, epochs, batches);
    for (let epoch = 0; epoch < epochs; epoch++) {
      await callbacks.onEpochBegin?.(epoch, {});
      for (let batch = 0; batch < batches; batch++) {
        now += msPerBatch;
        await callbacks.onBatchEnd?.(batch, { loss: 2 - epoch - batch / 10, accuracy: 0.5 });
      }
      await callbacks.onEpochEnd?.(epoch, { loss: 1.23456, accuracy: 0.5 });
    }
  } finally {
    performance.now = realNow;
  }
}

test('progress, narrow TTY: the bar shrinks to fit the terminal, then the line is cut, never wrapping', async () => {
  const full = 'epoch 1/2 ███░░░░░░░░░░░░░░░░░░░░░ 13%  loss 2.0000  ETA 4s'; // 56 characters at 24 bar cells
  for (const columns of [80, 50, 20]) {
    const out = new FakeOutput(true, columns);
    await simulate(out, 2, 4, 500);
    const updates = out.writes.filter((w) => !w.endsWith('\n')).map((w) => w.replace('\r\x1b[2K', ''));
    for (const line of updates) assert.ok(line.length <= columns - 1, `${columns} columns: ${JSON.stringify(line)}`);
    const bar = (updates[0].match(/[█░]/g) ?? []).length;
    if (columns === 80) assert.equal(updates[0], full);
    if (columns === 50) {
      assert.equal(bar, 24 - (full.length - 49), 'the bar gives up exactly the missing columns');
      assert.match(updates[0], /13% {2}loss 2\.0000 {2}ETA 4s$/);
    }
    if (columns === 20) assert.equal(updates[0], 'epoch 1/2  13%  los', 'no room for a bar: the line is cut at 19');
  }
});

test('progress, not a TTY: exactly one plain line per epoch, with the epoch logs and ETA, nothing per batch', async () => {
  const out = new FakeOutput(false);
  await simulate(out, 3, 5, 200);
  assert.deepEqual(out.writes, [
    'epoch 1/3  loss 1.2346  accuracy 0.5000  (1.0s, ETA 2s)\n',
    'epoch 2/3  loss 1.2346  accuracy 0.5000  (1.0s, ETA 1s)\n',
    'epoch 3/3  loss 1.2346  accuracy 0.5000  (1.0s, ETA 0s)\n',
  ]);
});

test('progress, TTY: every batch redraws one line in place (\\r + clear) with bar, running loss and ETA; epochs end with a newline', async () => {
  const out = new FakeOutput(true);
  await simulate(out, 2, 4, 500);
  assert.equal(out.writes.length, 2 * 4 + 2);
  const updates = out.writes.filter((w) => !w.endsWith('\n'));
  assert.equal(updates.length, 8);
  for (const w of updates) {
    assert.ok(w.startsWith('\r\x1b[2K'), JSON.stringify(w));
    assert.ok(!w.includes('\n'));
  }
  // First batch of 8: 1/8 done after 0.5 s → 3.5 s to go; running loss is the mean over the epoch so far.
  assert.equal(updates[0], '\r\x1b[2Kepoch 1/2 ███░░░░░░░░░░░░░░░░░░░░░ 13%  loss 2.0000  ETA 4s');
  assert.equal(updates[1], '\r\x1b[2Kepoch 1/2 ██████░░░░░░░░░░░░░░░░░░ 25%  loss 1.9500  ETA 3s');
  assert.equal(updates[4], '\r\x1b[2Kepoch 2/2 ███████████████░░░░░░░░░ 63%  loss 1.0000  ETA 2s', 'running loss restarts each epoch');
  assert.match(updates[7], /epoch 2\/2 █{24} 100% {2}loss 0\.8500 {2}ETA 0s$/);
  assert.equal(out.writes[4], '\r\x1b[2Kepoch 1/2  loss 1.2346  accuracy 0.5000  (2.0s, ETA 2s)\n', 'the epoch line replaces the bar');
  assert.equal(out.writes[9], '\r\x1b[2Kepoch 2/2  loss 1.2346  accuracy 0.5000  (2.0s, ETA 0s)\n');
});

test('progress ETA: minutes and seconds, rounded before splitting (never "1m60s")', async () => {
  const etas = async (msPerBatch: number): Promise<string[]> => {
    const out = new FakeOutput(true);
    await simulate(out, 2, 1, msPerBatch);
    return out.writes.map((w) => /ETA (\S+?)\)?$/.exec(w.trim())?.[1] ?? '?');
  };
  // One batch per epoch, two epochs: after the first, the ETA equals the elapsed time.
  assert.deepEqual((await etas(90_000)).slice(0, 2), ['1m30s', '1m30s']);
  assert.deepEqual((await etas(119_600)).slice(0, 2), ['2m00s', '2m00s']);
  assert.deepEqual((await etas(59_600)).slice(0, 2), ['1m00s', '1m00s']);
  assert.deepEqual((await etas(3_725_000)).slice(0, 1), ['62m05s']);
});
