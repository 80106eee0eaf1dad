/**
 * The arena lock: a three-state futex lock (0 free, 1 held, 2 held with waiters), taken only to
 * claim or release page runs and to grow, never on alloc/free. The holder's slot + 1 is kept beside
 * it so that a worker that dies holding the lock can be found.
 */
import { fault } from './fault.js';

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

/** Take the lock; returns whether another thread held it (the caller had to spin or wait). */
export function acquire(i32: Int32Array, lockW: number, holderW: number, me: number): boolean {
  let contended = false;
  if (Atomics.compareExchange(i32, lockW, 0, 1) !== 0) {
    contend(i32, lockW);
    contended = true;
  }
  fault('lock.taken');
  Atomics.store(i32, holderW, me + 1);
  fault('lock.held');
  return contended;
}

function contend(i32: Int32Array, lockW: number): void {
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(i32, lockW) === 0 && Atomics.compareExchange(i32, lockW, 0, 1) === 0) return;
  }
  const wait = canWait();
  fault('lock.waiting');
  while (Atomics.exchange(i32, lockW, 2) !== 0) {
    if (wait) Atomics.wait(i32, lockW, 2, 5);
  }
}

export function release(i32: Int32Array, lockW: number, holderW: number): void {
  Atomics.store(i32, holderW, 0);
  if (Atomics.exchange(i32, lockW, 0) === 2) Atomics.notify(i32, lockW, 1);
}
