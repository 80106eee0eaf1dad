/**
 * The arena lock, robust against a holder that dies. It guards the page bitmap, the run records
 * (written whole under it: a run exists completely or not at all), the used-page count, the page
 * hint, growth and the abandoned-span lists; never alloc/free.
 *
 * The lock word holds the holder's slot + 1 (0: free), taken with one compareExchange, so there is
 * no moment where the lock is held and nobody is named. A waiter that finds the holder's slot
 * DEAD (its thread is gone: `watch` saw it exit, or a reclaim declared it) takes the lock over
 * with a compareExchange from that holder and repairs what a critical section cut short may have
 * left (`repair.ts`) before going on. A FENCED holder (terminated, maybe still running, as a
 * browser's Worker does for ~2 s) is waited for: its reclaim declares it DEAD once it has been
 * quiet. Waiters never step aside for a stopper: a stopper waits until they are through.
 */
import { fault } from './fault.js';
import { CTRL } from './layout.js';
import type { Region } from './region.js';
import { repairUnderLock } from './repair.js';
import { slotIsGone } from './slots.js';

const SPINS = 100;

let waitAllowed: boolean | undefined;
/** Atomics.wait throws on a browser's main thread; there we spin. */
export function canWait(): boolean {
  if (waitAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      waitAllowed = true;
    } catch {
      waitAllowed = false;
    }
  }
  return waitAllowed;
}

/** The slot holding the arena lock, -1 if free. */
export function lockHolder(r: Region): number {
  return Atomics.load(r.i32, r.ctrl + CTRL.ARENA_LOCK) - 1;
}

/** Take the arena lock for `holder` (a slot, or a stopper id working on its behalf). */
export function lockArena(r: Region, holder: number): void {
  const i32 = r.i32;
  const w = r.ctrl + CTRL.ARENA_LOCK;
  if (Atomics.compareExchange(i32, w, 0, holder + 1) !== 0) contend(r, holder);
  fault('lock.held');
}

function contend(r: Region, holder: number): void {
  const i32 = r.i32;
  const w = r.ctrl + CTRL.ARENA_LOCK;
  r.waits++;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(i32, w) === 0 && Atomics.compareExchange(i32, w, 0, holder + 1) === 0) return;
  }
  fault('lock.waiting');
  const wait = canWait();
  const waitersW = r.ctrl + CTRL.LOCK_WAITERS;
  for (;;) {
    const cur = Atomics.load(i32, w);
    if (cur === 0) {
      if (Atomics.compareExchange(i32, w, 0, holder + 1) === 0) return;
      continue;
    }
    if (slotIsGone(r, cur - 1)) {
      if (Atomics.compareExchange(i32, w, cur, holder + 1) === cur) {
        fault('lock.takenOver');
        repairUnderLock(r);
        return;
      }
      continue;
    }
    Atomics.add(i32, waitersW, 1);
    // bounded naps: the holder's death is noticed by looking, not by a wake-up
    if (wait) Atomics.wait(i32, w, cur, 5);
    Atomics.sub(i32, waitersW, 1);
  }
}

/** Release the arena lock and wake one waiter, if any. */
export function unlockArena(r: Region): void {
  const i32 = r.i32;
  Atomics.store(i32, r.ctrl + CTRL.ARENA_LOCK, 0);
  if (Atomics.load(i32, r.ctrl + CTRL.LOCK_WAITERS) > 0) Atomics.notify(i32, r.ctrl + CTRL.ARENA_LOCK, 1);
}

/**
 * For a thread that has the heap stopped: if a gone slot holds the lock, take it over and repair
 * (nobody else can be inside: every attached worker is outside its cold paths).
 */
export function breakDeadLock(r: Region, taker: number): void {
  const cur = Atomics.load(r.i32, r.ctrl + CTRL.ARENA_LOCK);
  if (cur !== 0 && slotIsGone(r, cur - 1) && Atomics.compareExchange(r.i32, r.ctrl + CTRL.ARENA_LOCK, cur, taker + 1) === cur) {
    repairUnderLock(r);
    unlockArena(r);
  }
}
