/**
 * Buffers of 4 GiB (a full wasm32 memory is exactly 2^32 bytes) and heaps anywhere in them:
 * pointers are unsigned 32-bit, at and above 2^31 included. Heaps placed above 2 GiB, across the
 * 2^31 boundary and up to 2^32 do everything a heap does (stamped blocks, large blocks of 3 GiB,
 * a Worker attaching and freeing across, a reclaim, validate, stats, diagnostics); a property test
 * checks alloc/free/realloc above 2^31 against a model. Untouched shared memory costs no RAM:
 * only the pages the heap writes are ever committed.
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachHeap, createHeap, HeaderlessHeap, type Heap } from '../src/index.js';
import { formatDiagnostics, snapshot } from '@hakmem/pool-diagnostics';

// WebAssembly's types are in lib.dom, which this package does not load
type Memory = { buffer: SharedArrayBuffer };
const Wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => Memory } }).WebAssembly;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A block's stamp: its first and its last word (of its usable bytes). */
const ends = (p: number, usable: number) => [p >>> 2, (p + usable - 4) >>> 2];
function stamp(h: Heap, p: number, s: number): void {
  for (const w of ends(p, h.usableSize(p))) h.i32[w] = s;
}
function stamped(h: Heap, p: number, s: number): void {
  for (const w of ends(p, h.usableSize(p))) expect(h.i32[w], `block ${p}`).toBe(s);
}
/** A pointer as the API promises it: an unsigned 32-bit integer, 8-aligned, in the heap's data. */
function isPointer(h: Heap, p: number, lo: number, hi: number): void {
  expect(Number.isInteger(p) && p === p >>> 0).toBe(true);
  expect(p % 8).toBe(0);
  expect(p).toBeGreaterThanOrEqual(lo);
  expect(p).toBeLessThan(hi);
}

