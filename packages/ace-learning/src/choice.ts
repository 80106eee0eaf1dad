/**
 * The arm a class moves to, in three mechanisms, each its own section below. The lean: which side
 * of the cost dominates the class's refills lately; when it is sure, the class moves its way
 * without asking UCB. UCB1 over the arm in force and its two neighbours otherwise (the policy
 * moves one step at a time). The hold: after a move the class keeps its arm for a while, longer
 * after an oscillation. The learner (learner.ts) calls them; their state is in class-state.ts.
 */
import { inRange, known, MIN_HOLD, type ClassState } from './class-state.js';

// The lean, an EWMA of reward.ts's `lean` (ln(time part / memory part)): above 0 a larger count
// would cost less, below 0 a smaller one. Beyond ln 4 (one part 4x the other) the next arm that
// way costs at least 20 % less by the reward's own model (A/n + B*n): the learner moves there
// without asking UCB, whose means an unsteady workload can bias (a fresh heap's page faults make
// its first refills look long-lasting). Within it the arms are close and UCB chooses.

/** the lean beyond which the learner follows it without asking UCB */
const SURE = Math.log(4);
/** EWMA weight of the lean: the last few refills tell which way the cost falls */
const LEAN_ALPHA = 0.25;

/** Fold the lean of one refill of the class into the class's. */
export function followLean(s: ClassState, cls: number, lean: number): void {
  s.leanEwma[cls] += LEAN_ALPHA * (lean - s.leanEwma[cls]);
}

/** The arm the lean is sure of: the next one its way (`cur` at the end of the range); -1 when it is not sure. */
export function sureArm(s: ClassState, cls: number, cur: number): number {
  const lean = s.leanEwma[cls];
  if (!(lean > SURE || lean < -SURE)) return -1;
  const arm = lean > 0 ? cur + 1 : cur - 1;
  return inRange(s, cls, arm) ? arm : cur;
}

// UCB1: each arm's index is its mean reward plus an exploration bonus that shrinks as it is
// played; a neighbour must beat the arm in force by MARGIN (hysteresis). The cost is convex in
// log(count), so an untried neighbour is tried only uphill: on the side the lean points to, or
// when the arm beyond the one in force is known to be worse. A class held at its cap by a hot
// burst is not pushed down to look around after every restart.

const MARGIN = 0.002;
const EXPLORE = 0.05;

/** The arm with the best UCB1 index among `cur` and its neighbours (`cur` unless one beats it by MARGIN). */
export function ucbBest(s: ClassState, cls: number, cur: number): number {
  let total = 0;
  for (let arm = 0; arm < s.arms; arm++) total += s.pulls[cls * s.arms + arm];
  const lnTotal = Math.log(total + 1);
  let best = cur;
  let bestIndex = ucbIndex(s, cls, cur, cur, lnTotal);
  for (let arm = cur - 1; arm <= cur + 1; arm += 2) {
    if (!inRange(s, cls, arm)) continue;
    const index = ucbIndex(s, cls, cur, arm, lnTotal);
    if (index > bestIndex + MARGIN) {
      best = arm;
      bestIndex = index;
    }
  }
  return best;
}

/** UCB1 index of `arm` of the class, the arm in force being `cur`; an untried one: Infinity uphill, -Infinity downhill. */
function ucbIndex(s: ClassState, cls: number, cur: number, arm: number, lnTotal: number): number {
  if (!known(s, cls, arm)) {
    const other = 2 * cur - arm;
    const downhill = known(s, cls, other) && meanReward(s, cls, other) < meanReward(s, cls, cur);
    const leansThere = arm > cur ? s.leanEwma[cls] > 0 : s.leanEwma[cls] < 0;
    return downhill || leansThere ? Infinity : -Infinity;
  }
  const pulls = Math.max(s.pulls[cls * s.arms + arm], 1e-3);
  return meanReward(s, cls, arm) + EXPLORE * Math.sqrt(lnTotal / pulls);
}

const meanReward = (s: ClassState, cls: number, arm: number): number => s.rewardSums[cls * s.arms + arm] / Math.max(s.pulls[cls * s.arms + arm], 1e-3);

// The hold: after a move the class keeps its new arm for holdLength events. A move straight back
// to the arm just left is an oscillation: it doubles the hold length, up to MAX_HOLD events; any
// other move halves it, down to MIN_HOLD (class-state.ts: the hold a class starts with).

const MAX_HOLD = 1024;

/** The class moves from arm `from` to arm `to`: the hold it keeps `to` for. */
export function holdAfterMove(s: ClassState, cls: number, from: number, to: number): void {
  if (to === s.armLeft[cls]) s.holdLength[cls] = Math.min(MAX_HOLD, s.holdLength[cls] * 2);
  else s.holdLength[cls] = Math.max(MIN_HOLD, s.holdLength[cls] >> 1);
  s.holdLeft[cls] = s.holdLength[cls];
  s.armLeft[cls] = from;
}
