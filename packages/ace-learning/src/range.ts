/**
 * The counts a class may take: its range of arms, from the lowest (the arm nearest `minCounts`)
 * to the highest (the largest arm within `maxCounts` and `maxRefillBytes`). The learner moves a
 * class only within it; a class whose range is one arm is never moved, so its refills teach the
 * learner nothing. Such classes are marked in the state region at creation (state.ts, LEARNS):
 * an engine need not report their refills, and a learner that waits for refill events (hakmem's
 * start trigger) then does not start for a workload of such classes alone. With hakmem's
 * defaults that is every class above 2 KiB (pool-refill's `maxCount`).
 */

/** What a class's range depends on (a part of LearnerConfig). */
export interface RangeConfig {
  classSizes: readonly number[];
  /** candidate counts, ascending (DEFAULT_ARMS by default) */
  arms?: readonly number[];
  /** largest refill, bytes (256 KiB by default) */
  maxRefillBytes?: number;
  maxCounts?: readonly number[];
  minCounts?: readonly number[];
}

/** Largest refill of a class by default, bytes. */
export const DEFAULT_MAX_REFILL_BYTES = 256 << 10;

/** The highest arm `cls` may use: the largest within its count and byte caps (arm 0 at least). */
export function highestArm(c: RangeConfig, arms: readonly number[], cls: number): number {
  const most = c.maxCounts?.[cls] ?? Infinity;
  const maxBytes = c.maxRefillBytes ?? DEFAULT_MAX_REFILL_BYTES;
  let top = 0;
  while (top + 1 < arms.length && arms[top + 1] * c.classSizes[cls] <= maxBytes && arms[top + 1] <= most) top++;
  return top;
}

/** The lowest arm `cls` may use: the one nearest its `minCounts` entry, never above the highest (0 without one). */
export function lowestArm(c: RangeConfig, arms: readonly number[], cls: number, top = highestArm(c, arms, cls)): number {
  const least = c.minCounts?.[cls];
  return least === undefined ? 0 : Math.min(top, nearestArm(arms, least));
}

/** Per class, 1 where the learner may change the count (its range holds more than one arm), else 0. */
export function learnableClasses(c: RangeConfig, arms: readonly number[]): Uint8Array {
  return Uint8Array.from(c.classSizes, (_, cls) => {
    const top = highestArm(c, arms, cls);
    return top > lowestArm(c, arms, cls, top) ? 1 : 0;
  });
}

/** The arm whose count is nearest `n` (the first of two as near). */
export function nearestArm(arms: readonly number[], n: number): number {
  let best = 0;
  for (let k = 1; k < arms.length; k++) if (Math.abs(arms[k] - n) < Math.abs(arms[best] - n)) best = k;
  return best;
}
