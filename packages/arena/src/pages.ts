/**
 * The page allocator: a bitmap of 4 KiB pages (1 = in a run), first fit from a hint, growth of a
 * growable buffer or a WebAssembly memory when nothing fits. The caller holds the arena lock
 * (spans.ts: a run's pages and its records change together, under one hold of the lock).
 */
import { CTRL, PAGE_SIZE } from './layout.js';
import type { Region } from './region.js';
import { fault } from './fault.js';
import { growMemory } from './memory.js';

/** Claim `n` contiguous pages (lock held); the page index, or -1 when the heap is full and cannot grow. */
export function claimPages(r: Region, n: number): number {
  let pg = findRun(r, n);
  while (pg < 0 && grow(r, n)) pg = findRun(r, n);
  if (pg >= 0) {
    setBits(r, pg, n, true);
    fault('pages.claimed');
    Atomics.add(r.i32, r.ctrl + CTRL.USED_PAGES, n);
  }
  // views over the grown buffer before the caller writes into the new pages
  r.sync();
  return pg;
}

/** Give `n` pages from `pg` back (lock held). */
export function releasePages(r: Region, pg: number, n: number): void {
  setBits(r, pg, n, false);
  Atomics.sub(r.i32, r.ctrl + CTRL.USED_PAGES, n);
  if (pg < Atomics.load(r.i32, r.ctrl + CTRL.PAGE_HINT)) Atomics.store(r.i32, r.ctrl + CTRL.PAGE_HINT, pg);
}

export function pageInUse(r: Region, pg: number): boolean {
  return ((Atomics.load(r.i32, r.bitmapW + (pg >>> 5)) >>> (pg & 31)) & 1) === 1;
}

/** Trailing zeros of a nonzero 32-bit word. */
const ctz = (x: number): number => 31 - Math.clz32(x & -x);

/**
 * First fit at or after the hint; keeps the hint at the lowest page that may be free. It steps a
 * run of free or used pages at a time (trailing-zero counts on the bitmap word), not a page: the
 * holes that long-lived blocks leave below the hint are crossed by every new span (BENCHMARKS.md).
 */
function findRun(r: Region, n: number): number {
  const i32 = r.i32;
  const bw = r.bitmapW;
  const hintW = r.ctrl + CTRL.PAGE_HINT;
  const hint = Atomics.load(i32, hintW);
  const end = r.committedPages();
  let firstFree = -1;
  let run = 0;
  let start = 0;
  for (let pg = hint; pg < end; ) {
    const bit = pg & 31;
    const w = Atomics.load(i32, bw + (pg >>> 5)) >>> bit; // this page in bit 0, zeros above the word
    const room = Math.min(32 - bit, end - pg);
    if ((w & 1) === 0) {
      const k = Math.min(w === 0 ? 32 - bit : ctz(w), room); // free pages from pg in this word
      if (firstFree < 0) firstFree = pg;
      if (run === 0) start = pg;
      run += k;
      pg += k;
      if (run >= n) {
        Atomics.store(i32, hintW, start === firstFree ? start + n : firstFree);
        return start;
      }
    } else {
      run = 0;
      const used = ~w; // 0 when every page of the word from pg on is used (w is unsigned here)
      pg += Math.min(used === 0 ? 32 - bit : ctz(used), room); // used pages from pg in this word
    }
  }
  if (firstFree >= 0) Atomics.store(i32, hintW, firstFree);
  else Atomics.store(i32, hintW, end);
  return -1;
}

function setBits(r: Region, pg: number, n: number, on: boolean): void {
  const i32 = r.i32;
  for (let p = pg; p < pg + n; ) {
    const bit = p & 31;
    const take = Math.min(32 - bit, pg + n - p);
    const mask = take === 32 ? -1 : ((1 << take) - 1) << bit;
    if (on) Atomics.or(i32, r.bitmapW + (p >>> 5), mask);
    else Atomics.and(i32, r.bitmapW + (p >>> 5), ~mask);
    p += take;
  }
}

/**
 * Grow the heap (under the arena lock) so that `n` more pages can fit; false if it cannot. A
 * growable buffer grows in place; a memory gets `memory.grow` (a new buffer, which every thread
 * takes at its next refresh). The new pages count once COMMITTED_PAGES is stored: a grower that
 * dies before leaves a buffer or memory longer than the heap, which the next grower uses as it is.
 */
function grow(r: Region, n: number): boolean {
  const committed = r.committedPages();
  const maxPages = r.layout.maxPages;
  if (!r.growable || committed >= maxPages) return false;
  let want = Math.min(maxPages, Math.max(committed * 2, committed + n));
  if (r.memory !== null) {
    // doubling may ask more than the engine gives: then just what is needed
    if (!growMemory(r.memory, r.data + want * PAGE_SIZE)) {
      want = committed + n;
      if (want > maxPages || !growMemory(r.memory, r.data + want * PAGE_SIZE)) return false;
    }
    fault('grow.memory-grown');
  } else {
    const buf = r.buffer;
    const bytes = r.data + want * PAGE_SIZE;
    if (bytes > buf.maxByteLength) return false;
    if (bytes > buf.byteLength) buf.grow(bytes);
    fault('pages.grown');
  }
  Atomics.store(r.i32, r.ctrl + CTRL.COMMITTED_PAGES, want);
  Atomics.add(r.i32, r.ctrl + CTRL.GROW_COUNT, 1);
  Atomics.add(r.i32, r.ctrl + CTRL.GROW_GEN, 1);
  return true;
}
