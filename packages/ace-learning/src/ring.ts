/**
 * The event ring: fixed-size records preallocated in shared memory (Contract C), many producers
 * (every worker's refill engine) and one consumer (the learner). Each record starts with a
 * sequence word that passes ownership (Vyukov's bounded queue): seq == pos means free for the
 * producer claiming position pos; seq == pos + 1 means written and ready for the consumer, who
 * sets it to pos + capacity to hand the slot to the producer one lap later.
 *
 * Layout (32-bit words from the ring's start; every word shared between threads uses Atomics):
 *   0 CAPACITY (power of two), 1 REC_WORDS         written once at creation
 *   2 CLASSES, 3 WORKERS                           bounds of a record's class and worker (0: none)
 *   16 TAIL      next position to claim            producers: compareExchange
 *   32 HEAD      next position to read             the consumer: Atomics.store
 *   33 STALL_AT, 34 STALL_WAKES                    the consumer's watch on an unpublished HEAD
 *   49 DROPPED_FULL, 50 DROPPED_RACE               producers: Atomics.add (only when dropping)
 *   51 CONSUMED                                    the consumer: Atomics.add
 *   52 LATE      publishes into a slot already skipped   producers: Atomics.add
 *   53 LOST      claimed slots the consumer skipped      the consumer: Atomics.add
 *   54 GARBLED   records dropped: check or bounds failed the consumer: Atomics.add
 *   64 + i * REC_WORDS: record i = seq, class | worker << 16, count, blocks left, miss streak,
 *                       µs since the class's last refill in that worker, blocks cached, check
 *
 * Ordering. TAIL moves by one per claim (compareExchange), so every position below TAIL was
 * claimed exactly once, by the producer that saw seq == pos before its claim. A record's seq
 * moves only by compareExchange or by its owner of the moment: pos -> pos + 1 by the producer of
 * pos (publish, a compareExchange), pos -> pos + cap by the consumer (after reading pos + 1, or a
 * skip: a compareExchange from pos). The fields are plain stores before the publish and plain
 * loads after the consumer's load of seq, so a record published and read is seen whole; the
 * check word (a hash of the fields and pos) catches the one case where it is not (below).
 *
 * Repair (a producer that dies between its claim and its publish). Without it the consumer stops
 * at that record forever and, one lap later, every push finds the ring full. The consumer watches
 * a HEAD record that is claimed (TAIL past it) and unpublished while a later record is published:
 * once STALL_WAKES consumer calls have found it so, it skips it with compareExchange(seq,
 * pos, pos + cap), counts it LOST and goes on. Every interleaving with a producer that was only
 * slow, not dead:
 *   - it publishes before the skip: the skip's compareExchange fails; the record is read as usual.
 *   - it publishes after the skip: its compareExchange(seq, pos, pos + 1) fails (seq is pos + cap
 *     or later: seq only grows, by odd/even steps that never return to pos before 2^32 positions),
 *     so it counts LATE and returns false; nothing is published twice, the event is among LOST.
 *   - it is still writing fields when the producer one lap on (pos + cap) claims the slot: both
 *     write the fields; the record the consumer then reads may mix the two. The check word, a hash
 *     of pos and the fields written last by each producer, then fails (a single differing word
 *     always changes it; a mix of several, but for a 2^-32 chance) and the consumer drops the
 *     record, counted GARBLED. Class and worker out of the ring's bounds are dropped the same way.
 *   - it writes fields while the slot is free (consumed, or not yet reclaimed one lap on): the next
 *     claimer overwrites all of them; any word of the late writer that lands after is caught as
 *     above. The late writer never touches seq, so no slot changes hands by it.
 *   - the consumer itself dies or changes (a Worker's learner falls back to inline): the watch is
 *     in the ring (STALL_AT, STALL_WAKES), so the next consumer goes on from it. The consumer
 *     stores HEAD once a call, after handing records on: one that dies within a call leaves records
 *     at HEAD with seq >= pos + cap (at HEAD a record is otherwise pos or pos + 1); the next
 *     consumer steps over them, counted LOST (read, perhaps not learned).
 * Counters add up: pushed (TAIL) = consumed + lost + garbled + pending; late <= lost.
 * A producer stalled for 2^32 positions could still publish stale fields: the check catches them.
 */
