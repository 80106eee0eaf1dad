/**
 * Taking back the slots of workers that are gone. Three ways in:
 * - `watch(worker)` (Node): on the Worker's 'exit' event its slots are marked dead and reclaimed
 *   at once; an exited thread runs no more code, so nothing is waited for.
 * - `reclaim(slot)`: the same for a thread the caller knows has exited.
 * - `reclaimTerminated(slot)` (browsers): a terminated Worker may keep running for seconds
 *   (Chromium: ~2 s for a busy one). The slot is fenced at once (its next cold path throws
 *   HAKMEM_RECLAIMED, so it claims and releases nothing more), and reclaimed once its words have
 *   stayed unchanged for `quietMs`: its hot path (pops, pushes on its own lists) writes them, so a
 *   worker still running is seen.
 */
import {
  fenceSlot, HeapError, HeapErrorCode, markDead, reclaimSlot, S, SLOT_DEAD, SLOT_FREE, SLOT_RECLAIMING, slotsIn,
  slotState, slotWord, type ReclaimReport, type Region,
} from '@hakmem/arena';

/** Default quiet time before a fenced slot is reclaimed: above Chromium's ~2 s for a busy terminated Worker. */
export const DEFAULT_QUIET_MS = 3000;
const POLL_MS = 50;

export function checkOtherSlot(r: Region, slot: unknown, mine: number): number {
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= r.layout.numSlots || slot === mine) {
    throw new HeapError(HeapErrorCode.BAD_SLOT, `slot ${String(slot)} is not another worker's slot of this heap`);
  }
  return slot;
}

/** Reclaim every slot that is dead, or whose reclaim was cut short. */
export function reclaimAllDead(r: Region, me: number): ReclaimReport[] {
  const out: ReclaimReport[] = [];
  for (const s of [...slotsIn(r, SLOT_DEAD), ...slotsIn(r, SLOT_RECLAIMING)]) {
    const rep = reclaimSlot(r, me, s);
    if (rep) out.push(rep);
  }
  return out;
}

/** A hash of every word of slot `s`: it changes whenever its owner pops, pushes or refills. */
function slotSignature(r: Region, s: number): number {
  const i32 = r.i32;
  const from = slotWord(r, s, 0);
  let h = 0x811c9dc5;
  for (let w = from + S.COLD; w < from + r.layout.slotWords; w++) h = Math.imul(h ^ i32[w], 0x01000193);
  return h;
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export async function reclaimTerminatedSlot(
  r: Region, me: number, slot: number, quietMs: number, isClosed: () => boolean,
): Promise<ReclaimReport | null> {
  fenceSlot(r, slot);
  if (slotState(r, slot) === SLOT_FREE) return null;
  let sig = slotSignature(r, slot);
  let since = performance.now();
  while (performance.now() - since < quietMs) {
    await sleep(Math.min(POLL_MS, quietMs));
    if (isClosed()) return null;
    const now = slotSignature(r, slot);
    if (now !== sig) {
      sig = now;
      since = performance.now();
    }
  }
  markDead(r, slot);
  for (let tries = 0; ; tries++) {
    try {
      return reclaimSlot(r, me, slot);
    } catch (e) {
      if ((e as HeapError).code !== HeapErrorCode.BUSY || tries >= 10) throw e;
      await sleep(POLL_MS);
    }
  }
}

export function checkQuietMs(q: unknown): number {
  if (q === undefined) return DEFAULT_QUIET_MS;
  if (typeof q !== 'number' || !Number.isFinite(q) || q < 0) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, `quietMs ${String(q)} must be a finite number of milliseconds, 0 or more`);
  }
  return q;
}
