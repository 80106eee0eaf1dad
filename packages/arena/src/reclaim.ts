/**
 * Giving a slot back. detachSlot: a worker leaving cleanly (its lists are whole). reclaimSlot: a
 * worker that died, possibly in the middle of a cold path. Both run with the heap stopped
 * (cold.ts), so no other worker is inside a refill, drain or arena operation meanwhile.
 *
 * A dead worker's state is rebuilt from the block tags, which say where each block is whatever
 * the dead worker's list words say: blocks tagged CACHE(its slot) were in its cache; REMOTE blocks that no inbox
 * reaches were in flight in its hands; its spans' free lists are rebuilt from their tags. Then its
 * spans are released (all blocks back) or abandoned (blocks still out: the next worker short of a
 * span of that class adopts them), and the page bitmap is rebuilt from the run records.
 */
import { abandonSpan } from './abandoned.js';
import type { SlotBackend } from './backend.js';
import { whileStopped } from './cold.js';
import { maxBlocks, Outbox } from './inbox.js';
import { inboxWord, LARGE_CLASS, NO_OWNER, NOT_LISTED, SLOT, SLOT_ATTACHED, SLOT_DEAD, SLOT_RECLAIMING, slotBound, slotHead, slotRoom, SPAN } from './layout.js';
import { lockArena, unlockArena } from './lock.js';
import { repairUnderLock } from './repair.js';
import type { Region } from './region.js';
import { cachedByWords, foldCounters, freeSlot, resetSlot, slotWord } from './slots.js';
import { blockAddr, freeRun } from './spans.js';
import { ST_CACHE, ST_REMOTE, ST_SPAN, tag, tagSlot, tagState } from './tags.js';
import { forEachRun } from './walk.js';
import { fault } from './fault.js';

/** What a reclaim recovered from a gone worker's slot: blocks back in use, spans released or abandoned, whether it died mid-update. */
export interface ReclaimReport {
  slot: number;
  /** the worker died inside a cold path (its list words may have been half written) */
  torn: boolean;
  /** blocks that were in its cache, inboxes or in flight, now back in use */
  blocks: number;
  spansReleased: number;
  spansAbandoned: number;
  /** headerless heaps cannot rebuild a torn state: blocks may be lost (counted as unknown) */
  exact: boolean;
}

/** A detach must happen: it waits out other stoppers (many workers leaving at once) this long. */
const DETACH_TIMEOUT_MS = 30_000;

/** A worker leaving cleanly; its cache must be empty (flushed) already. */
export function detachSlot(b: SlotBackend): void {
  const r = b.r;
  whileStopped(r, b.slot, () => {
    fault('detach.stopped');
    for (let cls = 0; cls < r.layout.numClasses; cls++) b.collectInbox(cls);
    disownSpans(r, b.slot, b.slot);
    foldCounters(r, b.slot, () => 0); // its cache was flushed (counted as drained)
    fault('detach.resetting');
    resetSlot(r, b.slot);
  }, DETACH_TIMEOUT_MS);
  // after the stop is released: a slot that holds STW is never one another worker can claim. Until
  // then it still names its thread (freeSlot unnames it): a death here leaves a slot watch() finds
  fault('detach.freeing');
  freeSlot(r, b.slot, SLOT_ATTACHED);
}

/**
 * Reclaim slot `dead` (marked DEAD) from thread `reclaimer` (a slot, or an observerId); null if it
 * is not dead. A reclaim cut short (its thread died) leaves `dead` RECLAIMING: with the heap
 * stopped nobody else is reclaiming, so the next reclaim takes it up again (every step below can
 * be run twice). HAKMEM_BUSY if the heap cannot be stopped within `stopMs`.
 */
export function reclaimSlot(r: Region, reclaimer: number, dead: number, stopMs?: number): ReclaimReport | null {
  const rep = whileStopped(r, reclaimer, () => {
    const stateW = slotWord(r, dead, SLOT.STATE);
    const st = Atomics.compareExchange(r.i32, stateW, SLOT_DEAD, SLOT_RECLAIMING);
    if (st !== SLOT_DEAD && st !== SLOT_RECLAIMING) return null;
    fault('reclaim.claimed');
    const torn = Atomics.load(r.i32, slotWord(r, dead, SLOT.COLD)) === 1;
    const rep: ReclaimReport = { slot: dead, torn, blocks: 0, spansReleased: 0, spansAbandoned: 0, exact: true };
    // a lock it held is taken over; runs, large frees and lists it left half done are repaired
    repairArena(r, reclaimer);
    const cached = snapshotCached(r, dead);
    if (r.hdr !== 0) rep.blocks = rebuildByTags(r, dead);
    else {
      rep.blocks = rebuildByLists(r, dead);
      rep.exact = !torn;
    }
    fault('reclaim.rebuilt');
    const d = disownSpans(r, dead, reclaimer);
    rep.spansReleased = d.released;
    rep.spansAbandoned = d.abandoned;
    // its counters join the heap's totals (what it held cached by its words: exact unless torn)
    foldCounters(r, dead, (cls) => cached[cls]);
    resetSlot(r, dead);
    return rep;
  }, stopMs);
  if (rep) freeSlot(r, dead, SLOT_RECLAIMING);
  return rep;
}

