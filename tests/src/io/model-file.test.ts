// Tests for src/io/model-file.ts (saveModel/loadModel) and src/io/node-files.ts (saveModelFile/
// loadModelFile): bit-exact round trips of weights, predictions, user metadata and the training state
// (optimizer tensors, step count, shuffling stream — so that training resumed from a file ends exactly where
// an uninterrupted run ends), and a specific, clear error for every kind of damaged or wrong file, after
// which nothing is left allocated. Run on both builds of the core.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential, layers, optimizers, tensor, saveModel, loadModel, saveModelFile, loadModelFile } from '../../../src/entry-node.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { initCore, core } from '../../../src/wasm.ts';
import { encodeSafetensors, decodeSafetensors, type NamedTensor } from '../../../src/io/safetensors.ts';
import { crc32 } from '../../../src/io/crc32.ts';
import { FORMAT_VERSION } from '../../../src/io/model-file.ts';
import { Rng } from '../../../src/random.ts';
import { BUILDS } from '../../helpers/core.ts';

const SAMPLES = 22; // not a multiple of the batch size, so the last batch is short and shuffling matters
const STEPS = 5;
const FEATURES = 3;
const CLASSES = 4;
const UNITS = 6;

/** Inputs [22, 5, 3] and next-class targets [22, 5] from a fixed seed. */
function data(): { x: Tensor; y: Tensor } {
  const rng = new Rng(123);
  const x = Float32Array.from({ length: SAMPLES * STEPS * FEATURES }, () => rng.uniform(-1, 1));
  const y = Float32Array.from({ length: SAMPLES * STEPS }, () => Math.floor(rng.next() * CLASSES));
  return { x: tensor(x, [SAMPLES, STEPS, FEATURES]), y: tensor(y, [SAMPLES, STEPS]) };
}

type OptimizerKind = 'adam' | 'sgd';

function makeModel(optimizer: OptimizerKind | null = 'adam', seed = 9): Sequential {
  const model = new Sequential({
    seed,
    layers: [
      layers.simpleRNN({ units: UNITS, returnSequences: true, inputShape: [null, FEATURES], name: 'rnn' }),
      layers.dense({ units: CLASSES, activation: 'softmax', name: 'head' }),
    ],
  });
  model.build();
  if (optimizer) {
    model.compile({
      optimizer: optimizer === 'adam' ? optimizers.adam({ learningRate: 0.01 }) : optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
  }
  return model;
}

const WEIGHT_NAMES = ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias'];

/** The weights as raw bytes by name (so -0, NaN payloads and the last ulp all count). */
function weightBytes(model: Sequential): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, t] of Object.entries(model.getWeights())) out[name] = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
  return out;
}

function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function liveBytes(): number {
  return core().heap.liveBytes;
}

/** The checksum loadModel expects: CRC-32 of the tensors' bytes in file order, 8 hex digits. */
function checksumOf(tensors: readonly NamedTensor[]): string {
  let crc = 0;
  for (const t of tensors) crc = crc32(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), crc);
  return crc.toString(16).padStart(8, '0');
}

/**
 * Decodes a valid file, lets `edit` change its tensors and metadata, and encodes it again with a correct
 * checksum (unless `edit` set one), so that exactly the edited property is wrong.
 */
function reencode(bytes: Uint8Array, edit: (tensors: NamedTensor[], metadata: Record<string, string>) => void): Uint8Array {
  const decoded = decodeSafetensors(bytes);
  const tensors: NamedTensor[] = [...decoded.tensors].map(([name, t]) => ({ name, shape: [...t.shape], data: t.data }));
  const metadata = { ...decoded.metadata };
  const original = metadata.checksum;
  edit(tensors, metadata);
  if (metadata.checksum === original) metadata.checksum = checksumOf(tensors);
  return encodeSafetensors(tensors, metadata);
}

