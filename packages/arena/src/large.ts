/**
 * Large blocks: anything above the largest size class is a run of whole pages straight from the
 * arena, with the same 8-byte header (state LARGE, page count in word 1) so `free(ptr)` needs no size.
 */
import { LARGE_CLASS, NO_OWNER, PAGE_SIZE } from './layout.js';
import type { Region } from './region.js';
import { freeRun, newRun } from './spans.js';
import { ST_FREEING, ST_LARGE, tag } from './tags.js';
import { HeapError, HeapErrorCode } from './errors.js';
import { fault } from './fault.js';

export const largeTag = (r: Region): number => tag(r.salt, ST_LARGE, 0, LARGE_CLASS);

/** Pages a large block of `size` bytes takes (its header included). */
export function largePages(r: Region, size: number): number {
  return Math.ceil((size + r.hdr) / PAGE_SIZE);
}

/** The block, or 0 when no run of that many pages is free and the heap cannot grow. */
export function allocLarge(r: Region, size: number, me: number): number {
  const pages = largePages(r, size);
  const pg = newRun(r, pages, LARGE_CLASS, NO_OWNER, me, r.hdr !== 0 ? largeTag(r) : 0);
  return pg < 0 ? 0 : r.pageAddr(pg) + r.hdr;
}

/**
 * The caller has checked that `p` is the start of a live large block. The header goes from LARGE
 * to FREEING(me) by compareExchange: of two workers freeing the same block at once, one wins and
 * the other is told it is a double free; a worker that dies before its freeRun leaves FREEING(me),
 * which its reclaim finishes (repair.ts).
 */
export function freeLarge(r: Region, p: number, me: number): void {
  if (r.hdr !== 0) {
    const live = largeTag(r);
    if (Atomics.compareExchange(r.i32, (p >>> 2) - 2, live, tag(r.salt, ST_FREEING, me, LARGE_CLASS)) !== live) {
      throw new HeapError(HeapErrorCode.DOUBLE_FREE, `double free of large block ${p}: another free of it came first`, p);
    }
  }
  fault('large.untagged');
  freeRun(r, r.pageOf(p), me);
}
