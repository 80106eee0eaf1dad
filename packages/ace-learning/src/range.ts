/**
 * The counts a class may take: its range of arms, from the lowest (the arm nearest `minCounts`)
 * to the highest (the largest arm within `maxCounts` and `maxRefillBytes`). The learner moves a
 * class only within it; a class whose range is one arm is never moved, so its refills teach the
 * learner nothing. Such classes are marked in the state region at creation (state.ts, LEARNS):
 * an engine need not report their refills, and a learner that waits for refill events (hakmem's
 * start trigger) then does not start for a workload of such classes alone. With hakmem's
 * defaults that is every class above 2 KiB (pool-refill's `maxCount`).
 */
import { badOption } from './errors.js';

/** What a class's range depends on (a part of the learner's configuration, LearnerConfig). */
export interface RangeConfig {
  classSizes: readonly number[];
  /** largest refill, bytes (caps each class's arms; 256 KiB by default) */
  maxRefillBytes?: number;
  /** largest count per class the refill engine accepts (caps each class's arms) */
  maxCounts?: readonly number[];
  /**
   * smallest count per class the learner may set (its nearest arm floors the class's arms; default
   * none). hakmem passes its defaults: a count below them saves memory the default bounds already
   * cap, and costs refills (BENCHMARKS.md, "The learner").
   */
  minCounts?: readonly number[];
}

/**
 * The arms `cls` may use, [lowest, highest]: the highest the largest within its count and byte caps
 * (256 KiB by default; arm 0 at least), the lowest the one nearest its `minCounts` entry (0 without
 * one), never above the highest.
 */
export function armRange(c: RangeConfig, arms: readonly number[], cls: number): [number, number] {
  const most = Math.min(c.maxCounts?.[cls] ?? Infinity, (c.maxRefillBytes ?? 256 << 10) / c.classSizes[cls]);
  let top = 0;
  while (top + 1 < arms.length && arms[top + 1] <= most) top++;
  const least = c.minCounts?.[cls];
  return [least === undefined ? 0 : Math.min(top, nearestArm(arms, least)), top];
}

/** Per class, 1 where the learner may change the count (its range holds more than one arm), else 0. */
export function learnableClasses(c: RangeConfig, arms: readonly number[]): Uint8Array {
  if (!Array.isArray(c?.classSizes) || !c.classSizes.every((n) => Number.isInteger(n) && n > 0 && n <= 2 ** 32) || !Array.isArray(arms)) throw badOption('learnableClasses needs { classSizes } (integers in [1, 2^32]) and the arms, arrays');
  return Uint8Array.from(c.classSizes, (_, cls) => (armRange(c, arms, cls)[1] > armRange(c, arms, cls)[0] ? 1 : 0));
}

/** The arm whose count is nearest `n` (the first of two as near). */
export function nearestArm(arms: readonly number[], n: number): number {
  let best = 0;
  for (let k = 1; k < arms.length; k++) if (Math.abs(arms[k] - n) < Math.abs(arms[best] - n)) best = k;
  return best;
}
