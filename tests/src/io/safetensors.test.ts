// Tests for src/io/safetensors.ts: exact byte layout, bit-exact round trips, and one test per kind of
// damaged file, each checking that the error names the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../../src/io/safetensors.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A safetensors file from a raw header string (not padded unless asked) and raw data bytes. */
function rawFile(header: string | Uint8Array, data: ArrayLike<number> = [], headerLength?: number): Uint8Array {
  const headerBytes = typeof header === 'string' ? ascii(header) : header;
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength ?? headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** A header JSON string from tensor entries {name: [shape, begin, end]} (plus optional extra entries). */
function header(tensors: Record<string, [number[], number, number]>, extra: Record<string, unknown> = {}): string {
  const entries = Object.entries(tensors).map(([name, [shape, begin, end]]) => [
    name,
    { dtype: 'F32', shape, data_offsets: [begin, end] },
  ]);
  return JSON.stringify({ ...extra, ...Object.fromEntries(entries) });
}

function rejects(bytes: Uint8Array, message: RegExp, options?: { maxBytes?: number }): void {
  assert.throws(
    () => decodeSafetensors(bytes, options),
    (error: unknown) => {
      assert.ok(error instanceof Error, 'expected an Error');
      assert.match(error.message, message);
      return true;
    },
  );
}

const sample: NamedTensor[] = [
  { name: 'weight_ih_l0', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
  { name: 'bias_ih_l0', shape: [4], data: new Float32Array([1, -1, 0.25, 3e-5]) },
];

// ---- layout and round trips

test('a hand-built file decodes to the right values', () => {
  // 1.0 = 0x3f800000 and -2.0 = 0xc0000000, little-endian; tensors listed out of data order, with whitespace.
  const json = ' {"b": {"dtype":"F32","shape":[1],"data_offsets":[4,8]},\n "a": {"shape":[1,1],"data_offsets":[0,4],"dtype":"F32"},"__metadata__":{"k":"v"}}   ';
  const file = rawFile(json, [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  const { metadata, tensors } = decodeSafetensors(file);
  assert.deepEqual(metadata, { k: 'v' });
  assert.deepEqual([...tensors.keys()], ['a', 'b'], 'tensors come in data order');
  assert.deepEqual(tensors.get('a'), { shape: [1, 1], data: new Float32Array([1]) });
  assert.deepEqual(tensors.get('b'), { shape: [1], data: new Float32Array([-2]) });
});

test('a file written by the reference implementation decodes exactly', () => {
  // Made by hand with safetensors 0.8.0 (the wheel's own Rust writer):
  //   save_file({'b': np.array([[1, -0.0], [1e-45, np.inf]], np.float32), 'a': np.arange(5, dtype=np.float32),
  //              'e': np.zeros((0, 2), np.float32), 's': np.array(3.5, np.float32)}, path, metadata={'format': 'pt', 'x': 'y'})
  // (safetensors.numpy; base64 of the whole 304-byte file). Files written by encodeSafetensors were also
  // read back with load_file / safe_open(...).metadata() and matched bit for bit.
  const file = Buffer.from(
    'CAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCIsIngiOiJ5In0sImEiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6' +
      'WzVdLCJkYXRhX29mZnNldHMiOlswLDIwXX0sImIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsMl0sImRhdGFfb2Zmc2V0cyI6' +
      'WzIwLDM2XX0sImUiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsMl0sImRhdGFfb2Zmc2V0cyI6WzM2LDM2XX0sInMiOnsiZHR5' +
      'cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzM2LDQwXX19ICAAAAAAAACAPwAAAEAAAEBAAACAQAAAgD8AAACA' +
      'AQAAAAAAgH8AAGBA',
    'base64',
  );
  const { metadata, tensors } = decodeSafetensors(new Uint8Array(file));
  assert.deepEqual(metadata, { format: 'pt', x: 'y' });
  assert.deepEqual([...tensors.keys()], ['a', 'b', 'e', 's']);
  assert.deepEqual(tensors.get('a'), { shape: [5], data: new Float32Array([0, 1, 2, 3, 4]) });
  const b = tensors.get('b');
  assert.deepEqual(b?.shape, [2, 2]);
  assert.deepEqual(Array.from(new Uint32Array(b?.data.buffer ?? new ArrayBuffer(0))), [0x3f800000, 0x80000000, 1, 0x7f800000]);
  assert.deepEqual(tensors.get('e'), { shape: [0, 2], data: new Float32Array(0) });
  assert.deepEqual(tensors.get('s'), { shape: [], data: new Float32Array([3.5]) });
});

test('encode writes the documented layout: u64 LE length, space-padded JSON, contiguous data', () => {
  const bytes = encodeSafetensors(
    [
      { name: 'x', shape: [2], data: new Float32Array([1, -2]) },
      { name: 'y', shape: [], data: new Float32Array([0.5]) },
    ],
    { format: 'recur' },
  );
  const json =
    '{"__metadata__":{"format":"recur"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"y":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}';
  const padded = Math.ceil(json.length / 8) * 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getBigUint64(0, true), BigInt(padded));
  assert.equal(padded % 8, 0);
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 8 + padded)), json.padEnd(padded, ' '));
  assert.deepEqual(
    Array.from(bytes.subarray(8 + padded)),
    [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f],
  );
  assert.equal(bytes.length, 8 + padded + 12);
});

