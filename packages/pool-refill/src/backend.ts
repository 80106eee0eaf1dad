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
  /** Give idle memory back before a refill is declared impossible (optional). */
  trim?(): void;
  /**
   * Heap-wide: free what every user of the backend leaves idle, and ask them to give their caches
   * back (optional; after trim, before a refill is declared impossible). False: could not now.
   */
  collect?(): boolean;
}
