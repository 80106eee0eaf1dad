/** Heaps inside a larger buffer (a WebAssembly memory, say), and headerless heaps. */
import { describe, expect, it } from 'vitest';
import { createHeap, HeapErrorCode as E } from '../src/index.js';

describe('a heap inside a larger buffer', () => {
  it('hands out absolute offsets inside its range, and two heaps in one buffer tell their blocks apart', () => {
    const buffer = new SharedArrayBuffer(8 << 20);
    const a = createHeap({ buffer, byteOffset: 1 << 20, byteLength: 3 << 20, maxWorkers: 1 });
    const b = createHeap({ buffer, byteOffset: 4 << 20, byteLength: 4 << 20, maxWorkers: 1 });
    const pa = a.alloc(100);
    const pb = b.alloc(100);
    expect(pa).toBeGreaterThanOrEqual(1 << 20);
    expect(pa).toBeLessThan(4 << 20);
    expect(pb).toBeGreaterThanOrEqual(4 << 20);
    expect(() => a.free(pb)).toThrow(expect.objectContaining({ code: E.FOREIGN }));
    expect(() => b.free(pa)).toThrow(expect.objectContaining({ code: E.FOREIGN }));
    a.free(pa);
    b.free(pb);
    a.validate();
    b.validate();
  });

  it('a pointer of one heap freed into another buffer is refused where its header tells', () => {
    const a = createHeap({ size: 2 << 20, maxWorkers: 1 });
    const b = createHeap({ size: 2 << 20, maxWorkers: 1 });
    const pa = a.alloc(5000);
    // the same offset means nothing in b, which has handed out nothing: a free page
    expect(b.stats().pages.used).toBe(0);
    expect(() => b.free(pa)).toThrow(expect.objectContaining({ code: E.NOT_ALLOCATED }));
    b.validate();
    a.free(pa);
  });
});

describe('headerless heap', () => {
  it('allocates and frees with the size, 8-aligned, reuses blocks, validates', () => {
    const h = createHeap({ size: 4 << 20, headerless: true, maxWorkers: 1 });
    const ps = [16, 17, 100, 1000, 65536, 70000, 200000].map((n) => ({ n, p: h.alloc(n) }));
    for (const { n, p } of ps) {
      expect(p % 8).toBe(0);
      expect(h.sizeOf(p)).toBeGreaterThanOrEqual(n);
      h.u8.fill(0xab, p, p + n);
    }
    h.validate();
    for (const { n, p } of ps) h.free(p, n);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    const q = h.alloc(1000);
    expect(q).toBe(ps[3].p); // LIFO reuse
    // realloc works without a header: sizeOf finds the class from the span
    const r = h.realloc(q, 3000);
    expect(h.sizeOf(r)).toBeGreaterThanOrEqual(3000);
    h.free(r, 3000);
    h.validate();
  });
});