test('no __metadata__ entry is written when there is no metadata', () => {
  const bytes = encodeSafetensors([{ name: 'x', shape: [1], data: new Float32Array([1]) }], {});
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.ok(!new TextDecoder().decode(bytes.subarray(8, 8 + length)).includes('__metadata__'));
  assert.deepEqual(decodeSafetensors(bytes).metadata, {});
});

test('round trip is bit-exact: -0, denormals, infinities, extremes and NaN payloads', () => {
  const bits = new Uint32Array([
    0x80000000, // -0
    0x00000001, // smallest denormal
    0x807fffff, // largest negative denormal
    0x7f7fffff, // largest finite
    0x7f800000, // +Infinity
    0xff800000, // -Infinity
    0x7fc00000, // canonical NaN
    0x7fc12345, // quiet NaN with payload
    0xffa00001, // negative NaN with payload
    0x3eaaaaab, // ~1/3
  ]);
  const data = new Float32Array(bits.buffer);
  const decoded = decodeSafetensors(encodeSafetensors([{ name: 'special', shape: [2, 5], data }], {}));
  const out = decoded.tensors.get('special');
  assert.ok(out);
  assert.deepEqual(out.shape, [2, 5]);
  assert.deepEqual(Array.from(new Uint32Array(out.data.buffer)), Array.from(bits));
});

test('round trip keeps names, order, shapes, metadata; empty and scalar tensors work', () => {
  const tensors: NamedTensor[] = [
    ...sample,
    { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
    { name: 'scalar', shape: [], data: new Float32Array([42]) },
    { name: 'also empty', shape: [0], data: new Float32Array(0) },
    { name: '__proto__', shape: [1], data: new Float32Array([7]) },
    { name: 'ünïcödé/名前', shape: [1, 1, 1], data: new Float32Array([-1]) },
  ];
  // fromEntries, because `__proto__: 'x'` in an object literal would not create a key.
  const metadata: Record<string, string> = Object.fromEntries([
    ['config', JSON.stringify({ units: 4, layers: [1, 2] })],
    ['format_version', '1'],
    ['__proto__', 'x'],
  ]);
  const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
  assert.deepEqual(Object.entries(decoded.metadata), Object.entries(metadata));
  assert.equal(Object.getPrototypeOf(decoded.metadata), Object.prototype);
  assert.deepEqual(
    [...decoded.tensors.keys()].filter((name) => !name.includes('empty')),
    tensors.map((t) => t.name).filter((name) => !name.includes('empty')),
  );
  for (const { name, shape, data } of tensors) {
    const out = decoded.tensors.get(name);
    assert.ok(out, name);
    assert.deepEqual(out.shape, shape, name);
    assert.deepEqual(out.data, data, name);
  }
});

test('an empty file set and a subarray-backed input both round trip', () => {
  assert.equal(decodeSafetensors(encodeSafetensors([], {})).tensors.size, 0);
  // A Float32Array view at a non-zero byteOffset, and a file sitting at an odd offset in a larger buffer.
  const backing = new Float32Array([9, 9, 1.5, 2.5, 9]);
  const bytes = encodeSafetensors([{ name: 'v', shape: [2], data: backing.subarray(2, 4) }], {});
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 1);
  const out = decodeSafetensors(shifted.subarray(1, 1 + bytes.length)).tensors.get('v');
  assert.deepEqual(out?.data, new Float32Array([1.5, 2.5]));
});

