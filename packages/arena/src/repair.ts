/**
 * Making the arena's lock-guarded state whole again after its holder died inside a critical
 * section (the robust lock's "owner died" case), or before a reclaim. The caller holds the arena
 * lock; other workers may be running everything that does not take it (their caches, their own
 * spans, inbox pushes), so only lock-guarded words are written here:
 * - run records: a run is written under the lock, its first page's HEAD last (newRun) and cleared
 *   first (freeRun), so a page whose run is not complete belonged to a cut-short claim or release
 *   and is dropped;
 * - a large block whose free was cut short (its header says FREEING by a slot that is gone)
 *   is freed;
 * - the page bitmap, the used-page count and the page hint follow the records;
 * - the abandoned-span lists are relinked from the records (every small span without owner).
 * A death between `buffer.grow()` (or `memory.grow()`) and the committed-page store leaves only
 * unused bytes: the buffer or memory is longer than the heap, and the next grower commits them.
 */
import { abandonedListWord, CTRL, LARGE_CLASS, NO_OWNER, SPAN } from './layout.js';
import type { Region } from './region.js';
import { slotIsGone } from './slots.js';
import { forEachRun } from './walk.js';
import { ST_FREEING, tagSlot, tagState } from './tags.js';

export function repairUnderLock(r: Region): void {
  r.sync();
  dropIncompleteRuns(r);
  finishCutShortFrees(r);
  rebuildPageMap(r);
  relinkAbandoned(r);
}

function dropIncompleteRuns(r: Region): void {
  const i32 = r.i32;
  const end = r.committedPages();
  for (let pg = 0; pg < end; pg++) {
    const hw = r.rec(pg) + SPAN.HEAD;
    const h = Atomics.load(i32, hw) - 1;
    if (h < 0) continue;
    const ok = h <= pg && Atomics.load(i32, r.rec(h) + SPAN.HEAD) === h + 1 && pg < h + (Atomics.load(i32, r.rec(h) + SPAN.INFO) >>> 8);
    if (!ok) Atomics.store(i32, hw, 0);
  }
}

function finishCutShortFrees(r: Region): void {
  if (r.hdr === 0) return;
  forEachRun(r, ({ pg, pages, cls }) => {
    if (cls !== LARGE_CLASS) return;
    // the block's address (spans.ts largeBlock; not imported: spans.ts needs the lock, which needs this file)
    const t = r.i32[((r.pageAddr(pg) + r.i32[r.rec(pg) + SPAN.AT]) >>> 2) - 2];
    if (tagState(t) === ST_FREEING && slotIsGone(r, tagSlot(t))) clearRun(r, pg, pages);
  });
}

/** Clear a run's records (the caller holds the lock); the page map is rebuilt after. */
function clearRun(r: Region, pg: number, pages: number): void {
  const i32 = r.i32;
  for (let i = 0; i < pages; i++) Atomics.store(i32, r.rec(pg + i) + SPAN.HEAD, 0);
  Atomics.store(i32, r.rec(pg) + SPAN.OWNER, NO_OWNER);
}

function rebuildPageMap(r: Region): void {
  const i32 = r.i32;
  const end = r.committedPages();
  let used = 0;
  let hint = -1;
  for (let wi = 0; wi * 32 < r.layout.maxPages; wi++) {
    let bits = 0;
    for (let k = 0; k < 32; k++) {
      const pg = wi * 32 + k;
      if (pg >= end) break;
      if (Atomics.load(i32, r.rec(pg) + SPAN.HEAD) !== 0) {
        bits |= 1 << k;
        used++;
      } else if (hint < 0) hint = pg;
    }
    Atomics.store(i32, r.bitmapW + wi, bits);
  }
  Atomics.store(i32, r.ctrl + CTRL.USED_PAGES, used);
  Atomics.store(i32, r.ctrl + CTRL.PAGE_HINT, hint < 0 ? end : hint);
}

function relinkAbandoned(r: Region): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const tail = new Int32Array(nc).fill(-1);
  for (let cls = 0; cls < nc; cls++) Atomics.store(i32, abandonedListWord(r.layout, cls), -1);
  forEachRun(r, ({ pg, cls, owner }) => {
    if (cls === LARGE_CLASS || owner !== NO_OWNER) return;
    const w = r.rec(pg);
    const last = tail[cls];
    i32[w + SPAN.PREV] = last;
    i32[w + SPAN.NEXT] = -1;
    if (last >= 0) i32[r.rec(last) + SPAN.NEXT] = pg;
    else Atomics.store(i32, abandonedListWord(r.layout, cls), pg);
    tail[cls] = pg;
  });
}
