/**
 * mallocImports' wasm fast path (src/wasm-fast-path.ts): malloc and free as WebAssembly over the
 * cache's own words. Its size-to-class arithmetic gives the class the heap's lookup table gives,
 * for every size; only the default heap in a memory gets it (the other flavours, other classes,
 * a heap in a plain buffer and `fastPath: false` keep JavaScript's); it shares the lists with the
 * heap's own alloc and free, drains past the bound, and after detach refuses as the heap does.
 * The model test (c-imports.test.ts) runs it against C's rules; the wasm-c example in two Workers.
 */
import { describe, expect, it } from 'vitest';
import { defaultClassSizes } from '@hakmem/pool-tls';
import { createHeap, HeapErrorCode as E, mallocImports, type Heap } from '../src/index.js';
import { instantiateFastPath } from '../src/wasm-fast-path.js';

const WebAssembly = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer; grow(n: number): number } } }).WebAssembly;
const memoryOf = (maximum = 320) => new WebAssembly.Memory({ initial: 1, maximum, shared: true });
const inMemory = (o: Record<string, unknown> = {}) =>
  createHeap({ memory: memoryOf(), byteOffset: 0, reservedBelow: 0, maxWorkers: 2, learning: false, ...o }) as Heap;
const isWasm = (f: unknown) => /^function \d+\(\) \{ \[native code\] \}$/.test(String(f));

describe('the wasm fast path', () => {
  it.each([65536, 4096, 100])('computes the class the lookup table holds, for every size up to the last class (classes up to %i)', (max) => {
    const h = inMemory({ classSizes: defaultClassSizes(max) });
    const fast = instantiateFastPath(
      { headsAt: h.heads * 4, allocTag: h.allocTag, freeTag: h.freeTag, maxSmall: h.maxSmall, exportClassOf: true },
      { alloc: () => 0, free: () => {}, drain: () => {}, memory: h.core.r.memory! },
    )!;
    let wrong = 0;
    for (let size = 0; size <= h.maxSmall; size++) if (fast.classOf!(size) !== h.lookup[(size + 7) >>> 3]) wrong++;
    expect(wrong).toBe(0);
    void h.close();
  });

  it('is used only by the default heap in a memory', () => {
    expect(isWasm(mallocImports(inMemory()).malloc)).toBe(true);
    expect(isWasm(mallocImports(inMemory()).free)).toBe(true);
    expect(isWasm(mallocImports(inMemory(), { fastPath: false }).malloc)).toBe(false);
    expect(isWasm(mallocImports(inMemory({ counters: true })).malloc)).toBe(false);
    expect(isWasm(mallocImports(inMemory({ headerless: true })).free)).toBe(false);
    expect(isWasm(mallocImports(inMemory({ classSizes: [16, 48, 512, 4096] })).malloc)).toBe(false);
    expect(isWasm(mallocImports(createHeap({ size: 1 << 20, learning: false })).malloc)).toBe(false);
  });

  it('refuses options it does not know with HAKMEM_BAD_OPTION', () => {
    const h = inMemory();
    for (const o of [null, 1, 'fast', { fastPath: 1 }, { fastPath: 'no' }]) {
      expect(() => mallocImports(h, o as never)).toThrow(expect.objectContaining({ code: E.BAD_OPTION }));
    }
    void h.close();
  });

  it('shares the lists with the heap: blocks go both ways, a full list drains, nothing is handed out twice', () => {
    const h = inMemory();
    const c = mallocImports(h);
    const u32 = () => new Uint32Array(h.core.r.memory!.buffer);
    const live = new Map<number, number>();
    const take = (p: number, stamp: number) => {
      expect(p).not.toBe(0);
      expect(live.has(p)).toBe(false);
      live.set(p, stamp);
      u32()[p >>> 2] = stamp;
    };
    let stamp = 1;
    for (let round = 0; round < 4; round++) {
      // many blocks of one class freed at once: the list passes its bound and drains
      for (let i = 0; i < 3000; i++) take(i & 1 ? c.malloc(48) : h.alloc(40 + (i % 9)), stamp++);
      let k = 0;
      for (const [p, s] of live) {
        expect(u32()[p >>> 2]).toBe(s); // no other block was written over it
        if (k++ & 1) c.free(p);
        else h.free(p);
        live.delete(p);
      }
    }
    // one class, allocated and freed by the fast path alone: the list drains at its bound
    const cls = h.classOf(48);
    const ps = Array.from({ length: 3 * h.boundOf(cls) }, () => c.malloc(48));
    for (const p of ps) c.free(p);
    expect(h.cached(cls)).toBeLessThanOrEqual(h.boundOf(cls));
    expect(h.validate().blocksLive).toBe(0);
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
  });

  it('after detach, malloc and free refuse (HAKMEM_CLOSED) instead of touching the slot it left', () => {
    const h = inMemory();
    const c = mallocImports(h);
    const p = c.malloc(32);
    h.detach();
    expect(() => c.malloc(32)).toThrow(expect.objectContaining({ code: E.CLOSED }));
    expect(() => c.free(p)).toThrow(expect.objectContaining({ code: E.CLOSED }));
  });

  it('misuse reaches the heap\'s checks, not a wasm trap: past the memory, misaligned, double free', () => {
    const h = inMemory();
    const c = mallocImports(h);
    const p = c.malloc(24);
    expect(() => c.free(0xfffffff8)).toThrow(expect.objectContaining({ code: E.OUT_OF_RANGE }));
    expect(() => c.free(p + 4)).toThrow(expect.objectContaining({ code: E.MISALIGNED }));
    c.free(p);
    expect(() => c.free(p)).toThrow(expect.objectContaining({ code: E.DOUBLE_FREE }));
    expect(c.malloc(2 ** 32 - 1)).toBe(0);
    expect(h.validate().blocksLive).toBe(0);
    void h.close();
  });
});