/** loadModel must throw an Error matching `message`, and leave the heap as it was. */
function refuses(bytes: unknown, message: RegExp, options?: { maxBytes?: number }): void {
  const live = liveBytes();
  assert.throws(() => loadModel(bytes as Uint8Array, options), (error: unknown) => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
  assert.equal(liveBytes(), live, 'a failed loadModel leaves nothing allocated');
}

/** The byte offset of the first occurrence of `text` in the file's header. */
function headerOffset(bytes: Uint8Array, text: string): number {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  const at = header.indexOf(text);
  assert.ok(at >= 0, `header contains ${text}`);
  assert.equal(new TextEncoder().encode(header.slice(0, at)).length, at, 'header is ASCII up to there');
  return 8 + at;
}

function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at] ^= mask;
  return copy;
}

async function trained(optimizer: OptimizerKind, epochs: number): Promise<Sequential> {
  const { x, y } = data();
  const model = makeModel(optimizer);
  await model.fit(x, y, { epochs, batchSize: 4, shuffle: true });
  return model;
}

for (const build of BUILDS) {
  describe(`${build} core`, () => {
    before(async () => {
      await initCore(await readFile(new URL(`../../../build/${build}.wasm`, import.meta.url)));
    });

    test('round trip: weights bit-identical, predictions bit-identical, config and names kept', async () => {
      const model = await trained('adam', 2);
      model.metadata.note = 'hello';
      const bytes = saveModel(model);
      const loaded = loadModel(bytes);
      assert.deepEqual(Object.keys(loaded.getWeights()), WEIGHT_NAMES);
      assert.deepEqual(weightBytes(loaded), weightBytes(model));
      assert.equal(loaded.name, model.name);
      assert.equal(loaded.seed, model.seed);
      assert.deepEqual(loaded.modelInputShape, [null, FEATURES]);
      assert.deepEqual(loaded.layers.map((l) => l.config()), model.layers.map((l) => l.config()));
      const { x } = data();
      const p1 = model.predict(x) as Tensor;
      const p2 = loaded.predict(x) as Tensor;
      assert.deepEqual(p2.shape, [SAMPLES, STEPS, CLASSES]);
      assert.deepEqual(bytesOf(p2), bytesOf(p1));
      // Saving the loaded model gives the same bytes again.
      assert.deepEqual(saveModel(loaded), bytes);
      model.dispose();
      loaded.dispose();
    });

    test('special float values (-0, subnormals, extremes) survive bit-exactly', () => {
      const model = makeModel(null);
      const w = model.getWeights()['head.weight'];
      const special = [-0, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1.1754942e-38, 0.1, -7];
      const data = w.data.slice();
      data.set(special);
      model.setWeights({ 'head.weight': tensor(data, w.shape) });
      const loaded = loadModel(saveModel(model));
      assert.deepEqual(weightBytes(loaded), weightBytes(model));
      assert.ok(Object.is(loaded.getWeights()['head.weight'].data[0], -0));
      model.dispose();
      loaded.dispose();
    });

    test('user metadata round trips (unicode, JSON-looking strings, empty strings)', () => {
      const model = makeModel('adam');
      const user = { vocabulary: JSON.stringify(['\n', 'a', 'é', '日', '😀']), steps: '16', empty: '', 'key with spaces': '{"not": "parsed"}' };
      Object.assign(model.metadata, user);
      const loaded = loadModel(saveModel(model));
      assert.deepEqual({ ...loaded.metadata }, user);
      const plain = makeModel(null);
      assert.deepEqual({ ...loadModel(saveModel(plain)).metadata }, {}, 'no metadata stays no metadata');
      model.dispose();
      loaded.dispose();
      plain.dispose();
    });

    for (const optimizer of ['adam', 'sgd'] as const) {
      test(`${optimizer}: trained 2 epochs, saved, loaded, trained 2 more = trained 2 + 2 without the break (bit-identical)`, async () => {
        const { x, y } = data();
        const fitOptions = { epochs: 2, batchSize: 4, shuffle: true };

        const straight = makeModel(optimizer);
        await straight.fit(x, y, fitOptions);
        await straight.fit(x, y, fitOptions);

        const first = makeModel(optimizer);
        await first.fit(x, y, fitOptions);
        const resumed = loadModel(saveModel(first));
        first.dispose();
        assert.equal(resumed.training?.optimizer.kind, optimizer);
        assert.deepEqual(resumed.training?.metrics, ['accuracy']);
        assert.equal(resumed.training?.loss.name, 'sparseCategoricalCrossentropy');
        assert.equal(resumed.training?.optimizer.iterations, 2 * Math.ceil(SAMPLES / 4));
        await resumed.fit(x, y, fitOptions);

        assert.equal(resumed.training?.optimizer.iterations, straight.training?.optimizer.iterations);
        assert.deepEqual(weightBytes(resumed), weightBytes(straight));
        assert.deepEqual(resumed.rng.getState(), straight.rng.getState());
        for (const [i, name] of (straight.training?.optimizer.stateNames ?? []).entries()) {
          const a = straight.readBlock(straight.training?.state[i] as number);
          const b = resumed.readBlock(resumed.training?.state[i] as number);
          for (const w of WEIGHT_NAMES) assert.deepEqual(bytesOf(b[w]), bytesOf(a[w]), `optimizer state ${name}.${w}`);
        }

        // The check above can fail: without the optimizer state, or with a restarted shuffling stream,
        // the resumed run ends elsewhere.
        const again = makeModel(optimizer);
        await again.fit(x, y, fitOptions);
        const bytes = saveModel(again);
        const noState = loadModel(saveModel(again, { includeOptimizer: false }));
        noState.compile({
          optimizer: optimizer === 'adam' ? optimizers.adam({ learningRate: 0.01 }) : optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }),
          loss: 'sparseCategoricalCrossentropy',
        });
        noState.rng.setState(again.rng.getState());
        await noState.fit(x, y, fitOptions);
        assert.notDeepEqual(weightBytes(noState), weightBytes(straight), 'without optimizer state the run differs');
        const freshRng = loadModel(bytes);
        freshRng.rng.setState(new Rng(freshRng.seed).derive(0).getState());
        await freshRng.fit(x, y, fitOptions);
        assert.notDeepEqual(weightBytes(freshRng), weightBytes(straight), 'with a restarted shuffling stream the run differs');
        for (const m of [straight, resumed, again, noState, freshRng]) m.dispose();
      });
    }

    test('the training state is saved as optimizer.<state>.<weight> tensors plus training metadata', async () => {
      const model = await trained('adam', 1);
      const { tensors, metadata } = decodeSafetensors(saveModel(model));
      const names = [...tensors.keys()];
      assert.deepEqual(names, [...WEIGHT_NAMES, ...WEIGHT_NAMES.map((w) => `optimizer.m.${w}`), ...WEIGHT_NAMES.map((w) => `optimizer.v.${w}`)]);
      assert.deepEqual(tensors.get('optimizer.m.head.weight')?.shape, [CLASSES, UNITS]);
      assert.ok(tensors.get('optimizer.v.head.weight')?.data.some((v) => v > 0), 'second moments are non-zero after training');
      const training = JSON.parse(metadata.training) as { optimizer: { kind: string; iterations: number }; rng: number[]; loss: string };
      assert.equal(training.optimizer.kind, 'adam');
      assert.equal(training.optimizer.iterations, Math.ceil(SAMPLES / 4));
      assert.deepEqual(training.rng, model.rng.getState());
      assert.equal(training.loss, 'sparseCategoricalCrossentropy');
      model.dispose();
    });

    test('includeOptimizer: false saves no optimizer tensors and no training state; the loaded model is not compiled', async () => {
      const model = await trained('adam', 1);
      const bytes = saveModel(model, { includeOptimizer: false });
      const { tensors, metadata } = decodeSafetensors(bytes);
      assert.deepEqual([...tensors.keys()], WEIGHT_NAMES);
      assert.equal(metadata.training, undefined);
      const loaded = loadModel(bytes);
      assert.equal(loaded.training, undefined);
      assert.deepEqual(weightBytes(loaded), weightBytes(model));
      assert.ok(bytes.length < saveModel(model).length);
      // An uncompiled model has no training state to save either.
      const plain = makeModel(null);
      assert.deepEqual([...decodeSafetensors(saveModel(plain)).tensors.keys()], WEIGHT_NAMES);
      assert.throws(() => saveModel(model, { includeOptimizer: 'no' as unknown as boolean }), /includeOptimizer/);
      assert.throws(() => saveModel(model, { compress: true } as unknown as { includeOptimizer?: boolean }), /unknown option "compress"/);
      for (const m of [model, loaded, plain]) m.dispose();
    });

    test('the file is plain safetensors: header fields, metadata strings, PyTorch-style names', () => {
      const model = makeModel('adam');
      const bytes = saveModel(model);
      const { metadata, tensors } = decodeSafetensors(bytes);
      assert.equal(metadata.format, 'recur');
      assert.equal(metadata.format_version, String(FORMAT_VERSION));
      assert.match(metadata.checksum, /^[0-9a-f]{8}$/);
      const config = JSON.parse(metadata.config) as { layers: unknown[]; inputShape: unknown[] };
      assert.equal(config.layers.length, 2);
      assert.deepEqual(config.inputShape, [null, FEATURES]);
      assert.deepEqual(tensors.get('rnn.weight_ih_l0')?.shape, [UNITS, FEATURES]);
      assert.deepEqual(tensors.get('rnn.weight_hh_l0')?.shape, [UNITS, UNITS]);
      assert.deepEqual(tensors.get('head.weight')?.shape, [CLASSES, UNITS]);
      model.dispose();
    });

    describe('damaged and wrong files: a specific Error, nothing left allocated', () => {
      let good: Uint8Array;
      let model: Sequential;
      before(async () => {
        model = await trained('adam', 1);
        model.metadata.vocabulary = '["a","b"]';
        good = saveModel(model);
      });
      after(() => model.dispose());

      test('control: the unmodified file loads', () => {
        const live = liveBytes();
        const loaded = loadModel(good);
        loaded.dispose();
        assert.equal(liveBytes(), live, 'load + dispose returns every byte');
      });

      test('truncated at several points', () => {
        const dataStart = 8 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
        refuses(good.subarray(0, 0), /safetensors file is 0 bytes, too short for its 8-byte header length/);
        refuses(good.subarray(0, 7), /7 bytes, too short/);
        for (const cut of [8, 100, dataStart - 1]) {
          refuses(good.subarray(0, cut), /safetensors header length is \d+ bytes, but only \d+ bytes follow the length \(file truncated\?\)/);
        }
        for (const cut of [dataStart, dataStart + 1, dataStart + 4, Math.floor((dataStart + good.length) / 2), good.length - 4, good.length - 1]) {
          refuses(good.subarray(0, cut), /is past the end of the \d+-byte data section \(file truncated\?\)/);
        }
      });

      test('a flipped byte in the data section fails the checksum', () => {
        const dataStart = 8 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
        for (const at of [dataStart, dataStart + 13, Math.floor((dataStart + good.length) / 2), good.length - 1]) {
          for (const mask of [0x01, 0x80]) {
            refuses(flipped(good, at, mask), /model file is corrupt: data checksum is [0-9a-f]{8}, the file says "[0-9a-f]{8}"/);
          }
        }
        // Damage in the optimizer tensors is caught the same way.
        const lastOptimizerByte = good.length - 2;
        refuses(flipped(good, lastOptimizerByte), /data checksum/);
      });

      test('a flipped byte in the header JSON: structure, tensor name, shape, checksum, config, format', () => {
        refuses(flipped(good, 8), /safetensors header is not valid JSON/); // the opening brace
        refuses(flipped(good, headerOffset(good, '"rnn.weight_hh_l0"') + 2, 0x20), /model file has a tensor "rNn\.weight_hh_l0" that this model does not have/);
        refuses(flipped(good, headerOffset(good, '"head.weight":{"dtype":"F32","shape":[4') + 38), /shape \[5,6\] needs 120 bytes \(30 F32 values\), but data_offsets \[\d+, \d+\] hold 96/);
        const sumAt = headerOffset(good, '"checksum":"') + 12;
        refuses(flipped(good, sumAt, good[sumAt] === 0x30 ? 0x01 : 0x02), /data checksum is [0-9a-f]{8}, the file says/);
        refuses(flipped(good, headerOffset(good, '"format":"recur"') + 10), /not a recur model file: __metadata__\.format is "secur", expected "recur"/);
        refuses(flipped(good, headerOffset(good, '"format_version":"1"') + 18), /format version 0 is not supported \(this recur reads version 1\)/);
        refuses(flipped(good, headerOffset(good, '"config":"{') + 10, 0x20), /__metadata__\.config is not valid JSON/);
      });

      test('every single-bit flip anywhere in the header is caught or harmless (weights never change silently)', () => {
        const headerEnd = 8 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
        const expected = weightBytes(model);
        const live = liveBytes();
        let refused = 0;
        let loadedOk = 0;
        for (let at = 0; at < headerEnd; at++) {
          for (const mask of [0x01, 0x04, 0x40]) {
            let loaded: Sequential | undefined;
            try {
              loaded = loadModel(flipped(good, at, mask));
            } catch (error) {
              assert.ok(error instanceof Error, `byte ${at}^${mask}: not an Error`);
              assert.doesNotMatch(error.message, /Cannot read prop|undefined is not a|is not a function|is not iterable|Cannot convert|Maximum call stack/,
                `byte ${at}^${mask}: an accidental JavaScript error instead of a clear message`);
              refused++;
              continue;
            }
            // A flip that loads must be in a harmless place (a user string, the name, a hyper-parameter):
            // the weights are still the saved weights.
            assert.deepEqual(weightBytes(loaded), expected, `byte ${at}^${mask} changed the weights silently`);
            loaded.dispose();
            loadedOk++;
          }
          assert.equal(liveBytes(), live, `byte ${at}: heap not restored`);
        }
        assert.ok(refused > loadedOk, `most flips are refused (${refused} refused, ${loadedOk} loaded)`);
      });

      test('wrong format, or no recur metadata at all (a plain safetensors file)', () => {
        refuses(reencode(good, (_, m) => { m.format = 'keras'; }), /not a recur model file: __metadata__\.format is "keras", expected "recur"/);
        refuses(reencode(good, (_, m) => { for (const k of Object.keys(m)) delete m[k]; }), /not a recur model file: __metadata__\.format is undefined/);
        refuses(encodeSafetensors([{ name: 'weight', shape: [2], data: new Float32Array(2) }], {}), /not a recur model file/);
      });

      test('unsupported format_version', () => {
        refuses(reencode(good, (_, m) => { m.format_version = '2'; }), /recur model file format version 2 is not supported \(this recur reads version 1\)/);
        refuses(reencode(good, (_, m) => { m.format_version = '1.0'; }), /format version 1\.0 is not supported/);
        refuses(reencode(good, (_, m) => { delete m.format_version; }), /format version undefined is not supported/);
      });

      test('a missing weight tensor, or a missing optimizer tensor', () => {
        refuses(reencode(good, (t) => { t.splice(t.findIndex((x) => x.name === 'head.bias'), 1); }), /model file lacks tensors: head\.bias$/);
        refuses(reencode(good, (t) => { t.splice(0, 2); }), /model file lacks tensors: rnn\.weight_ih_l0, rnn\.weight_hh_l0$/);
        refuses(reencode(good, (t) => { t.splice(t.findIndex((x) => x.name === 'optimizer.v.rnn.bias_hh_l0'), 1); }), /model file lacks optimizer tensor "optimizer\.v\.rnn\.bias_hh_l0"/);
      });

      test('an extra tensor, or an extra optimizer tensor, or optimizer tensors without training metadata', () => {
        refuses(reencode(good, (t) => { t.push({ name: 'head.extra', shape: [2], data: new Float32Array(2) }); }), /model file has a tensor "head\.extra" that this model does not have/);
        refuses(reencode(good, (t) => { t.push({ name: 'optimizer.m.head.extra', shape: [1], data: new Float32Array(1) }); }), /unexpected optimizer tensors: optimizer\.m\.head\.extra/);
        refuses(reencode(good, (t) => { t.push({ name: 'optimizer.momentum.head.bias', shape: [CLASSES], data: new Float32Array(CLASSES) }); }), /unexpected optimizer tensors: optimizer\.momentum\.head\.bias/);
        refuses(reencode(good, (_, m) => { delete m.training; }), /optimizer tensors but no training metadata/);
      });

      test('a tensor of the wrong shape (same element count, or a different one)', () => {
        const reshape = (name: string, shape: number[], data?: Float32Array) => reencode(good, (t) => {
          const entry = t.find((x) => x.name === name) as NamedTensor;
          entry.shape = shape;
          if (data) entry.data = data;
        });
        refuses(reshape('head.weight', [UNITS, CLASSES]), /model file tensor "head\.weight" has shape \[6, 4\], the model expects \[4, 6\]/);
        refuses(reshape('head.bias', [1, CLASSES]), /"head\.bias" has shape \[1, 4\], the model expects \[4\]/);
        refuses(reshape('rnn.bias_ih_l0', [UNITS + 1], new Float32Array(UNITS + 1)), /"rnn\.bias_ih_l0" has shape \[7\], the model expects \[6\]/);
        refuses(reshape('optimizer.m.head.weight', [UNITS, CLASSES]), /"optimizer\.m\.head\.weight" has shape \[6, 4\], the model expects \[4, 6\]/);
      });

      test('a config that does not match the tensors, or is broken', () => {
        const withConfig = (change: (config: { layers: { options: Record<string, unknown> }[] }) => void) => reencode(good, (_, m) => {
          const config = JSON.parse(m.config) as { layers: { options: Record<string, unknown> }[] };
          change(config);
          m.config = JSON.stringify(config);
        });
        refuses(withConfig((c) => { c.layers[0].options.units = UNITS + 1; }), /"rnn\.weight_ih_l0" has shape \[6, 3\], the model expects \[7, 3\]/);
        refuses(withConfig((c) => { c.layers.pop(); }), /model file has a tensor "head\.weight" that this model does not have/);
        refuses(reencode(good, (_, m) => { m.config = '{"name":"x"}'; }), /__metadata__\.config lacks layers or inputShape/);
        refuses(reencode(good, (_, m) => { delete m.config; }), /__metadata__\.config is missing/);
        refuses(reencode(good, (_, m) => { m.user = '["a"]'; }), /__metadata__\.user must be a JSON object of strings/);
        refuses(reencode(good, (_, m) => { m.user = '{"a":1}'; }), /__metadata__\.user must be a JSON object of strings/);
        refuses(reencode(good, (_, m) => { m.training = '{'; }), /__metadata__\.training is not valid JSON/);
      });

      test('a broken training state: unknown optimizer, bad step count, bad RNG state', () => {
        const withTraining = (change: (t: Record<string, unknown> & { optimizer: Record<string, unknown> }) => void) => reencode(good, (_, m) => {
          const training = JSON.parse(m.training) as Record<string, unknown> & { optimizer: Record<string, unknown> };
          change(training);
          m.training = JSON.stringify(training);
        });
        refuses(withTraining((t) => { t.optimizer.kind = 'rmsprop'; }), /unknown optimizer kind "rmsprop"/);
        refuses(withTraining((t) => { t.optimizer.iterations = -1; }), /optimizer iterations -1/);
        refuses(withTraining((t) => { t.optimizer.iterations = 1.5; }), /optimizer iterations 1\.5/);
        refuses(withTraining((t) => { t.rng = [1, 2, 3]; }), /Rng\.setState needs the 8 numbers/);
        refuses(withTraining((t) => { t.loss = 'hinge'; }), /unknown loss "hinge"/);
      });

      test('a file over maxBytes', () => {
        refuses(good, new RegExp(`model file is [\\d.]+ KiB \\(${good.length} bytes\\), over the 1 KiB limit \\(raise options\\.maxBytes to load it\\)`), { maxBytes: 1024 });
        refuses(good, /over the .* limit/, { maxBytes: good.length - 1 });
        const loaded = loadModel(good, { maxBytes: good.length });
        loaded.dispose();
      });

      test('not a Uint8Array, or bad options', () => {
        refuses(good.buffer, /loadModel expects the file's bytes as a Uint8Array, got object/);
        refuses([...good], /loadModel expects the file's bytes as a Uint8Array/);
        refuses('model.safetensors', /loadModel expects the file's bytes as a Uint8Array, got string/);
        refuses(undefined, /loadModel expects the file's bytes as a Uint8Array, got undefined/);
        refuses(null, /loadModel expects the file's bytes as a Uint8Array/);
        refuses(new Float32Array(good.buffer.slice(0, good.length - (good.length % 4))), /loadModel expects the file's bytes as a Uint8Array/);
        assert.throws(() => loadModel(good, { limit: 5 } as unknown as { maxBytes?: number }), /loadModel: unknown option "limit"/);
        // A Node Buffer is a Uint8Array and loads.
        loadModel(Buffer.from(good)).dispose();
      });

      test('loading many times (good and bad files) does not grow memory', () => {
        loadModel(good).dispose();
        const memory = core().kernels.memory;
        const size = memory.buffer.byteLength;
        const live = liveBytes();
        const bad = reencode(good, (t) => { t.splice(t.findIndex((x) => x.name === 'optimizer.v.head.bias'), 1); });
        for (let i = 0; i < 40; i++) {
          loadModel(good).dispose();
          assert.throws(() => loadModel(bad), /lacks optimizer tensor/);
        }
        assert.equal(liveBytes(), live);
        assert.equal(memory.buffer.byteLength, size);
      });
    });
  });
}

describe('model files on disk', () => {
  let dir: string;
  before(async () => {
    await initCore(await readFile(new URL('../../../build/release.wasm', import.meta.url)));
    dir = await mkdtemp(join(tmpdir(), 'recur-model-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('saveModelFile then loadModelFile: identical weights, training state and metadata; no temp file left', async () => {
    const model = await trained('adam', 1);
    model.metadata.vocabulary = '["x"]';
    const path = join(dir, 'm.safetensors');
    await saveModelFile(model, path);
    assert.deepEqual(await readdir(dir), ['m.safetensors']);
    assert.deepEqual(new Uint8Array(await readFile(path)), saveModel(model), 'the file holds exactly saveModel\'s bytes');
    const loaded = await loadModelFile(path);
    assert.deepEqual(weightBytes(loaded), weightBytes(model));
    assert.equal(loaded.training?.optimizer.iterations, model.training?.optimizer.iterations);
    assert.deepEqual({ ...loaded.metadata }, { vocabulary: '["x"]' });
    // includeOptimizer is passed through.
    const small = join(dir, 'small.safetensors');
    await saveModelFile(model, small, { includeOptimizer: false });
    assert.equal((await loadModelFile(small)).training, undefined);
    // Saving over an existing file replaces it.
    const other = makeModel('adam', 77);
    await saveModelFile(other, path);
    assert.deepEqual(new Uint8Array(await readFile(path)), saveModel(other));
    assert.deepEqual((await readdir(dir)).sort(), ['m.safetensors', 'small.safetensors']);
    await rm(small);
    await rm(path);
    for (const m of [model, loaded, other]) m.dispose();
  });

  test('a failed save into a directory that does not exist rejects and creates nothing', async () => {
    const model = makeModel('adam');
    const missing = join(dir, 'no', 'such', 'dir');
    await assert.rejects(saveModelFile(model, join(missing, 'm.safetensors')), /ENOENT/);
    assert.deepEqual(await readdir(dir), []);
    model.dispose();
  });

  test('a save that fails at the rename leaves the existing target untouched and no temp file behind', async () => {
    const model = makeModel('adam');
    // The target is a non-empty directory: writing the temporary file works, renaming it over the target fails.
    const target = join(dir, 'taken.safetensors');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'precious');
    await assert.rejects(saveModelFile(model, target), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(await readdir(dir), ['taken.safetensors'], 'no temporary file left beside the target');
    assert.equal(await readFile(join(target, 'keep.txt'), 'utf8'), 'precious');
    await rm(target, { recursive: true });
    model.dispose();
  });

  test('a save that fails while writing leaves an existing model file byte-for-byte as it was', async () => {
    // The target's name is 250 bytes (allowed); any temporary name built from it by appending 6+ bytes is over the
    // 255-byte file name limit, so writing the temporary file fails (ENAMETOOLONG) while the target exists.
    const path = join(dir, `${'m'.repeat(238)}.safetensors`);
    const original = makeModel('adam', 5);
    await saveModelFile(original, path.replace(/m{238}/, 'short')); // a control save that works
    await rm(path.replace(/m{238}/, 'short'));
    await writeFile(path, saveModel(original));
    const before = await readFile(path);
    const beforeStat = await stat(path);
    const model = makeModel('adam', 6);
    await assert.rejects(saveModelFile(model, path), /ENAMETOOLONG/);
    assert.deepEqual(await readFile(path), before, 'the existing file is untouched');
    assert.equal((await stat(path)).mtimeMs, beforeStat.mtimeMs);
    assert.deepEqual(await readdir(dir), [path.slice(dir.length + 1)], 'nothing else in the directory');
    loadModel(new Uint8Array(before)).dispose();
    await rm(path);
    original.dispose();
    model.dispose();
  });

  test('concurrent saves to the same path never leave a mixed (corrupt) file', async () => {
    const path = join(dir, 'race.safetensors');
    const small = makeModel(null, 1); // weights only
    const big = makeModel('adam', 2); // weights + optimizer state: a longer file
    const smallBytes = saveModel(small);
    const bigBytes = saveModel(big);
    for (let round = 0; round < 30; round++) {
      const results = await Promise.allSettled([saveModelFile(big, path), saveModelFile(small, path), saveModelFile(big, path)]);
      // (With one shared temporary name per process, two of three saves failed with ENOENT at the rename and
      // about one round in twenty left a file mixing two models' bytes.)
      assert.deepEqual(results.map((r) => r.status === 'rejected' ? String(r.reason) : r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
      const written = new Uint8Array(await readFile(path));
      const whole = Buffer.compare(written, smallBytes) === 0 || Buffer.compare(written, bigBytes) === 0;
      assert.ok(whole, `round ${round}: the file is not any one model's bytes (${written.length} bytes; small ${smallBytes.length}, big ${bigBytes.length})`);
      assert.deepEqual(await readdir(dir), ['race.safetensors'], 'no temporary files left');
    }
    await rm(path);
    small.dispose();
    big.dispose();
  });

  test('loadModelFile refuses a file over maxBytes before reading it, and loads it at exactly the limit', async () => {
    const model = makeModel('adam');
    const path = join(dir, 'limit.safetensors');
    await saveModelFile(model, path);
    const { size } = await stat(path);
    const live = liveBytes();
    await assert.rejects(loadModelFile(path, { maxBytes: size - 1 }), new RegExp(`model file .*limit\\.safetensors is ${size} bytes, over the ${size - 1}-byte limit`));
    await assert.rejects(loadModelFile(path, { maxBytes: 100 }), /over the 100-byte limit/);
    assert.equal(liveBytes(), live);
    (await loadModelFile(path, { maxBytes: size })).dispose();
    await rm(path);
    model.dispose();
  });

  test('loadModelFile: a missing file and a corrupt file are clear errors', async () => {
    await assert.rejects(loadModelFile(join(dir, 'nope.safetensors')), /ENOENT/);
    const path = join(dir, 'junk.safetensors');
    await writeFile(path, 'this is not a model');
    const live = liveBytes();
    await assert.rejects(loadModelFile(path), /safetensors header length is \d+ bytes/);
    assert.equal(liveBytes(), live);
    await rm(path);
  });
});
