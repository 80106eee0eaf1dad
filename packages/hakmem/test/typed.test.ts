/**
 * Typed arrays in the heap (mallocAs, callocAs, reallocArray, view, free(view), usableSize) for
 * every typed array type and both heap flavours; exhaustion gives undefined and leaves the heap
 * intact; misuse of a view is refused with a code; the views over the buffer are cached.
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachHeap, createHeap, HeaderlessHeap, HeapError, HeapErrorCode as E, type Heap, type HeapHandle, type TypedArrayConstructor,
} from '../src/index.js';

const TYPES: TypedArrayConstructor[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];
const isBig = (t: TypedArrayConstructor) => t === BigInt64Array || t === BigUint64Array;
const val = (t: TypedArrayConstructor, i: number): number | bigint => (isBig(t) ? BigInt(i % 100) : i % 100);

function expectCode(f: () => unknown, code: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(Error);
  expect((err as { code?: string }).code).toBe(code);
}

const flavours = [
  ['headers', () => createHeap({ size: 8 << 20, maxWorkers: 2, learning: false })],
  ['headerless', () => createHeap({ size: 8 << 20, maxWorkers: 2, learning: false, headerless: true })],
] as const;

describe.each(flavours)('typed arrays, heap with %s', (_name, make) => {
  it.each(TYPES.map((t) => [t.name, t] as const))('%s: mallocAs, callocAs, reallocArray, usableSize, free(view)', (_n, type) => {
    const h = make();
    for (const count of [0, 1, 3, 100, 20_000]) {
      const v = h.mallocAs(type, count)!;
      expect(v).toBeInstanceOf(type);
      expect(v.buffer).toBe(h.buffer);
      expect(v.length).toBe(count);
      expect(v.byteOffset % 8).toBe(0);
      expect(h.usableSize(v)).toBeGreaterThanOrEqual(count * type.BYTES_PER_ELEMENT);
      expect(h.usableSize(v.byteOffset)).toBe(h.usableSize(v));
      for (let i = 0; i < count; i++) v[i] = val(type, i) as never;
      h.free(v);
    }
    // callocAs zeroes a block that held bytes before
    const dirty = h.alloc(800);
    h.u8.fill(0xff, dirty, dirty + 800);
    if (h instanceof HeaderlessHeap) h.free(dirty, 800);
    else h.free(dirty);
    const z = h.callocAs(type, 800 / type.BYTES_PER_ELEMENT)!;
    expect(z.byteOffset).toBe(dirty);
    expect(new Uint8Array(h.buffer, z.byteOffset, z.byteLength).every((b) => b === 0)).toBe(true);
    // reallocArray: grows (moves) and shrinks, keeping the elements that fit
    for (let i = 0; i < z.length; i++) z[i] = val(type, i) as never;
    const big = h.reallocArray(z, 5000)!;
    expect(big).toBeInstanceOf(type);
    expect(big.length).toBe(5000);
    for (let i = 0; i < z.length; i++) expect(big[i]).toBe(val(type, i));
    const small = h.reallocArray(big, 7)!;
    for (let i = 0; i < 7; i++) expect(small[i]).toBe(val(type, i));
    h.free(small);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
  });

  it('reallocArray keeps the contents (property)', () => {
    const h = make();
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.nat(3000), fc.nat(3000), (type, n, m) => {
        const v = h.mallocAs(type, n)!;
        for (let i = 0; i < n; i++) v[i] = val(type, i * 7) as never;
        const w = h.reallocArray(v, m)!;
        expect(w.length).toBe(m);
        for (let i = 0; i < Math.min(n, m); i++) expect(w[i]).toBe(val(type, i * 7));
        h.free(w);
      }),
      { numRuns: 150 },
    );
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
  });

  it('view(type, ptr, count) rebuilds the same view; checked like a pointer', () => {
    const h = make();
    const v = h.mallocAs(Float64Array, 10)!;
    v.fill(2.5);
    const w = h.view(Float64Array, v.byteOffset, v.length);
    expect(w).not.toBe(v);
    expect(Array.from(w)).toEqual(Array.from(v));
    expect(h.view(Uint8Array, v.byteOffset, 80).byteLength).toBe(80);
    expectCode(() => h.view(Float64Array, v.byteOffset, 10_000), E.BAD_SIZE);
    expectCode(() => h.view(Float64Array, v.byteOffset + 8, 1), E.INTERIOR);
    expectCode(() => h.view(Float64Array, 8, 1), E.CONTROL);
    h.free(w);
    void h.close();
  });
});

describe('exhaustion', () => {
  it('mallocAs, callocAs and reallocArray give undefined; the heap and the old view are intact', () => {
    const h = createHeap({ size: 2 << 20, maxWorkers: 1, learning: false });
    const keep = h.mallocAs(Float64Array, 16)!;
    keep.fill(7);
    const held: Float64Array[] = [];
    for (;;) {
      const v = h.mallocAs(Float64Array, 6);
      if (v === undefined) break;
      held.push(v);
    }
    expect(held.length).toBeGreaterThan(1000);
    expect(h.mallocAs(Float64Array, 6)).toBeUndefined();
    expect(h.callocAs(Uint8Array, 40)).toBeUndefined();
    expect(h.mallocAs(BigInt64Array, 100_000)).toBeUndefined();
    expect(h.reallocArray(keep, 100_000)).toBeUndefined();
    expect(Array.from(keep)).toEqual(new Array(16).fill(7));
    h.validate();
    for (const v of held) h.free(v);
    h.free(keep);
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
  });
});

describe('misuse of views', () => {
  it('is refused with a code, and the heap is left intact', () => {
    const h = createHeap({ size: 8 << 20, maxWorkers: 1, learning: false });
    const other = createHeap({ size: 8 << 20, maxWorkers: 1, learning: false });
    const v = h.mallocAs(Float64Array, 8)!;
    v.fill(1);
    const o = other.mallocAs(Float64Array, 8)!;
    const cases: Array<[string, () => unknown, string]> = [
      ['a view over another heap', () => h.free(o), E.FOREIGN],
      ['a view over a plain ArrayBuffer', () => h.free(new Float64Array(8)), E.FOREIGN],
      ['a view into the middle of a block', () => h.free(v.subarray(1)), E.INTERIOR],
      ['a view longer than its block', () => h.free(new Float64Array(h.buffer, v.byteOffset, 1000)), E.BAD_SIZE],
      ['an object that is no view', () => h.free({} as never), E.MISALIGNED],
      ['usableSize of a foreign view', () => h.usableSize(o), E.FOREIGN],
      ['reallocArray of a foreign view', () => h.reallocArray(o, 3), E.FOREIGN],
      ['mallocAs of a non-type', () => h.mallocAs(Array as never, 3), E.BAD_OPTION],
      ['mallocAs of a fractional count', () => h.mallocAs(Float64Array, 1.5), E.BAD_SIZE],
      ['mallocAs of a negative count', () => h.mallocAs(Float64Array, -1), E.BAD_SIZE],
      ['mallocAs of more than the heap holds', () => h.mallocAs(Float64Array, 2 ** 40), E.BAD_SIZE],
    ];
    for (const [what, f, code] of cases) {
      expect(() => f(), what).toThrow();
      expectCode(f, code);
    }
    expect(Array.from(v)).toEqual(new Array(8).fill(1));
    h.free(v);
    expectCode(() => h.free(v), E.DOUBLE_FREE);
    h.validate();
    other.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
    void other.close();
  });
});

describe('views over the buffer', () => {
  it('are the same objects until the buffer grows, then cover the grown buffer', () => {
    const h = createHeap({ size: 1 << 20, maxSize: 16 << 20, maxWorkers: 1, learning: false });
    const first = h.f64;
    expect(h.f64).toBe(first);
    expect(h.u8).toBe(h.u8);
    const ps: number[] = [];
    while (h.buffer.byteLength === 1 << 20) ps.push(h.alloc(60_000));
    expect(h.f64).not.toBe(first);
    expect(h.u8.length).toBe(h.buffer.byteLength);
    expect(h.f64).toBe(h.f64);
    for (const p of ps) h.free(p);
    void h.close();
  });
});

describe('handles carry the flavour', () => {
  it('attachHeap refuses a handle whose flag does not match the heap', () => {
    const h = createHeap({ size: 8 << 20, maxWorkers: 1, learning: false });
    expect(h.handle.headerless).toBe(false);
    const lie = { ...h.handle, headerless: true } as unknown as HeapHandle<true>;
    expectCode(() => attachHeap(lie), E.BAD_HANDLE);
    void h.close();
  });
});

describe('across workers', () => {
  it('a view is rebuilt in another worker from (type, ptr, count) with one call', async () => {
    const h: Heap = createHeap({ size: 8 << 20, maxWorkers: 2, learning: false });
    const v = h.mallocAs(Float64Array, 100)!;
    for (let i = 0; i < 100; i++) v[i] = i;
    const w = h.watch(new Worker(new URL('./workers/typed.mjs', import.meta.url), {
      workerData: { handle: h.handle, mode: 'view', ptr: v.byteOffset, count: v.length },
    }));
    const r = await new Promise<{ sum: number; ptr: number; count: number }>((ok, ko) => w.once('message', ok).once('error', ko));
    expect(r.sum).toBe(4950);
    const back = h.view(BigInt64Array, r.ptr, r.count);
    expect(Array.from(back)).toEqual([1n, 2n, 3n]);
    h.free(back);
    await new Promise((ok) => w.once('exit', ok));
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    expect(() => h.free(v)).toThrow(HeapError);
    await h.close();
  });

  it('the views follow a growth made by another worker, with no call in between', async () => {
    const h = createHeap({ size: 1 << 20, maxSize: 16 << 20, maxWorkers: 2, learning: false });
    const before = h.u8;
    const w = h.watch(new Worker(new URL('./workers/typed.mjs', import.meta.url), { workerData: { handle: h.handle, mode: 'grow' } }));
    const r = await new Promise<{ ptr: number; byteLength: number }>((ok, ko) => w.once('message', ok).once('error', ko));
    const last = r.ptr + (3 << 20) - 8; // the block's last word: beyond the buffer as it was
    expect(last).toBeGreaterThan(before.length);
    expect(h.u8).not.toBe(before);
    expect(h.u8.length).toBeGreaterThanOrEqual(r.byteLength);
    h.f64[last >>> 3] = 9.5;
    expect(h.f64[last >>> 3]).toBe(9.5);
    h.free(r.ptr);
    await new Promise((ok) => w.once('exit', ok));
    await h.close();
  });
});
