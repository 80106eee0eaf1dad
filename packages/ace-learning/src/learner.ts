/**
 * The learner: per size class, UCB1 over candidate refill counts, restricted to the arms next to
 * the one in force (the policy moves one step at a time). A refill event rewards the count its
 * worker's *previous* refill of the class used (how long that refill lasted was its doing).
 * Exploration follows the cost's shape: an untried neighbour is tried only on the side the cost
 * leans to (time dominating: up; memory: down), or when the arm beyond it is known worse; so a
 * class held at its cap by a hot burst is not pushed down to look around after every restart.
 * Hysteresis: a neighbour must beat the arm in force by MARGIN; a move back to the arm just left
 * doubles the class's hold (oscillation), up to MAX_HOLD events. Phases: each event tells the
 * rate at which its class is used (blocks per µs); when that rate, lately (an EWMA of its log),
 * is 4x off its mean since the last restart, the workload changed and the class's statistics
 * start over from the arm in force (UCB with restarts). It writes only the policy table and its
 * own state region (Contract B).
 */
import { consume, type RefillEvent } from './consumer.js';
import { DEFAULT_REWARD, lean, reward, type RewardModel } from './reward.js';
import { CL, classesAt, classWords, DEFAULT_ARMS, ST } from './state.js';

/** Where the learner's ring, policy table and state are in the shared buffer, and how it learns. */
export interface LearnerConfig {
  i32: Int32Array;
  /** word offsets of the ring, the policy table, the learner's state region */
  ring: number;
  policy: number;
  state: number;
  classSizes: readonly number[];
  /** the refill counts used while the table has no value (where the learner starts) */
  defaults: readonly number[];
  arms?: readonly number[];
  /** largest refill, bytes (caps each class's arms) */
  maxRefillBytes?: number;
  /** largest count per class the refill engine accepts (caps each class's arms) */
  maxCounts?: readonly number[];
  reward?: Partial<RewardModel>;
  /** events of a class between two decisions */
  decideEvery?: number;

}

const MARGIN = 0.002;
const EXPLORE = 0.05;
const MIN_HOLD = 16;
const MAX_HOLD = 1024;
/** change detection on ln(rate): EWMA weight, the drift that means a new phase (4x), samples first */
const ALPHA = 0.1;
const DRIFT = Math.log(4);
const MIN_SAMPLES = 20;
/** how far (ln) one refill's rate may be from the class's recent rate: 8x */
const CLIP = Math.log(8);
/**
 * A lean beyond ln 4 (one part of the cost 4x the other) means the next arm that way costs at
 * least 20 % less by the reward's own model (A/n + B*n): the learner moves without asking UCB,
 * whose means an unsteady workload can bias (a fresh heap's page faults make its first refills
 * look long-lasting). Within it, the arms are close and UCB chooses.
 */
const SURE = Math.log(4);
/** EWMA weight of the lean: the last few refills tell which way the cost falls */
const LEAN_ALPHA = 0.25;


/** The learner itself (Box 3): consumes refill events from the ring and writes per-class refill counts to the policy table. */
export class Learner {
  private readonly i32: Int32Array;
  private readonly arms: readonly number[];
  private readonly maxArm: Int32Array;
  private readonly cur: Int32Array;
  private readonly pulls: Float64Array;
  private readonly sums: Float64Array;
  /** arms played at least once per class since the class's last restart */
  private readonly tried: Uint8Array;
  private readonly since: Int32Array;
  private readonly published: Int32Array;
  private readonly hold: Int32Array;
  private readonly lastLeft: Int32Array;
  private readonly holdLen: Int32Array;
  /** per (worker, class): the count of that worker's previous refill of the class (0: none) */
  private readonly prevCount: Int32Array;
  private readonly model: RewardModel;
  private readonly every: number;
  /** per class: EWMA, sum and count of ln(rate) since the last restart */
  private readonly rateEwma: Float64Array;
  private readonly rateSum: Float64Array;
  private readonly rateN: Int32Array;
  /** per class: EWMA of the lean (reward.ts): > 0 a larger count would cost less, < 0 a smaller */
  private readonly leanEwma: Float64Array;
  /** restarts after a detected phase change */
  restarts = 0;
  private readonly nc: number;
  private readonly ev: RefillEvent = { cls: 0, worker: 0, count: 0, left: 0, streak: 0, sinceUs: 0, cached: 0 };
  private readonly onEvent = (e: RefillEvent) => this.learn(e);
  events = 0;
  decisions = 0;

