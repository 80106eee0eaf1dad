/**
 * The producer entry (`@hakmem/ace-learning/producer`): all the refill engine may use of Box 3.
 * Both functions take plain numbers and an Int32Array: no object is created, nothing waits.
 */
import { RECORD, RING, REC_WORDS, recordCheck } from './ring.js';
import { fault } from './fault.js';

/** How often a producer retries a claim that another producer won before it drops the event. */
const ATTEMPTS = 4;

/**
 * Push one refill event. Never blocks, waits, allocates or throws (Contract A): when the ring is
 * full, or keeps losing the claim to other producers, the event is dropped and counted; so is one
 * whose record the consumer skipped because this producer stalled between claim and publish.
 * `cls` and `worker` are stored in 16 bits each. Returns whether it was queued.
 */
export function pushEvent(
  i32: Int32Array, ring: number, cls: number, worker: number, count: number, left: number,
  streak: number, sinceUs: number, cached: number,
): boolean {
  const mask = i32[ring + RING.CAPACITY] - 1;
  for (let a = 0; a < ATTEMPTS; a++) {
    const pos = Atomics.load(i32, ring + RING.TAIL);
    const rec = ring + RING.RECORDS + (pos & mask) * REC_WORDS;
    const dif = (Atomics.load(i32, rec) - pos) | 0;
    if (dif < 0) {
      Atomics.add(i32, ring + RING.DROPPED_FULL, 1); // the slot still holds last lap's record
      return false;
    }
    if (dif === 0 && Atomics.compareExchange(i32, ring + RING.TAIL, pos, (pos + 1) | 0) === pos) {
      fault('ring.claimed');
      const cw = (cls & 0xffff) | (worker << 16);
      i32[rec + RECORD.CLS_WORKER] = cw;
      i32[rec + RECORD.COUNT] = count;
      i32[rec + RECORD.LEFT] = left;
      i32[rec + RECORD.STREAK] = streak;
      i32[rec + RECORD.SINCE_US] = sinceUs;
      i32[rec + RECORD.CACHED] = cached;
      i32[rec + RECORD.CHECK] = recordCheck(pos, cw, count, left, streak, sinceUs, cached);
      fault('ring.written');
      // publish: the fields above are visible with it. A compareExchange, because the consumer
      // may have skipped this record while we were stalled (ring.ts, "Repair"): then it fails
      if (Atomics.compareExchange(i32, rec, pos, (pos + 1) | 0) !== pos) {
        Atomics.add(i32, ring + RING.LATE, 1);
        return false;
      }
      // Every quarter ring, wake the learner if it sleeps (a notify never waits): a burst of
      // events then does not outrun its naps.
      if ((pos & (mask >>> 2)) === 0) Atomics.notify(i32, ring + RING.TAIL, 1);
      return true;
    }
  }
  Atomics.add(i32, ring + RING.DROPPED_RACE, 1);
  return false;
}

/** The refill count the policy table holds for `cls` (0: no value yet). One atomic load. */
export function readPolicy(i32: Int32Array, policy: number, cls: number): number {
  return Atomics.load(i32, policy + cls);
}
