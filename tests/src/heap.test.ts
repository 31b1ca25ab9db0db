// Tests for src/heap.ts, the first-fit allocator over the core's memory: 16-byte alignment, live blocks
// never overlap, freed neighbours coalesce so a block of their combined size lands at the same address,
// memory grows only when no free span fits (and then by as little as possible), f32() is rebuilt after
// growth, bad frees throw, liveBytes counts what is handed out, and allocZeroed blocks read 0 whatever the
// memory held before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from '../../src/heap.ts';
import { Rng } from '../../src/random.ts';
import { BUILDS, loadCore } from '../helpers/core.ts';

const PAGE = 65536;

function heap(base: number, pages = 1, maximum = 64): { heap: Heap; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: pages, maximum });
  return { heap: new Heap(memory, base), memory };
}

/** Asserts that the blocks [ptr, ptr + size) are pairwise disjoint and inside memory. */
function assertDisjoint(blocks: ReadonlyMap<number, number>, memory: WebAssembly.Memory, base: number): void {
  const sorted = [...blocks].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < sorted.length; i++) {
    const [ptr, size] = sorted[i];
    assert.ok(ptr >= base, `block ${ptr} starts below the heap base ${base}`);
    assert.ok(ptr + size <= memory.buffer.byteLength, `block ${ptr}+${size} runs past memory (${memory.buffer.byteLength})`);
    if (i > 0) {
      const [prev, prevSize] = sorted[i - 1];
      assert.ok(prev + prevSize <= ptr, `blocks ${prev}+${prevSize} and ${ptr}+${size} overlap`);
    }
  }
}

test('every block is 16-byte aligned, starting at heap_base rounded up to 16', () => {
  const { heap: h } = heap(1001);
  const first = h.alloc(3);
  assert.equal(first, 1008, 'first block at alignUp(base)');
  let previous = first;
  for (const size of [1, 5, 15, 16, 17, 31, 33, 100, 4097]) {
    const ptr = h.alloc(size);
    assert.equal(ptr % 16, 0, `alloc(${size}) → ${ptr}`);
    assert.ok(ptr > previous);
    previous = ptr;
  }
  // Sizes are rounded up to 16 (and at least 16), so consecutive blocks from fresh memory are adjacent.
  const { heap: h2 } = heap(0);
  assert.equal(h2.alloc(0), 0);
  assert.equal(h2.alloc(1), 16);
  assert.equal(h2.alloc(17), 32);
  assert.equal(h2.alloc(16), 64);
  assert.equal(h2.alloc(4), 80);
});

test('live blocks never overlap, through a long random sequence of allocs and frees', () => {
  const base = 7488;
  const { heap: h, memory } = heap(base, 1, 256);
  const rng = new Rng(7);
  const live = new Map<number, number>();
  for (let i = 0; i < 3000; i++) {
    if (live.size > 0 && rng.next() < 0.45) {
      const ptrs = [...live.keys()];
      const ptr = ptrs[Math.floor(rng.next() * ptrs.length)];
      h.free(ptr);
      live.delete(ptr);
    } else {
      const size = Math.floor(rng.next() * (rng.next() < 0.1 ? 200_000 : 3000));
      const ptr = h.alloc(size);
      assert.equal(ptr % 16, 0);
      assert.ok(!live.has(ptr), `alloc returned the live address ${ptr} again`);
      live.set(ptr, size);
    }
    if (i % 50 === 0) assertDisjoint(live, memory, base);
  }
  assertDisjoint(live, memory, base);
  // Writing a distinct value over every live block and reading them all back finds no clobbering.
  const view = h.f32();
  for (const [ptr, size] of live) view.fill(ptr, ptr >> 2, (ptr + size) >> 2);
  for (const [ptr, size] of live) {
    for (let i = ptr >> 2; i < (ptr + size) >> 2; i++) assert.equal(view[i], ptr);
  }
});

test('freed neighbours coalesce: a block of their combined size reuses the same address', () => {
  const { heap: h, memory } = heap(0);
  const a = h.alloc(100); // 112 bytes
  const b = h.alloc(200); // 208
  const c = h.alloc(300); // 304
  const guard = h.alloc(16);
  assert.deepEqual([a, b, c, guard], [0, 112, 320, 624]);

  // Next neighbour: free a then b (b merges into a's span from the left side).
  h.free(a);
  h.free(b);
  assert.equal(h.alloc(112 + 208), a, 'a + b merged');
  // Previous neighbour: free in the other order.
  const ab = a;
  h.free(ab);
  const again = h.alloc(112);
  const rest = h.alloc(208);
  assert.deepEqual([again, rest], [a, b]);
  h.free(rest);
  h.free(again);
  assert.equal(h.alloc(320), a, 'b + a merged');
  h.free(a);

  // Three-way: free a and c, then b in the middle joins both.
  const a2 = h.alloc(112);
  const b2 = h.alloc(208);
  assert.deepEqual([a2, b2], [a, b]);
  h.free(a2);
  h.free(c);
  assert.notEqual(h.alloc(624), a, 'with b live, a and c are separate holes: 624 bytes do not fit at a');
  h.free(b2);
  const big = h.alloc(112 + 208 + 304);
  assert.equal(big, a, 'a + b + c merged into one span');
  assert.equal(memory.buffer.byteLength, PAGE, 'no growth was needed');
  void guard;
});

