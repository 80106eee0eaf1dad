/**
 * `debug.logDrops` (HAKMEM_DEBUG=drops): the learner's `pushEvent` wrapped so that a refill event
 * the ring refuses is logged, the first ten and then every thousandth of this worker. Installed by
 * the umbrella in place of the plain producer function, so a heap without the flag runs none of it.
 */
import { pushEvent } from '@hakmem/ace-learning/producer';

/** A `pushEvent` for worker slot `worker` that logs what it drops. */
export function loggingDrops(worker: number): typeof pushEvent {
  let dropped = 0;
  return (i32, ring, cls, w, count, left, streak, sinceUs, cached) => {
    if (pushEvent(i32, ring, cls, w, count, left, streak, sinceUs, cached)) return true;
    const d = ++dropped;
    if (d <= 10 || d % 1000 === 0) {
      console.warn(`hakmem: refill event dropped (the learner's ring is full): class ${cls}, worker ${worker}; ${d} dropped so far`);
    }
    return false;
  };
}
