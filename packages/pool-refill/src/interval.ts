/**
 * The interval word (RefillOptions.intervalWord; in a hakmem heap the arena's CTRL.DIAG_EPOCH), which
 * the engine checks at each refill and drain, on its owner's cold path. Its low half moves when a
 * diagnostics reader starts a new interval: the cache's low-water marks start again. Its high half
 * moves when a heap-wide collect asks every worker to give its cache back: the engine flushes.
 */
import type { CacheBase } from '@hakmem/pool-tls';
import { resetLowWater } from '@hakmem/pool-tls/chain';

/** The interval word went from `before` to `now`: the low-water marks start again; true when a collect asks for the cache back. */
export function newInterval(cache: CacheBase, before: number, now: number): boolean {
  resetLowWater(cache);
  return (before ^ now) >>> 16 !== 0;
}
