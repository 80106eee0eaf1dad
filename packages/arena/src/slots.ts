/**
 * Worker slots: claiming one (FREE -> ATTACHED), marking one dead (ATTACHED -> DEAD, by whoever
 * saw its thread exit) and handing it back (-> FREE, after detach or reclaim).
 */
import { HeapError, HeapErrorCode } from './errors.js';
import {
  CTRL, CLASS_COUNTER, MISC_WORDS, SLOT, SLOT_ATTACHED, SLOT_DEAD, SLOT_FENCED, SLOT_FREE, SLOT_RECLAIMING, slotHits, slotBound, slotCounters, slotPartial, slotRoom,
  slotWordOf, TOTAL, TOTAL_WORDS,
} from './layout.js';
import type { Region } from './region.js';
import { fault } from './fault.js';

/** Word index of word `k` of slot `s` (layout.ts slotWordOf). */
export const slotWord = (r: Region, s: number, k: number): number => slotWordOf(r.layout, s, k);

/** Slot `s`'s state (SLOT_*), read atomically. */
export function slotState(r: Region, s: number): number {
  return Atomics.load(r.i32, slotWord(r, s, SLOT.STATE));
}

/** Whether slot `s`'s thread is gone for good (DEAD, or being reclaimed): its lock and its stop may be taken over. */
export function slotIsGone(r: Region, s: number): boolean {
  if (s < 0 || s >= r.layout.numSlots) return false;
  const st = slotState(r, s);
  return st === SLOT_DEAD || st === SLOT_RECLAIMING;
}

/** Claim a free slot for this thread (`preferred` first); records `thread` (an id to match on exit). */
export function claimSlot(r: Region, thread: number, preferred = -1): number {
  const l = r.layout;
  if (Atomics.load(r.i32, r.ctrl + CTRL.CLOSED) !== 0) throw new HeapError(HeapErrorCode.CLOSED, 'the heap is closed: its handle is stale');
  const id = thread + 1;
  // THREAD first (0 -> id claims the slot), then STATE: a claimer that dies between the two leaves
  // a FREE slot naming it, which `unclaimSlots` (on its exit) gives back; never an attached slot
  // nobody can find.
  const tryClaim = (s: number) => {
    if (Atomics.compareExchange(r.i32, slotWord(r, s, SLOT.THREAD), 0, id) !== 0) return false;
    fault('attach.claimed');
    if (Atomics.compareExchange(r.i32, slotWord(r, s, SLOT.STATE), SLOT_FREE, SLOT_ATTACHED) === SLOT_FREE) return true;
    Atomics.store(r.i32, slotWord(r, s, SLOT.THREAD), 0); // not free after all (being reclaimed)
    return false;
  };
  let slot = preferred >= 0 && tryClaim(preferred) ? preferred : -1;
  for (let s = 0; slot < 0 && s < l.numSlots; s++) if (tryClaim(s)) slot = s;
  if (slot < 0) {
    throw new HeapError(HeapErrorCode.NO_SLOT, `all ${l.numSlots} worker slots are taken (createHeap({ maxWorkers }) sets how many)`);
  }
  Atomics.add(r.i32, slotWord(r, slot, SLOT.EPOCH), 1);
  return slot;
}

/** Free slots still naming `thread` (it died while claiming one): unnamed, so they can be claimed again. */
export function unclaimSlots(r: Region, thread: number): void {
  for (let s = 0; s < r.layout.numSlots; s++) {
    if (slotState(r, s) === SLOT_FREE) Atomics.compareExchange(r.i32, slotWord(r, s, SLOT.THREAD), thread + 1, 0);
  }
}

/** ATTACHED or FENCED -> DEAD: the slot's thread is gone. False if the slot was neither. */
export function markDead(r: Region, s: number): boolean {
  const w = slotWord(r, s, SLOT.STATE);
  return Atomics.compareExchange(r.i32, w, SLOT_ATTACHED, SLOT_DEAD) === SLOT_ATTACHED ||
    Atomics.compareExchange(r.i32, w, SLOT_FENCED, SLOT_DEAD) === SLOT_FENCED;
}

/** Attached (or fenced) slots whose recorded thread id is `thread`. */
export function slotsOfThread(r: Region, thread: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < r.layout.numSlots; s++) {
    const st = slotState(r, s);
    if ((st === SLOT_ATTACHED || st === SLOT_FENCED) && Atomics.load(r.i32, slotWord(r, s, SLOT.THREAD)) === thread + 1) out.push(s);
  }
  return out;
}

