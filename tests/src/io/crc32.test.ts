// Tests for src/io/crc32.ts against published CRC-32 (IEEE) check values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../../src/io/crc32.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

test('known vectors', () => {
  // The last four agree with Python's zlib.crc32.
  assert.equal(crc32(ascii('123456789')), 0xcbf43926); // the catalogue "check" value of CRC-32/ISO-HDLC
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(ascii('a')), 0xe8b7be43);
  assert.equal(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  assert.equal(crc32(new Uint8Array(32)), 0x190a55ad);
  assert.equal(crc32(new Uint8Array(32).fill(0xff)), 0xff6cab0b);
});

test('the result is an unsigned 32-bit integer', () => {
  const value = crc32(ascii('123456789'));
  assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffffffff);
});

test('checksumming in pieces equals checksumming the whole', () => {
  const bytes = new Uint8Array(1000).map((_, i) => (i * 31 + 7) & 0xff);
  const whole = crc32(bytes);
  for (const cut of [0, 1, 333, 999, 1000]) {
    assert.equal(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut))), whole, `cut at ${cut}`);
  }
});

test('a subarray view is checksummed over its own bytes only', () => {
  const padded = new Uint8Array([0xaa, ...ascii('123456789'), 0xbb]);
  assert.equal(crc32(padded.subarray(1, 10)), 0xcbf43926);
});
