/**
 * What the refill engine needs from a backend. Declared here, by the box that uses it; the arena
 * satisfies it structurally and the umbrella wires the two, so pool-tls + pool-refill can run on
 * any backend that hands out linked chains of blocks.
 */
export interface RefillBackend {
  /**
   * Up to `n` blocks of class `cls`, already linked through their link word and marked as held by
   * this cache. Returns the first block, or 0 when there are none; out[0] = last, out[1] = count.
   */
  takeBatch(cls: number, n: number, out: Int32Array): number;
  /** Take back `n` linked blocks of class `cls`, `head`..`tail`. */
  returnBatch(cls: number, head: number, tail: number, n: number): void;
  /**
   * Optional, in pairs, nested around each of the engine's steps that moves blocks and counts
   * them (a refill's take, install and count; a drain's or flush's give-back and count): the
   * backend holds whatever makes a reader that stops it wait (the arena's cold gate), so that
   * blocks and counters are seen to move together. The backend's own calls nest inside; one that
   * throws in between ends the section itself (the engine does not call end after a throw).
   */
  begin?(): void;
  end?(): void;
  /** Give idle memory back before a refill is declared impossible (optional). */
  trim?(): void;
  /**
   * Heap-wide: free what every user of the backend leaves idle, and ask them to give their caches
   * back (optional; after trim, before a refill is declared impossible). False: could not now.
   */
  collect?(): boolean;
}
