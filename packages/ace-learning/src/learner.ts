/**
 * The learner (Box 3): consumes refill events from the ring and writes, per size class, the
 * refill count in force to the policy table. Per class it chooses among candidate counts (arms)
 * and moves one arm at a time. A refill event rewards the count its worker's *previous* refill of
 * the class used (how long that refill lasted was its doing), at the class's rate held within 8x
 * of its recent rate (rate.ts), and feeds the class's lean (choice.ts) and phase watch (rate.ts: a
 * new phase restarts the class). Every `decideEvery` events of a class it decides, once its hold
 * is over: the arm the lean is sure of, else UCB1 over the arm in force and its neighbours
 * (choice.ts). The per-class state is in class-state.ts. It writes only the policy table
 * and its own state region (state.ts; Contract B).
 */
import { followLean, holdAfterMove, sureArm, ucbBest } from './choice.js';
import { known, newClassState, type ClassState } from './class-state.js';
import { consume, type RefillEvent } from './consumer.js';
import { armRange, nearestArm, type RangeConfig } from './range.js';
import { clipRate, phaseRestarted } from './rate.js';
import { DEFAULT_REWARD, lean, reward, type RewardModel } from './reward.js';
import { LEARNER_CLASS, classesAt, classWords, DEFAULT_ARMS, LEARNER } from './state.js';

/** Where the learner's ring, policy table and state are in the shared buffer, and how it learns. */
export interface LearnerConfig extends RangeConfig {
  i32: Int32Array;
  /** word offsets of the ring, the policy table, the learner's state region */
  ring: number;
  policy: number;
  state: number;
  /** the refill counts used while the table has no value (where the learner starts) */
  defaults: readonly number[];
  arms?: readonly number[];
  reward?: Partial<RewardModel>;
  /** events of a class between two decisions */
  decideEvery?: number;
}

/** The learner itself: `step()` learns from the events waiting in the ring. */
export class Learner {
  private readonly i32: Int32Array;
  private readonly arms: readonly number[];
  private readonly classes: ClassState;
  private readonly model: RewardModel;
  private readonly every: number;
  private readonly nc: number;
  private readonly ev: RefillEvent = { cls: 0, worker: 0, count: 0, left: 0, streak: 0, sinceUs: 0, cached: 0 };
  private readonly onEvent = (e: RefillEvent) => this.learn(e);
  /** restarts after a detected phase change */
  restarts = 0;
  events = 0;
  decisions = 0;

  constructor(readonly c: LearnerConfig) {
    this.i32 = c.i32;
    this.arms = c.arms ?? DEFAULT_ARMS;
    this.nc = c.classSizes.length;
    this.classes = newClassState(this.nc, this.arms.length);
    this.model = { ...DEFAULT_REWARD, ...c.reward };
    this.every = c.decideEvery ?? 8;
    const s = this.classes;
    for (let cls = 0; cls < this.nc; cls++) {
      [s.lowestArm[cls], s.highestArm[cls]] = armRange(c, this.arms, cls);
      this.startAt(cls);
    }
  }

  /**
   * Where a class starts: the count the policy table already holds (a learner restarted on a live
   * heap goes on from it), else the default, which the table leaves in force (0: no value) until
   * the first move; publishing the nearest arm instead would change a default of 12 to 8 before
   * any event, a move no event asked for.
   */
  private startAt(cls: number): void {
    const s = this.classes;
    const held = Atomics.load(this.i32, this.c.policy + cls);
    const n = held > 0 ? held : this.c.defaults[cls];
    s.armInForce[cls] = Math.max(s.lowestArm[cls], Math.min(s.highestArm[cls], nearestArm(this.arms, n)));
    this.publish(cls, n, false);
  }

  /** Learn from up to `max` waiting events; returns how many there were. */
  step(max = 4096): number {
    const n = consume(this.i32, this.c.ring, max, this.onEvent, this.ev);
    if (n > 0) {
      Atomics.store(this.i32, this.c.state + LEARNER.EVENTS, this.events);
      Atomics.store(this.i32, this.c.state + LEARNER.DECISIONS, this.decisions);
    }
    return n;
  }

