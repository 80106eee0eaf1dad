/**
 * Stop-the-world for reclaim, detach, collect, validate and stats. Every cold path of a worker
 * (refill, drain, trim, large blocks) runs inside its slot's gate: COLD = 1 while it runs. A
 * thread that needs the heap quiet takes STW (its id + 1), then waits until no attached or fenced
 * worker is inside a cold path. Dekker-style, both sides with sequentially consistent Atomics: a
 * worker stores COLD then loads STW (and its own slot state); the stopper stores STW (or the
 * fence) then loads each COLD, so at least one of them sees the other.
 * Hot paths (pop, push) never look at any of this: they touch only their own slot and blocks.
 *
 * A stop is never left held for good: a slot stopper that is gone (DEAD, or being reclaimed) is
 * released by whoever waits on it, and an observer (a diagnostics reader, which holds no slot:
 * ids from OBSERVER_BASE, numbered so that two readers never share one) is released once a waiter
 * has seen the same stop held for OBSERVER_LEASE_MS (over several waits). A stopper waits for
 * another's stop no longer than its own time limit. A gate entered by a worker whose slot was
 * fenced (declared terminated) throws HAKMEM_RECLAIMED instead of touching anything.
 */
import { HeapError, HeapErrorCode, shown } from './errors.js';
import { fault } from './fault.js';
import { CTRL, SLOT, SLOT_ATTACHED, SLOT_FENCED } from './layout.js';
import { canWait } from './lock.js';
import type { Region } from './region.js';
import { slotIsGone, slotWord } from './slots.js';

/** Stopper ids of readers that hold no slot start here (slots are 0..254). */
export const OBSERVER_BASE = 256;
/** How long a waiter lets one observer's stop stand before it takes it as abandoned. */
export const OBSERVER_LEASE_MS = 5000;

/** Wait (briefly, with a timeout) while i32[w] === v; spins where Atomics.wait is not allowed. */
function pause(i32: Int32Array, w: number, v: number): void {
  if (canWait()) Atomics.wait(i32, w, v, 1);
}

/** A worker's side of stop-the-world: its cold paths run inside the gate, and wait while the heap is stopped. */
export class ColdGate {
  private depth = 0;
  private readonly coldW: number;
  private readonly stateW: number;
  private readonly stwW: number;

  constructor(
    readonly r: Region,
    readonly slot: number,
  ) {
    this.coldW = slotWord(r, slot, SLOT.COLD);
    this.stateW = slotWord(r, slot, SLOT.STATE);
    this.stwW = r.ctrl + CTRL.STW;
  }

  enter(): void {
    if (this.depth++ > 0) return;
    const r = this.r;
    for (;;) {
      const i32 = r.i32;
      Atomics.store(i32, this.coldW, 1);
      fault('gate.entered');
      const stw = Atomics.load(i32, this.stwW);
      if (stw === 0 || stw === this.slot + 1) break; // nobody stopping, or we are
      Atomics.store(i32, this.coldW, 0);
      Atomics.notify(i32, this.coldW);
      r.waits++;
      waitForWorld(r, stw);
    }
    if (Atomics.load(r.i32, this.stateW) !== SLOT_ATTACHED) {
      this.depth--;
      Atomics.store(r.i32, this.coldW, 0);
      throw new HeapError(HeapErrorCode.RECLAIMED, `worker slot ${this.slot} was reclaimed: this worker was declared terminated`);
    }
    // every cold path works on views of the buffer as it is now
    r.sync();
  }

  exit(): void {
    if (--this.depth > 0) return;
    const i32 = this.r.i32;
    Atomics.store(i32, this.coldW, 0);
    if (Atomics.load(i32, this.stwW) !== 0) Atomics.notify(i32, this.coldW);
  }
}

/**
 * Call right after claiming `slot`, before any block moves: a stop taken while the slot was still
 * free did not wait for it, so its stopper may be walking this slot's lists. Passing the gate once
 * waits that stop out (the claim's store of ATTACHED, then the gate's load of STW, against the
 * stopper's store of STW, then its load of the slot's state: one of the two sees the other).
 */