test('decoded arrays are copies, not views of the input', () => {
  const bytes = encodeSafetensors(sample, {});
  const out = decodeSafetensors(bytes).tensors.get('bias_ih_l0');
  assert.ok(out);
  bytes.fill(0, bytes.length - 16);
  assert.deepEqual(out.data, new Float32Array([1, -1, 0.25, 3e-5]));
  assert.equal(out.data.byteOffset, 0);
  assert.equal(out.data.buffer.byteLength, 16);
});

// ---- damaged files: each problem on its own

test('files shorter than the 8-byte length are rejected', () => {
  for (const length of [0, 1, 7]) rejects(new Uint8Array(length), new RegExp(`is ${length} bytes, too short for its 8-byte header length`));
});

test('truncation anywhere is rejected', () => {
  const good = encodeSafetensors(sample, { a: 'b' });
  const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
  const dataStart = 8 + headerLength;
  rejects(good.subarray(0, 5), /too short/);
  for (const cut of [8, 9, dataStart - 1]) {
    rejects(good.subarray(0, cut), new RegExp(`header length is ${headerLength} bytes, but only ${cut - 8} bytes follow`));
  }
  // Cut inside the data: the last tensor now runs past the end.
  rejects(good.subarray(0, dataStart), /tensor "weight_ih_l0": data_offsets end 48 is past the end of the 0-byte data section/);
  rejects(good.subarray(0, good.length - 1), /tensor "bias_ih_l0": data_offsets end 64 is past the end of the 63-byte data section/);
});

test('a header length over the 100 MB limit is rejected before anything is read', () => {
  rejects(rawFile('{}', [], 200_000_000), /header length is 200000000 bytes, over the 100000000-byte limit/);
  const file = rawFile('{}');
  new DataView(file.buffer).setUint32(4, 1, true); // 2^32 + 2
  rejects(file, /header length is 4294967298 bytes, over the 100000000-byte limit/);
});

test('files over maxBytes are rejected with both sizes', () => {
  const good = encodeSafetensors(sample, {});
  rejects(good, new RegExp(`model file is ${good.length} bytes, over the 100 bytes limit`), { maxBytes: 100 });
  const big = new Uint8Array(2000);
  rejects(big, /model file is 1.95 KiB \(2000 bytes\), over the 1 KiB limit/, { maxBytes: 1024 });
  assert.doesNotThrow(() => decodeSafetensors(good, { maxBytes: good.length }));
  assert.throws(() => decodeSafetensors(good, { maxBytes: -1 }), /maxBytes must be a non-negative number, got number -1/);
});

test('the default limit is 1 GiB', () => {
  // Only `length` is read before the size check, so a stand-in with a large length avoids allocating 2 GB.
  const huge = Object.create(Uint8Array.prototype, { length: { value: 2_100_000_000 } }) as Uint8Array;
  rejects(huge, /model file is 1.96 GiB \(2100000000 bytes\), over the 1 GiB limit/);
});

test('a header that is not UTF-8 is rejected', () => {
  rejects(rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /header is not valid UTF-8/);
  rejects(rawFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), /header is not valid JSON/); // BOM
});

test('a header that is not JSON is rejected', () => {
  rejects(rawFile('{"w": {"dtype": "F32"'), /header is not valid JSON: /);
  rejects(rawFile(''), /header is not valid JSON/);
  rejects(rawFile("{'w': 1}"), /header is not valid JSON/);
});