/** What slot `slot`'s lists held by its words, per class (read before its lists are rebuilt). */
function snapshotCached(r: Region, slot: number): Int32Array {
  const f = cachedByWords(r, slot);
  return Int32Array.from({ length: r.layout.numClasses }, (_, cls) => f(cls));
}

/** Take the arena lock (over from a gone holder) for `lockId` and repair what a cut-short critical section left. */
export function repairArena(r: Region, lockId: number): void {
  lockArena(r, lockId);
  repairUnderLock(r);
  unlockArena(r);
}

/** Calls `f` with each block of a list, as an unsigned pointer (they key sets of blockAddr's). */
function walk(r: Region, first: number, f: (p: number) => void): void {
  let n = maxBlocks(r);
  for (let p = first >>> 0; p !== 0 && n-- > 0; ) {
    const next = r.i32[(p >>> 2) + r.linkDelta] >>> 0;
    f(p);
    p = next;
  }
}

/** Headered heaps: every block's tag says where it is. Returns the blocks given back. */
function rebuildByTags(r: Region, dead: number): number {
  const i32 = r.i32;
  const l = r.layout;
  const nc = l.numClasses;
  const taken = new Set<number>(); // its inbox: its remote frees, now to be given back
  for (let cls = 0; cls < nc; cls++) walk(r, Atomics.exchange(i32, inboxWord(l, dead, cls), 0), (p) => taken.add(p));
  const kept = new Set<number>(); // blocks in every other inbox (the abandoned-span inbox too) stay where they are
  for (let owner = NO_OWNER; owner < l.numSlots; owner++) {
    if (owner === dead) continue;
    for (let cls = 0; cls < nc; cls++) walk(r, Atomics.load(i32, inboxWord(l, owner, cls)), (p) => kept.add(p));
  }
  const outbox = new Outbox(r);
  let given = 0;
  forEachRun(r, (run) => {
    if (run.cls === LARGE_CLASS) return;
    const { pg, cls, owner } = run;
    const mine = owner === dead;
    let free = 0;
    let nfree = 0;
    for (let k = 0; k < run.bump; k++) {
      const b = blockAddr(r, pg, cls, k);
      const t = i32[(b >>> 2) - 2];
      const st = tagState(t);
      const back =
        (st === ST_CACHE && tagSlot(t) === dead) || (st === ST_REMOTE && !kept.has(b)) || taken.has(b);
      if (back) given++;
      if (mine && (back || st === ST_SPAN)) {
        // the dead slot's span: its free list is rebuilt from scratch
        i32[(b >>> 2) - 2] = tag(r.salt, ST_SPAN, 0, cls);
        i32[(b >>> 2) - 1] = free;
        free = b;
        nfree++;
      } else if (back) {
        outbox.addRemote(owner, b, cls);
      }
    }
    if (mine) {
      const w = r.rec(pg);
      i32[w + SPAN.FREE] = free;
      i32[w + SPAN.NFREE] = nfree;
    }
    outbox.flushRemote(cls);
  });
  return given;
}

/** Headerless heaps: follow the dead worker's list words (exact unless it died mid-cold-path). */
function rebuildByLists(r: Region, dead: number): number {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const outbox = new Outbox(r);
  let given = 0;
  const back = (p: number, cls: number) => {
    given++;
    const pg = r.headOf(r.pageOf(p));
    const owner = Atomics.load(i32, r.rec(pg) + SPAN.OWNER);
    if (owner === dead) {
      const w = r.rec(pg);
      i32[(p >>> 2) + r.linkDelta] = i32[w + SPAN.FREE];
      i32[w + SPAN.FREE] = p;
      i32[w + SPAN.NFREE]++;
    } else outbox.addRemote(owner, p, cls);
  };
  const sw = slotWord(r, dead, 0);
  for (let cls = 0; cls < nc; cls++) {
    const n = i32[sw + slotBound(nc, cls)] - i32[sw + slotRoom(cls)];
    let k = 0;
    walk(r, i32[sw + slotHead(cls)], (p) => {
      if (k++ < n) back(p, cls);
    });
    walk(r, Atomics.exchange(i32, inboxWord(r.layout, dead, cls), 0), (p) => back(p, cls));
    outbox.flushRemote(cls);
  }
  return given;
}

/** Slot `slot`'s spans: released when every block is back, else abandoned (`lockId` takes the lock). */
function disownSpans(r: Region, slot: number, lockId: number): { released: number; abandoned: number } {
  const i32 = r.i32;
  const spans: Array<[number, number]> = [];
  forEachRun(r, (run) => {
    if (run.cls !== LARGE_CLASS && run.owner === slot) spans.push([run.pg, run.cls]);
  });
  let released = 0;
  for (const [pg, cls] of spans) {
    const w = r.rec(pg);
    i32[w + SPAN.NEXT] = -1;
    i32[w + SPAN.PREV] = NOT_LISTED;
    if (i32[w + SPAN.NFREE] === i32[w + SPAN.BUMP]) {
      freeRun(r, pg, lockId);
      released++;
    } else {
      abandonSpan(r, pg, cls, lockId);
    }
  }
  return { released, abandoned: spans.length - released };
}
