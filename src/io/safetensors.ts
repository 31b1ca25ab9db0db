// The safetensors container (https://github.com/huggingface/safetensors), restricted to F32 tensors:
//   8 bytes   N, the header length, a little-endian u64
//   N bytes   UTF-8 JSON {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}},
//             padded with spaces to a multiple of 8
//   the rest  the tensors' raw little-endian bytes; offsets count from the start of this section
// A file written here opens with `safetensors.torch.load_file`. This module only packs and unpacks named
// arrays; the model's tensor names, config metadata and checksum belong to the serializer (DESIGN.md §7).
//
// Decoding trusts nothing: every field is checked before any tensor is returned, and each error names what
// was expected and what was found. Byte order: tensor bytes are copied as they are, so this assumes a
// little-endian host (every runtime recur targets is one).

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface DecodedTensor {
  shape: number[];
  data: Float32Array;
}

export interface DecodedSafetensors {
  metadata: Record<string, string>;
  /** In file (data offset) order. */
  tensors: Map<string, DecodedTensor>;
}

export interface DecodeOptions {
  /** Refuse files larger than this many bytes. Default 1 GiB. */
  maxBytes?: number;
}

const METADATA_KEY = '__metadata__';
const LENGTH_PREFIX_BYTES = 8;
const F32_BYTES = 4;
// The same cap as the reference Rust reader (MAX_HEADER_SIZE): a header is small, a huge one is an attack.
const MAX_HEADER_BYTES = 100_000_000;
const DEFAULT_MAX_BYTES = 2 ** 30;
const TENSOR_INFO_KEYS = new Set(['dtype', 'shape', 'data_offsets']);

/** Packs `tensors` (in the given order, contiguous) and string `metadata` into safetensors bytes. */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const names = new Set<string>();
  const headerEntries: [string, unknown][] = [];
  const metadataEntries = Object.entries(metadata);
  for (const [key, value] of metadataEntries) {
    if (typeof value !== 'string') {
      throw new Error(`metadata "${key}" must be a string, got ${typeof value}`);
    }
  }
  // The reference writers leave __metadata__ out when there is none.
  if (metadataEntries.length > 0) headerEntries.push([METADATA_KEY, Object.fromEntries(metadataEntries)]);

  let dataLength = 0;
  for (const { name, shape, data } of tensors) {
    if (typeof name !== 'string' || name === METADATA_KEY) {
      throw new Error(`tensor name must be a string other than "${METADATA_KEY}", got ${describe(name)}`);
    }
    if (names.has(name)) throw new Error(`duplicate tensor name "${name}"`);
    names.add(name);
    if (!(data instanceof Float32Array)) {
      throw new Error(`tensor "${name}": data must be a Float32Array, got ${describe(data)}`);
    }
    const elements = elementCount(shape, name);
    if (data.length !== elements) {
      throw new Error(`tensor "${name}": shape ${JSON.stringify(shape)} has ${elements} elements, but data has ${data.length}`);
    }
    const begin = dataLength;
    dataLength += data.byteLength;
    headerEntries.push([name, { dtype: 'F32', shape: [...shape], data_offsets: [begin, dataLength] }]);
  }

  // Object.fromEntries defines own properties, so even a tensor called "__proto__" is serialized.
  const json = new TextEncoder().encode(JSON.stringify(Object.fromEntries(headerEntries)));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(LENGTH_PREFIX_BYTES + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, LENGTH_PREFIX_BYTES);
  out.fill(0x20, LENGTH_PREFIX_BYTES + json.length, LENGTH_PREFIX_BYTES + headerLength); // space padding

  let offset = LENGTH_PREFIX_BYTES + headerLength;
  for (const { data } of tensors) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return out;
}

