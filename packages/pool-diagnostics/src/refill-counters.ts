/**
 * One refill engine's counters decoded, from where the engine says they are
 * (`engine.counterWords()`): refills, drains and blocks moved per class, exhaustion, the refill
 * events it reported and those the ring refused, contract violations. Unsigned 32-bit, wrapping.
 */
import { MISC, PER_CLASS, PER_CLASS_WORDS } from '@hakmem/pool-refill/stats';

/** Where the counters are: the words holding them and the word indices of the misc and per-class blocks. */
export interface CounterWords {
  words: Int32Array;
  misc: number;
  perClass: number;
}

/** A refill engine's counters (see `refillCounters`). */
export interface RefillCounters {
  /** per class: refills, drains, blocks refilled, blocks drained */
  refills: number[];
  drains: number[];
  blocksRefilled: number[];
  blocksDrained: number[];
  /** refills that found the heap exhausted even after flushing */
  exhausted: number;
  /** refill events the engine tried to push, and those the ring refused (full or contended) */
  events: number;
  dropped: number;
  /** contract violations counted with contract validation on */
  violations: { ringFull: number; policyOutsideRefill: number; refillWaited: number };
}

/** Read the counters of an engine with `numClasses` classes. */
export function refillCounters(c: CounterWords, numClasses: number): RefillCounters {
  const m = (k: number) => c.words[c.misc + k] >>> 0;
  const per = (k: number) => Array.from({ length: numClasses }, (_, cls) => c.words[c.perClass + PER_CLASS_WORDS * cls + k] >>> 0);
  return {
    refills: per(PER_CLASS.REFILLS), drains: per(PER_CLASS.DRAINS), blocksRefilled: per(PER_CLASS.BLOCKS_IN), blocksDrained: per(PER_CLASS.BLOCKS_OUT),
    exhausted: m(MISC.EXHAUSTED), events: m(MISC.EVENTS), dropped: m(MISC.DROPPED),
    violations: { ringFull: m(MISC.V_RING_FULL), policyOutsideRefill: m(MISC.V_POLICY_OUTSIDE), refillWaited: m(MISC.V_REFILL_WAITED) },
  };
}
