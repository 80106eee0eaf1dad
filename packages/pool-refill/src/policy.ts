/**
 * Phase-1 fixed policy: how many blocks a refill takes, per class. About 16 KiB a refill, between
 * 1 and 64 blocks: small classes take many (refills are rare), large ones few (memory is not held
 * idle). A cache drains once it holds more than four refills' worth.
 */

export const MAX_REFILL = 64;
const REFILL_BYTES = 16384;

export function defaultRefillCount(size: number): number {
  return Math.max(1, Math.min(MAX_REFILL, Math.floor(REFILL_BYTES / size)));
}

/** A cache drains once it holds more than four refills' worth (at least 4 blocks). */
export function boundFor(count: number): number {
  return Math.max(4, 4 * count);
}

export function defaultBound(size: number): number {
  return boundFor(defaultRefillCount(size));
}

export function defaultRefillCounts(sizes: readonly number[]): Int32Array {
  return Int32Array.from(sizes, defaultRefillCount);
}

export function defaultBounds(sizes: readonly number[]): Int32Array {
  return Int32Array.from(sizes, defaultBound);
}