test('a header that is not a JSON object is rejected', () => {
  rejects(rawFile('[]'), /header must be a JSON object, got an array/);
  rejects(rawFile('null'), /header must be a JSON object, got null/);
  rejects(rawFile('"w"'), /header must be a JSON object, got string "w"/);
  rejects(rawFile('12'), /header must be a JSON object, got number 12/);
});

test('metadata must be an object of strings', () => {
  rejects(rawFile('{"__metadata__": {"version": 1}}'), /"__metadata__" value for "version" must be a string, got number 1/);
  rejects(rawFile('{"__metadata__": {"a": null}}'), /value for "a" must be a string, got null/);
  rejects(rawFile('{"__metadata__": "v1"}'), /"__metadata__" must be an object of strings, got string "v1"/);
  rejects(rawFile('{"__metadata__": ["v1"]}'), /must be an object of strings, got an array/);
  assert.deepEqual(decodeSafetensors(rawFile('{"__metadata__": null}')).metadata, {});
});

test('dtypes other than F32 are rejected by name', () => {
  const data = new Array<number>(8).fill(0);
  rejects(rawFile('{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}', data), /tensor "w": dtype "F16" is not supported \(expected "F32"\)/);
  rejects(rawFile('{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', data), /dtype "F64" is not supported/);
  rejects(rawFile('{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}', data), /dtype "f32" is not supported/);
  rejects(rawFile('{"w":{"shape":[2],"data_offsets":[0,8]}}', data), /tensor "w": dtype missing is not supported/);
});

test('a tensor entry must be an object with exactly dtype, shape and data_offsets', () => {
  rejects(rawFile('{"w": [1, 2]}'), /tensor "w": expected an object \{dtype, shape, data_offsets\}, got an array/);
  rejects(rawFile('{"w": "F32"}'), /tensor "w": expected an object .* got string "F32"/);
  rejects(
    rawFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"offsets":[0,4]}}', [0, 0, 0, 0]),
    /tensor "w": unexpected field "offsets"/,
  );
});

