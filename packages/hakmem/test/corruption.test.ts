/**
 * Issue 11, items 11, 12, 14 and 15: a header with stray bits, a headerless free beyond a stale
 * view, arguments of the wrong type, and a heap created over a live one. Each gets a coded error
 * (or, for item 11, simply works) and leaves the heap valid.
 */
import { describe, expect, it } from 'vitest';
import { attachHeap, createHeap, HeapErrorCode as E, type Heap, type HeaderlessHeap } from '../src/index.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? `uncoded ${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('item 12: a header with stray slot bits', () => {
  it.each([false, true, 'low-water'] as const)('free, realloc and sizeOf refuse it, validate reports it (counters %s)', (counters) => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 1, learning: false, counters }) as Heap;
    const p = h.alloc(16);
    const keep = h.alloc(16);
    h.u8.fill(7, keep, keep + 16);
    const byte = h.u8[p - 7];
    h.u8[p - 7] = 1; // bits 15..8 of the header word: the slot field
    expect(codeOf(() => h.free(p))).toBe(E.CORRUPT);
    expect(codeOf(() => h.realloc(p, 100))).toBe(E.CORRUPT);
    expect(codeOf(() => h.sizeOf(p))).toBe(E.CORRUPT);
    expect(codeOf(() => h.validate())).toBe(E.INVARIANT);
    h.u8[p - 7] = byte;
    h.validate();
    h.free(p);
    expect(h.u8.subarray(keep, keep + 16).every((x) => x === 7)).toBe(true);
    h.free(keep);
    h.validate();
  });

  it('a free block with stray bits is refused as corrupt, not as a double free, and validate reports it', () => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 1, learning: false });
    const p = h.alloc(16);
    h.free(p);
    h.u8[p - 7] = 200; // a slot this heap does not have
    expect(codeOf(() => h.free(p))).toBe(E.CORRUPT);
    expect(codeOf(() => h.validate())).toBe(E.INVARIANT);
  });
});

describe('item 11: headerless free beyond a stale view', () => {
  it('free(p, size) of a block past the freeing worker view completes', () => {
    const h = createHeap({ size: 1 << 20, maxSize: 16 << 20, headerless: true, maxWorkers: 2, learning: false }) as HeaderlessHeap;
    const other = attachHeap(h.handle) as HeaderlessHeap; // a second slot, its own view
    const before = h.buffer.byteLength;
    const big = other.alloc(4 << 20); // grows the buffer; h has not looked since
    expect(h.buffer.byteLength).toBeGreaterThan(before);
    const ps: number[] = [];
    for (let i = 0; i < 2000; i++) ps.push(other.alloc(48));
    const far = ps.filter((p) => p >= before);
    expect(far.length).toBeGreaterThan(0);
    for (const p of far) h.free(p, 48);
    // a wrong size past the view is still refused
    const q = ps.find((p) => p < before) ?? other.alloc(48);
    for (const p of ps) if (p < before && p !== q) h.free(p, 48);
    h.free(big, 4 << 20);
    other.free(q, 48);
    other.detach();
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });

  it('a size that does not match the block is refused after the refresh', () => {
    const h = createHeap({ size: 1 << 20, maxSize: 16 << 20, headerless: true, maxWorkers: 2, learning: false }) as HeaderlessHeap;
    const other = attachHeap(h.handle) as HeaderlessHeap;
    const before = h.buffer.byteLength;
    other.alloc(4 << 20);
    let p = 0;
    while (p < before) p = other.alloc(48);
    expect(codeOf(() => h.free(p, 4000))).toBe(E.BAD_SIZE);
    expect(codeOf(() => h.free(p, undefined as unknown as number))).toBe(E.BAD_SIZE);
    h.free(p, 48);
    other.detach();
    h.validate();
  });
});

