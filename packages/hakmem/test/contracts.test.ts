/**
 * Contracts A, B and C of the learning loop, on a real heap (DESIGN.md): the queue never blocks,
 * the policy's scope is limited, memory ownership is clear. Contract D is the boundary check.
 */
import { execFileSync } from 'node:child_process';
import { ringCounters } from '@hakmem/pool-diagnostics';
import { Region } from '@hakmem/arena';
import { describe, expect, it } from 'vitest';
// the built package: the learner's Worker script is dist/learner/learner-worker.js (from src/ there
// is none, and the learner would run inline)
import { createHeap, type Heap } from '../dist/index.js';

type Internals = { core: { r: { i32: Int32Array; layout: { base: number; data: number; extraAt: number[]; extraWords: number[] }; extraW(k: number): number; buffer: SharedArrayBuffer }; learner: { stop(): Promise<void>; worker: { terminate(): unknown } | null } | null; engine: { counts: Int32Array; refillsOf(cls: number): number; last: { count: number } } } };
const inside = (h: Heap) => (h as unknown as Internals).core;
const refills = (h: Heap) => inside(h).engine.counts.reduce((a: number, _, cls) => a + inside(h).engine.refillsOf(cls), 0);

/** Force `n` refills of one class: a refill count of 1 and n live blocks. */
function refillMany(h: Heap, n: number, size = 48): number[] {
  const ps: number[] = [];
  for (let i = 0; i < n; i++) ps.push(h.alloc(size));
  return ps;
}

describe('Contract A: the queue never blocks', () => {
  it('with the consumer stopped, a full ring drops events, counts every drop exactly, and allocation goes on', async () => {
    const h = createHeap({ size: 32 << 20, learning: { ringCapacity: 16 }, refillCounts: Array(47).fill(1) });
    await inside(h).learner!.stop();
    const before = refills(h);
    const ps = refillMany(h, 5000);
    const ring = ringCounters(inside(h).r.i32, inside(h).r.extraW(0));
    const made = refills(h) - before;
    expect(made).toBeGreaterThanOrEqual(5000);
    expect(ring.pushed).toBe(16); // the ring filled, nobody consumed
    const w = h.stats().worker;
    expect(w.events).toBeGreaterThan(made / 64); // a hot class reports one refill in 32
    expect(ring.pushed + ring.dropped).toBe(w.events); // every event was pushed or counted dropped
    expect(w.dropped).toBe(ring.dropped);
    expect(ring.dropRate).toBeCloseTo((w.events - 16) / w.events, 12);
    for (const p of ps) h.free(p);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });
});

describe('Contract B: the policy scope is limited', () => {
  it('a policy written mid-run is used at the next refill, and not before', async () => {
    const h = createHeap({ size: 16 << 20, learning: { ringCapacity: 1024 } });
    await inside(h).learner!.stop(); // we play the learner
    const c = inside(h);
    const policy = c.r.extraW(1);
    const cls = h.classOf(48);
    const a = h.alloc(48); // refill with the default count
    const first = c.engine.last.count;
    expect(first).toBe(64);
    Atomics.store(c.r.i32, policy + cls, 7); // the learner's one write
    for (let i = 0; i < first - 1; i++) h.alloc(48); // served from the cache: no refill reads it yet
    expect(c.engine.refillsOf(cls)).toBe(1);
    h.alloc(48); // the next refill
    expect(c.engine.refillsOf(cls)).toBe(2);
    expect(c.engine.last.count).toBe(7);
    expect(h.cached(cls)).toBe(6);
    expect(h.boundOf(cls)).toBe(28); // the cache's bound follows the count
    expect(a).not.toBe(0);
  });

  it('killing the learner mid-run leaves the heap working on the last policy, validate() passing', async () => {
    const h = createHeap({ size: 32 << 20 });
    const c = inside(h);
    expect(c.learner!.worker).not.toBeNull();
    for (let round = 0; round < 5; round++) for (const p of refillMany(h, 20_000, 64)) h.free(p);
    await new Promise((r) => setTimeout(r, 50));
    const policyBefore = Array.from(c.r.i32.subarray(c.r.extraW(1), c.r.extraW(1) + 47));
    await c.learner!.worker!.terminate();
    for (let round = 0; round < 5; round++) for (const p of refillMany(h, 20_000, 64)) h.free(p);
    expect(Array.from(c.r.i32.subarray(c.r.extraW(1), c.r.extraW(1) + 47))).toEqual(policyBefore);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
    await h.close(); // stopping a learner that is already gone returns
  });
});

describe('Contract C: memory ownership is clear', () => {
  it('the ring lives inside the shared buffer, in the metadata, and never changes size or place', () => {
    const h = createHeap({ size: 1 << 20, maxSize: 32 << 20 });
    const l = inside(h).r.layout;
    const at = l.extraAt[0];
    const words = l.extraWords[0];
    expect(at).toBeGreaterThanOrEqual(l.base);
    expect(at + 4 * words).toBeLessThanOrEqual(l.data);
    const cap = inside(h).r.i32[(at >>> 2)];
    const ps = refillMany(h, 20_000, 1000); // grows the heap
    expect(h.stats().growth.events).toBeGreaterThan(0);
    // the layout as the buffer records it after the growth (what a worker attaching now reads),
    // not the object this thread computed at creation
    const l2 = Region.attach(inside(h).r.buffer, h.byteOffset).layout;
    expect(l2).not.toBe(l);
    expect([l2.extraAt[0], l2.extraWords[0], inside(h).r.i32[at >>> 2]]).toEqual([at, words, cap]);
    expect(l2.data).toBe(l.data); // and the metadata in front of the data did not move either
    for (const p of ps) h.free(p);
  });

  it('the producer path creates no JavaScript object: millions of events, and after a forced GC the JS heap did not grow', () => {
    const script = new URL('./workers/producer-gc.mjs', import.meta.url);
    const out = execFileSync(process.execPath, ['--expose-gc', script.pathname], { encoding: 'utf8', cwd: new URL('.', import.meta.url).pathname });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.events1).toBeGreaterThanOrEqual(1_000_000);
    expect(r.events2).toBeGreaterThanOrEqual(4 * r.events1);
    // 5x the work (~4-5x the events) must not cost more heap: growth stays under 256 KiB whatever the count
    expect(r.growth2 - r.growth1).toBeLessThan(256 << 10);
    expect(r.growth2).toBeLessThan(512 << 10);
  });
});