import { badOption } from './errors.js';

/** Word offsets of the ring's header (the layout above); records start at RECORDS. */
export const RING = {
  CAPACITY: 0, REC_WORDS: 1, CLASSES: 2, WORKERS: 3, TAIL: 16, HEAD: 32, STALL_AT: 33, STALL_WAKES: 34,
  DROPPED_FULL: 49, DROPPED_RACE: 50, CONSUMED: 51, LATE: 52, LOST: 53, GARBLED: 54, RECORDS: 64,
} as const;

/** Fields of a record after its sequence word. Class and worker share a word (16 bits each). */
export const RECORD = { CLS_WORKER: 1, COUNT: 2, LEFT: 3, STREAK: 4, SINCE_US: 5, CACHED: 6, CHECK: 7 } as const;
/** Words per event record in the ring. */
export const REC_WORDS = 8;
/** Events the ring holds by default. */
export const DEFAULT_CAPACITY = 4096;
/** Consumer calls (about one a wake) that find HEAD claimed, unpublished, with a later record ready, before it is skipped. */
export const STALL_WAKES = 16;

/** Words of shared memory a ring of `capacity` events takes. */
export function ringWords(capacity: number): number {
  checkCapacity(capacity);
  return RING.RECORDS + capacity * REC_WORDS;
}

/** Is `capacity` one the ring accepts: a power of two in [2, 2^20]? (hakmem checks its `learning.ringCapacity` with it) */
export function isRingCapacity(capacity: unknown): capacity is number {
  return typeof capacity === 'number' && Number.isInteger(capacity) && capacity >= 2 && capacity <= 1 << 20 && (capacity & (capacity - 1)) === 0;
}

/** Throws unless `capacity` is a power of two in [2, 2^20] (isRingCapacity). */
export function checkCapacity(capacity: number): void {
  if (!isRingCapacity(capacity)) throw badOption(`ring capacity ${typeof capacity === 'number' ? capacity : typeof capacity} must be a power of two in [2, 2^20]`);
}

/** What a record may hold: the consumer drops a record with a class or worker at or above these. */
export interface RingBounds { classes?: number; workers?: number }

/** Write an empty ring at word `at` (before any producer or consumer sees it). */
export function initRing(i32: Int32Array, at: number, capacity: number, bounds: RingBounds = {}): void {
  checkCapacity(capacity);
  i32.fill(0, at, at + ringWords(capacity));
  i32[at + RING.CAPACITY] = capacity;
  i32[at + RING.REC_WORDS] = REC_WORDS;
  i32[at + RING.CLASSES] = Math.min(bounds.classes ?? 0, 0x10000);
  i32[at + RING.WORKERS] = Math.min(bounds.workers ?? 0, 0x10000);
  for (let k = 0; k < capacity; k++) i32[at + RING.RECORDS + k * REC_WORDS] = k;
}

/**
 * The check word of a record: a hash of its position and fields. Each step is a bijection of
 * (hash ^ word), so records differing in one word (or in pos alone) always differ here.
 */
export function recordCheck(pos: number, cw: number, count: number, left: number, streak: number, sinceUs: number, cached: number): number {
  let h = Math.imul(pos ^ 0x2545f491, 0x9e3779b1);
  h = Math.imul((h ^ (h >>> 15)) ^ cw, 0x85ebca6b);
  h = Math.imul((h ^ (h >>> 13)) ^ count, 0xc2b2ae35);
  h = Math.imul((h ^ (h >>> 16)) ^ left, 0x9e3779b1);
  h = Math.imul((h ^ (h >>> 15)) ^ streak, 0x85ebca6b);
  h = Math.imul((h ^ (h >>> 13)) ^ sinceUs, 0xc2b2ae35);
  h = Math.imul((h ^ (h >>> 16)) ^ cached, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** Tags of Box 3's regions in a heap's layout ('RING', 'PLCY', 'LRNR'): readers find them by tag. */
export const RING_TAG = 0x52494e47;
/** Tag of the policy table's region in the heap (extraTags of the arena layout). */
export const POLICY_TAG = 0x504c4359;
/** Tag of the learner state's region in the heap. */
export const STATE_TAG = 0x4c524e52;