/** alloc/calloc/realloc/free, small and large, stamped; validate, stats and diagnostics. */
function exercise(h: Heap, lo: number, hi: number): void {
  const before = h.stats(); // blocks the caller holds
  const liveBefore = h.validate().blocksLive;
  const sizes = [8, 16, 100, 1000, 5000, 70_000, 1 * MiB, 40];
  const live = sizes.map((n, k) => {
    const p = h.alloc(n);
    isPointer(h, p, lo, hi);
    expect(h.usableSize(p)).toBeGreaterThanOrEqual(n);
    stamp(h, p, 0x100 + k);
    return p;
  });
  // every view reaches the heap's last byte (a full 4 GiB buffer: no `byteLength >>> 2` of 0)
  for (const v of [h.u8, h.i8, h.u16, h.i16, h.u32, h.i32, h.f32, h.f64, h.bi64, h.bu64]) expect(v.byteLength).toBeGreaterThanOrEqual(hi);
  expect(h.u32[live[0] >>> 2]).toBe(0x100);
  h.u8[live[0] + 4] = 42;
  h.f64[(live[3] >>> 3) + 1] = 1.5;
  expect(h.u8[live[0] + 4]).toBe(42);
  expect(h.f64[(live[3] >>> 3) + 1]).toBe(1.5);
  // calloc: zeroed, also after the bytes were used by a freed block
  const c = h.calloc(250, 8);
  isPointer(h, c, lo, hi);
  expect(h.u8.subarray(c, c + 2000).every((b) => b === 0)).toBe(true);
  h.u8.fill(7, c, c + 2000);
  h.free(c);
  const c2 = h.calloc(2000);
  expect(h.u8.subarray(c2, c2 + 2000).every((b) => b === 0)).toBe(true);
  // realloc: the bytes follow the block
  const r0 = h.alloc(24);
  h.u8.set([1, 2, 3, 4, 5], r0);
  const r1 = h.realloc(r0, 3000);
  isPointer(h, r1, lo, hi);
  expect(Array.from(h.u8.subarray(r1, r1 + 5))).toEqual([1, 2, 3, 4, 5]);
  const r2 = h.realloc(r1, 200_000);
  isPointer(h, r2, lo, hi);
  expect(Array.from(h.u8.subarray(r2, r2 + 5))).toEqual([1, 2, 3, 4, 5]);
  // typed views over blocks above 2^31
  const v = h.mallocAs(Float64Array, 10)!;
  expect(v.byteOffset).toBe(v.byteOffset >>> 0);
  v[9] = 2.5;
  expect(h.f64[(v.byteOffset >>> 3) + 9]).toBe(2.5);
  expect(h.view(Float64Array, v.byteOffset, 10)[9]).toBe(2.5);
  // misuse is still told apart above 2^31
  expect(() => h.free(live[2] + 8)).toThrow(expect.objectContaining({ code: 'HAKMEM_INTERIOR_POINTER' }));
  // a pointer read back signed (`| 0`, an Int32Array) is no pointer: refused, the heap intact
  if (live[2] >= 2 ** 31) expect(() => h.free(live[2] | 0)).toThrow(expect.objectContaining({ code: 'HAKMEM_OUT_OF_RANGE' }));

  const rep = h.validate();
  expect(rep.blocksLive).toBe(liveBefore + live.length + 3);
  const st = h.stats();
  expect(st.large.blocks).toBe(before.large.blocks + 3); // 1 MiB, 200 KB and 70 KB
  const inUse = [...live, c2, r2, v.byteOffset].reduce((a, p) => a + h.usableSize(p), before.bytes.inUse);
  expect(st.bytes.inUse).toBe(inUse);
  const snap = h.diagnostics();
  expect(snap.classes.length).toBeGreaterThan(0);
  expect(snap.heap.bytes.inUse).toBe(inUse);
  expect(snap.heap.large.blocks).toBe(before.large.blocks + 3);
  expect(formatDiagnostics(snap).length).toBeGreaterThan(0);
  expect(snapshot(h.handle).workers.length).toBeGreaterThan(0);

  live.forEach((p, k) => stamped(h, p, 0x100 + k));
  for (const p of [...live, c2, r2]) h.free(p);
  h.free(v);
  expect(() => h.free(live[3])).toThrow(expect.objectContaining({ code: 'HAKMEM_DOUBLE_FREE' }));
  h.validate();
  expect(h.stats().bytes.inUse).toBe(before.bytes.inUse);
}