/** Parses and fully validates safetensors bytes; the returned arrays are fresh copies. */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`safetensors input must be a Uint8Array, got ${describe(bytes)}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) {
    throw new Error(`maxBytes must be a non-negative number, got ${describe(maxBytes)}`);
  }
  if (bytes.length > maxBytes) {
    throw new Error(
      `model file is ${formatBytes(bytes.length, true)}, over the ${formatBytes(maxBytes)} limit ` +
        `(raise options.maxBytes to load it)`,
    );
  }
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    throw new Error(`safetensors file is ${bytes.length} bytes, too short for its 8-byte header length`);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A u64 read as two u32 halves: exact up to 2^53, and anything larger fails the limit check anyway.
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) {
    throw new Error(`safetensors header length is ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const dataStart = LENGTH_PREFIX_BYTES + headerLength;
  if (dataStart > bytes.length) {
    throw new Error(
      `safetensors header length is ${headerLength} bytes, but only ${bytes.length - LENGTH_PREFIX_BYTES} bytes ` +
        `follow the length (file truncated?)`,
    );
  }
  const dataLength = bytes.length - dataStart;

  const header = parseHeader(bytes.subarray(LENGTH_PREFIX_BYTES, dataStart));
  const metadata = parseMetadata(header[METADATA_KEY]);

  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    entries.push({ name, ...parseTensorInfo(name, info, dataLength) });
  }

  // The tensors must tile the data section exactly: no overlaps, no gaps, no trailing bytes.
  entries.sort((x, y) => x.begin - y.begin || x.end - y.end);
  let covered = 0;
  let previous = '';
  for (const entry of entries) {
    if (entry.begin < covered) {
      throw new Error(
        `tensor "${entry.name}" (bytes ${entry.begin}..${entry.end}) overlaps tensor "${previous}" (ends at ${covered})`,
      );
    }
    if (entry.begin > covered) {
      throw new Error(
        `gap of ${entry.begin - covered} bytes in the data section before tensor "${entry.name}" ` +
          `(expected it to start at ${covered}, got ${entry.begin})`,
      );
    }
    covered = entry.end;
    previous = entry.name;
  }
  if (covered !== dataLength) {
    throw new Error(
      `data section is ${dataLength} bytes but the tensors cover ${covered}: ${dataLength - covered} trailing bytes`,
    );
  }

  const tensors = new Map<string, DecodedTensor>();
  for (const { name, shape, begin, end } of entries) {
    const data = new Float32Array((end - begin) / F32_BYTES);
    // Copying bytes into the fresh, aligned buffer works at any source offset and keeps every bit (-0, NaN payloads).
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { shape, data });
  }
  return { metadata, tensors };
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, where JSON.parse rejects it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new Error('safetensors header is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`safetensors header is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw new Error(`safetensors header must be a JSON object, got ${jsonKind(parsed)}`);
  }
  // JSON.parse keeps the last of repeated keys silently; a repeated tensor name must be an error instead.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new Error(`safetensors header has the key "${duplicate}" twice (tensor names and metadata keys must be unique)`);
  }
  return parsed;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {}; // optional; the Rust reader accepts null as absent
  if (!isPlainObject(value)) {
    throw new Error(`"${METADATA_KEY}" must be an object of strings, got ${jsonKind(value)}`);
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new Error(`"${METADATA_KEY}" value for "${key}" must be a string, got ${jsonKind(entry)}`);
    }
  }
  // fromEntries, not assignment, so a key named "__proto__" stays data.
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function parseTensorInfo(
  name: string,
  info: unknown,
  dataLength: number,
): { shape: number[]; begin: number; end: number } {
  if (!isPlainObject(info)) {
    throw new Error(`tensor "${name}": expected an object {dtype, shape, data_offsets}, got ${jsonKind(info)}`);
  }
  for (const key of Object.keys(info)) {
    if (!TENSOR_INFO_KEYS.has(key)) {
      throw new Error(`tensor "${name}": unexpected field "${key}" (expected only dtype, shape, data_offsets)`);
    }
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (dtype !== 'F32') {
    throw new Error(`tensor "${name}": dtype ${JSON.stringify(dtype) ?? 'missing'} is not supported (expected "F32")`);
  }
  const elements = elementCount(shape, name);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)
  ) {
    throw new Error(`tensor "${name}": data_offsets must be [begin, end], two non-negative integers, got ${preview(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw new Error(`tensor "${name}": data_offsets begin ${begin} is after end ${end}`);
  }
  if (end > dataLength) {
    throw new Error(
      `tensor "${name}": data_offsets end ${end} is past the end of the ${dataLength}-byte data section (file truncated?)`,
    );
  }
  if (end - begin !== elements * F32_BYTES) {
    throw new Error(
      `tensor "${name}": shape ${JSON.stringify(shape)} needs ${elements * F32_BYTES} bytes ` +
        `(${elements} F32 values), but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { shape: [...(shape as number[])], begin, end };
}

/** The element count of a shape, after checking it is an array of non-negative integers. */
function elementCount(shape: unknown, name: string): number {
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new Error(`tensor "${name}": shape must be an array of non-negative integers, got ${preview(shape)}`);
  }
  const elements = (shape as number[]).reduce((product, dim) => product * dim, 1);
  if (!Number.isSafeInteger(elements)) {
    throw new Error(`tensor "${name}": shape ${JSON.stringify(shape)} has too many elements`);
  }
  return elements;
}

/**
 * The first key repeated within one JSON object of `text`, which must be valid JSON. Keys are the strings
 * followed by ':'; a stack holds the keys seen in each open object (null for arrays).
 */
function findDuplicateKey(text: string): string | undefined {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let close = i + 1;
      while (text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
      let next = close + 1;
      while (text[next] === ' ' || text[next] === '\t' || text[next] === '\n' || text[next] === '\r') next++;
      const keys = open[open.length - 1];
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(i, close + 1)) as string; // decodes escapes, so "\u0061" equals "a"
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = close;
    } else if (ch === '{') {
      open.push(new Set());
    } else if (ch === '[') {
      open.push(null);
    } else if (ch === '}' || ch === ']') {
      open.pop();
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${preview(value)}`;
}

/** A JSON rendering of `value` cut to a readable length, for error messages. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Bytes in the largest binary unit that keeps the number >= 1: "512 bytes", "1 GiB", "1.96 GiB"; with
 * `exact`, a rounded figure is followed by the byte count, "1.96 GiB (2100000000 bytes)".
 */
function formatBytes(count: number, exact = false): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${count} bytes`;
  return `${Number(value.toPrecision(3))} ${units[unit]}${exact ? ` (${count} bytes)` : ''}`;
}
