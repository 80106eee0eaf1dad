/** Bad input gets a clear error with a code, and the heap is left exactly as it was. */
import { describe, expect, it } from 'vitest';
import { createHeap, HeapError, HeapErrorCode as E, type Heap } from '../src/index.js';

function withLiveBlocks() {
  const h = createHeap({ size: 8 << 20, maxWorkers: 1, learning: false });
  const live = [16, 100, 1000, 5000, 70000, 300000].map((n, i) => {
    const p = h.alloc(n);
    h.u8.fill(i + 1, p, p + n);
    return { p, n, b: i + 1 };
  });
  return { h, live };
}

function intact(h: Heap, live: Array<{ p: number; n: number; b: number }>): void {
  h.validate();
  for (const { p, n, b } of live) {
    expect(h.sizeOf(p)).toBeGreaterThanOrEqual(n);
    expect(h.u8.subarray(p, p + n).every((x) => x === b)).toBe(true);
  }
  // and it still works
  const q = h.alloc(64);
  expect(q).not.toBe(0);
  h.free(q);
  h.validate();
}

function expectCode(f: () => unknown, code: string, type: Function = HeapError): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(type);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toContain(code);
}

describe('bad sizes', () => {
  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['too large', 2 ** 40],
    ['larger than the heap', 9 << 20],
    ['a string', '16' as unknown as number],
  ])('alloc of a %s size throws RangeError %s', (_what, size) => {
    const { h, live } = withLiveBlocks();
    expectCode(() => h.alloc(size), E.BAD_SIZE, RangeError);
    expectCode(() => h.calloc(size, 1), E.BAD_SIZE, RangeError);
    expectCode(() => h.realloc(live[0].p, size), E.BAD_SIZE, RangeError);
    intact(h, live);
  });

  it('calloc whose product is not exact throws', () => {
    const { h, live } = withLiveBlocks();
    expectCode(() => h.calloc(2 ** 30, 2 ** 30), E.BAD_SIZE, RangeError);
    intact(h, live);
  });
});

describe('bad pointers', () => {
  it('free(0) is a no-op', () => {
    const { h, live } = withLiveBlocks();
    h.free(0);
    intact(h, live);
  });

  // Each case names its kind of misuse by the key of HeapErrorCode, so that the test of distinct
  // codes below compares what the heap throws, not the table with itself.
  type Kind = keyof typeof E;
  const cases: Array<[string, (h: Heap, live: Array<{ p: number }>) => number, Kind]> = [
    ['double free of a small block', (h, l) => (h.free(l[1].p), l[1].p), 'DOUBLE_FREE'],
    ['double free of a large block', (h, l) => (h.free(l[5].p), l[5].p), 'DOUBLE_FREE'],
    ['a pointer outside the heap', () => 1 << 30, 'OUT_OF_RANGE'],
    ['a negative pointer', () => -8, 'OUT_OF_RANGE'],
    ['a misaligned pointer', (_h, l) => l[2].p + 4, 'MISALIGNED'],
    ['a misaligned pointer (1 byte)', (_h, l) => l[2].p + 1, 'MISALIGNED'],
    ['a fractional pointer', (_h, l) => l[2].p + 0.5, 'MISALIGNED'],
    ['a pointer into the middle of a small block', (_h, l) => l[2].p + 16, 'INTERIOR'],
    ['a pointer into the middle of a large block', (_h, l) => l[5].p + 4096, 'INTERIOR'],
    ['a pointer into the control block', () => 8, 'CONTROL'],
    ['a pointer into the metadata', (h) => h.byteOffset + 4096, 'CONTROL'],
    ['a pointer into a free page', (h) => h.buffer.byteLength - 4096 + 8, 'NOT_ALLOCATED'],
  ];
  it.each(cases)('free of %s throws its code; the heap is intact', (_what, ptr, kind) => {
    const code = E[kind];
    const { h, live } = withLiveBlocks();
    const p = ptr(h, live);
    const still = live.filter((b) => b.p !== p);
    expectCode(() => h.free(p), code);
    intact(h, still);
    // sizeOf and realloc refuse the same pointer with the same code
    expectCode(() => h.sizeOf(p), code);
    expectCode(() => h.realloc(p, 32), code);
    intact(h, still);
  });

  it('distinct codes for distinct misuse: what free throws tells the kinds apart', () => {
    const thrownBy = new Map<Kind, Set<unknown>>();
    for (const [, ptr, kind] of cases) {
      const { h, live } = withLiveBlocks();
      const p = ptr(h, live);
      let code: unknown;
      try {
        h.free(p);
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      thrownBy.set(kind, (thrownBy.get(kind) ?? new Set()).add(code));
    }
    // one code per kind, and no two kinds share one
    for (const [kind, codes] of thrownBy) expect([...codes], kind).toHaveLength(1);
    const codes = [...thrownBy.values()].map((s) => [...s][0]);
    expect(new Set(codes).size).toBe(thrownBy.size);
    expect(thrownBy.size).toBe(6);
    // and every code of the table is its own string
    expect(new Set(Object.values(E)).size).toBe(Object.keys(E).length);
  });

  it('an overwritten header is reported as corrupt, not freed', () => {
    const { h, live } = withLiveBlocks();
    const p = live[2].p;
    h.i32[(p >>> 2) - 2] = 0x12345678;
    expectCode(() => h.free(p), E.CORRUPT);
    expectCode(() => h.validate(), E.INVARIANT);
  });
});

describe('a closed heap', () => {
  it('refuses every call with HAKMEM_CLOSED', async () => {
    const h = createHeap({ size: 1 << 20, maxWorkers: 1, learning: false });
    const p = h.alloc(10);
    await h.close();
    await h.close(); // idempotent
    expectCode(() => h.alloc(10), E.CLOSED);
    expectCode(() => h.free(p), E.CLOSED);
    expectCode(() => h.calloc(1), E.CLOSED);
    expectCode(() => h.stats(), E.CLOSED);
    expectCode(() => h.validate(), E.CLOSED);
  });
});

describe('options', () => {
  it.each([
    [{ size: -1 }],
    [{ size: 1.5 }],
    [{ size: 1000 }],
    [{ size: 1 << 20, maxSize: 1 << 19 }],
    [{ maxWorkers: 300 }],
    [{ buffer: new ArrayBuffer(1 << 20) as unknown as SharedArrayBuffer }],
    [{ buffer: new SharedArrayBuffer(1 << 20), byteOffset: 3 }],
    [{ refillCounts: [1, 2, 3] }],
  ])('%o throws HAKMEM_BAD_OPTION', (o) => {
    expectCode(() => createHeap(o as never), E.BAD_OPTION);
  });
});
