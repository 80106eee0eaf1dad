/**
 * The chain installer entry (`@hakmem/pool-tls/chain`): how the refill engine moves linked
 * chains of blocks into and out of a cache. Cold path only.
 */
import type { CacheBase } from './cache.js';

/** Put `n` linked blocks `head`..`tail` in front of the list of `cls`. */
export function installChain(c: CacheBase, cls: number, head: number, tail: number, n: number): void {
  const i32 = c.words;
  const h = c.heads + 4 * cls;
  i32[(tail >>> 2) + c.linkDelta] = i32[h];
  i32[h] = head;
  i32[h + 1] -= n;
}

/**
 * Detach the first `n` blocks of the list of `cls` (all if it holds fewer). Returns the first
 * block (0 if none); out[0] = last block, out[1] = how many.
 */
export function takeChain(c: CacheBase, cls: number, n: number, out: Int32Array): number {
  const i32 = c.words;
  const ld = c.linkDelta;
  const h = c.heads + 4 * cls;
  const head = i32[h];
  // list words hold pointers' bits: `p !== 0` and `p >>> 2` need no unsigned value
  let tail = 0;
  let k = 0;
  for (let p = head; p !== 0 && k < n; p = i32[(p >>> 2) + ld]) {
    tail = p;
    k++;
  }
  i32[h] = k === 0 ? head : i32[(tail >>> 2) + ld];
  i32[h + 1] += k;
  // fewer blocks cached: the low-water mark (the most room seen) follows
  if (i32[h + 3] < i32[h + 1]) i32[h + 3] = i32[h + 1];
  out[0] = tail;
  out[1] = k;
  return k === 0 ? 0 : head >>> 0;
}

/** A new diagnostics interval: each list's low-water mark starts again from what it holds now. */
export function resetLowWater(c: CacheBase): void {
  const i32 = c.words;
  for (let cls = 0; cls < c.sizes.length; cls++) i32[c.heads + 4 * cls + 3] = i32[c.heads + 4 * cls + 1];
}
