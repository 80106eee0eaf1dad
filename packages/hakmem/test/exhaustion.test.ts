/** Exhaustion returns 0 and leaves the heap intact; freed memory serves any class again. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createHeap, type Heap } from '../src/index.js';

function fill(h: Heap, size: number): number[] {
  const out: number[] = [];
  for (;;) {
    const p = h.alloc(size);
    if (p === 0) return out;
    h.u8[p] = out.length & 0xff;
    out.push(p);
  }
}

describe('exhaustion', () => {
  it('alloc returns 0 for small and large sizes, and the heap is intact', () => {
    const h = createHeap({ size: 2 << 20, maxWorkers: 1 });
    const small = fill(h, 48);
    expect(small.length).toBeGreaterThan(1000);
    expect(h.alloc(48)).toBe(0);
    expect(h.alloc(100_000)).toBe(0);
    expect(h.calloc(100)).toBe(0);
    expect(h.realloc(small[0], 5000)).toBe(0);
    h.validate();
    small.forEach((p, i) => expect(h.u8[p]).toBe(i & 0xff));
    for (const p of small) h.free(p);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });

  it('phase change: fill with one class, free all, fill with another class', () => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 1 });
    const dataBytes = h.stats().bytes.committed;
    const a = fill(h, 48);
    for (const p of a) h.free(p);
    const b = fill(h, 4000);
    // the second class gets (nearly) the whole heap back, not what the first class left over
    expect(b.length * 4000).toBeGreaterThan(0.85 * dataBytes);
    for (const p of b) h.free(p);
    const c = fill(h, 200_000); // and then large blocks
    expect(c.length * 200_000).toBeGreaterThan(0.85 * dataBytes);
    for (const p of c) h.free(p);
    const d = fill(h, 48);
    expect(d.length).toBeGreaterThanOrEqual(a.length * 0.98);
    h.validate();
  });

  it('after a failed large alloc, cached small blocks are flushed and the retry can succeed', () => {
    const h = createHeap({ size: 2 << 20, maxWorkers: 1 });
    const a = fill(h, 32);
    for (const p of a) h.free(p); // most drain to spans, up to a bound stays cached
    expect(h.stats().worker.cached.some((n) => n > 0)).toBe(true);
    const big = h.alloc(h.stats().bytes.committed - 64 * 1024);
    expect(big).not.toBe(0);
    h.free(big);
    h.validate();
  });
});

describe('exhaustion with other workers holding memory', () => {
  it('before alloc returns 0, the heap collects what idle workers hold outside their caches; their caches follow at their next refill', async () => {
    const h = createHeap({ size: 16 << 20, learning: false, maxWorkers: 2, maxCachedBytes: 1 << 20 });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const w = h.watch(new Worker(new URL('./workers/idle.mjs', import.meta.url), { workerData: { handle: h.handle, flag: flag.buffer } }));
    const next = () => new Promise<{ type: string; blocks?: number[] }>((ok) => w.once('message', ok));
    const idle = await next();
    // the worker's blocks, freed here: they end in its inboxes (it is idle: it never takes them in)
    for (const p of idle.blocks!) h.free(p);
    h.flush();
    const committed = h.stats().bytes.committed;
    const big = fill(h, 128 << 10);
    const s = h.stats();
    const cachedBytes = s.classes.reduce((a, c) => a + c.cached * c.size, 0);
    expect(cachedBytes).toBeLessThanOrEqual(1 << 20); // the cache cap
    // all but the spans the worker's cache pins and the large blocks' last pages
    expect(big.length * (128 << 10)).toBeGreaterThan(committed * 0.75);
    h.validate();
    for (const p of big) h.free(p);
    // the worker wakes: its next refill honours the collect request and gives its cache back
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    expect((await next()).type).toBe('woke');
    // every class's cache given back; 24-byte blocks since refilled
    expect(h.stats().classes.filter((c) => c.cached > 0).map((c) => c.size)).toEqual([24]);
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
    expect((await next()).type).toBe('done');
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    await h.close();
  });
});

describe('growth', () => {
  it('a growable heap grows up to its maximum, views follow, then alloc returns 0', () => {
    const h = createHeap({ size: 1 << 20, maxSize: 8 << 20, maxWorkers: 1 });
    const blocks = fill(h, 30_000);
    const s = h.stats();
    expect(s.growth.events).toBeGreaterThan(0);
    expect(h.buffer.byteLength).toBe(8 << 20);
    blocks.forEach((p, i) => expect(h.u8[p]).toBe(i & 0xff));
    expect(h.u8.length).toBe(h.buffer.byteLength);
    h.validate();
    for (const p of blocks) h.free(p);
    expect(h.stats().bytes.inUse).toBe(0);
  });
});
