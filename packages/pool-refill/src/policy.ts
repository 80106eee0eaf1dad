/**
 * Phase-1 fixed policy: how many blocks a refill takes, per class. About 32 KiB a refill, between
 * 4 and 64 blocks: small classes take many (refills are rare), large ones few (memory is not held
 * idle; but a refill of one large block makes every other op a cold path, hence at least 4). A
 * cache drains once it holds more than four refills' worth. Why these figures: BENCHMARKS.md.
 */
import { badOption, shownValue } from '@hakmem/pool-tls';

/** The most blocks a default refill takes. */
export const MAX_REFILL = 64;
export const MIN_REFILL = 4;
const REFILL_BYTES = 32768;

/** Blocks per refill for a class of `size` bytes by default: about 32 KiB a refill, 4..64 blocks. */
export function defaultRefillCount(size: number): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw badOption(`size ${shownValue(size)} must be a positive integer`);
  return Math.max(MIN_REFILL, Math.min(MAX_REFILL, Math.floor(REFILL_BYTES / size)));
}

/** A cache drains once it holds more than four default refills' worth (at least 4 blocks). */
export function defaultBound(size: number): number {
  return Math.max(4, 4 * defaultRefillCount(size));
}

/**
 * The largest count a policy may set: twice the default (half the default bound) for blocks of
 * 2 KiB or less (16 or more a default refill), where a larger refill saves slow paths for little
 * memory; the default itself for larger blocks, a few to a refill already, where a larger refill
 * held more memory idle and cost larson's 2-32 KiB blocks ~10 % (BENCHMARKS.md).
 */
export function maxCount(size: number): number {
  const n = defaultRefillCount(size);
  return n >= 16 ? 2 * n : n; // 16: a default refill of 2 KiB blocks
}

/**
 * The bound with `count` in force: four refills' worth, but never above the default bound. A
 * learned count below the default shrinks the memory a cache may hold idle; one above it does
 * not grow it (bounds that followed larger counts held far more bytes idle).
 */
export function boundFor(count: number, size: number): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw badOption(`count ${shownValue(count)} must be a positive integer`);
  return Math.max(4, 4 * Math.min(count, defaultRefillCount(size)));
}

/** `defaultRefillCount` for each class size. */
export const defaultRefillCounts = (sizes: readonly number[]): Int32Array => perClass(sizes, defaultRefillCount);

/** The default cache bound per class, for these class sizes. */
export const defaultBounds = (sizes: readonly number[]): Int32Array => perClass(sizes, defaultBound);

function perClass(sizes: readonly number[], f: (size: number) => number): Int32Array {
  if (!Array.isArray(sizes)) throw badOption('sizes must be an array of class sizes');
  return Int32Array.from(sizes, f);
}
