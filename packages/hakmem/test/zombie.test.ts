/**
 * Issue 11, item 7 in Node: a worker declared terminated that keeps running (browsers keep a busy
 * terminated Worker running for ~2 s). reclaimTerminated fences it at once and takes its slot back
 * only once it has gone quiet; meanwhile nothing is handed out twice. And an attach that finds a
 * slot written after its reclaim takes it back instead of failing with the slot left attached.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SLOT, SLOT_FENCED, slotHead, slotState, slotWord, tag, ST_CACHE } from '@hakmem/arena';
import { attachHeap, createHeap } from '../src/index.js';

describe('a terminated worker that keeps running', () => {
  it('is fenced at once and reclaimed once quiet; nothing handed out twice, the heap validates', async () => {
    const h = createHeap({ size: 16 << 20, learning: false, maxWorkers: 2 });
    const bits = new SharedArrayBuffer(((16 << 20) >>> 3) >>> 3);
    const taken = new Int32Array(bits);
    const w = new Worker(new URL('./workers/zombie.mjs', import.meta.url), { workerData: { handle: h.handle, bits, ms: 1200, id: 7 } });
    const attached = await new Promise<{ slot: number }>((ok) => w.once('message', ok));
    const done = new Promise<{ fenced: number; held: number }>((ok) => w.once('message', ok));
    const exited = new Promise((ok) => w.once('exit', ok));
    // "terminate()" that does not stop it: declare it terminated right away
    const reclaimed = h.reclaimTerminated(attached.slot, { quietMs: 300 });
    expect(slotState(h.core.r, attached.slot)).toBe(SLOT_FENCED);
    // the main thread allocates and frees meanwhile, with the same stamps and bitmap
    const mine: number[] = [];
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      for (let k = 0; k < 2000; k++) {
        if (mine.length < 3000 && (k & 3) !== 0) {
          const p = h.alloc(16 + ((k * 37) % 3000));
          const bit = p >>> 3;
          if ((Atomics.or(taken, bit >>> 5, 1 << (bit & 31)) & (1 << (bit & 31))) !== 0) throw new Error(`block ${p} handed out twice`);
          h.i32[p >>> 2] = 1;
          mine.push(p);
        } else if (mine.length > 0) {
          const p = mine.pop()!;
          expect(h.i32[p >>> 2]).toBe(1);
          const bit = p >>> 3;
          Atomics.and(taken, bit >>> 5, ~(1 << (bit & 31)));
          h.free(p);
        }
      }
      await new Promise((ok) => setTimeout(ok, 1));
    }
    const z = await done;
    await exited;
    expect(z.fenced).toBeGreaterThan(0); // its cold paths refused once fenced
    const rep = await reclaimed;
    expect(rep).not.toBeNull();
    h.validate();
    for (const p of mine) h.free(p);
    // what is still in use is exactly what the zombie's own code still held
    expect(h.validate().blocksLive).toBe(z.held);
    await h.close();
  }, 30_000);
});

describe('attach over a slot written after its reclaim', () => {
  it('takes the slot back and attaches; the block in it is not lost; the slot is not left attached', async () => {
    const h = createHeap({ size: 4 << 20, learning: false, maxWorkers: 1 });
    const p = h.alloc(100);
    // a zombie of slot 1 pushed this block on its (reset) list after the reclaim
    const r = h.core.r;
    r.i32[(p >>> 2) - 2] = tag(r.salt, ST_CACHE, 1, r.i32[(p >>> 2) - 2] & 0xff);
    r.i32[(p >>> 2) - 1] = 0;
    r.i32[slotWord(r, 1, slotHead(r.i32[(p >>> 2) - 2] & 0xff))] = p;
    const a = attachHeap(h.handle);
    expect(a.slot).toBe(1);
    expect(Atomics.load(r.i32, slotWord(r, 1, SLOT.STATE))).toBe(1);
    a.detach();
    expect(h.validate()).toMatchObject({ blocksLive: 0 });
    await h.close();
  });
});
