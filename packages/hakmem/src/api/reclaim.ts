/**
 * Taking back the slots of workers that are gone. Three ways in:
 * - `watch(worker)` (Node): on the Worker's 'exit' event its slots are marked dead and reclaimed
 *   at once; an exited thread runs no more code, so nothing is waited for. It runs from an event,
 *   so it never throws: a reclaim that cannot stop the heap is retried on a timer, a failure is
 *   kept in `reclaimErrors` and emitted as a process warning.
 * - `reclaim(slot)`: the same for a thread the caller knows has exited.
 * - `reclaimTerminated(slot)` (browsers): a terminated Worker may keep running for seconds
 *   (Chromium: ~2 s for a busy one). The slot is fenced at once (its next cold path throws
 *   HAKMEM_RECLAIMED, so it claims and releases nothing more), and reclaimed once its words have
 *   stayed unchanged for `quietMs`: its hot path (pops, pushes on its own lists) writes them, so a
 *   worker still running is seen.
 */
import {
  fenceSlot, HeapError, HeapErrorCode, markDead, reclaimSlot, SLOT, SLOT_DEAD, SLOT_FREE, SLOT_RECLAIMING, slotsIn, slotsOfThread,
  slotState, slotWord, unclaimSlots, type ReclaimReport, type Region, shown,
} from '@hakmem/arena';
import type { HeapClass } from './base.js';

/** What `watch` needs of a worker: Node's worker_threads.Worker has both. */
export interface WatchableWorker {
  threadId: number;
  once(event: 'exit', listener: (code: number) => void): unknown;
}

/** Default quiet time before a fenced slot is reclaimed: above Chromium's ~2 s for a busy terminated Worker. */
const DEFAULT_QUIET_MS = 3000;
/** How often a fenced slot's words are compared, and a busy heap tried again (ms). */
const POLL_MS = 50;
/**
 * The reclaims of watch() and reclaimTerminated() run on the caller's event loop, as do the exit
 * events that declare dead a worker every stop waits for (and a browser's main thread spins where
 * it cannot wait): each try stops the heap for at most this long, so the loop goes on...
 */
const TRY_STOP_MS = 100;
/** ...and tries go on POLL_MS apart for this long (an observer's stop, left by a reader that died, lasts 5 s). */
const RETRY_MS = 30_000;

export function Reclaim<T extends HeapClass>(Base: T) {
  abstract class Reclaim extends Base {
    /** What watch() reclaimed so far, oldest first (workers that exited without detach). */
    readonly reclaimed: ReclaimReport[] = [];
    /** Automatic reclaims that failed (the slots stay dead: reclaimDead() retries). */
    readonly reclaimErrors: Error[] = [];

    /**
     * Reclaim, when `worker` exits, any slot it left attached (it was terminated or crashed before
     * detach()): its cached blocks and pending frees come back, its slot is reused. Node
     * worker_threads; in a browser use reclaimTerminated(slot) after terminate().
     */
    watch<W extends WatchableWorker>(worker: W): W {
      if (typeof worker?.threadId !== 'number' || typeof worker.once !== 'function') {
        throw new HeapError(HeapErrorCode.BAD_OPTION, 'watch(worker) needs a worker_threads Worker (threadId, once("exit"))');
      }
      const tid = worker.threadId;
      worker.once('exit', () => {
        if (this.core.closed) return;
        for (const s of slotsOfThread(this.core.r, tid)) markDead(this.core.r, s);
        unclaimSlots(this.core.r, tid); // a slot it was claiming when it died
        this.retryReclaim(performance.now() + RETRY_MS);
      });
      return worker;
    }

    /**
     * @internal reclaim dead slots from an exit event, retrying until `deadline` while the heap
     * cannot be stopped. Never throws (it runs from an event): a failure is kept in
     * reclaimErrors and warned about.
     */
    retryReclaim(deadline: number): void {
      if (this.core.closed) return;
      try {
        reclaimAllDead(this.core.r, this.slot, TRY_STOP_MS, this.reclaimed);
      } catch (e) {
        if ((e as HeapError).code === HeapErrorCode.BUSY && performance.now() < deadline) {
          setTimeout(() => this.retryReclaim(deadline), POLL_MS).unref?.();
          return;
        }
        this.reclaimErrors.push(e as Error);
        const p = (globalThis as { process?: { emitWarning?: (w: Error) => void } }).process;
        p?.emitWarning?.(e as Error);
      }
    }

    /**
     * Take back slot `slot` of a worker whose thread has exited (Node: after its 'exit' event;
     * `watch` does this for you) without detach(). Returns what was recovered. A browser's
     * terminated Worker may still be running: use reclaimTerminated there.
     */
    reclaim(slot: number): ReclaimReport | null {
      this.assertOpen();
      const r = this.core.r;
      checkOtherSlot(r, slot, this.slot);
      markDead(r, slot);
      const st = slotState(r, slot);
      if (st !== SLOT_DEAD && st !== SLOT_RECLAIMING) return null;
      return reclaimSlot(r, this.slot, slot);
    }

    /**
     * Take back slot `slot` of a Worker you terminated that may still be running (browsers keep a
     * busy terminated Worker running for ~2 s). The slot is fenced at once: the worker's next
     * refill, drain or large block throws HAKMEM_RECLAIMED and it takes nothing more. Its cache and
     * slot come back once the slot's words have not changed for `quietMs` (default 3000).
     */
    async reclaimTerminated(slot: number, o: { quietMs?: number } = {}): Promise<ReclaimReport | null> {
      this.assertOpen();
      const r = this.core.r;
      checkOtherSlot(r, slot, this.slot);
      const quietMs = checkQuietMs(o?.quietMs);
      return reclaimTerminatedSlot(r, this.slot, slot, quietMs, () => this.core.closed);
    }

    /** Reclaim every slot marked dead (by watch, or by a reclaim that was cut short). */
    reclaimDead(): ReclaimReport[] {
      this.assertOpen();
      return reclaimAllDead(this.core.r, this.slot);
    }
  }
  return Reclaim;
}

