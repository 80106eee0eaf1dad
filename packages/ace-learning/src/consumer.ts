/**
 * The consumer side of the ring: the learner's thread only. Reads published records in order,
 * drops those that fail their check or the ring's bounds, and skips a record that a producer
 * claimed but never published (it died, or stalls) once it has blocked later records for
 * STALL_WAKES calls in a row (the argument is in ring.ts, "Repair").
 */
import { RECORD, RING, REC_WORDS, recordCheck, STALL_WAKES } from './ring.js';

/** One refill event as the learner reads it from the ring: the class, the worker, the count and the context of the refill. */
export interface RefillEvent { cls: number; worker: number; count: number; left: number; streak: number; sinceUs: number; cached: number }

/**
 * Read up to `max` published events in order, calling `f` with one reused record object (copy
 * what you keep). Returns how many were passed to `f`. Each call that stops at a stalled record
 * counts as one wake of the consumer for the skip; `stallWakes` is that bound.
 */
export function consume(
  i32: Int32Array, ring: number, max: number, f: (e: RefillEvent) => void, e: RefillEvent, stallWakes = STALL_WAKES,
): number {
  const cap = i32[ring + RING.CAPACITY];
  const mask = cap - 1;
  const classes = i32[ring + RING.CLASSES] || 0x10000;
  const workers = i32[ring + RING.WORKERS] || 0x10000;
  const head0 = Atomics.load(i32, ring + RING.HEAD);
  let head = head0;
  let n = 0;
  let garbled = 0;
  let lost = 0;
  while (n < max) {
    const rec = ring + RING.RECORDS + (head & mask) * REC_WORDS;
    const seq = Atomics.load(i32, rec);
    if (seq !== ((head + 1) | 0)) {
      // Not published. seq >= head + cap: already handed on, HEAD not moved (a consumer died within
      // its call: read, maybe not learned). Else claimed and stalled: skipped once it blocks long enough.
      if (((seq - head) | 0) < cap) {
        const s = skipStalled(i32, ring, head, rec, cap, stallWakes);
        if (s === WAIT) break;
        if (s === PUBLISHED) continue; // its producer got there first: read it
      }
      lost++;
      head = (head + 1) | 0;
      continue;
    }
    const cw = i32[rec + RECORD.CLS_WORKER];
    e.cls = cw & 0xffff;
    e.worker = cw >>> 16;
    e.count = i32[rec + RECORD.COUNT];
    e.left = i32[rec + RECORD.LEFT];
    e.streak = i32[rec + RECORD.STREAK];
    e.sinceUs = i32[rec + RECORD.SINCE_US];
    e.cached = i32[rec + RECORD.CACHED];
    const ok = i32[rec + RECORD.CHECK] === recordCheck(head, cw, e.count, e.left, e.streak, e.sinceUs, e.cached);
    Atomics.store(i32, rec, (head + cap) | 0); // the slot is the producers' again, one lap on
    head = (head + 1) | 0;
    if (!ok || e.cls >= classes || e.worker >= workers) {
      garbled++;
      continue;
    }
    n++;
    f(e);
  }
  if (head !== head0) {
    Atomics.store(i32, ring + RING.HEAD, head);
    if (n > 0) Atomics.add(i32, ring + RING.CONSUMED, n);
    if (garbled > 0) Atomics.add(i32, ring + RING.GARBLED, garbled);
    if (lost > 0) Atomics.add(i32, ring + RING.LOST, lost);
  }
  return n;
}

/**
 * The record at `head` is not published. Is it claimed (TAIL past it) with a later record
 * published, for the `wakes`-th call at this head? Then hand it to the next lap (compareExchange,
 * so a publish that got there first wins and the caller reads it).
 */
const WAIT = 0;
const SKIPPED = 1;
const PUBLISHED = 2;

function skipStalled(i32: Int32Array, ring: number, head: number, rec: number, cap: number, wakes: number): number {
  const tail = Atomics.load(i32, ring + RING.TAIL);
  if (((tail - head) | 0) < 2 || !laterPublished(i32, ring, head, tail, cap)) return WAIT;
  if (Atomics.load(i32, ring + RING.STALL_AT) !== head) {
    Atomics.store(i32, ring + RING.STALL_AT, head);
    Atomics.store(i32, ring + RING.STALL_WAKES, 0);
  }
  const seen = Atomics.add(i32, ring + RING.STALL_WAKES, 1) + 1;
  if (seen < wakes) return WAIT;
  Atomics.store(i32, ring + RING.STALL_WAKES, 0);
  const was = Atomics.compareExchange(i32, rec, head, (head + cap) | 0);
  return was === head ? SKIPPED : was === ((head + 1) | 0) ? PUBLISHED : WAIT;
}

function laterPublished(i32: Int32Array, ring: number, head: number, tail: number, cap: number): boolean {
  for (let pos = (head + 1) | 0; pos !== tail; pos = (pos + 1) | 0) {
    if (Atomics.load(i32, ring + RING.RECORDS + (pos & (cap - 1)) * REC_WORDS) === ((pos + 1) | 0)) return true;
  }
  return false;
}

/** Is an event waiting? (the learner polls this before it sleeps) */
export function hasEvent(i32: Int32Array, ring: number): boolean {
  const head = Atomics.load(i32, ring + RING.HEAD);
  const rec = ring + RING.RECORDS + (head & (i32[ring + RING.CAPACITY] - 1)) * REC_WORDS;
  return Atomics.load(i32, rec) === ((head + 1) | 0);
}
