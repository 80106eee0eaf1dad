/**
 * The arena's answers to a worker that dies (or only looks dead) at a bad moment, each in one
 * thread by leaving the words as the dying worker would have left them (issue 11, items 1-4, 6,
 * 7, 9, 10). The same deaths with real Workers and named fault points: packages/hakmem/test/faults.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { observerId, OBSERVER_BASE, resumeTheWorld, stopTheWorld } from '../src/cold.js';
import { HeapErrorCode } from '../src/errors.js';
import { allocLarge, freeLarge } from '../src/large.js';
import { CTRL, LARGE_CLASS, NO_OWNER, SLOT, SLOT_FENCED, SLOT_FREE, SPAN } from '../src/layout.js';
import { lockArena, lockHolder, unlockArena } from '../src/lock.js';
import type { Region } from '../src/region.js';
import { claimPages } from '../src/pages.js';
import { detachSlot, reclaimSlot } from '../src/reclaim.js';
import { fenceSlot, markDead, slotState, slotWord } from '../src/slots.js';
import { freeRun, newRun } from '../src/spans.js';
import { ST_FREEING, tag, tagState } from '../src/tags.js';
import { validateRegion } from '../src/validate.js';
import { backend, give, region, take } from './helpers.js';

/** Take and release the arena lock as slot `me` in a Worker (on the built package); 'timeout' after 10 s. */
function lockInAnotherThread(r: Region, me: number): Promise<string> {
  const src = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.entry).then(({ Region, lockArena, unlockArena }) => {
      const r = Region.attach(workerData.buffer, workerData.base);
      lockArena(r, workerData.me);
      unlockArena(r);
      parentPort.postMessage('locked and released');
    });`;
  const entry = new URL('../dist/index.js', import.meta.url).href;
  const w = new Worker(src, { eval: true, workerData: { entry, buffer: r.buffer, base: r.layout.base, me } });
  return new Promise<string>((done) => {
    const t = setTimeout(() => done('timeout'), 10_000);
    w.once('message', (m) => {
      clearTimeout(t);
      done(String(m));
    });
    w.once('error', (e) => done(String(e)));
  }).finally(() => w.terminate());
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('the arena lock survives its holder', () => {
  it('names its holder in the one word it takes (no moment held with nobody named)', () => {
    const r = region(2 << 20, { slots: 3 });
    lockArena(r, 2);
    expect(lockHolder(r)).toBe(2);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.ARENA_LOCK)).toBe(3);
    unlockArena(r);
    expect(lockHolder(r)).toBe(-1);
  });

  it('a waiter takes over the lock of a dead holder cut short mid-claim, and the arena is whole again', async () => {
    const r = region(4 << 20, { slots: 3 });
    const dead = backend(r, 2);
    take(dead, 3, 10);
    // slot 2 died inside newRun: lock held, pages claimed in the bitmap, no run records
    Atomics.store(r.i32, r.ctrl + CTRL.ARENA_LOCK, 3);
    const claimed = claimPages(r, r.spanPages[4]);
    expect(() => validateRegion(r, { slots: [] })).toThrow(/bitmap|page|counter/);
    markDead(r, 2);
    // another thread needs the lock: it must not wait for ever (a hang fails here, in bounded time)
    expect(await lockInAnotherThread(r, 1)).toBe('locked and released');
    // and the dead claim's pages are not lost
    const live = backend(r, 1);
    const pg = newRun(r, r.spanPages[4], 4, 1, 1);
    expect(pg).toBe(claimed); // the cut-short claim was dropped and its pages are free again
    expect(lockHolder(r)).toBe(-1);
    expect(() => validateRegion(r, { slots: [1] })).not.toThrow();
    freeRun(r, pg, 1);
    expect(take(live, 2, 5)).toHaveLength(5);
  });

  it('a fenced holder (maybe still running) is not taken over; a stopper waits for a fenced slot inside a cold path', () => {
    const r = region(2 << 20, { slots: 3 });
    backend(r, 2);
    fenceSlot(r, 2);
    Atomics.store(r.i32, slotWord(r, 2, SLOT.COLD), 1);
    expect(code(() => stopTheWorld(r, 0, 50))).toBe(HeapErrorCode.BUSY);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(0);
  });
});

describe('large blocks freed once, even by two at once or by one that dies', () => {
  it.each([1, 4096, 16384])('of two frees of one large block (aligned to %i), the second is a double free and changes nothing', (align) => {
    const r = region(4 << 20, { slots: 3 });
    backend(r, 1);
    allocLarge(r, 9000, 1); // 3 pages: the next run starts on an odd page
    const p = allocLarge(r, 100_000, 1, align);
    expect(p % Math.max(align, 16)).toBe(0);
    const used = Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES);
    // slot 1 is between its claim of the block and its release of the pages
    r.i32[(p >>> 2) - 2] = tag(r.salt, ST_FREEING, 1, LARGE_CLASS);
    expect(code(() => freeLarge(r, p, 2))).toBe(HeapErrorCode.DOUBLE_FREE);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(used);
    // ... and dies there: its reclaim finishes the free
    markDead(r, 1);
    reclaimSlot(r, 0, 1);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(3); // the first block's
    expect(validateRegion(r)).toMatchObject({ largeRuns: 1 });
  });

  it('a large block is complete (header and page count) as soon as its run exists', () => {
    const r = region(4 << 20, { slots: 2 });
    backend(r, 0);
    const p = allocLarge(r, 50_000, 0);
    const pg = r.headOf(r.pageOf(p));
    expect(r.i32[(p >>> 2) - 1]).toBe(Atomics.load(r.i32, r.rec(pg) + SPAN.INFO) >>> 8);
    freeLarge(r, p, 0);
    expect(tagState(r.i32[(p >>> 2) - 2])).toBe(ST_FREEING);
    expect(validateRegion(r)).toMatchObject({ largeRuns: 0 });
  });
});

describe('adoption checks what it adopts, under the lock', () => {
  it('a late adopt of a span that became a large block leaves the large block alone', () => {
    const r = region(4 << 20, { slots: 4 });
    const dead = backend(r, 1);
    const got = take(dead, 4, 3);
    const span = r.headOf(r.pageOf(got[0]));
    markDead(r, 1);
    reclaimSlot(r, 0, 1); // its span (3 blocks in its cache: now back) is released, or abandoned
    const a = backend(r, 2);
    // whatever happened to the span, its pages are now a large block's
    if (r.headOf(span) >= 0) freeRun(r, span, 2);
    const big = allocLarge(r, r.spanPages[4] * 4096 - 8, 2);
    expect(r.headOf(r.pageOf(big))).toBe(span);
    const late = (a as unknown as { adopter: { adoptSpan(pg: number, cls: number): boolean } }).adopter.adoptSpan(span, 4);
    expect(late).toBe(false);
    expect(Atomics.load(r.i32, r.rec(span) + SPAN.OWNER)).toBe(NO_OWNER);
    expect(Atomics.load(r.i32, r.rec(span) + SPAN.INFO) & 0xff).toBe(LARGE_CLASS);
    expect(() => validateRegion(r, { slots: [] })).not.toThrow();
  });
});

describe('stops are never left held', () => {
  it('observers get ids of their own; one observer cannot release another one\'s stop', () => {
    const r = region(2 << 20, { slots: 2 });
    const a = observerId(r);
    const b = observerId(r);
    expect(a).not.toBe(b);
    expect(Math.min(a, b)).toBeGreaterThanOrEqual(OBSERVER_BASE);
    stopTheWorld(r, a);
    resumeTheWorld(r, b);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(a + 1);
    resumeTheWorld(r, a);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(0);
  });

  it('a stopper waits for an observer\'s stop no longer than its own limit; the lease runs on across such waits', () => {
    const r = region(2 << 20, { slots: 2 });
    const gone = observerId(r);
    stopTheWorld(r, gone); // a reader that died with the heap stopped
    expect(code(() => stopTheWorld(r, 0, 50))).toBe(HeapErrorCode.BUSY); // not held up for the whole lease
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(gone + 1);
    // short stops tried again and again (a watch()'s reclaim does so) take the stop over once the lease is up
    let tries = 1;
    while (code(() => stopTheWorld(r, 0, 250)) === HeapErrorCode.BUSY && tries < 100) tries++;
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW), `after ${tries} tries`).toBe(1);
    expect(tries).toBeGreaterThan(1);
    resumeTheWorld(r, 0);
  });

  it('a time limit that is no number of ms is refused before the stop is taken (NaN would never give up)', () => {
    const r = region(2 << 20, { slots: 2 });
    for (const bad of [Number.NaN, -1, '100', 10n]) {
      expect(code(() => stopTheWorld(r, 0, bad as number)), String(typeof bad)).toBe(HeapErrorCode.BAD_OPTION);
      expect(code(() => reclaimSlot(r, 0, 1, bad as number))).toBe(HeapErrorCode.BAD_OPTION);
    }
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(0);
  });

  it('a stop held by a dead slot is released by the next stopper', () => {
    const r = region(2 << 20, { slots: 3 });
    backend(r, 1);
    Atomics.store(r.i32, r.ctrl + CTRL.STW, 2); // slot 1 died inside a reclaim or detach
    markDead(r, 1);
    expect(() => stopTheWorld(r, 0, 500)).not.toThrow();
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(1);
    resumeTheWorld(r, 0);
  });

  it('detach hands its slot back only after the stop is released', () => {
    const r = region(2 << 20, { slots: 2 });
    const b = backend(r, 1);
    give(b, 2, take(b, 2, 4));
    detachSlot(b);
    expect(slotState(r, 1)).toBe(SLOT_FREE);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.STW)).toBe(0);
  });
});

describe('a fenced slot', () => {
  it('refuses its cold paths with HAKMEM_RECLAIMED and touches nothing', () => {
    const r = region(2 << 20, { slots: 2 });
    const b = backend(r, 1);
    const before = Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES);
    expect(fenceSlot(r, 1)).toBe(true);
    expect(slotState(r, 1)).toBe(SLOT_FENCED);
    expect(code(() => take(b, 3, 4))).toBe(HeapErrorCode.RECLAIMED);
    expect(code(() => b.allocLarge(100_000))).toBe(HeapErrorCode.RECLAIMED);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(before);
    expect(Atomics.load(r.i32, slotWord(r, 1, SLOT.COLD))).toBe(0);
  });
});
