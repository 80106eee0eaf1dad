/** The scaling benchmark: random-mixed in N workers at once, each with its own slots and seed. */
import type { MixedParams } from '../random-mixed/params.js';

/**
 * Worker i's seed: the run's seed for worker 0 (so one worker is exactly random-mixed), and for
 * the others the seed xor i times the golden ratio (never 0: xorshift32 would stay at 0).
 */
export function workerSeed(seed: number, i: number): number {
  if (i === 0) return seed >>> 0;
  return ((seed ^ Math.imul(i, 0x9e3779b9)) >>> 0) || 1;
}

export const workerParams = (p: MixedParams, i: number): MixedParams => ({ ...p, seed: workerSeed(p.seed, i) });

/** control words of a scaling measurement (Int32, Atomics): workers ready, the start, workers done */
export const S_READY = 0;
export const S_GO = 1;
export const S_DONE = 2;
