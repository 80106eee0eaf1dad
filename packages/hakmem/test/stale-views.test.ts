/**
 * Issue 11, item 8: a reclaim, detach or trim by a thread whose views predate another worker's
 * growth of the buffer works on the grown buffer (views are synced when the heap is stopped and
 * at every cold-path entry).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createHeap } from '../src/index.js';

describe('views after another worker grew the heap', () => {
  it('the creator reclaims a dead worker that grew the heap: everything comes back, the heap validates', async () => {
    const h = createHeap({ size: 1 << 20, maxSize: 32 << 20, learning: false, maxWorkers: 2 });
    const seen = h.core.r.i32.length;
    const w = h.watch(new Worker(new URL('./workers/grow-and-die.mjs', import.meta.url), { workerData: { handle: h.handle, until: 8 << 20 } }));
    const m = await new Promise<{ allocated: number }>((ok) => w.once('message', ok));
    await new Promise((ok) => w.once('exit', ok));
    await new Promise((ok) => setTimeout(ok, 20)); // watch's reclaim runs from the exit event
    expect(h.reclaimErrors).toEqual([]);
    expect(h.reclaimed).toHaveLength(1);
    expect(seen).toBeLessThan(h.core.r.i32.length); // the creator's views were stale before the reclaim
    // the worker's cache and pending frees came back; what its code held stays allocated
    expect(h.validate().blocksLive).toBe(m.allocated - Math.ceil(m.allocated / 2));
    await h.close();
  });
});
