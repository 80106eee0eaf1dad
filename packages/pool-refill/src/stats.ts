/**
 * The read-only stats entry (`@hakmem/pool-refill/stats`): what the refill engine's counter words
 * mean, and what follows from them, for readers of another thread (diagnostics).
 */
export { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS } from './counters.js';

/**
 * Frees into a worker's cache are not counted on the hot path: they follow from what is. Over any
 * interval (32-bit arithmetic, exact for fewer than 2^32 events):
 * frees = allocs + (cached now - cached before) - blocks refilled + blocks drained.
 */
export function freesOf(allocs: number, cachedDelta: number, blocksIn: number, blocksOut: number): number {
  return (allocs + cachedDelta - blocksIn + blocksOut) >>> 0;
}

/** Allocations: those the list served (hits, counted by the cache) and one per refill. */
export function allocsOf(hits: number, refills: number): number {
  return (hits + refills) >>> 0;
}
