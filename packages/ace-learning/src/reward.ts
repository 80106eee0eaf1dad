/**
 * The reward of a refill count, from what followed a refill: the slow path's share of the time
 * (a refill costs about `refillUs`, and so does a drain; the next refill came `sinceUs` later,
 * after `slowPaths` slow paths: 2 when the cache drained in between) against the memory the
 * refill put in the cache idle (count * size). The drain counts because a count too large for the
 * cache's bound is given back at the next frees. cost = time / timeScale + bytes / memScale: 1%
 * of the time in refills weighs as much as 1 MiB cached idle. The reward is on a log scale of the
 * cost, r = 1/2 - ln(cost) / SPAN clamped to [0, 1] (costs from 1e-4 to 1e4 span it): what counts
 * is the ratio of two arms' costs, the same for a hot class (costs in the hundreds) as for a cold
 * one (thousandths), so one exploration constant fits every class. Near its best count a cost
 * A/n + B*n is ~25% above the optimum one step away: ~0.012 of reward.
 */
export interface RewardModel {
  refillUs: number;
  timeScale: number;
  memScale: number;
}

/** The cost model's default constants: `refillUs` 2, `timeScale` 0.01, `memScale` 1 MiB. */
export const DEFAULT_REWARD: RewardModel = { refillUs: 2, timeScale: 0.01, memScale: 1 << 20 };

const SPAN = 2 * Math.log(1e4);

export function cost(m: RewardModel, count: number, size: number, sinceUs: number, slowPaths = 1): number {
  const time = (m.refillUs * slowPaths) / Math.max(sinceUs, 0.001);
  return time / m.timeScale + (count * size) / m.memScale;
}

/**
 * Which side of the cost dominates after a refill: ln(time part / memory part). Above 0 the slow
 * path costs more than the memory held, so a larger count lowers the cost; below 0 a smaller one
 * does (the cost A/n + B*n has its minimum where the two parts are equal). It tells the learner
 * which untried neighbour is worth a try.
 */
export function lean(m: RewardModel, count: number, size: number, sinceUs: number, slowPaths = 1): number {
  const time = (m.refillUs * slowPaths) / Math.max(sinceUs, 0.001) / m.timeScale;
  return Math.log(time / Math.max((count * size) / m.memScale, 1e-12));
}

/** The reward in [0, 1] of refilling `count` blocks of `size` bytes after `sinceUs` µs: higher for fewer slow paths and less idle memory. */
export function reward(m: RewardModel, count: number, size: number, sinceUs: number, slowPaths = 1): number {
  const r = 0.5 - Math.log(cost(m, count, size, sinceUs, slowPaths)) / SPAN;
  return r < 0 ? 0 : r > 1 ? 1 : r;
}