  /** The refill count in force for `cls` */
  countOf(cls: number): number {
    return this.arms[this.classes.armInForce[cls]];
  }

  /** One event: reward the worker's previous count of the class, feed the lean and phase watch, decide every `decideEvery`. */
  learn(e: RefillEvent): void {
    const cls = e.cls;
    if (cls < 0 || cls >= this.nc) return;
    this.events++;
    const s = this.classes;
    const key = (e.worker & 255) * this.nc + cls;
    const prev = s.previousCount[key];
    s.previousCount[key] = e.count;
    if (prev <= 0 || e.sinceUs <= 0) return;
    const played = cls * s.arms + nearestArm(this.arms, prev);
    const lnRate = clipRate(s, cls, Math.log(prev / e.sinceUs));
    const sinceUs = prev / Math.exp(lnRate);
    const size = this.c.classSizes[cls];
    // a miss streak of 0: the cache drained since the previous refill, a second slow path
    const slow = e.streak === 0 ? 2 : 1;
    s.pulls[played] += 1;
    s.tried[played] = 1;
    s.rewardSums[played] += reward(this.model, prev, size, sinceUs, slow);
    followLean(s, cls, lean(this.model, prev, size, sinceUs, slow));
    if (phaseRestarted(s, cls, lnRate)) this.restarts++;
    if (s.holdLeft[cls] > 0) s.holdLeft[cls]--;
    if (++s.sinceDecision[cls] >= this.every) {
      s.sinceDecision[cls] = 0;
      this.decide(cls);
      // arm statistics for diagnostics: every 8th round (~64 events of the class) is plenty
      if ((++s.rounds[cls] & 7) === 0) this.publishArms(cls);
    }
  }

  /** Move the class one arm when its hold is over and an arm wins: the lean's sure arm, else UCB1's. */
  private decide(cls: number): void {
    const s = this.classes;
    const cur = s.armInForce[cls];
    // A move is judged on its own refills: until one refill with the arm in force is rewarded
    // (events lag the policy while the learner catches up), nothing is decided.
    if (s.holdLeft[cls] > 0 || !known(s, cls, cur)) return;
    const sure = sureArm(s, cls, cur);
    const best = sure >= 0 ? sure : ucbBest(s, cls, cur);
    if (best === cur) return;
    holdAfterMove(s, cls, cur, best);
    s.armInForce[cls] = best;
    this.decisions++;
    this.publish(cls, this.arms[best], true);
    Atomics.add(this.i32, this.classW(cls) + LEARNER_CLASS.CHANGES, 1);
  }

  private classW(cls: number): number {
    return this.c.state + classesAt(this.arms.length) + cls * classWords(this.arms.length);
  }

  /**
   * The class's arm in force and its `count`, into the state region for readers; `toTable`: and
   * into the policy table, the only write that reaches the allocator (one Atomics.store).
   */
  private publish(cls: number, count: number, toTable: boolean): void {
    if (toTable) Atomics.store(this.i32, this.c.policy + cls, count);
    Atomics.store(this.i32, this.classW(cls) + LEARNER_CLASS.ARM, this.classes.armInForce[cls]);
    Atomics.store(this.i32, this.classW(cls) + LEARNER_CLASS.COUNT, count);
  }

  /** The class's hold and its arms' pulls and mean rewards, into the state region for readers. */
  private publishArms(cls: number): void {
    const s = this.classes;
    const w = this.classW(cls);
    Atomics.add(this.i32, w + LEARNER_CLASS.EVENTS, 8 * this.every);
    Atomics.store(this.i32, w + LEARNER_CLASS.HOLD, s.holdLeft[cls]);
    for (let arm = 0; arm < s.arms; arm++) {
      const pulls = s.pulls[cls * s.arms + arm];
      Atomics.store(this.i32, w + LEARNER_CLASS.PER_ARM + 2 * arm, Math.round(pulls * 1000));
      Atomics.store(this.i32, w + LEARNER_CLASS.PER_ARM + 2 * arm + 1, pulls > 0 ? Math.round((s.rewardSums[cls * s.arms + arm] / pulls) * 1e6) : 0);
    }
  }
}
