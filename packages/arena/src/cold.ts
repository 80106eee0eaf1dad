/**
 * Stop-the-world for reclaim, detach, validate and stats. Every cold path of a worker (refill,
 * drain, trim, large blocks) runs inside its slot's gate: COLD = 1 while it runs. A thread that
 * needs the heap quiet sets STW, then waits until no attached worker is inside a cold path.
 * Dekker-style, both sides with sequentially consistent Atomics: a worker stores COLD then loads
 * STW; the stopper stores STW then loads each COLD, so at least one of them sees the other.
 * Hot paths (pop, push) never look at any of this: they touch only their own slot and blocks.
 */
import { HeapError, HeapErrorCode } from './errors.js';
import { C, S, SLOT_ATTACHED, SLOT_DEAD } from './layout.js';
import { canWait } from './lock.js';
import type { Region } from './region.js';
import { fault } from './fault.js';

const slotW = (r: Region, s: number) => (r.layout.slots >>> 2) + s * r.layout.slotWords;

/** Wait (briefly, with a timeout) while i32[w] === v; spins where Atomics.wait is not allowed. */
function pause(i32: Int32Array, w: number, v: number): void {
  if (canWait()) Atomics.wait(i32, w, v, 1);
}

/** A worker's side of stop-the-world: its cold paths run inside the gate, and wait while the heap is stopped. */
export class ColdGate {
  private depth = 0;
  private readonly coldW: number;
  private readonly stwW: number;

  constructor(
    readonly r: Region,
    readonly slot: number,
  ) {
    this.coldW = slotW(r, slot) + S.COLD;
    this.stwW = r.ctrl + C.STW;
  }

  enter(): void {
    if (this.depth++ > 0) return;
    for (;;) {
      const i32 = this.r.i32;
      Atomics.store(i32, this.coldW, 1);
      fault('gate.entered');
      const stw = Atomics.load(i32, this.stwW);
      if (stw === 0 || stw === this.slot + 1) return; // nobody stopping, or we are
      Atomics.store(i32, this.coldW, 0);
      Atomics.notify(i32, this.coldW);
      this.r.waits++;
      waitForWorld(this.r, stw);
    }
  }

  exit(): void {
    if (--this.depth > 0) return;
    const i32 = this.r.i32;
    Atomics.store(i32, this.coldW, 0);
    if (Atomics.load(i32, this.stwW) !== 0) Atomics.notify(i32, this.coldW);
  }
}

/** While STW is held: wait; take it over if its holder is dead (it would never let go). */
function waitForWorld(r: Region, stw: number): void {
  const i32 = r.i32;
  const w = r.ctrl + C.STW;
  while (Atomics.load(i32, w) === stw) {
    if (stw - 1 < r.layout.numSlots && Atomics.load(i32, slotW(r, stw - 1) + S.STATE) === SLOT_DEAD) {
      // the holder died inside a reclaim or detach: release it; the next stopper repairs
      Atomics.compareExchange(i32, w, stw, 0);
      Atomics.notify(i32, w);
      return;
    }
    pause(i32, w, stw);
  }
}

/**
 * Take STW for slot `me` and wait until every other attached worker is outside its cold paths.
 * Throws HAKMEM_BUSY if one stays inside for `timeoutMs` (a worker that died but is not marked
 * dead yet, or one stuck in a very long operation): STW is released then.
 */
export function stopTheWorld(r: Region, me: number, timeoutMs = 2000): void {
  const w = r.ctrl + C.STW;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const cur = Atomics.compareExchange(r.i32, w, 0, me + 1);
    if (cur === 0 || cur === me + 1) break;
    waitForWorld(r, cur);
    if (performance.now() > deadline) throw busy('another thread keeps the heap stopped');
  }
  fault('stop.taken');
  const l = r.layout;
  for (let s = 0; s < l.numSlots; s++) {
    if (s === me) continue;
    const sw = slotW(r, s);
    while (Atomics.load(r.i32, sw + S.STATE) === SLOT_ATTACHED && Atomics.load(r.i32, sw + S.COLD) === 1) {
      if (performance.now() > deadline) {
        resumeTheWorld(r);
        throw busy(`worker slot ${s} stayed inside a cold path for ${timeoutMs} ms (dead but not marked dead?)`);
      }
      pause(r.i32, sw + S.COLD, 1);
    }
  }
}

/** The stopper id of a reader that holds no slot (diagnostics): never a slot index (slots < 255). */
export const OBSERVER = 255;

/** End a stop-the-world: clear STW and wake the waiting workers. */
export function resumeTheWorld(r: Region): void {
  Atomics.store(r.i32, r.ctrl + C.STW, 0);
  Atomics.notify(r.i32, r.ctrl + C.STW);
}

/** Run `f` with the heap stopped for everyone but `me`. */
export function whileStopped<T>(r: Region, me: number, f: () => T): T {
  stopTheWorld(r, me);
  try {
    return f();
  } finally {
    resumeTheWorld(r);
  }
}

const busy = (why: string) => new HeapError(HeapErrorCode.BUSY, `could not stop the heap: ${why}`);
