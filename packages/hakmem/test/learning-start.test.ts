/**
 * The default learner ('auto') starts only when there is something to learn: a program that never
 * yields to its event loop, or whose refills are rare, runs with no learner and its default counts
 * and bounds; refills worth learning from start it inline on the creator's event loop, where it
 * learns a burst workload; an inline learner that loses events to a full ring moves to a Worker.
 * Deadlines, never timings.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createHeap, type Heap } from '../src/index.js';

type Internals = { core: { r: { i32: Int32Array; extraW(k: number): number }; learner: { mode: string } | null } };
const inside = (h: Heap) => (h as unknown as Internals).core;
const policy = (h: Heap) => Array.from(inside(h).r.i32.subarray(inside(h).r.extraW(1), inside(h).r.extraW(1) + h.sizes.length));
const mode = (h: Heap) => h.stats().learning!.learner.mode;
const tick = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** A burst: `n` blocks of `size` allocated, then freed (refills, then drains). */
function burst(h: Heap, n: number, size = 64): void {
  const ps = new Int32Array(n);
  for (let i = 0; i < n; i++) ps[i] = h.alloc(size);
  for (let i = 0; i < n; i++) h.free(ps[i]);
}

describe('the default learner starts when there is something to learn', () => {
  it('a program that never yields: no learner runs, the policy table and the bounds stay the defaults', async () => {
    const h = createHeap({ size: 32 << 20 });
    const cls = h.classOf(64);
    const bound = h.boundOf(cls);
    for (let k = 0; k < 50; k++) burst(h, 20_000); // thousands of refills, all synchronous
    const s = h.stats().learning!;
    expect(s.ring.pushed + s.ring.dropped).toBeGreaterThan(64);
    expect([s.learner.mode, s.learner.heartbeat, s.learner.events, s.learner.cpuMs]).toEqual(['waiting', 0, 0, null]);
    expect(policy(h).every((n) => n === 0)).toBe(true);
    expect(h.boundOf(cls)).toBe(bound);
    await h.close();
  });

  it("createHeap sets no timer: the start trigger's is armed once the creator's synchronous code is done, and not after a close", async () => {
    const armed: number[] = [];
    const real = globalThis.setTimeout;
    const spy = ((fn: () => void, ms?: number) => {
      armed.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout;
    globalThis.setTimeout = spy;
    try {
      const h = createHeap({ size: 32 << 20 });
      expect(armed).toEqual([]); // a first setTimeout costs Node a third of a ms: not in createHeap
      await Promise.resolve();
      // the first check, CHECK_MS (trigger.ts) after createHeap
      expect(armed).toHaveLength(1);
      expect(armed[0]).toBeGreaterThan(40);
      expect(armed[0]).toBeLessThanOrEqual(50);
      await h.close();
      armed.length = 0;
      // 60 ms of work before the first yield: the first check is past due and runs at the yield
      // (not 50 ms later, nor a timer phase later); with no events in it the next is 100 ms away
      const busy = createHeap({ size: 32 << 20 });
      for (const t = performance.now(); performance.now() - t < 60; );
      await Promise.resolve();
      expect(armed).toEqual([100]);
      await busy.close();
      armed.length = 0;
      const closed = createHeap({ size: 32 << 20 });
      await closed.close();
      await Promise.resolve();
      expect(armed).toEqual([]);
    } finally {
      globalThis.setTimeout = real;
    }
  });

  it('rare refills: it keeps waiting while the event loop runs', async () => {
    const h = createHeap({ size: 32 << 20 });
    const ps = [16, 64, 256, 1024].map((s) => h.alloc(s)); // a refill each: nothing to learn from
    await tick(300);
    expect(mode(h)).toBe('waiting');
    expect(policy(h).every((n) => n === 0)).toBe(true);
    for (const p of ps) h.free(p);
    await h.close();
  });

  it('refills only of classes it cannot change (above 2 KiB): none is reported, and it keeps waiting; a small class then starts it', async () => {
    const h = createHeap({ size: 64 << 20 });
    const learns = h.stats().learning!.learner.classes.map((k) => k.learns);
    // above 2 KiB (up to where maxCachedBytes caps a cache) a class's range is one count: at most
    // the default (pool-refill's maxCount), at least it (hakmem's floor)
    const sizes = [3000, 4096, 6000, 8192];
    for (const size of sizes) expect(learns[h.classOf(size)], `${size} B`).toBe(false);
    expect(learns[h.classOf(64)]).toBe(true);
    const before = h.stats().learning!;
    let refills = 0;
    for (let rounds = 0; rounds < 40; rounds++) {
      for (const size of sizes) burst(h, 400, size);
      await tick(5);
      refills = h.stats().worker.refills.reduce((n, k) => n + k, 0);
    }
    const s = h.stats().learning!;
    expect(refills).toBeGreaterThan(1000);
    expect([s.ring.pushed + s.ring.dropped - (before.ring.pushed + before.ring.dropped), s.learner.mode]).toEqual([0, 'waiting']);
    for (let rounds = 0; mode(h) === 'waiting' && rounds < 400; rounds++) {
      burst(h, 5_000, 64);
      await tick(5);
    }
    expect(mode(h)).toBe('inline');
    h.validate();
    await h.close();
  });

  it('an attached worker reports only the classes the learner may change, as the creator does', async () => {
    const h = createHeap({ size: 64 << 20 });
    const w = new Worker(new URL('./workers/bursts.mjs', import.meta.url), { workerData: { handle: h.handle, sizes: [4096, 8192, 64], blocks: 400 } });
    const got = await new Promise<Record<number, { refills: number; events: number }>>((ok, fail) => {
      w.once('message', ok);
      w.once('error', fail);
    });
    await w.terminate();
    expect([got[4096].refills, got[8192].refills, got[64].refills].every((n) => n >= 20)).toBe(true);
    expect([got[4096].events, got[8192].events]).toEqual([0, 0]);
    expect(got[64].events).toBeGreaterThan(0);
    h.validate();
    await h.close();
  });

  it('refills worth learning from, the event loop free between bursts: inline, and it raises the burst class count', async () => {
    const h = createHeap({ size: 32 << 20 });
    const cls = h.classOf(64);
    const def = h.stats().learning!.learner.classes[cls].count || 64;
    let rounds = 0;
    while (policy(h)[cls] <= def && rounds++ < 400) {
      burst(h, 20_000);
      await tick(5);
    }
    expect(mode(h)).toBe('inline');
    expect(policy(h)[cls]).toBeGreaterThan(def);
    expect(inside(h).learner!.mode).toBe('inline');
    h.validate();
    await h.close();
  });

  it('an inline learner that loses events to a full ring (the owner yields too seldom) moves to a Worker', async () => {
    const h = createHeap({ size: 64 << 20, learning: { ringCapacity: 16 } });
    for (let rounds = 0; mode(h) === 'waiting' && rounds < 400; rounds++) {
      burst(h, 5_000, 64);
      await tick(5);
    }
    expect(mode(h)).toBe('inline');
    for (let rounds = 0; mode(h) === 'inline' && rounds < 40; rounds++) {
      for (const size of [16, 32, 48, 64, 96, 128, 256, 512]) burst(h, 20_000, size); // far more than 16 events between two yields
      await tick(5);
    }
    expect(['starting', 'worker']).toContain(mode(h));
    h.validate();
    await h.close();
  });
});
