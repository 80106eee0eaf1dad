/** stats(): where the heap's bytes are, per class and in total. JSON-able numbers only. */
import { CTRL, inboxWord, LARGE_CLASS, metadataBytes, NO_OWNER, PAGE_SIZE, slotBound, slotRoom } from './layout.js';
import type { Region } from './region.js';
import { slotWord } from './slots.js';
import { forEachRun } from './walk.js';
import { maxBlocks } from './inbox.js';
import { largeUsable } from './large.js';

/** One size class in `stats()`: its spans, blocks in use and free, bytes. */
export interface ClassStats {
  cls: number;
  size: number;
  spans: number;
  /** blocks cut out of spans so far */
  carved: number;
  /** blocks in span free lists */
  inSpans: number;
  /** blocks in worker caches */
  cached: number;
  /** blocks handed out (carved, and neither cached, in a span list nor in an inbox) */
  inUse: number;
}

/** Where the heap's bytes are: committed, reserved, in use, free; per class; large blocks; growth. */
export interface RegionStats {
  bytes: {
    /** committed data bytes (pages the buffer holds now) */
    committed: number;
    /** bytes in runs (spans and large blocks) */
    reserved: number;
    /** usable bytes of blocks handed out */
    inUse: number;
    /** reserved minus in use: cached, in span free lists, not yet carved, span tails */
    free: number;
    /** bytes of pages in no run */
    unreserved: number;
    metadata: number;
    /** bytes the heap may grow to */
    max: number;
  };
  pages: { committed: number; used: number; max: number };
  large: { blocks: number; bytes: number };
  growth: { events: number };
  classes: ClassStats[];
}

/** Counts blocks in the given inbox words by walking them: call only while the heap is quiet. */
export function regionStats(r: Region, inboxBlocks: (cls: number) => number): RegionStats {
  r.sync();
  const i32 = r.i32;
  const l = r.layout;
  const nc = l.numClasses;
  const classes: ClassStats[] = Array.from({ length: nc }, (_, cls) => ({
    cls, size: r.sizes[cls], spans: 0, carved: 0, inSpans: 0, cached: 0, inUse: 0,
  }));
  let reservedPages = 0;
  let largeBlocks = 0;
  let largeBytes = 0;
  forEachRun(r, (run) => {
    reservedPages += run.pages;
    if (run.cls === LARGE_CLASS) {
      largeBlocks++;
      largeBytes += largeUsable(r, run.pg);
      return;
    }
    const c = classes[run.cls];
    c.spans++;
    c.carved += run.bump;
    c.inSpans += run.nfree;
  });
  let inUse = largeBytes;
  for (const c of classes) {
    for (let s = 0; s < l.numSlots; s++) {
      c.cached += Atomics.load(i32, slotWord(r, s, slotBound(nc, c.cls))) - Atomics.load(i32, slotWord(r, s, slotRoom(c.cls)));
    }
    c.inUse = c.carved - c.inSpans - c.cached - inboxBlocks(c.cls);
    inUse += c.inUse * c.size;
  }
  const committed = r.committedPages();
  return {
    bytes: {
      committed: committed * PAGE_SIZE,
      reserved: reservedPages * PAGE_SIZE,
      inUse,
      free: reservedPages * PAGE_SIZE - inUse,
      unreserved: (committed - reservedPages) * PAGE_SIZE,
      metadata: metadataBytes(l),
      max: l.maxPages * PAGE_SIZE,
    },
    pages: { committed, used: reservedPages, max: l.maxPages },
    large: { blocks: largeBlocks, bytes: largeBytes },
    growth: { events: Atomics.load(i32, r.ctrl + CTRL.GROW_COUNT) },
    classes,
  };
}

/** Blocks of class `cls` waiting in inboxes (walks the lists: the heap must be quiet). */
export function inboxBlocks(r: Region, cls: number): number {
  const i32 = r.i32;
  const l = r.layout;
  let n = 0;
  for (let owner = NO_OWNER; owner < l.numSlots; owner++) {
    const w = inboxWord(l, owner, cls);
    const max = maxBlocks(r);
    for (let p = Atomics.load(i32, w), k = 0; p !== 0 && k < max; p = i32[(p >>> 2) + r.linkDelta], k++) n++;
  }
  return n;
}