  constructor(readonly c: LearnerConfig) {
    this.i32 = c.i32;
    this.arms = c.arms ?? DEFAULT_ARMS;
    this.nc = c.classSizes.length;
    const na = this.arms.length;
    const maxBytes = c.maxRefillBytes ?? 256 << 10;
    this.maxArm = Int32Array.from(c.classSizes, (size, cls) => {
      const most = c.maxCounts?.[cls] ?? Infinity;
      let a = 0;
      while (a + 1 < na && this.arms[a + 1] * size <= maxBytes && this.arms[a + 1] <= most) a++;
      return a;
    });
    this.cur = new Int32Array(this.nc);
    this.prevCount = new Int32Array(256 * this.nc);
    this.pulls = new Float64Array(this.nc * na);
    this.sums = new Float64Array(this.nc * na);
    this.tried = new Uint8Array(this.nc * na);
    this.since = new Int32Array(this.nc);
    this.published = new Int32Array(this.nc);
    this.hold = new Int32Array(this.nc);
    this.lastLeft = new Int32Array(this.nc).fill(-1);
    this.holdLen = new Int32Array(this.nc).fill(MIN_HOLD);
    this.model = { ...DEFAULT_REWARD, ...c.reward };
    this.every = c.decideEvery ?? 8;
    this.rateEwma = new Float64Array(this.nc);
    this.rateSum = new Float64Array(this.nc);
    this.rateN = new Int32Array(this.nc);
    this.leanEwma = new Float64Array(this.nc);
    for (let cls = 0; cls < this.nc; cls++) this.startAt(cls);
  }

  /**
   * Where a class starts: the count the policy table already holds (a learner restarted on a live
   * heap goes on from it), else the default, which the table leaves in force (0: no value) until
   * the first move; publishing the nearest arm instead would change a default of 12 to 8 before
   * any event, a move no event asked for.
   */
  private startAt(cls: number): void {
    const held = Atomics.load(this.i32, this.c.policy + cls);
    const n = held > 0 ? held : this.c.defaults[cls];
    this.cur[cls] = Math.min(this.maxArm[cls], nearest(this.arms, n));
    Atomics.store(this.i32, this.classW(cls) + CL.ARM, this.cur[cls]);
    Atomics.store(this.i32, this.classW(cls) + CL.COUNT, n);
  }

  /** Learn from up to `max` waiting events; returns how many there were. */
  step(max = 4096): number {
    const n = consume(this.i32, this.c.ring, max, this.onEvent, this.ev);
    if (n > 0) {
      Atomics.store(this.i32, this.c.state + ST.EVENTS, this.events);
      Atomics.store(this.i32, this.c.state + ST.DECISIONS, this.decisions);
    }
    return n;
  }

  /** The refill count in force for `cls` */
  countOf(cls: number): number {
    return this.arms[this.cur[cls]];
  }

  learn(e: RefillEvent): void {
    const cls = e.cls;
    if (cls < 0 || cls >= this.nc) return;
    this.events++;
    const key = (e.worker & 255) * this.nc + cls;
    const prev = this.prevCount[key];
    this.prevCount[key] = e.count;
    if (prev <= 0 || e.sinceUs <= 0) return;
    const a = nearest(this.arms, prev);
    const base = cls * this.arms.length;
    const lnRate = this.clipRate(cls, Math.log(prev / e.sinceUs));
    const sinceUs = prev / Math.exp(lnRate);
    const size = this.c.classSizes[cls];
    // a miss streak of 0: the cache drained since the previous refill, a second slow path
    const slow = e.streak === 0 ? 2 : 1;
    this.pulls[base + a] += 1;
    this.tried[base + a] = 1;
    this.sums[base + a] += reward(this.model, prev, size, sinceUs, slow);
    this.leanEwma[cls] += LEAN_ALPHA * (lean(this.model, prev, size, sinceUs, slow) - this.leanEwma[cls]);
    this.watchPhase(cls, lnRate);
    if (this.hold[cls] > 0) this.hold[cls]--;
    if (++this.since[cls] >= this.every) {
      this.since[cls] = 0;
      this.decide(cls);
      // arm statistics for diagnostics: every 8th decision (~64 events of the class) is plenty
      if ((++this.published[cls] & 7) === 0) this.publishArms(cls);
    }
  }

  /**
   * The rate a refill tells, held within CLIP of the class's recent rate. An interval that spans a
   * pause in the class's use (the first refill after another phase) says nothing about its count,
   * yet on the reward's log scale one such event outweighs a hundred ordinary ones, and the arm
   * that happens to collect more of them looks best. A lasting change still moves the EWMA, one
   * clip a time.
   */
  private clipRate(cls: number, lnRate: number): number {
    if (this.rateN[cls] === 0) return lnRate;
    const m = this.rateEwma[cls];
    return lnRate < m - CLIP ? m - CLIP : lnRate > m + CLIP ? m + CLIP : lnRate;
  }

  /** A new phase: the class is used lately at a rate 4x off what it was. Start the class over. */
  private watchPhase(cls: number, lnRate: number): void {
    const n = ++this.rateN[cls];
    this.rateSum[cls] += lnRate;
    this.rateEwma[cls] = n === 1 ? lnRate : this.rateEwma[cls] + ALPHA * (lnRate - this.rateEwma[cls]);
    if (n < MIN_SAMPLES || Math.abs(this.rateEwma[cls] - this.rateSum[cls] / n) < DRIFT) return;
    const na = this.arms.length;
    const base = cls * na;
    this.pulls.fill(0, base, base + na);
    this.sums.fill(0, base, base + na);
    this.tried.fill(0, base, base + na);
    this.hold[cls] = 0;
    this.holdLen[cls] = MIN_HOLD;
    this.lastLeft[cls] = -1;
    this.rateN[cls] = 1;
    this.rateSum[cls] = this.rateEwma[cls];
    this.restarts++;
  }