describe('item 14: arguments of the wrong type', () => {
  const values: Array<[string, unknown]> = [['a BigInt', 16n], ['a Symbol', Symbol('x')]];
  it.each(values)('alloc, calloc, free, realloc and sizeOf with %s throw a coded error', (_what, v) => {
    for (const headerless of [false, true]) {
      const h = (headerless
        ? createHeap({ size: 4 << 20, maxWorkers: 1, learning: false, headerless: true })
        : createHeap({ size: 4 << 20, maxWorkers: 1, learning: false })) as unknown as HeaderlessHeap;
      const p = h.alloc(16);
      const x = v as number;
      expect(codeOf(() => h.alloc(x))).toBe(E.BAD_SIZE);
      expect(codeOf(() => h.calloc(x))).toBe(E.BAD_SIZE);
      expect(codeOf(() => h.calloc(1, x))).toBe(E.BAD_SIZE);
      expect(codeOf(() => h.realloc(p, x))).toBe(E.BAD_SIZE);
      expect(codeOf(() => h.free(x, 16))).toBe(E.MISALIGNED);
      expect(codeOf(() => h.sizeOf(x))).toBe(E.MISALIGNED);
      if (headerless) expect(codeOf(() => h.free(p, x))).toBe(E.BAD_SIZE);
      h.validate();
      h.free(p, 16);
      h.validate();
    }
  });

  it('attachHeap with a buffer or an offset where no heap can be is BAD_HANDLE; a NaN offset is not offset 0', () => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 2, learning: false });
    for (const buffer of [new SharedArrayBuffer(0), new SharedArrayBuffer(3)]) {
      expect(codeOf(() => attachHeap({ ...h.handle, buffer }))).toBe(E.BAD_HANDLE);
    }
    for (const byteOffset of [-8, 4 << 20, 8 << 20, Number.NaN, '0', 1.5, 2 ** 32, 2 ** 32 + 8, 4]) {
      expect(codeOf(() => attachHeap({ ...h.handle, byteOffset: byteOffset as number })), String(byteOffset)).toBe(E.BAD_HANDLE);
    }
    expect(h.attachedSlots()).toEqual([h.slot]);
    h.validate();
  });

  it.each([[], [64, 16], [16, 20], [16, 16], [0], ['16'], [16n], Array(255).fill(0).map((_, i) => 8 * (i + 1))].map((c) => [c.map(String).join(',').slice(0, 40), c]))(
    'createHeap({ classSizes: [%s] }) is BAD_OPTION',
    (_name, classSizes) => {
      expect(codeOf(() => createHeap({ size: 4 << 20, learning: false, classSizes: classSizes as number[] }))).toBe(E.BAD_OPTION);
    },
  );

  it.each([Number.NaN, '0', 1.5, 2 ** 32, -8, 4, 12])('createHeap({ buffer, byteOffset: %s }) is BAD_OPTION', (byteOffset) => {
    const buffer = new SharedArrayBuffer(4 << 20);
    expect(codeOf(() => createHeap({ buffer, byteOffset: byteOffset as number, learning: false }))).toBe(E.BAD_OPTION);
    expect(new Int32Array(buffer).every((x) => x === 0)).toBe(true); // nothing written anywhere
  });
});

describe('item 15: a heap created over a live one', () => {
  it('is refused while the old heap is open or still used, allowed once closed or zeroed on purpose', async () => {
    const buffer = new SharedArrayBuffer(8 << 20);
    const byteOffset = 1 << 20;
    const old = createHeap({ buffer, byteOffset, byteLength: 4 << 20, maxWorkers: 1, learning: false });
    const p = old.alloc(100);
    old.u8.fill(9, p, p + 100);
    const again = () => createHeap({ buffer, byteOffset, byteLength: 4 << 20, maxWorkers: 1, learning: false });
    expect(codeOf(again)).toBe(E.BAD_OPTION);
    old.validate();
    expect(old.sizeOf(p)).toBeGreaterThanOrEqual(100);
    expect(old.u8.subarray(p, p + 100).every((x) => x === 9)).toBe(true);
    // closed, but a worker still attached: refused too
    const w = attachHeap(old.handle);
    await old.close();
    expect(codeOf(again)).toBe(E.BAD_OPTION);
    w.detach();
    const fresh = again();
    expect(fresh.alloc(16)).not.toBe(0);
    fresh.validate();
    // zeroing the first word: reuse on purpose
    new Int32Array(buffer, byteOffset, 1)[0] = 0;
    again().validate();
  });
});
