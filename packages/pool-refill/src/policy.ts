/**
 * Phase-1 fixed policy: how many blocks a refill takes, per class. About 32 KiB a refill, between
 * 4 and 64 blocks: small classes take many (refills are rare), large ones few (memory is not held
 * idle). A cache drains once it holds more than four refills' worth. Measured on larson with
 * hakmem's 2-32 KiB blocks: 16 KiB and at least 1 block ran 1.5x glibc, 32 KiB and at least 4
 * blocks 2.2-3.0x (a refill of one 32 KiB block made every other op a cold path).
 */
import { badOption } from './errors.js';

/** The most blocks a default refill takes. */
export const MAX_REFILL = 64;
export const MIN_REFILL = 4;
const REFILL_BYTES = 32768;

/** Blocks per refill for a class of `size` bytes by default: about 32 KiB a refill, 4..64 blocks. */
export function defaultRefillCount(size: number): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw badOption(`size ${String(size)} must be a positive integer`);
  return Math.max(MIN_REFILL, Math.min(MAX_REFILL, Math.floor(REFILL_BYTES / size)));
}

/** A cache drains once it holds more than four default refills' worth (at least 4 blocks). */
export function defaultBound(size: number): number {
  return Math.max(4, 4 * defaultRefillCount(size));
}

/**
 * The largest count a policy may set: half the default bound (twice the default count). A refill
 * above half the bound would be drained back at the next frees (measured on the shifting workload:
 * counts 8x the default cut refills 3.5x but drains rose 50% and ops/s fell 20%).
 */
export function maxCount(size: number): number {
  return 2 * defaultRefillCount(size);
}

/**
 * The bound with `count` in force: four refills' worth, but never above the default bound. A
 * learned count below the default shrinks the memory a cache may hold idle; one above it does
 * not grow it (measured: bounds that followed larger counts held 1.6-2.5x the cached bytes).
 */
export function boundFor(count: number, size: number): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw badOption(`count ${String(count)} must be a positive integer`);
  return Math.max(4, 4 * Math.min(count, defaultRefillCount(size)));
}

/**
 * Bounds whose blocks add up to at most `maxBytes` (what one cache may hold idle): the class whose
 * bound holds the most bytes is halved until the sum fits, no bound below 2. Small classes keep
 * their bounds: the largest ones hold most of the bytes.
 */
export function capBounds(sizes: readonly number[], bounds: ArrayLike<number>, maxBytes: number): Int32Array {
  if (!Array.isArray(sizes) || bounds === null || typeof bounds !== 'object' || bounds.length !== sizes.length) {
    throw badOption('capBounds: an array of class sizes and as many bounds');
  }
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) throw badOption(`maxBytes ${String(maxBytes)} must be a positive number`);
  const out = Int32Array.from(bounds);
  let sum = sizes.reduce((a, s, cls) => a + s * out[cls], 0);
  while (sum > maxBytes) {
    let top = -1;
    for (let cls = 0; cls < sizes.length; cls++) {
      if (out[cls] > 2 && (top < 0 || sizes[cls] * out[cls] > sizes[top] * out[top])) top = cls;
    }
    if (top < 0) break;
    const half = Math.max(2, out[top] >>> 1);
    sum -= sizes[top] * (out[top] - half);
    out[top] = half;
  }
  return out;
}

/** `defaultRefillCount` for each class size. */
export function defaultRefillCounts(sizes: readonly number[]): Int32Array {
  if (!Array.isArray(sizes)) throw badOption('sizes must be an array of class sizes');
  return Int32Array.from(sizes, defaultRefillCount);
}

/** The default cache bound per class, for these class sizes. */
export function defaultBounds(sizes: readonly number[]): Int32Array {
  if (!Array.isArray(sizes)) throw badOption('sizes must be an array of class sizes');
  return Int32Array.from(sizes, defaultBound);
}