export function waitOutStop(r: Region, slot: number): void {
  const g = new ColdGate(r, slot);
  g.enter();
  g.exit();
}

/**
 * While STW is held: wait, until `deadline` at most (a stopper's own time limit: an observer's
 * lease may be longer); release it if its holder is gone (it would never let go).
 */
function waitForWorld(r: Region, stw: number, deadline = Infinity): void {
  const i32 = r.i32;
  const w = r.ctrl + CTRL.STW;
  const since = firstSeen(r, stw);
  while (Atomics.load(i32, w) === stw && performance.now() <= deadline) {
    const holder = stw - 1;
    const abandoned = holder >= OBSERVER_BASE ? performance.now() - since > OBSERVER_LEASE_MS : slotIsGone(r, holder);
    if (abandoned) {
      // the next stopper repairs what the gone holder left half done (reclaim.ts, repair.ts)
      if (Atomics.compareExchange(i32, w, stw, 0) === stw) Atomics.notify(i32, w);
      return;
    }
    pause(i32, w, stw);
  }
}

// The stop this thread last waited on, and since when: an observer's lease runs on across waits
// cut short by their deadline (observer ids are not reused before 65536 more stops).
let seen: { r: Region; stw: number; since: number } | null = null;
function firstSeen(r: Region, stw: number): number {
  if (seen === null || seen.r !== r || seen.stw !== stw) seen = { r, stw, since: performance.now() };
  return seen.since;
}

/** A stopper id for a reader that holds no slot: never shared with another reader. */
export function observerId(r: Region): number {
  return OBSERVER_BASE + (Atomics.add(r.i32, r.ctrl + CTRL.OBSERVER_SEQ, 1) & 0xffff);
}

/**
 * Take STW for `stopper` (a slot, or an observerId) and wait until every other attached or fenced
 * worker is outside its cold paths. Throws HAKMEM_BUSY if one stays inside for `timeoutMs` (a
 * worker that died but is not marked dead yet, or one stuck in a very long operation): STW is
 * released then.
 */
export function stopTheWorld(r: Region, stopper: number, timeoutMs = 2000): void {
  // NaN would make the deadline unreachable: a stop that never gives up
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, `a stop's time limit ${shown(timeoutMs)} must be a number of ms, 0 or more`);
  }
  const w = r.ctrl + CTRL.STW;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const cur = Atomics.compareExchange(r.i32, w, 0, stopper + 1);
    if (cur === 0 || cur === stopper + 1) break;
    waitForWorld(r, cur, deadline);
    if (performance.now() > deadline) throw busy('another thread keeps the heap stopped');
  }
  fault('stop.taken');
  const l = r.layout;
  for (let s = 0; s < l.numSlots; s++) {
    if (s === stopper) continue;
    const sw = slotWord(r, s, 0);
    for (;;) {
      const st = Atomics.load(r.i32, sw + SLOT.STATE);
      if ((st !== SLOT_ATTACHED && st !== SLOT_FENCED) || Atomics.load(r.i32, sw + SLOT.COLD) !== 1) break;
      if (performance.now() > deadline) {
        resumeTheWorld(r, stopper);
        throw busy(`worker slot ${s} stayed inside a cold path for ${timeoutMs} ms (dead but not marked dead?)`);
      }
      pause(r.i32, sw + SLOT.COLD, 1);
    }
  }
  r.sync();
}

/** Release a stop `stopper` holds (and only one it holds: a stop taken over from it stays). */
export function resumeTheWorld(r: Region, stopper: number): void {
  if (Atomics.compareExchange(r.i32, r.ctrl + CTRL.STW, stopper + 1, 0) === stopper + 1) Atomics.notify(r.i32, r.ctrl + CTRL.STW);
}

/** Run `f` with the heap stopped for everyone but `stopper` (HAKMEM_BUSY after `timeoutMs`). */
export function whileStopped<T>(r: Region, stopper: number, f: () => T, timeoutMs = 2000): T {
  stopTheWorld(r, stopper, timeoutMs);
  try {
    return f();
  } finally {
    resumeTheWorld(r, stopper);
  }
}

const busy = (why: string) => new HeapError(HeapErrorCode.BUSY, `could not stop the heap: ${why}`);
