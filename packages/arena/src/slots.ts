/**
 * Worker slots: claiming one (FREE -> ATTACHED), marking one dead (ATTACHED -> DEAD, by whoever
 * saw its thread exit) and handing it back (-> FREE, after detach or reclaim).
 */
import { HeapError, HeapErrorCode } from './errors.js';
import {
  C, CN, MISC_WORDS, S, SLOT_ATTACHED, SLOT_DEAD, SLOT_FREE, slotHits, slotBound, slotCounters, slotPartial, slotRoom,
  TOT, TOT_WORDS,
} from './layout.js';
import type { Region } from './region.js';
import { fault } from './fault.js';

/** Word index of word `k` of slot `s`. */
export const slotWord = (r: Region, s: number, k: number): number => (r.layout.slots >>> 2) + s * r.layout.slotWords + k;

/** Slot `s`'s state (SLOT_*), read atomically. */
export function slotState(r: Region, s: number): number {
  return Atomics.load(r.i32, slotWord(r, s, S.STATE));
}

/** Claim a free slot for this thread (`preferred` first); records `thread` (an id to match on exit). */
export function claimSlot(r: Region, thread: number, preferred = -1): number {
  const l = r.layout;
  if (Atomics.load(r.i32, r.ctrl + C.CLOSED) !== 0) throw new HeapError(HeapErrorCode.CLOSED, 'the heap is closed: its handle is stale');
  const tryClaim = (s: number) =>
    Atomics.compareExchange(r.i32, slotWord(r, s, S.STATE), SLOT_FREE, SLOT_ATTACHED) === SLOT_FREE;
  let slot = preferred >= 0 && tryClaim(preferred) ? preferred : -1;
  for (let s = 0; slot < 0 && s < l.numSlots; s++) if (tryClaim(s)) slot = s;
  if (slot < 0) {
    throw new HeapError(HeapErrorCode.NO_SLOT, `all ${l.numSlots} worker slots are taken (createHeap({ maxWorkers }) sets how many)`);
  }
  fault('attach.claimed');
  Atomics.add(r.i32, slotWord(r, slot, S.EPOCH), 1);
  Atomics.store(r.i32, slotWord(r, slot, S.THREAD), thread);
  return slot;
}

/** ATTACHED -> DEAD: the slot's thread is gone. False if the slot was not attached. */
export function markDead(r: Region, s: number): boolean {
  return Atomics.compareExchange(r.i32, slotWord(r, s, S.STATE), SLOT_ATTACHED, SLOT_DEAD) === SLOT_ATTACHED;
}

/** Attached slots whose recorded thread id is `thread`. */
export function slotsOfThread(r: Region, thread: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < r.layout.numSlots; s++) {
    if (slotState(r, s) === SLOT_ATTACHED && Atomics.load(r.i32, slotWord(r, s, S.THREAD)) === thread) out.push(s);
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
 * refills), its
 * frees (allocs + cached - blocks refilled + blocks drained, with `cached` what its lists held
 * when it left), the refill engine's counters. 32-bit words that wrap, as the counters do.
 */
export function foldCounters(r: Region, s: number, cached: (cls: number) => number): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const base = slotWord(r, s, 0);
  for (let cls = 0; cls < nc; cls++) {
    const cw = base + slotCounters(nc, cls);
    // every refill served one allocation besides the hits
    const allocs = (i32[base + slotHits(cls)] + i32[cw + CN.REFILLS]) | 0;
    const tw = (r.layout.totals >>> 2) + TOT_WORDS * cls;
    const frees = (allocs + cached(cls) - i32[cw + CN.BLOCKS_IN] + i32[cw + CN.BLOCKS_OUT]) | 0;
    Atomics.add(i32, tw + TOT.ALLOCS, allocs);
    Atomics.add(i32, tw + TOT.FREES, frees);
    Atomics.add(i32, tw + TOT.REFILLS, i32[cw + CN.REFILLS]);
    Atomics.add(i32, tw + TOT.BLOCKS_IN, i32[cw + CN.BLOCKS_IN]);
    Atomics.add(i32, tw + TOT.DRAINS, i32[cw + CN.DRAINS]);
    Atomics.add(i32, tw + TOT.BLOCKS_OUT, i32[cw + CN.BLOCKS_OUT]);
  }
  for (let k = 0; k < MISC_WORDS; k++) Atomics.add(i32, r.ctrl + C.TOTAL_MISC + k, i32[base + S.MISC + k]);
}

/** What a slot's lists hold by its words (bound - room): exact for a slot whose owner left cleanly. */
export const cachedByWords = (r: Region, s: number) => (cls: number): number =>
  r.i32[slotWord(r, s, slotBound(r.layout.numClasses, cls))] - r.i32[slotWord(r, s, slotRoom(cls))];

/** Empty the slot's words and mark it free (its lists must already be given back, its counters folded). */
export function resetSlot(r: Region, s: number): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const base = slotWord(r, s, 0);
  i32.fill(0, base + S.MISC, base + r.layout.slotWords);
  i32.fill(-1, base + slotPartial(nc), base + slotPartial(nc) + nc);
  Atomics.store(i32, base + S.COLD, 0);
  Atomics.store(i32, base + S.THREAD, 0);
  Atomics.store(i32, base + S.STATE, SLOT_FREE);
  fault('slot.freed');
}
