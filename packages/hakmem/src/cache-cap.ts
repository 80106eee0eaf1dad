/**
 * The cap on what one worker's cache may hold idle (`createHeap({ maxCachedBytes })`): a heap-wide
 * choice, turned here into the per-class largest bounds the refill engine takes (`maxBounds`).
 */
import { HeapError, HeapErrorCode, shown } from '@hakmem/arena';

const badOption = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

/**
 * Bounds whose blocks add up to at most `maxBytes` (what one cache may hold idle): the class whose
 * bound holds the most bytes is halved until the sum fits, no bound below 2. Small classes keep
 * their bounds: the largest ones hold most of the bytes.
 */
export function capBounds(sizes: readonly number[], bounds: ArrayLike<number>, maxBytes: number): Int32Array {
  if (!Array.isArray(sizes) || bounds === null || typeof bounds !== 'object' || bounds.length !== sizes.length) {
    throw badOption('capBounds: an array of class sizes and as many bounds');
  }
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) throw badOption(`maxBytes ${shown(maxBytes)} must be a positive number`);
  const capped = Int32Array.from(bounds);
  let sum = sizes.reduce((a, s, cls) => a + s * capped[cls], 0);
  while (sum > maxBytes) {
    let top = -1;
    for (let cls = 0; cls < sizes.length; cls++) {
      if (capped[cls] > 2 && (top < 0 || sizes[cls] * capped[cls] > sizes[top] * capped[top])) top = cls;
    }
    if (top < 0) break;
    const half = Math.max(2, capped[top] >>> 1);
    sum -= sizes[top] * (capped[top] - half);
    capped[top] = half;
  }
  return capped;
}
