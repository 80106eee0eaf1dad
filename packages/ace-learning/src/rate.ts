/**
 * The rate at which a class is used, as each refill event tells it (ln of blocks per µs: the
 * count of the worker's previous refill over the time since), and the two mechanisms over it.
 * Rate clipping: a refill's rate is held within 8x of the class's recent rate (an EWMA of the log
 * rate). An interval that spans a pause in the class's use (the first refill after another phase)
 * says nothing about its count, yet on the reward's log scale one such event outweighs a hundred
 * ordinary ones, and the arm that happens to collect more of them looks best; a lasting change
 * still moves the EWMA, one clip a time. Phase restarts: when the recent rate is 4x off its mean
 * since the class's last restart, the workload changed and the class's statistics start over
 * from the arm in force (UCB with restarts).
 */
import { restartClass, type ClassState } from './class-state.js';

/** how far (ln) one refill's rate may be from the class's recent rate: 8x */
const CLIP = Math.log(8);
/** change detection on ln(rate): EWMA weight, the drift that means a new phase (4x), samples first */
const ALPHA = 0.1;
const DRIFT = Math.log(4);
const MIN_SAMPLES = 20;

/** `lnRate` held within CLIP of the class's recent rate (as it is while the class has no sample). */
export function clipRate(s: ClassState, cls: number, lnRate: number): number {
  if (s.rateSamples[cls] === 0) return lnRate;
  const recent = s.lnRateEwma[cls];
  return lnRate < recent - CLIP ? recent - CLIP : lnRate > recent + CLIP ? recent + CLIP : lnRate;
}

/** One more sample of the class's rate; a new phase restarts the class (then: true). */
export function phaseRestarted(s: ClassState, cls: number, lnRate: number): boolean {
  const n = ++s.rateSamples[cls];
  s.lnRateSum[cls] += lnRate;
  s.lnRateEwma[cls] = n === 1 ? lnRate : s.lnRateEwma[cls] + ALPHA * (lnRate - s.lnRateEwma[cls]);
  if (n < MIN_SAMPLES || Math.abs(s.lnRateEwma[cls] - s.lnRateSum[cls] / n) < DRIFT) return false;
  restartClass(s, cls);
  return true;
}