/** A Worker attaches, frees the creator's blocks, allocates its own; the creator frees them. */
async function acrossWorkers(h: Heap, lo: number, hi: number, detach: boolean): Promise<void> {
  const n = 64;
  const table = new SharedArrayBuffer(16 * n);
  const control = new SharedArrayBuffer(4);
  const t = new BigInt64Array(table);
  for (let k = 0; k < n; k++) {
    const p = h.alloc(k % 9 === 8 ? 90_000 : 24 + 16 * k);
    isPointer(h, p, lo, hi);
    stamp(h, p, 0x2000 + k);
    t[k] = (BigInt(0x2000 + k) << 32n) | BigInt(p);
  }
  const w = h.watch(new Worker(new URL('./workers/high-heap.mjs', import.meta.url), { workerData: { handle: h.handle, table, control, n, detach } }));
  const msgs: Array<{ type: string; minPtr?: number; bad: string[] }> = [];
  const exit = new Promise<number>((ok) => w.once('exit', ok));
  const allocated = new Promise<void>((ok, no) => {
    w.on('message', (m) => {
      msgs.push(m);
      if (m.type === 'allocated') ok();
    });
    w.once('error', no);
  });
  await allocated;
  expect(msgs[0].bad).toEqual([]);
  expect(msgs[0].minPtr).toBeGreaterThanOrEqual(lo);
  // half of the worker's blocks freed by a third slot and flushed: they wait in the worker's inbox,
  // and the creator's blocks the worker freed wait in the creator's (a reclaim leaves those be)
  const o = attachHeap(h.handle) as Heap;
  const mine = Array.from({ length: n }, (_, k) => t[n + k]);
  for (let k = 0; k < n; k += 2) {
    const p = Number(mine[k] & 0xffffffffn);
    isPointer(o, p, lo, hi);
    stamped(o, p, Number(mine[k] >> 32n));
    o.free(p);
  }
  o.flush();
  o.detach();
  expect(h.validate().blocksInInboxes).toBeGreaterThanOrEqual(n);
  Atomics.store(new Int32Array(control), 0, 1);
  Atomics.notify(new Int32Array(control), 0);
  expect(await exit).toBe(0);
  if (detach) expect(msgs.at(-1)).toMatchObject({ type: 'done', bad: [] });
  else {
    // ended without detach: watch() reclaims its slot
    const end = Date.now() + 20_000;
    while (h.reclaimed.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(h.reclaimErrors).toEqual([]);
    expect(h.reclaimed.length).toBe(1);
  }
  expect(h.attachedSlots()).toEqual([h.slot]);
  h.validate();
  for (let k = 1; k < n; k += 2) {
    const p = Number(mine[k] & 0xffffffffn);
    stamped(h, p, Number(mine[k] >> 32n));
    h.free(p);
  }
  h.validate();
  expect(h.stats().bytes.inUse).toBe(0);
  h.flush();
  expect(h.validate()).toMatchObject({ blocksLive: 0, blocksInInboxes: 0 });
}

describe('heaps above 2 GiB in a 4 GiB buffer: pointers are unsigned', () => {
  it('a heap at byteOffset 2^31 + 8 MiB + 8: every operation, pointers at and above 2^31', () => {
    const base = 2 ** 31 + 8 * MiB + 8;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, byteLength: 256 * MiB, maxWorkers: 2, learning: { mode: 'inline' } });
    expect(h.byteOffset).toBe(base);
    exercise(h, base, base + 256 * MiB);
    void h.close();
  });

  it('a heap across the 2^31 boundary that ends at 2^32: blocks on both sides, a large block across', () => {
    const base = 2 ** 31 - 64 * MiB;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, maxWorkers: 2, learning: false });
    const below = h.alloc(100);
    expect(below).toBeLessThan(2 ** 31);
    const across = h.alloc(100 * MiB); // over 2^31
    isPointer(h, across, base, 2 ** 32);
    expect(across).toBeLessThan(2 ** 31);
    expect(across + 100 * MiB).toBeGreaterThan(2 ** 31);
    stamp(h, across, 77);
    // the rest of the heap, to its last page just below 2^32
    const top = h.alloc(h.stats().bytes.committed - h.stats().bytes.reserved - 4095); // all the free pages, whatever the lead
    isPointer(h, top, 2 ** 31, 2 ** 32);
    stamp(h, top, 78);
    expect(top + h.usableSize(top)).toBe(2 ** 32);
    h.u8[2 ** 32 - 1] = 9;
    expect(h.u8[2 ** 32 - 1]).toBe(9);
    expect(h.alloc(4 * MiB)).toBe(0); // full: exhaustion is 0, not an error
    h.free(top);
    exercise(h, base, 2 ** 32); // new spans and large blocks above 2^31, the first class's below
    stamped(h, across, 77);
    h.free(across);
    h.free(below);
    h.validate();
    void h.close();
  });

  it('a large block of 3 GiB (a size above 2^31), and realloc of it in place', () => {
    const base = 256 * MiB;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, maxWorkers: 1, learning: false });
    const size = 3 * GiB;
    const p = h.alloc(size);
    isPointer(h, p, base, 2 ** 31);
    expect(h.usableSize(p)).toBeGreaterThanOrEqual(size);
    stamp(h, p, 31);
    const q = h.alloc(1000); // past the big block: above 2^31 + 1 GiB
    isPointer(h, q, p + size, 2 ** 32);
    expect(h.realloc(p, 2 ** 31 + 4096)).toBe(p);
    stamped(h, p, 31);
    expect(h.stats().large).toEqual({ blocks: 1, bytes: h.usableSize(p) });
    h.validate();
    h.free(p);
    expect(() => h.free(p)).toThrow(expect.objectContaining({ code: 'HAKMEM_DOUBLE_FREE' }));
    h.free(q);
    h.validate();
    void h.close();
  });

  it('a headerless heap above 2^31: free(ptr, size)', () => {
    const base = 3 * GiB;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, byteLength: 64 * MiB, headerless: true, maxWorkers: 1, learning: false });
    expect(h).toBeInstanceOf(HeaderlessHeap);
    const ps = [16, 200, 3000, 100_000].map((n) => [h.alloc(n), n] as const);
    for (const [p] of ps) expect(p).toBeGreaterThanOrEqual(base);
    for (const [p, n] of ps) h.free(p, n);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    void h.close();
  });

  it.each([true, 'low-water'] as const)('the counting heaps above 2^31 (counters: %s)', (counters) => {
    const base = 3 * GiB + 8;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, byteLength: 32 * MiB, counters, maxWorkers: 1, learning: false });
    const ps = Array.from({ length: 100 }, (_, k) => h.alloc(16 + 8 * (k % 5)));
    for (const p of ps) isPointer(h, p, base, base + 32 * MiB);
    for (const p of ps) h.free(p);
    expect(h.diagnostics().classes.reduce((a, c) => a + (c.allocs ?? 0), 0)).toBe(100);
    h.validate();
    void h.close();
  });

  it.each([true, false])('a Worker attaches above 2^31, frees across both ways (detach: %s)', async (detach) => {
    const base = 2 ** 31 + 4 * MiB;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, byteLength: 128 * MiB, maxWorkers: 2, learning: false });
    await acrossWorkers(h, base, base + 128 * MiB, detach);
    void h.close();
  });

  it('a shared WebAssembly.Memory of 65536 pages (4 GiB): a heap above 2 GiB, another to its end', () => {
    const memory = new Wasm.Memory({ initial: 65536, maximum: 65536, shared: true });
    const buffer = memory.buffer;
    expect(buffer.byteLength).toBe(2 ** 32);
    const a = createHeap({ buffer, byteOffset: 2 * GiB + 8, byteLength: 64 * MiB, maxWorkers: 1, learning: false });
    exercise(a, 2 * GiB, 2 * GiB + 64 * MiB);
    const b = createHeap({ buffer, byteOffset: 4 * GiB - 64 * MiB, maxWorkers: 1, learning: false });
    exercise(b, 4 * GiB - 64 * MiB, 2 ** 32);
    // a Uint8Array over the memory sees the heap's bytes where the pointer says
    const p = b.alloc(16);
    b.u8[p] = 0xab;
    expect(new Uint8Array(memory.buffer)[p]).toBe(0xab);
    b.free(p);
    void a.close();
    void b.close();
  });

  it('attachHeap in the same thread, a read-only snapshot, and close() of a heap at 2^32 - 32 MiB', () => {
    const base = 2 ** 32 - 32 * MiB;
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteOffset: base, maxWorkers: 2, learning: false });
    const w = attachHeap(h.handle) as Heap;
    const p = w.alloc(64);
    isPointer(w, p, base, 2 ** 32);
    h.free(p); // another slot's block, freed here
    w.detach();
    expect(snapshot(h.handle).heap).toBeDefined();
    h.validate();
    void h.close();
  });
});

