/**
 * The read-only stats entry (`@hakmem/pool-tls/stats`): what a cache's words mean, for readers of
 * another thread (diagnostics). A class's words: [head, room, hits, maxRoom], then bound.
 */

/** Word offsets inside a class's quad. */
export const QUAD = { HEAD: 0, ROOM: 1, HITS: 2, MAX_ROOM: 3 } as const;

/** Blocks in the list: room is what is left below the bound. */
export function cachedOf(room: number, bound: number): number {
  return bound - room;
}

/** The fewest blocks the list held since the interval began (exact with LowWaterThreadCache only). */
export function lowWaterOf(maxRoom: number, bound: number): number {
  return Math.max(0, bound - maxRoom);
}

/** Counters are 32-bit words that wrap: read them as unsigned; an interval of < 2^32 ops subtracts exactly. */
export function counter(word: number): number {
  return word >>> 0;
}
