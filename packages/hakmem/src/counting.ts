/**
 * The counting flavours of the cache (`createHeap({ counters })`): diagnostics on the hot path, so
 * they live with the umbrella that picks them, not in Box 1. Each is pool-tls's `ThreadCache` with
 * its own `alloc`, a separate class so that a heap without counters pays nothing for them; the
 * counters are words of the class's quad [head, room, hits, maxRoom] in the worker's own slot,
 * read by @hakmem/pool-diagnostics.
 */
import { ThreadCache } from '@hakmem/pool-tls';

/**
 * The counting flavour: `alloc` also counts the allocations its list served (hits), in the class's
 * quad in the worker's own slot. Nothing else is counted on the hot path: allocs = hits + refills
 * (each refill serves one), frees = allocs + cached - blocks refilled + blocks drained.
 * A separate class, so a heap without counters pays nothing for them (the metrics-overhead note
 * of `pnpm bench` prints what the increment costs).
 */
export class CountingThreadCache extends ThreadCache {
  override alloc(size: number): number {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > this.maxSmall) return this.fallback.allocSlow(size);
    const cls = this.lookup[(size + 7) >>> 3];
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    const p = i32[h];
    if (p === 0) return this.allocMiss(cls);
    i32[h] = i32[(p >>> 2) - 1];
    i32[h + 1]++;
    i32[h + 2]++;
    i32[(p >>> 2) - 2] = this.allocTag | cls;
    return p >>> 0;
  }
}

/**
 * Counting plus each list's exact low-water mark (the fewest blocks it held since the interval
 * began), kept as the most room seen: one more compare and store per alloc, dearer than the hits
 * alone (the same bench note), hence its own flavour.
 * A miss needs no update: the pop that emptied the list recorded the most room there is.
 */
export class LowWaterThreadCache extends ThreadCache {
  override alloc(size: number): number {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > this.maxSmall) return this.fallback.allocSlow(size);
    const cls = this.lookup[(size + 7) >>> 3];
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    const p = i32[h];
    if (p === 0) return this.allocMiss(cls);
    i32[h] = i32[(p >>> 2) - 1];
    i32[h + 1]++;
    i32[h + 2]++;
    if (i32[h + 1] > i32[h + 3]) i32[h + 3] = i32[h + 1];
    i32[(p >>> 2) - 2] = this.allocTag | cls;
    return p >>> 0;
  }
}