test('shapes must be arrays of non-negative integers', () => {
  for (const shape of ['[-1]', '[1.5]', '"4"', '[2, null]', '{"0": 4}', '[1e300, 1e300]']) {
    rejects(
      rawFile(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}}`, [0, 0, 0, 0]),
      /tensor "w": shape must be an array of non-negative integers, got /,
    );
  }
  rejects(rawFile('{"w":{"dtype":"F32","data_offsets":[0,4]}}', [0, 0, 0, 0]), /shape must be .* got undefined/);
  rejects(
    rawFile('{"w":{"dtype":"F32","shape":[4294967296, 4294967296],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
    /tensor "w": shape \[4294967296,4294967296\] has too many elements/,
  );
});

test('data_offsets must be two ordered integers inside the data section', () => {
  const data = new Array<number>(8).fill(0);
  const entry = (offsets: string): Uint8Array => rawFile(`{"w":{"dtype":"F32","shape":[2],"data_offsets":${offsets}}}`, data);
  for (const offsets of ['[0]', '[0, 8, 8]', '[0, "8"]', '[-1, 8]', '[0, 8.5]', '"0-8"', 'null']) {
    rejects(entry(offsets), /tensor "w": data_offsets must be \[begin, end\], two non-negative integers, got /);
  }
  rejects(entry('[8, 0]'), /tensor "w": data_offsets begin 8 is after end 0/);
  rejects(entry('[4, 12]'), /tensor "w": data_offsets end 12 is past the end of the 8-byte data section/);
});

test('the byte span must be 4 x the element count', () => {
  rejects(
    rawFile(header({ w: [[3], 0, 8] }), new Array<number>(8).fill(0)),
    /tensor "w": shape \[3\] needs 12 bytes \(3 F32 values\), but data_offsets \[0, 8\] hold 8/,
  );
  rejects(rawFile(header({ w: [[0], 0, 4] }), [0, 0, 0, 0]), /shape \[0\] needs 0 bytes/);
});

test('overlapping tensors are rejected', () => {
  rejects(
    rawFile(header({ a: [[2], 0, 8], b: [[2], 4, 12] }), new Array<number>(12).fill(0)),
    /tensor "b" \(bytes 4..12\) overlaps tensor "a" \(ends at 8\)/,
  );
  rejects(rawFile(header({ a: [[1], 0, 4], b: [[1], 0, 4] }), [0, 0, 0, 0]), /overlaps/);
  rejects(rawFile(header({ a: [[2], 0, 8], z: [[0], 4, 4] }), new Array<number>(8).fill(0)), /tensor "z" .* overlaps tensor "a"/);
});

test('gaps between tensors are rejected', () => {
  rejects(
    rawFile(header({ a: [[1], 0, 4], b: [[1], 8, 12] }), new Array<number>(12).fill(0)),
    /gap of 4 bytes in the data section before tensor "b" \(expected it to start at 4, got 8\)/,
  );
  rejects(rawFile(header({ a: [[1], 4, 8] }), new Array<number>(8).fill(0)), /gap of 4 bytes .* before tensor "a"/);
});

test('trailing bytes after the last tensor are rejected', () => {
  rejects(
    rawFile(header({ a: [[1], 0, 4] }), new Array<number>(7).fill(0)),
    /data section is 7 bytes but the tensors cover 4: 3 trailing bytes/,
  );
  rejects(rawFile('{}', [1]), /data section is 1 bytes but the tensors cover 0/);
});

test('duplicate tensor names and metadata keys are rejected, however they are spelled', () => {
  const tensor = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
  rejects(rawFile(`{"w":${tensor},"w":${tensor}}`, [0, 0, 0, 0]), /header has the key "w" twice/);
  rejects(rawFile(`{"w":${tensor}, "\\u0077" :${tensor}}`, [0, 0, 0, 0]), /header has the key "w" twice/);
  rejects(rawFile('{"__metadata__":{"a":"1","a":"2"}}'), /header has the key "a" twice/);
  rejects(rawFile('{"__metadata__":{},"__metadata__":{}}'), /key "__metadata__" twice/);
  // Equal keys in different objects, and keys that look alike inside strings, are fine.
  const ok = rawFile(`{"__metadata__":{"w":"\\"w\\": {\\"w\\":1}"},"w":${tensor}}`, [0, 0, 0, 0]);
  assert.deepEqual(decodeSafetensors(ok).metadata, { w: '"w": {"w":1}' });
  // A value ending in an escaped backslash must not hide the key after it.
  rejects(rawFile('{"__metadata__":{"p":"c:\\\\","p":"1"}}'), /key "p" twice/);
  assert.deepEqual(decodeSafetensors(rawFile('{"__metadata__":{"p":"c:\\\\","q":"1"}}')).metadata, { p: 'c:\\', q: '1' });
});

// ---- encoder argument checks

test('encode rejects inconsistent input', () => {
  const data = new Float32Array(2);
  assert.throws(() => encodeSafetensors([{ name: 'w', shape: [3], data }], {}), /tensor "w": shape \[3\] has 3 elements, but data has 2/);
  assert.throws(
    () => encodeSafetensors([{ name: 'w', shape: [2], data }, { name: 'w', shape: [2], data }], {}),
    /duplicate tensor name "w"/,
  );
  assert.throws(() => encodeSafetensors([{ name: '__metadata__', shape: [2], data }], {}), /other than "__metadata__"/);
  assert.throws(() => encodeSafetensors([{ name: 'w', shape: [-2], data }], {}), /shape must be an array of non-negative integers, got \[-2\]/);
  assert.throws(
    () => encodeSafetensors([{ name: 'w', shape: [2], data: [1, 2] as unknown as Float32Array }], {}),
    /tensor "w": data must be a Float32Array, got Array/,
  );
  assert.throws(() => encodeSafetensors([], { v: 1 as unknown as string }), /metadata "v" must be a string, got number/);
});