/** Throws HAKMEM_BAD_SLOT unless `slot` is a slot of this heap other than the caller's own, `mine`. */
function checkOtherSlot(r: Region, slot: unknown, mine: number): number {
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= r.layout.numSlots || slot === mine) {
    throw new HeapError(HeapErrorCode.BAD_SLOT, `slot ${shown(slot)} is not another worker's slot of this heap`);
  }
  return slot;
}

/**
 * Reclaim, as the worker of slot `reclaimer`, every slot that is dead, or whose reclaim was cut
 * short (each stop within `stopMs`); each report joins `reports` as soon as it is made.
 */
function reclaimAllDead(r: Region, reclaimer: number, stopMs?: number, reports: ReclaimReport[] = []): ReclaimReport[] {
  for (const s of [...slotsIn(r, SLOT_DEAD), ...slotsIn(r, SLOT_RECLAIMING)]) {
    const report = reclaimSlot(r, reclaimer, s, stopMs);
    if (report) reports.push(report);
  }
  return reports;
}

/** A hash of every word of slot `s`: it changes whenever its owner pops, pushes or refills. */
function slotSignature(r: Region, s: number): number {
  const i32 = r.i32;
  const from = slotWord(r, s, 0);
  let h = 0x811c9dc5;
  for (let w = from + SLOT.COLD; w < from + r.layout.slotWords; w++) h = Math.imul(h ^ i32[w], 0x01000193);
  return h;
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/**
 * Fence `slot`, wait until its words have stayed unchanged for `quietMs`, then reclaim it as the
 * worker of slot `reclaimer`; null if the slot was free, or the heap closed meanwhile.
 */
async function reclaimTerminatedSlot(
  r: Region, reclaimer: number, slot: number, quietMs: number, isClosed: () => boolean,
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
  const deadline = performance.now() + RETRY_MS;
  for (;;) {
    try {
      return reclaimSlot(r, reclaimer, slot, TRY_STOP_MS);
    } catch (e) {
      if ((e as HeapError).code !== HeapErrorCode.BUSY || performance.now() >= deadline) throw e;
      await sleep(POLL_MS);
    }
  }
}

/** `quietMs` as reclaimTerminated takes it: a finite number of ms, 0 or more (default DEFAULT_QUIET_MS). */
function checkQuietMs(q: unknown): number {
  if (q === undefined) return DEFAULT_QUIET_MS;
  if (typeof q !== 'number' || !Number.isFinite(q) || q < 0) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, `quietMs ${shown(q)} must be a finite number of milliseconds, 0 or more`);
  }
  return q;
}