test('a freed block is reused (first fit) instead of growing memory; growth happens only when nothing fits', () => {
  const { heap: h, memory } = heap(0, 1);
  const blocks = Array.from({ length: 8 }, () => h.alloc(PAGE / 8));
  assert.equal(memory.buffer.byteLength, PAGE, 'eight eighths fill one page exactly without growing');
  h.free(blocks[3]);
  assert.equal(h.alloc(PAGE / 8), blocks[3], 'the hole is reused');
  assert.equal(memory.buffer.byteLength, PAGE);
  h.free(blocks[5]);
  assert.equal(h.alloc(16), blocks[5], 'first fit: a small block goes into the first hole');
  assert.equal(memory.buffer.byteLength, PAGE);
  // Nothing fits 8 KiB now (one hole of 8 KiB − 16): memory grows, and the block goes at the old end.
  const grown = h.alloc(PAGE / 8);
  assert.equal(memory.buffer.byteLength, 2 * PAGE, 'grew by one page');
  assert.equal(grown, PAGE);
  // The remaining hole (8 KiB − 16 at blocks[5] + 16) is still used before the new page's tail.
  assert.equal(h.alloc(PAGE / 8 - 16), blocks[5] + 16);
});

test('growth uses the free tail: it adds only the pages still missing', () => {
  const { heap: h, memory } = heap(0, 1);
  const head = h.alloc(PAGE - 4096); // leaves a 4 KiB free tail
  const tail = h.alloc(PAGE + 4096); // needs 1 more page after using the tail
  assert.equal(tail, PAGE - 4096, 'the block starts in the old free tail');
  assert.equal(memory.buffer.byteLength, 2 * PAGE, 'exactly one page was added');
  const huge = h.alloc(3 * PAGE + 1);
  assert.equal(huge, 2 * PAGE);
  assert.equal(memory.buffer.byteLength, 6 * PAGE, 'ceil((3 pages + 16) / page) = 4 pages added');
  void head;
});

test('f32() is rebuilt after growth: the old view is detached, the new one sees the data', () => {
  const { heap: h, memory } = heap(64, 1);
  const ptr = h.alloc(64);
  const before = h.f32();
  assert.equal(h.f32(), before, 'without growth the same view is returned');
  before.set([1.5, -2, 3.25], ptr >> 2);
  h.alloc(2 * PAGE); // forces growth
  assert.equal(before.length, 0, 'the view from before growth is detached');
  const after = h.f32();
  assert.notEqual(after, before);
  assert.equal(after.buffer, memory.buffer);
  assert.equal(after.length, memory.buffer.byteLength / 4);
  assert.deepEqual([...after.subarray(ptr >> 2, (ptr >> 2) + 3)], [1.5, -2, 3.25], 'data survives growth');
});

test('memory grown by someone else (memory.grow outside the heap) is used before growing again, and f32() follows it', () => {
  const { heap: h, memory } = heap(0, 1);
  const before = h.f32();
  const half = h.alloc(PAGE / 2);
  memory.grow(1);
  const after = h.f32();
  assert.notEqual(after, before);
  assert.equal(after.length, 2 * PAGE / 4);
  const block = h.alloc(PAGE); // does not fit in the heap's half page of tail, fits in the memory that exists
  assert.equal(block, PAGE / 2);
  assert.equal(memory.buffer.byteLength, 2 * PAGE, 'no growth: the externally added page was enough');
  void half;
});

test('freeing an unknown address throws: never allocated, inside a block, twice', () => {
  const { heap: h } = heap(0);
  const a = h.alloc(64);
  assert.throws(() => h.free(12345), /heap: free of an address that is not a live block \(12345\)/);
  assert.throws(() => h.free(a + 16), /not a live block/);
  h.free(a);
  assert.throws(() => h.free(a), /not a live block/, 'double free');
  assert.equal(h.liveBytes, 0, 'the failed frees changed nothing');
  assert.equal(h.alloc(64), a);
});

test('alloc rejects sizes that are not non-negative safe integers', () => {
  const { heap: h } = heap(0);
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => h.alloc(bad), /heap: allocation size must be a non-negative integer/, String(bad));
  }
  assert.equal(h.liveBytes, 0);
});

