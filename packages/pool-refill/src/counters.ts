/**
 * The refill engine's counters: a block of 32-bit words per worker (in the worker's slot of the
 * shared buffer when the umbrella wires one, so another thread can read them; a private array
 * otherwise), their layout, and EngineCounters, the base of RefillEngine that writes and reads
 * them. Written by the owner only, on its cold path. Counters wrap at 2^32: read them unsigned;
 * an interval of fewer than 2^32 events subtracts exactly.
 *
 *   misc block:      EVENTS, DROPPED, EXHAUSTED, V_RING_FULL, V_POLICY_OUTSIDE, V_REFILL_WAITED
 *   per-class block: REFILLS, BLOCKS_IN, DRAINS, BLOCKS_OUT (4 words a class)
 */
import type { CacheBase } from '@hakmem/pool-tls';

/** The refill engine's miscellaneous counters, by word: events pushed, dropped, exhaustions, contract violations. */
export const MISC = { EVENTS: 0, DROPPED: 1, EXHAUSTED: 2, V_RING_FULL: 3, V_POLICY_OUTSIDE: 4, V_REFILL_WAITED: 5 } as const;
/** Words of a slot's miscellaneous counters (order: MISC). */
export const MISC_WORDS = 6;
/** The refill engine's counters per class, by word: refills, blocks refilled, drains, blocks drained. */
export const PER_CLASS = { REFILLS: 0, BLOCKS_IN: 1, DRAINS: 2, BLOCKS_OUT: 3 } as const;
/** Words of the per-class counters. */
export const PER_CLASS_WORDS = 4;

/** Where the counters live: word indices into the cache's buffer (see RefillOptions.counters). */
export interface CounterPlace {
  misc: number;
  perClass: number;
}

/**
 * The counter words of one engine (the base class of RefillEngine): at `place` in the cache's
 * buffer, whose view changes when the buffer grows, or in a private array.
 */
export abstract class EngineCounters {
  protected readonly own: Int32Array | null;
  protected readonly miscW: number;
  protected readonly classW: number;

  constructor(readonly cache: CacheBase, place: CounterPlace | undefined) {
    this.own = place ? null : new Int32Array(MISC_WORDS + PER_CLASS_WORDS * cache.sizes.length);
    this.miscW = place?.misc ?? 0;
    this.classW = place?.perClass ?? MISC_WORDS;
  }

  /** Where the counters are now (decoded by `refillCounters` of @hakmem/pool-diagnostics). */
  counterWords(): { words: Int32Array } & CounterPlace {
    return { words: this.words(), misc: this.miscW, perClass: this.classW };
  }

  /** Refills of `cls` so far (unsigned 32-bit, wrapping; the sampling rule reads it too). */
  refillsOf(cls: number): number {
    return this.words()[this.classW + PER_CLASS_WORDS * cls + PER_CLASS.REFILLS] >>> 0;
  }

  protected words(): Int32Array {
    return this.own ?? this.cache.words;
  }

  protected bump(w: number, n: number): void {
    const a = this.words();
    a[w] = (a[w] + n) | 0;
  }
}
