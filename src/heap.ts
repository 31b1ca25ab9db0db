// The façade's allocator for the core's linear memory: first-fit free list with coalescing.
//
// The core never allocates (it is built with --runtime stub and only reads/writes addresses it is
// given); all memory above the core's static data (`heap_base()`) is planned here. Blocks are 16-byte
// aligned so SIMD loads of planned tensors are aligned. Memory grows only when no free block fits, and
// freed blocks are merged with their neighbours, so building and disposing models in a loop reuses the
// same bytes instead of growing without bound.
//
// Not thread-safe and not a general malloc: a handful of large, long-lived blocks per model.

const ALIGN = 16;
const PAGE = 65536;

interface Span { start: number; size: number }

export class Heap {
  private readonly memory: WebAssembly.Memory;
  /** Free spans sorted by address, never adjacent (adjacent spans are merged). */
  private readonly freeSpans: Span[] = [];
  /** Live blocks: address → size in bytes. */
  private readonly live = new Map<number, number>();
  /** End of the managed region (bytes); everything in [base, end) is either live or free. */
  private end: number;
  /**
   * Nothing at or above this address has been handed out yet, so it still holds the zeros the memory was
   * created or grown with (the core writes only to blocks it is given).
   */
  private untouched: number;
  private view: Float32Array;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.end = alignUp(base);
    const size = memory.buffer.byteLength;
    if (size > this.end) this.freeSpans.push({ start: this.end, size: size - this.end });
    this.untouched = this.end;
    this.end = Math.max(this.end, size);
    this.view = new Float32Array(memory.buffer);
  }

  /** Reserves `bytes` (rounded up to 16) and returns the block's 16-byte aligned address. May grow memory. */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`heap: allocation size must be a non-negative integer, got ${bytes}`);
    const size = Math.max(ALIGN, alignUp(bytes));
    let index = this.freeSpans.findIndex((s) => s.size >= size);
    if (index < 0) index = this.grow(size);
    const span = this.freeSpans[index];
    const ptr = span.start;
    if (span.size === size) this.freeSpans.splice(index, 1);
    else { span.start += size; span.size -= size; }
    this.live.set(ptr, size);
    this.untouched = Math.max(this.untouched, ptr + size);
    return ptr;
  }

  /**
   * alloc, with the block's floats all 0. Only the part that was handed out before is filled: fresh memory
   * is zero already, and filling it would fault its pages in (~1 ms of a cold start for an unused gradient
   * block).
   */
  allocZeroed(bytes: number): number {
    const fresh = this.untouched;
    const ptr = this.alloc(bytes);
    const end = Math.min(ptr + bytes, fresh);
    if (end > ptr) this.f32().fill(0, ptr >> 2, (end + 3) >> 2);
    return ptr;
  }

  /** Returns a block to the free list (merging with free neighbours). Freeing an unknown address throws. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`heap: free of an address that is not a live block (${ptr})`);
    this.live.delete(ptr);
    let i = 0;
    while (i < this.freeSpans.length && this.freeSpans[i].start < ptr) i++;
    this.freeSpans.splice(i, 0, { start: ptr, size });
    const next = this.freeSpans[i + 1];
    if (next && ptr + size === next.start) { this.freeSpans[i].size += next.size; this.freeSpans.splice(i + 1, 1); }
    const prev = this.freeSpans[i - 1];
    if (prev && prev.start + prev.size === ptr) { prev.size += this.freeSpans[i].size; this.freeSpans.splice(i, 1); }
  }

  /** Bytes currently handed out (for leak tests). */
  get liveBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /**
   * A Float32Array over the whole memory. Growing memory detaches old views, so callers take a fresh one
   * from here after any call that may allocate and never keep one across such a call.
   */
  f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Grows memory so that a free span of at least `size` bytes exists at the end; returns its index. */
  private grow(size: number): number {
    const last = this.freeSpans[this.freeSpans.length - 1];
    const tailFree = last && last.start + last.size === this.end ? last.size : 0;
    // Pages are counted from the memory's real size, which may differ from `end`: the base may lie past the
    // initial memory, or someone may have grown the memory already.
    const needed = this.end - tailFree + size;
    const pages = Math.max(0, Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
    try {
      this.memory.grow(pages);
    } catch {
      throw new Error(`heap: out of memory: could not grow wasm memory by ${pages} pages (${(pages * PAGE / 2 ** 20).toFixed(1)} MiB) for a block of ${size} bytes`);
    }
    const added = this.memory.buffer.byteLength - this.end;
    if (tailFree > 0) last.size += added;
    else this.freeSpans.push({ start: this.end, size: added });
    this.end += added;
    return this.freeSpans.length - 1;
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