  private decide(cls: number): void {
    const na = this.arms.length;
    const base = cls * na;
    const cur = this.cur[cls];
    // A move is judged on its own refills: until one refill with the arm in force is rewarded
    // (events lag the policy while the learner catches up), nothing is decided.
    if (this.hold[cls] > 0 || !this.known(cls, base, cur)) return;
    let best = cur;
    const l = this.leanEwma[cls];
    if (l > SURE || l < -SURE) {
      // the cost model is sure which way is cheaper: go that way (or stay at the end of the range)
      const k = l > 0 ? cur + 1 : cur - 1;
      if (this.valid(cls, k)) best = k;
    } else best = this.ucbBest(cls, base, cur);
    if (best === cur) return;
    // oscillation: going straight back to the arm just left doubles the hold
    if (best === this.lastLeft[cls]) this.holdLen[cls] = Math.min(MAX_HOLD, this.holdLen[cls] * 2);
    else this.holdLen[cls] = Math.max(MIN_HOLD, this.holdLen[cls] >> 1);
    this.hold[cls] = this.holdLen[cls];
    this.lastLeft[cls] = cur;
    this.cur[cls] = best;
    this.decisions++;
    this.publish(cls);
    Atomics.add(this.i32, this.classW(cls) + CL.CHANGES, 1);
  }

  /** UCB1 over the arm in force and its two neighbours; a neighbour must beat it by MARGIN. */
  private ucbBest(cls: number, base: number, cur: number): number {
    let total = 0;
    for (let k = 0; k < this.arms.length; k++) total += this.pulls[base + k];
    const lnTotal = Math.log(total + 1);
    let best = cur;
    let bestIdx = this.index(cls, base, cur, cur, lnTotal);
    for (let k = cur - 1; k <= cur + 1; k += 2) {
      if (!this.valid(cls, k)) continue;
      const idx = this.index(cls, base, cur, k, lnTotal);
      if (idx > bestIdx + MARGIN) {
        best = k;
        bestIdx = idx;
      }
    }
    return best;
  }

  private valid(cls: number, k: number): boolean {
    return k >= 0 && k <= this.maxArm[cls];
  }

  private known(cls: number, base: number, k: number): boolean {
    return this.valid(cls, k) && this.tried[base + k] === 1;
  }

  private mean(base: number, k: number): number {
    return this.sums[base + k] / Math.max(this.pulls[base + k], 1e-3);
  }

  /** UCB1 index of arm k of the class, the arm in force being `cur`. */
  private index(cls: number, base: number, cur: number, k: number, lnTotal: number): number {
    if (!this.known(cls, base, k)) {
      // The cost is convex in log(count): explore an untried neighbour only uphill, i.e. on the
      // side the cost leans to, or when the arm on the other side is known to be worse.
      const other = 2 * cur - k;
      const downhill = this.known(cls, base, other) && this.mean(base, other) < this.mean(base, cur);
      const leansThere = k > cur ? this.leanEwma[cls] > 0 : this.leanEwma[cls] < 0;
      return downhill || leansThere ? Infinity : -Infinity;
    }
    const p = Math.max(this.pulls[base + k], 1e-3);
    return this.mean(base, k) + EXPLORE * Math.sqrt(lnTotal / p);
  }

  private classW(cls: number): number {
    return this.c.state + classesAt(this.arms.length) + cls * classWords(this.arms.length);
  }

  /** The only write that reaches the allocator: one Atomics.store into the policy table. */
  private publish(cls: number): void {
    const n = this.arms[this.cur[cls]];
    Atomics.store(this.i32, this.c.policy + cls, n);
    Atomics.store(this.i32, this.classW(cls) + CL.ARM, this.cur[cls]);
    Atomics.store(this.i32, this.classW(cls) + CL.COUNT, n);
  }

  private publishArms(cls: number): void {
    const w = this.classW(cls);
    const na = this.arms.length;
    Atomics.add(this.i32, w + CL.EVENTS, 8 * this.every);
    Atomics.store(this.i32, w + CL.HOLD, this.hold[cls]);
    for (let k = 0; k < na; k++) {
      const p = this.pulls[cls * na + k];
      Atomics.store(this.i32, w + CL.PER_ARM + 2 * k, Math.round(p * 1000));
      Atomics.store(this.i32, w + CL.PER_ARM + 2 * k + 1, p > 0 ? Math.round((this.sums[cls * na + k] / p) * 1e6) : 0);
    }
  }
}

function nearest(arms: readonly number[], n: number): number {
  let best = 0;
  for (let k = 1; k < arms.length; k++) if (Math.abs(arms[k] - n) < Math.abs(arms[best] - n)) best = k;
  return best;
}
