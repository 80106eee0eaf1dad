/**
 * What follows from the boxes' counter words (pool-tls's per-class quad [head, room, hits,
 * maxRoom] and bound, pool-refill's per-class counters): the figures the hot path does not count.
 * Counters are 32-bit words that wrap: over an interval of fewer than 2^32 events they subtract
 * exactly.
 */

/** Blocks in a list: room is what is left below the bound. */
export function cachedOf(room: number, bound: number): number {
  return bound - room;
}

/** The fewest blocks the list held since the interval began (exact with LowWaterThreadCache only). */
export function lowWaterOf(maxRoom: number, bound: number): number {
  return Math.max(0, bound - maxRoom);
}

/** Allocations: those the list served (hits, counted by the cache) and one per refill. */
export function allocsOf(hits: number, refills: number): number {
  return (hits + refills) >>> 0;
}

/**
 * Frees into a worker's cache are not counted on the hot path: they follow from what is.
 * frees = allocs + (cached now - cached before) - blocks refilled + blocks drained.
 */
export function freesOf(allocs: number, cachedDelta: number, blocksIn: number, blocksOut: number): number {
  return (allocs + cachedDelta - blocksIn + blocksOut) >>> 0;
}
