/**
 * Worker slots: claiming one (FREE -> ATTACHED), marking one dead (ATTACHED -> DEAD, by whoever
 * saw its thread exit) and handing it back (-> FREE, after detach or reclaim).
 */
import { HeapError, HeapErrorCode } from './errors.js';
import { C, S, SLOT_ATTACHED, SLOT_DEAD, SLOT_FREE, slotPartial } from './layout.js';
import type { Region } from './region.js';

export const slotWord = (r: Region, s: number, k: number): number => (r.layout.slots >>> 2) + s * r.layout.slotWords + k;

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

export function slotsIn(r: Region, state: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < r.layout.numSlots; s++) if (slotState(r, s) === state) out.push(s);
  return out;
}

/** Empty the slot's words and mark it free (its lists must already be given back). */
export function resetSlot(r: Region, s: number): void {
  const i32 = r.i32;
  const nc = r.layout.numClasses;
  const base = slotWord(r, s, 0);
  i32.fill(0, base + S.HEADS, base + slotPartial(nc));
  i32.fill(-1, base + slotPartial(nc), base + slotPartial(nc) + nc);
  Atomics.store(i32, base + S.COLD, 0);
  Atomics.store(i32, base + S.THREAD, 0);
  Atomics.store(i32, base + S.STATE, SLOT_FREE);
}