/** Slots in state `state` (SLOT_*). */
export function slotsIn(r: Region, state: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < r.layout.numSlots; s++) if (slotState(r, s) === state) out.push(s);
  return out;
}

/**
 * Add a slot's counters to the heap's totals (before the slot is reset): its allocations (hits +
 * refills), its frees (allocs + cached - blocks refilled + blocks drained, with `cached` what its
 * lists held when it left), the refill engine's counters. 32-bit words that wrap, as the counters do.
 */
export function foldCounters(r: Region, s: number, cached: (cls: number) => number): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const base = slotWord(r, s, 0);
  for (let cls = 0; cls < nc; cls++) {
    const cw = base + slotCounters(nc, cls);
    // every refill served one allocation besides the hits
    const allocs = (i32[base + slotHits(cls)] + i32[cw + CLASS_COUNTER.REFILLS]) | 0;
    const tw = (r.layout.totals >>> 2) + TOTAL_WORDS * cls;
    const frees = (allocs + cached(cls) - i32[cw + CLASS_COUNTER.BLOCKS_IN] + i32[cw + CLASS_COUNTER.BLOCKS_OUT]) | 0;
    Atomics.add(i32, tw + TOTAL.ALLOCS, allocs);
    Atomics.add(i32, tw + TOTAL.FREES, frees);
    Atomics.add(i32, tw + TOTAL.REFILLS, i32[cw + CLASS_COUNTER.REFILLS]);
    Atomics.add(i32, tw + TOTAL.BLOCKS_IN, i32[cw + CLASS_COUNTER.BLOCKS_IN]);
    Atomics.add(i32, tw + TOTAL.DRAINS, i32[cw + CLASS_COUNTER.DRAINS]);
    Atomics.add(i32, tw + TOTAL.BLOCKS_OUT, i32[cw + CLASS_COUNTER.BLOCKS_OUT]);
  }
  for (let k = 0; k < MISC_WORDS; k++) Atomics.add(i32, r.ctrl + CTRL.TOTAL_MISC + k, i32[base + SLOT.MISC + k]);
}

/** What a slot's lists hold by its words (bound - room): exact for a slot whose owner left cleanly. */
export const cachedByWords = (r: Region, s: number) => (cls: number): number =>
  r.i32[slotWord(r, s, slotBound(r.layout.numClasses, cls))] - r.i32[slotWord(r, s, slotRoom(cls))];

/**
 * Empty the slot's words (its lists must already be given back, its counters folded). The slot
 * stays in its state and keeps naming its thread: `freeSlot` hands it back once the stop is
 * released, so a stopper never holds STW from a slot that another worker may claim, and a thread
 * that dies before that leaves a slot its exit still finds (slotsOfThread).
 */
export function resetSlot(r: Region, s: number): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const base = slotWord(r, s, 0);
  i32.fill(0, base + SLOT.MISC, base + r.layout.slotWords);
  i32.fill(-1, base + slotPartial(nc), base + slotPartial(nc) + nc);
  Atomics.store(i32, base + SLOT.COLD, 0);
}

/**
 * Hand slot `s` back for another worker to claim (from `from`: ATTACHED after a detach, RECLAIMING
 * after a reclaim). After a detach: FREE, then unnamed. A claimer takes a slot by naming itself in
 * THREAD first, so it passes this one over until it is unnamed; a detacher that dies in between
 * leaves a FREE slot naming it, which `unclaimSlots` unnames on its exit. After a reclaim the dead
 * thread's name goes first.
 */
export function freeSlot(r: Region, s: number, from: number): void {
  const tw = slotWord(r, s, SLOT.THREAD);
  // a reclaimed slot's thread is gone, its exit past: unnamed first, or a reclaimer dying after
  // the hand-back would leave a FREE slot naming a thread whose exit will never unname it
  if (from === SLOT_RECLAIMING) Atomics.store(r.i32, tw, 0);
  if (Atomics.compareExchange(r.i32, slotWord(r, s, SLOT.STATE), from, SLOT_FREE) !== from) return;
  fault('slot.freed');
  Atomics.store(r.i32, tw, 0);
}

/** ATTACHED -> FENCED: the slot's thread was declared terminated; its next cold path refuses. */
export function fenceSlot(r: Region, s: number): boolean {
  return Atomics.compareExchange(r.i32, slotWord(r, s, SLOT.STATE), SLOT_ATTACHED, SLOT_FENCED) === SLOT_ATTACHED;
}
