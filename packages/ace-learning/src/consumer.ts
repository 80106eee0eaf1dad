/** The consumer side of the ring: the learner's thread only. */
import { F, R, REC_WORDS } from './ring.js';

/** One refill event as the learner reads it from the ring: the class, the worker, the count and the context of the refill. */
export interface RefillEvent {
  cls: number;
  worker: number;
  count: number;
  left: number;
  streak: number;
  sinceUs: number;
  cached: number;
}

/**
 * Read up to `max` published events in order, calling `f` with one reused record object (copy
 * what you keep). Returns how many were read.
 */
export function consume(i32: Int32Array, ring: number, max: number, f: (e: RefillEvent) => void, e: RefillEvent): number {
  const cap = i32[ring + R.CAPACITY];
  const mask = cap - 1;
  let head = Atomics.load(i32, ring + R.HEAD);
  let n = 0;
  while (n < max) {
    const rec = ring + R.RECORDS + (head & mask) * REC_WORDS;
    if (Atomics.load(i32, rec) !== ((head + 1) | 0)) break; // not published yet
    e.cls = i32[rec + F.CLS];
    e.worker = i32[rec + F.WORKER];
    e.count = i32[rec + F.COUNT];
    e.left = i32[rec + F.LEFT];
    e.streak = i32[rec + F.STREAK];
    e.sinceUs = i32[rec + F.SINCE_US];
    e.cached = i32[rec + F.CACHED];
    Atomics.store(i32, rec, (head + cap) | 0); // the slot is the producers' again, one lap on
    head = (head + 1) | 0;
    n++;
    f(e);
  }
  if (n > 0) {
    Atomics.store(i32, ring + R.HEAD, head);
    Atomics.add(i32, ring + R.CONSUMED, n);
  }
  return n;
}

/** Is an event waiting? (the learner polls this before it sleeps) */
export function hasEvent(i32: Int32Array, ring: number): boolean {
  const head = Atomics.load(i32, ring + R.HEAD);
  const rec = ring + R.RECORDS + (head & (i32[ring + R.CAPACITY] - 1)) * REC_WORDS;
  return Atomics.load(i32, rec) === ((head + 1) | 0);
}
