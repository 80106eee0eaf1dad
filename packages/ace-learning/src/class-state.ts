/**
 * The learner's per-class state: a struct of arrays, one typed array per field, indexed by class
 * (per arm: `cls * arms + arm`; per worker: `(worker & 255) * classes + cls`). Each mechanism keeps
 * its own fields: the arm choice (choice.ts: UCB1's pulls, rewardSums and tried, the lean, the
 * hold), the class's rate (rate.ts: the clip and phase restarts). Private to the learner's thread:
 * what others may read, it publishes to the state region (state.ts).
 */

/** The hold a class starts with, and the shortest (choice.ts, "The hold"). */
export const MIN_HOLD = 16;

/** The state of `classes` classes over `arms` candidate counts, as a class starts. */
export function newClassState(classes: number, arms: number) {
  return {
    /** how many candidate counts (arms) each class has */
    arms,
    /** the arms a class may use: lowest (minCounts) and highest (maxCounts, maxRefillBytes) */
    lowestArm: new Int32Array(classes),
    highestArm: new Int32Array(classes),
    /** the arm in force (its count is the one published) */
    armInForce: new Int32Array(classes),
    /** per arm since the class's last restart: refills rewarded, the sum of their rewards, played at least once */
    pulls: new Float64Array(classes * arms),
    rewardSums: new Float64Array(classes * arms),
    tried: new Uint8Array(classes * arms),
    /** per worker: the count of that worker's previous refill of the class (0: none), which its next refill rewards */
    previousCount: new Int32Array(256 * classes),
    /** events since the class's last decision round, and its rounds so far (moves or not) */
    sinceDecision: new Int32Array(classes),
    rounds: new Int32Array(classes),
    /** the lean (choice.ts): > 0 a larger count would cost less, < 0 a smaller one */
    leanEwma: new Float64Array(classes),
    /** the hold (choice.ts): events left before the class may move, the hold its next move sets, the arm it last left (-1: none) */
    holdLeft: new Int32Array(classes),
    holdLength: new Int32Array(classes).fill(MIN_HOLD),
    armLeft: new Int32Array(classes).fill(-1),
    /** its rate (rate.ts): EWMA, sum and number of samples of ln(blocks used per µs) since the last restart */
    lnRateEwma: new Float64Array(classes),
    lnRateSum: new Float64Array(classes),
    rateSamples: new Int32Array(classes),
  };
}

/** See newClassState. */
export type ClassState = ReturnType<typeof newClassState>;

/** Is `arm` one the class may use? */
export const inRange = (s: ClassState, cls: number, arm: number): boolean => arm >= s.lowestArm[cls] && arm <= s.highestArm[cls];
/** Is `arm` one the class may use, rewarded at least once since the class's last restart? */
export const known = (s: ClassState, cls: number, arm: number): boolean => inRange(s, cls, arm) && s.tried[cls * s.arms + arm] === 1;

/** A new phase: the class's arm statistics and hold start over, its rate's mean from its recent rate. */
export function restartClass(s: ClassState, cls: number): void {
  const base = cls * s.arms;
  for (const perArm of [s.pulls, s.rewardSums, s.tried]) perArm.fill(0, base, base + s.arms);
  s.holdLeft[cls] = 0;
  s.holdLength[cls] = MIN_HOLD;
  s.armLeft[cls] = -1;
  s.rateSamples[cls] = 1;
  s.lnRateSum[cls] = s.lnRateEwma[cls];
}
