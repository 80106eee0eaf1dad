/**
 * A worker that attaches while another thread holds the heap stopped: the stop did not wait for
 * its slot (it was free then), so the new worker must wait the stop out before any block moves,
 * or the stopper's walk (validate, stats, a reclaim) reads its lists while they change.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CTRL, observerId, resumeTheWorld, SLOT_ATTACHED, slotsIn, stopTheWorld, validateRegion } from '@hakmem/arena';
import { createHeap } from '../src/index.js';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('attaching while the heap is stopped', () => {
  it('the new worker moves no block until the stop ends', async () => {
    const h = createHeap({ size: 8 << 20, learning: false, maxWorkers: 2 });
    const r = h.core.r;
    const block = h.alloc(48);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const me = observerId(r);
    stopTheWorld(r, me);
    const w = new Worker(new URL('./workers/attach-late.mjs', import.meta.url), { workerData: { handle: h.handle, flag: flag.buffer, block } });
    try {
      await new Promise((ok) => w.once('message', ok)); // 'attaching'
      // the walk a stopper makes, again and again while the worker attaches: its lists hold still
      for (let k = 0; k < 30; k++) {
        await sleep(10);
        expect(flag[0], 'the worker freed a block while the heap was stopped').toBe(0);
        // as validate() does: every cache list but those of slots attached when the walk starts
        const busy = new Set(slotsIn(r, SLOT_ATTACHED).filter((s) => s !== h.slot));
        validateRegion(r, { slots: [0, 1].filter((s) => !busy.has(s)) });
      }
    } finally {
      resumeTheWorld(r, me);
    }
    for (let k = 0; k < 500 && Atomics.load(flag, 0) !== 1; k++) await sleep(10);
    expect(flag[0]).toBe(1); // it went on once the stop ended
    Atomics.store(flag, 0, 2);
    await new Promise((ok) => w.once('message', ok));
    expect(h.validate().blocksLive).toBe(0);
    await w.terminate();
    await h.close();
  });

  it('a worker alone still stops the heap for its walks (another may attach in the middle of one)', async () => {
    const h = createHeap({ size: 8 << 20, learning: false, maxWorkers: 2 });
    const r = h.core.r;
    expect(h.attachedSlots()).toEqual([h.slot]);
    // what validate() and stats() run their walks in
    expect(h.whileStopped(() => Atomics.load(r.i32, r.ctrl + CTRL.STW))).toBe(h.slot + 1);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(0);
    await h.close();
  });
});