describe('property: alloc/free/realloc above 2^31 against a model', () => {
  const buffer = new SharedArrayBuffer(4 * GiB);
  const base = 2 ** 31 + 16 * MiB + 8;
  const size = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 2048 }) },
    { weight: 2, arbitrary: fc.integer({ min: 2049, max: 65536 }) },
    { weight: 1, arbitrary: fc.integer({ min: 65537, max: 400_000 }) },
  );
  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.constant('alloc' as const), size }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('realloc' as const), size, at: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('free' as const), at: fc.nat() }) },
  );

  it('pointers are unsigned and in the heap, blocks never overlap and keep their bytes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const h = createHeap({ buffer, byteOffset: base, byteLength: 32 * MiB, maxWorkers: 1, learning: false });
        try {
          // the model: pointer -> [size, seed]; a block's bytes are (seed + i) & 0xff
          const model = new Map<number, [number, number]>();
          const fill = (p: number, n: number, seed: number) => {
            for (let i = 0; i < Math.min(n, 64); i++) h.u8[p + i] = (seed + i) & 0xff;
            if (n > 0) h.u8[p + n - 1] = seed & 0xff;
          };
          // the first `kept` bytes of a block of n bytes (all of them by default)
          const check = (p: number, n: number, seed: number, kept = n) => {
            for (let i = 0; i < Math.min(kept, 64) && i < n - 1; i++) expect(h.u8[p + i]).toBe((seed + i) & 0xff);
            if (n > 0 && kept === n) expect(h.u8[p + n - 1]).toBe(seed & 0xff);
          };
          let seed = 1;
          for (const o of ops) {
            const keys = [...model.keys()];
            if (o.k === 'alloc') {
              const p = h.alloc(o.size);
              if (p === 0) continue;
              isPointer(h, p, base, base + 32 * MiB);
              expect(model.has(p)).toBe(false);
              model.set(p, [o.size, seed]);
              fill(p, o.size, seed++);
            } else if (o.k === 'realloc' && keys.length > 0) {
              const p = keys[o.at % keys.length];
              const [n, s] = model.get(p)!;
              const q = h.realloc(p, o.size);
              if (q === 0) continue;
              isPointer(h, q, base, base + 32 * MiB);
              model.delete(p);
              check(q, n, s, Math.min(n, o.size));
              model.set(q, [o.size, seed]);
              fill(q, o.size, seed++);
            } else if (o.k === 'free' && keys.length > 0) {
              const p = keys[o.at % keys.length];
              const [n, s] = model.get(p)!;
              check(p, n, s);
              h.free(p);
              model.delete(p);
            }
          }
          // no two live blocks overlap (ordered as unsigned numbers)
          const spans = [...model.keys()].sort((a, b) => a - b).map((p) => [p, p + h.usableSize(p)]);
          for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
          for (const [p, [n, s]] of model) check(p, n, s);
          expect(h.validate().blocksLive).toBe(model.size);
          for (const p of model.keys()) h.free(p);
          expect(h.stats().bytes.inUse).toBe(0);
        } finally {
          void h.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('buffers above 4 GiB and growth to 4 GiB', () => {
  it('a heap at an offset in a buffer above 4 GiB works', () => {
    const h = createHeap({ buffer: new SharedArrayBuffer(4 * GiB + 4096), byteOffset: MiB, byteLength: 64 * MiB, maxWorkers: 1, learning: false });
    exercise(h, MiB, 65 * MiB);
    void h.close();
  });

  it('a growable buffer with maxByteLength 4 GiB grows the heap', () => {
    const buffer = new SharedArrayBuffer(40 << 20, { maxByteLength: 4 * GiB }); // metadata for 4 GiB: ~32 MiB
    const h = createHeap({ buffer, maxWorkers: 1, learning: false });
    const p = h.alloc(64 << 20); // beyond the initial 40 MiB: grows
    expect(p).toBeGreaterThan(0);
    expect(buffer.byteLength).toBeGreaterThan(64 << 20);
    h.u8[p + (64 << 20) - 1] = 1;
    h.free(p);
    h.validate();
    // the buffer's owner grows it to the full 4 GiB (a wasm memory.grow): views and attach still work
    buffer.grow(4 * GiB);
    const w = attachHeap(h.handle) as Heap;
    const q = w.alloc(100);
    w.u8[q + 99] = 3;
    expect(h.u8[q + 99]).toBe(3);
    expect(w.u8.length).toBe(2 ** 32);
    w.free(q);
    w.detach();
    h.validate();
  });

  it('a heap that would end past 2^32 is refused with a code', () => {
    const buffer = new SharedArrayBuffer(4 * GiB + 8192);
    expect(() => createHeap({ buffer, byteOffset: 4 * GiB - 4096, byteLength: 8192, learning: false })).toThrow(
      expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }),
    );
    expect(() => createHeap({ buffer, byteOffset: 4 * GiB, learning: false })).toThrow(expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }));
  });
});
