/**
 * The event ring: fixed-size records preallocated in shared memory (Contract C), many producers
 * (every worker's refill engine) and one consumer (the learner). Each record starts with a
 * sequence word that passes ownership (Vyukov's bounded queue): seq == pos means free for the
 * producer claiming position pos; seq == pos + 1 means written and ready for the consumer, who
 * sets it to pos + capacity to hand the slot to the producer one lap later.
 *
 * Layout (32-bit words from the ring's start; every word shared between threads uses Atomics):
 *   0 CAPACITY (power of two), 1 REC_WORDS         written once at creation
 *   16 TAIL      next position to claim            producers: compareExchange
 *   32 HEAD      next position to read             the consumer: Atomics.store
 *   49 DROPPED_FULL, 50 DROPPED_RACE               producers: Atomics.add (only when dropping)
 *   51 CONSUMED                                    the consumer: Atomics.add
 *   64 + i * REC_WORDS: record i = seq, class, worker, count, blocks left, miss streak,
 *                       µs since the class's last refill in that worker, blocks cached
 */

export const R = {
  CAPACITY: 0,
  REC_WORDS: 1,
  TAIL: 16,
  HEAD: 32,
  DROPPED_FULL: 49,
  DROPPED_RACE: 50,
  CONSUMED: 51,
  RECORDS: 64,
} as const;

/** Fields of a record after its sequence word. */
export const F = { CLS: 1, WORKER: 2, COUNT: 3, LEFT: 4, STREAK: 5, SINCE_US: 6, CACHED: 7 } as const;
/** Words per event record in the ring. */
export const REC_WORDS = 8;
/** Events the ring holds by default. */
export const DEFAULT_CAPACITY = 4096;

/** Words of shared memory a ring of `capacity` events takes. */
export function ringWords(capacity: number): number {
  return R.RECORDS + capacity * REC_WORDS;
}

/** Throws unless `capacity` is a power of two in [2, 2^20]: the ring capacities the learner accepts. */
export function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 20 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity ${capacity} must be a power of two in [2, 2^20]`);
  }
}

/** Write an empty ring at word `at` (before any producer or consumer sees it). */
export function initRing(i32: Int32Array, at: number, capacity: number): void {
  checkCapacity(capacity);
  i32.fill(0, at, at + ringWords(capacity));
  i32[at + R.CAPACITY] = capacity;
  i32[at + R.REC_WORDS] = REC_WORDS;
  for (let k = 0; k < capacity; k++) i32[at + R.RECORDS + k * REC_WORDS] = k;
}

/** The event ring's counters, as `ringCounters` reads them. */
export interface RingCounters {
  capacity: number;
  pushed: number;
  dropped: number;
  droppedFull: number;
  droppedRace: number;
  consumed: number;
  /** events waiting for the learner */
  pending: number;
  /** dropped / (pushed + dropped) */
  dropRate: number;
}

/** The ring's counters read from shared memory: pushed, dropped, consumed, pending, drop rate. */
export function ringCounters(i32: Int32Array, at: number): RingCounters {
  // every successful push moves TAIL by one, so TAIL is the count (mod 2^32): no shared counter
  // written per push (it was a second cache line bouncing between producers on every refill)
  const pushed = Atomics.load(i32, at + R.TAIL) >>> 0;
  const full = Atomics.load(i32, at + R.DROPPED_FULL);
  const race = Atomics.load(i32, at + R.DROPPED_RACE);
  const consumed = Atomics.load(i32, at + R.CONSUMED);
  const dropped = full + race;
  return {
    capacity: i32[at + R.CAPACITY], pushed, dropped, droppedFull: full, droppedRace: race, consumed,
    pending: (Atomics.load(i32, at + R.TAIL) - Atomics.load(i32, at + R.HEAD)) | 0,
    dropRate: pushed + dropped === 0 ? 0 : dropped / (pushed + dropped),
  };
}

/** Tags of Box 3's regions in a heap's layout ('RING', 'PLCY', 'LRNR'): readers find them by tag. */
export const RING_TAG = 0x52494e47;
/** Tag of the policy table's region in the heap (extraTags of the arena layout). */
export const POLICY_TAG = 0x504c4359;
/** Tag of the learner state's region in the heap. */
export const STATE_TAG = 0x4c524e52;
