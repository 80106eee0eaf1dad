/**
 * Large blocks: anything above the largest size class (or aligned beyond what a class gives) is a
 * run of whole pages straight from the arena, with the same 8-byte header (state LARGE, page count
 * in word 1) so `free(ptr)` needs no size. The block starts SPAN.AT bytes into its run: `largeLead`
 * (room for the header, keeping the block `align`-aligned), or further for an aligned block.
 */
import { LARGE_CLASS, NO_OWNER, PAGE_SIZE, SPAN } from './layout.js';
import type { Region } from './region.js';
import { freeRun, largeBlock, newRun, runPages } from './spans.js';
import { ST_FREEING, ST_LARGE, tag } from './tags.js';
import { HeapError, HeapErrorCode } from './errors.js';
import { fault } from './fault.js';

/** The header word 0 of a live large block. */
export const largeTag = (r: Region): number => tag(r.salt, ST_LARGE, 0, LARGE_CLASS);

/**
 * The most bytes before a large block aligned to `align` in its run: where `newRun` puts it is at
 * most this far from the run's first page (page-aligned: an alignment above a page costs up to
 * align - page bytes before the block).
 */
export function largeSlack(r: Region, align: number): number {
  const inPage = Math.min(align, PAGE_SIZE);
  return Math.max(0, align - PAGE_SIZE) + Math.ceil(r.largeLead / inPage) * inPage;
}

/** Pages a large block of `size` bytes aligned to `align` takes (its header and lead included). */
export function largePages(r: Region, size: number, align = 1): number {
  // size 0 too: the block's address must lie inside its run
  return Math.ceil((Math.max(size, 1) + largeSlack(r, align)) / PAGE_SIZE);
}

/**
 * The block, or 0 when no run of that many pages is free and the heap cannot grow. `align` (a
 * power of two): the block's address is a multiple of it (at least `r.align` whatever is asked).
 */
export function allocLarge(r: Region, size: number, slot: number, align = 1): number {
  const pages = largePages(r, size, align);
  const pg = newRun(r, pages, LARGE_CLASS, NO_OWNER, slot, r.hdr !== 0 ? largeTag(r) : 0, align);
  return pg < 0 ? 0 : largeBlock(r, pg);
}

/** Usable bytes of the large block of the run at page `pg`: to the end of its run. */
export function largeUsable(r: Region, pg: number): number {
  return runPages(r, pg) * PAGE_SIZE - r.i32[r.rec(pg) + SPAN.AT];
}

/**
 * The caller has checked that `p` is the start of a live large block. The header goes from LARGE
 * to FREEING(slot) by compareExchange: of two workers freeing the same block at once, one wins and
 * the other is told it is a double free; a worker that dies before its freeRun leaves FREEING(slot),
 * which its reclaim finishes (repair.ts).
 */
export function freeLarge(r: Region, p: number, slot: number): void {
  if (r.hdr !== 0) {
    const live = largeTag(r);
    if (Atomics.compareExchange(r.i32, (p >>> 2) - 2, live, tag(r.salt, ST_FREEING, slot, LARGE_CLASS)) !== live) {
      throw new HeapError(HeapErrorCode.DOUBLE_FREE, `double free of large block ${p}: another free of it came first`, p);
    }
  }
  fault('large.untagged');
  freeRun(r, r.headOf(r.pageOf(p)), slot); // an aligned block may start past its run's first page
}
