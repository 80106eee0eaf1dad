/**
 * The ring's counters and the learner's per-class counts read straight from their words, for this
 * box's tests (the decoders for users, `ringCounters` and `learnerSnapshot`, are in
 * @hakmem/pool-diagnostics, which this box may not import).
 */
import { R } from '../src/ring.js';
import { CL, classesAt, classWords, ST } from '../src/state.js';

export function ringCounters(i32: Int32Array, at: number) {
  const ld = (k: number) => Atomics.load(i32, at + k);
  const tail = ld(R.TAIL);
  return {
    pushed: tail >>> 0, dropped: ld(R.DROPPED_FULL) + ld(R.DROPPED_RACE), consumed: ld(R.CONSUMED),
    lost: ld(R.LOST), late: ld(R.LATE), garbled: ld(R.GARBLED), pending: (tail - ld(R.HEAD)) | 0,
  };
}

/** Events the learner has learned from, and the count in force per class (0: the default). */
export function learnerWords(i32: Int32Array, at: number): { events: number; counts: number[] } {
  const na = Atomics.load(i32, at + ST.NUM_ARMS);
  const counts = Array.from({ length: Atomics.load(i32, at + ST.NUM_CLASSES) }, (_, c) =>
    Atomics.load(i32, at + classesAt(na) + c * classWords(na) + CL.COUNT));
  return { events: Atomics.load(i32, at + ST.EVENTS), counts };
}
