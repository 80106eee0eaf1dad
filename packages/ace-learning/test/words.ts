/**
 * The ring's counters and the learner's per-class counts read straight from their words, for this
 * box's tests (the decoders for users, `ringCounters` and `learnerSnapshot`, are in
 * @hakmem/pool-diagnostics, which this box may not import).
 */
import { RING } from '../src/ring.js';
import { LEARNER_CLASS, classesAt, classWords, LEARNER } from '../src/state.js';

export function ringCounters(i32: Int32Array, at: number) {
  const ld = (k: number) => Atomics.load(i32, at + k);
  const tail = ld(RING.TAIL);
  return {
    pushed: tail >>> 0, dropped: ld(RING.DROPPED_FULL) + ld(RING.DROPPED_RACE), consumed: ld(RING.CONSUMED),
    lost: ld(RING.LOST), late: ld(RING.LATE), garbled: ld(RING.GARBLED), pending: (tail - ld(RING.HEAD)) | 0,
  };
}

/** Events the learner has learned from, and the count in force per class (0: the default). */
export function learnerWords(i32: Int32Array, at: number): { events: number; counts: number[] } {
  const na = Atomics.load(i32, at + LEARNER.NUM_ARMS);
  const counts = Array.from({ length: Atomics.load(i32, at + LEARNER.NUM_CLASSES) }, (_, c) =>
    Atomics.load(i32, at + classesAt(na) + c * classWords(na) + LEARNER_CLASS.COUNT));
  return { events: Atomics.load(i32, at + LEARNER.EVENTS), counts };
}
