/**
 * Large blocks: anything above the largest size class is a run of whole pages straight from the
 * arena, with the same 8-byte header (state LARGE, page count in word 1) so `free(ptr)` needs no size.
 */
import { LARGE_CLASS, NO_OWNER, PAGE_SIZE } from './layout.js';
import type { Region } from './region.js';
import { freeRun, newRun, runPages } from './spans.js';
import { ST_LARGE, tag } from './tags.js';
import { fault } from './fault.js';

export const largeTag = (r: Region): number => tag(r.salt, ST_LARGE, 0, LARGE_CLASS);

/** Pages a large block of `size` bytes takes (its header included). */
export function largePages(r: Region, size: number): number {
  return Math.ceil((size + r.hdr) / PAGE_SIZE);
}

/** The block, or 0 when no run of that many pages is free and the heap cannot grow. */
export function allocLarge(r: Region, size: number, me: number): number {
  const pages = largePages(r, size);
  const pg = newRun(r, pages, LARGE_CLASS, NO_OWNER, me);
  if (pg < 0) return 0;
  const p = r.pageAddr(pg) + r.hdr;
  if (r.hdr !== 0) {
    r.i32[(p >>> 2) - 2] = largeTag(r);
    r.i32[(p >>> 2) - 1] = pages;
  }
  return p;
}

/** The caller has checked that `p` is the start of a live large block. */
export function freeLarge(r: Region, p: number, me: number): void {
  // Clear the tag first: a second free of the same pointer then reads "not a live block".
  if (r.hdr !== 0) r.i32[(p >>> 2) - 2] = 0;
  fault('large.untagged');
  freeRun(r, r.pageOf(p), me);
}

export const largeUsable = (r: Region, pg: number): number => runPages(r, pg) * PAGE_SIZE - r.hdr;
