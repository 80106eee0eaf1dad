/**
 * Spans: a run of pages carved into blocks of one class and owned by one worker slot. The owner
 * alone touches a span's free list, counters and list links; other workers only read HEAD, INFO
 * and OWNER (with Atomics) to find where a block goes.
 */
import { LARGE_CLASS, NO_OWNER, NOT_LISTED, PAGE_SHIFT, SPAN } from './layout.js';
import { lockArena, unlockArena } from './lock.js';
import { claimPages, releasePages } from './pages.js';
import type { Region } from './region.js';
import { fault } from './fault.js';

/**
 * Claim pages for a run and write its records, under one hold of the arena lock (a run exists
 * whole or not at all: repair.ts relies on it); the run's first page, or -1. Large runs: the
 * block goes at the first `align`-aligned address from the run's start plus `r.largeLead`
 * (SPAN.AT records where), and `header` (headered heaps) is word 0 of its header, written with the
 * page count before the run becomes visible. `lockId` takes the lock (lock.ts).
 */
export function newRun(r: Region, pages: number, cls: number, owner: number, lockId: number, header = 0, align = 1): number {
  lockArena(r, lockId);
  const pg = claimPages(r, pages);
  if (pg >= 0) {
    fault('run.claimed');
    const i32 = r.i32;
    const w = r.rec(pg);
    Atomics.store(i32, w + SPAN.INFO, (pages << 8) | cls);
    Atomics.store(i32, w + SPAN.OWNER, owner);
    i32[w + SPAN.FREE] = 0;
    i32[w + SPAN.NFREE] = 0;
    i32[w + SPAN.BUMP] = 0;
    i32[w + SPAN.NEXT] = -1;
    i32[w + SPAN.PREV] = NOT_LISTED;
    if (cls === LARGE_CLASS) {
      const start = r.pageAddr(pg);
      const at = Math.ceil((start + r.largeLead) / align) * align - start;
      i32[w + SPAN.AT] = at;
      if (header !== 0) {
        const hw = ((start + at) >>> 2) - 2;
        i32[hw] = header;
        i32[hw + 1] = pages;
      }
    }
    // HEAD last, first page last: a page is "in a run" for readers only once its record is complete.
    for (let i = pages - 1; i >= 0; i--) Atomics.store(i32, r.rec(pg + i) + SPAN.HEAD, pg + 1);
  }
  unlockArena(r);
  return pg;
}

/** Clear a run's records and give its pages back, under one hold of the arena lock. */
export function freeRun(r: Region, pg: number, lockId: number): void {
  lockArena(r, lockId);
  const i32 = r.i32;
  const pages = runPages(r, pg);
  // first page first: a cut-short release leaves later pages that repair.ts sees as incomplete
  for (let i = 0; i < pages; i++) Atomics.store(i32, r.rec(pg + i) + SPAN.HEAD, 0);
  // A freed large run keeps INFO on its (now free) first page until the page is reused, so a
  // second free of it is told apart from a pointer that never was a block.
  if (runClass(r, pg) !== LARGE_CLASS) Atomics.store(i32, r.rec(pg) + SPAN.INFO, 0);
  Atomics.store(i32, r.rec(pg) + SPAN.OWNER, NO_OWNER);
  fault('run.cleared');
  releasePages(r, pg, pages);
  unlockArena(r);
}

export const runPages = (r: Region, pg: number): number => Atomics.load(r.i32, r.rec(pg) + SPAN.INFO) >>> 8;
export const runClass = (r: Region, pg: number): number => Atomics.load(r.i32, r.rec(pg) + SPAN.INFO) & 0xff;

/** address of block `i` of the span at page `pg` (the pointer handed to users) */
export function blockAddr(r: Region, pg: number, cls: number, i: number): number {
  return r.pageAddr(pg) + r.lead[cls] + i * r.stride[cls];
}

/** address of the block of the large run at page `pg` */
export function largeBlock(r: Region, pg: number): number {
  return r.pageAddr(pg) + r.i32[r.rec(pg) + SPAN.AT];
}

/** Span page of any pointer inside a used run (the caller has checked the range). */
export function spanOf(r: Region, p: number): number {
  return Atomics.load(r.i32, r.rec((p - r.data) >>> PAGE_SHIFT) + SPAN.HEAD) - 1;
}

// ---- lists of spans, doubly linked through NEXT/PREV (PREV NOT_LISTED: on no list) ----
// Two kinds: an owner's spans of a class with blocks to give (the head in its slot, owner only),
// and the abandoned spans of a class (the head in the abandoned region, under the arena lock). The
// head is stored with Atomics: a refill loads an abandoned list's head before taking the lock.

/** Put span `pg` first on the list whose head is word `headW`. */
export function listPush(r: Region, headW: number, pg: number): void {
  const i32 = r.i32;
  const w = r.rec(pg);
  const first = Atomics.load(i32, headW);
  i32[w + SPAN.NEXT] = first;
  i32[w + SPAN.PREV] = -1;
  if (first >= 0) i32[r.rec(first) + SPAN.PREV] = pg;
  Atomics.store(i32, headW, pg);
}

/** Take span `pg` off the list whose head is word `headW`; it is then marked not listed. */
export function listRemove(r: Region, headW: number, pg: number): void {
  const i32 = r.i32;
  const w = r.rec(pg);
  const next = i32[w + SPAN.NEXT];
  const prev = i32[w + SPAN.PREV];
  if (prev >= 0) i32[r.rec(prev) + SPAN.NEXT] = next;
  else Atomics.store(i32, headW, next);
  if (next >= 0) i32[r.rec(next) + SPAN.PREV] = prev;
  i32[w + SPAN.NEXT] = -1;
  i32[w + SPAN.PREV] = NOT_LISTED;
}

/** Whether span `pg` is on a list. */
export const isListed = (r: Region, pg: number): boolean => r.i32[r.rec(pg) + SPAN.PREV] !== NOT_LISTED;
