/**
 * Alignment: every block of every class and every large block is 16-byte aligned by default (what
 * C's malloc must give on wasm32), in heaps with headers and headerless ones; `align: 8` keeps the
 * denser 8-aligned strides; `alignedAlloc` gives every power of two up to 64 KiB, small and large
 * blocks, freed and sized as any block, with validate() passing after; bad alignments are refused
 * with HAKMEM_BAD_ALIGN and leave the heap intact.
 */
import { describe, expect, it } from 'vitest';
import { createHeap, HeaderlessHeap, HeapError, HeapErrorCode as E, type Heap } from '../src/index.js';

type AnyHeap = Heap | HeaderlessHeap;
const freeIt = (h: AnyHeap, p: number) => (h instanceof HeaderlessHeap ? h.free(p, h.usableSize(p)) : h.free(p));
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as HeapError).code;
  }
  return undefined;
};

const FLAVOURS = [
  ['with headers', false],
  ['headerless', true],
] as const;

describe.each(FLAVOURS)('every block is 16-aligned by default (%s)', (_, headerless) => {
  it('every block of every class (whole spans and more), and large blocks of many sizes', () => {
    const h: AnyHeap = createHeap({ size: 64 << 20, maxWorkers: 1, learning: false, headerless });
    const r = h.core.r;
    const out: number[] = [];
    for (let cls = 0; cls < r.sizes.length; cls++) {
      // more than a span's blocks, so blocks of a second span are checked too
      for (let i = 0; i < r.blocks[cls] + 2; i++) {
        const p = h.alloc(r.sizes[cls]);
        expect(p).not.toBe(0);
        if (p % 16 !== 0) throw new Error(`class ${cls} (${r.sizes[cls]} bytes): block ${p} is not 16-aligned`);
        out.push(p);
      }
    }
    for (let n = 65537; n < 1 << 20; n = Math.floor(n * 1.37) + 5) {
      const p = h.alloc(n);
      expect(p % 16, `large block of ${n} bytes at ${p}`).toBe(0);
      expect(h.usableSize(p)).toBeGreaterThanOrEqual(n);
      out.push(p);
    }
    h.validate();
    for (const p of out) freeIt(h, p);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });

  it('alignedAlloc for every power of two to 64 KiB, small and large sizes: aligned, sized, freed; validate() after', () => {
    const h: AnyHeap = createHeap({ size: 64 << 20, maxWorkers: 1, learning: false, headerless });
    const live: Array<[number, number]> = [];
    for (let align = 1; align <= 65536; align *= 2) {
      for (const size of [0, 1, 8, 24, 100, 1000, 4000, 5000, 20_000, 65536, 70_000, 300_000]) {
        for (let k = 0; k < 3; k++) {
          const p = h.alignedAlloc(align, size);
          expect(p).not.toBe(0);
          if (p % Math.max(align, 16) !== 0) throw new Error(`alignedAlloc(${align}, ${size}) gave ${p}`);
          expect(h.usableSize(p)).toBeGreaterThanOrEqual(size);
          h.u8.fill(0xa5, p, p + size); // the block is the caller's: writing it harms nothing
          live.push([p, size]);
        }
      }
      h.validate();
    }
    // no two blocks overlap
    const spans = live.map(([p]) => [p, p + h.usableSize(p)]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    // every other one through realloc (an aligned block resizes as any block)
    live.forEach(([p, size], i) => {
      if (i % 2 === 0) freeIt(h, p);
      else freeIt(h, h.realloc(p, size + 10));
    });
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    expect(h.stats().large.blocks).toBe(0);
  });
});

describe('align: 8', () => {
  it('keeps the 8-aligned strides of size + 8 (denser), every block 8-aligned', () => {
    const h = createHeap({ size: 16 << 20, maxWorkers: 1, learning: false, align: 8 });
    const r = h.core.r;
    expect(Array.from(r.stride)).toEqual(Array.from(r.sizes, (s) => s + 8));
    let not16 = 0;
    for (let cls = 0; cls < 8; cls++) {
      for (let i = 0; i < 40; i++) {
        const p = h.alloc(r.sizes[cls]);
        expect(p % 8).toBe(0);
        if (p % 16 !== 0) not16++;
      }
    }
    expect(not16).toBeGreaterThan(0);
    // alignedAlloc still gives 16 and more
    for (let a = 16; a <= 4096; a *= 2) expect(h.alignedAlloc(a, 40) % a).toBe(0);
    h.validate();
  });

  it('refuses another block alignment', () => {
    for (const align of [4, 12, 32, 0, '16', null]) {
      expect(codeOf(() => createHeap({ size: 1 << 20, learning: false, align: align as never }))).toBe(E.BAD_OPTION);
    }
  });
});

describe('alignedAlloc misuse', () => {
  it('an alignment that is not a power of two in [1, 2^30] is HAKMEM_BAD_ALIGN, the heap intact', () => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 1, learning: false });
    const p = h.alloc(100);
    for (const a of [0, 3, 24, 48, -8, -16, 1.5, 2 ** 31, 2 ** 32, Number.NaN, Infinity, '16', undefined, null, 16n]) {
      expect(codeOf(() => h.alignedAlloc(a as never, 64)), String(a)).toBe(E.BAD_ALIGN);
    }
    expect(codeOf(() => h.alignedAlloc(64, -1))).toBe(E.BAD_SIZE);
    expect(codeOf(() => h.alignedAlloc(64, h.maxAllocSize + 1))).toBe(E.BAD_SIZE);
    h.free(p);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });

  it('a large aligned block: an interior pointer and a double free are refused', () => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 1, learning: false });
    const p = h.alignedAlloc(8192, 100_000);
    expect(p % 8192).toBe(0);
    expect(codeOf(() => h.free(p + 16))).toBe(E.INTERIOR);
    expect(codeOf(() => h.free(p - 16))).toBeDefined();
    h.free(p);
    expect(codeOf(() => h.free(p))).toBeDefined();
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });
});