test('running out of memory is a clear error and leaves the heap usable', () => {
  const { heap: h, memory } = heap(0, 1, 2);
  const a = h.alloc(100);
  assert.throws(() => h.alloc(4 * PAGE), /heap: out of memory: could not grow wasm memory by 4 pages \(0\.3 MiB\) for a block of 262144 bytes/);
  assert.equal(memory.buffer.byteLength, PAGE);
  assert.equal(h.liveBytes, 112);
  const b = h.alloc(PAGE); // fits after growing to the maximum
  assert.equal(b, 112);
  h.free(a);
  h.free(b);
  assert.equal(h.liveBytes, 0);
});

test('liveBytes counts handed-out bytes (rounded up to 16, at least 16)', () => {
  const { heap: h } = heap(0);
  assert.equal(h.liveBytes, 0);
  const a = h.alloc(0);
  assert.equal(h.liveBytes, 16);
  const b = h.alloc(17);
  assert.equal(h.liveBytes, 16 + 32);
  const c = h.alloc(4096);
  assert.equal(h.liveBytes, 16 + 32 + 4096);
  h.free(b);
  assert.equal(h.liveBytes, 16 + 4096);
  h.free(a);
  h.free(c);
  assert.equal(h.liveBytes, 0);
});

test('allocZeroed gives zeros, also where a freed block was written and where it straddles reused and fresh memory', () => {
  const { heap: h, memory } = heap(0, 1, 8);
  const fillBlock = (ptr: number, bytes: number, v: number) => h.f32().fill(v, ptr >> 2, (ptr + bytes) >> 2);
  const isZero = (ptr: number, bytes: number) => h.f32().subarray(ptr >> 2, (ptr + bytes) >> 2).every((x) => x === 0);
  // Reused memory: written, freed, handed out again.
  const a = h.alloc(4096);
  fillBlock(a, 4096, 7);
  h.free(a);
  const b = h.allocZeroed(4096);
  assert.equal(b, a, 'first fit reuses the freed block');
  assert.ok(isZero(b, 4096), 'a reused block is zeroed');
  // A block that starts in written memory and runs into memory nothing has touched, past a growth.
  fillBlock(b, 4096, 3);
  h.free(b);
  const c = h.allocZeroed(3 * PAGE);
  assert.equal(c, b);
  assert.ok(memory.buffer.byteLength >= 3 * PAGE, 'memory grew');
  assert.ok(isZero(c, 3 * PAGE), 'the written head and the fresh tail are zero');
  // Writes to fresh blocks make them "touched": zeroed again after a free.
  const d = h.allocZeroed(1024);
  fillBlock(d, 1024, 5);
  h.free(d);
  assert.ok(isZero(h.allocZeroed(1024), 1024), 'a block that was fresh, written and freed is zeroed again');
});

test('memory does not grow over repeated alloc/free cycles of the same sizes', () => {
  const { heap: h, memory } = heap(0, 1, 256);
  const sizes = [1000, 50_000, 3, 120_000, 77];
  for (let round = 0; round < 50; round++) {
    const ptrs = sizes.map((s) => h.alloc(s));
    // Free in an order different from allocation, so merging has to work both ways.
    for (const i of [2, 0, 4, 1, 3]) h.free(ptrs[i]);
  }
  assert.equal(h.liveBytes, 0);
  assert.ok(memory.buffer.byteLength <= 4 * PAGE, `memory grew to ${memory.buffer.byteLength} bytes`);
});

test('a heap whose base lies beyond the current memory still hands out blocks inside memory', () => {
  // heap_base of a real core is inside its initial memory, but the allocator should not depend on it.
  const { heap: h, memory } = heap(PAGE + 1000, 1);
  const ptr = h.alloc(PAGE);
  assert.ok(ptr >= PAGE + 1000);
  assert.ok(ptr + PAGE <= memory.buffer.byteLength, `block ${ptr}+${PAGE} ends past memory (${memory.buffer.byteLength})`);
});

for (const build of BUILDS) {
  test(`${build} core: the heap starts at heap_base, above the core's static data, and its blocks are usable by kernels`, async () => {
    const core = await loadCore(build);
    const base = core.kernels.heap_base();
    const ptr = core.heap.alloc(40);
    assert.equal(ptr, Math.ceil(base / 16) * 16);
    const x = core.heap.alloc(4 * 5);
    core.heap.f32().set([-1, 0, 2, -3, 4], x >> 2);
    core.kernels.act_forward(3, 5, x, ptr); // relu
    assert.deepEqual([...core.heap.f32().subarray(ptr >> 2, (ptr >> 2) + 5)], [0, 0, 2, 0, 4]);
    const initial = core.kernels.memory.buffer.byteLength;
    const big = core.heap.alloc(3 * PAGE);
    assert.ok(core.kernels.memory.buffer.byteLength > initial, 'the core memory grew');
    assert.ok(big + 3 * PAGE <= core.kernels.memory.buffer.byteLength, 'the block lies inside the grown memory');
    core.heap.f32().fill(1, big >> 2, (big + 3 * PAGE) >> 2);
    core.heap.free(big);
    core.heap.free(x);
    core.heap.free(ptr);
    assert.equal(core.heap.liveBytes, 0);
  });
}
