/**
 * What the engine tells a learner about its refills (RefillEvents, the base class of
 * RefillEngine): the state captured just before each refill, the per-class history it needs (miss
 * streak, time of the last refill), the sampling rule, and the push into the learner's ring
 * (dropped, and counted, when the ring is full). Sampling: a class whose refills come less than
 * SAMPLE_MS (10 ms) apart reports one refill in 8, less than FAST_MS (0.1 ms) apart one in 32 (a
 * countdown per class, set at each report by the interval then). Such
 * events carry the same information (the interval and the count of the refill reported), and the
 * ring and the learner's work stay small when classes refill hundreds of thousands of times a
 * second. Without a learner (or one with no ring) nothing is pushed or counted; nor for a class
 * the learner never changes (`RefillLearner.reports`): a workload of such classes alone pushes
 * nothing, and a learner that waits for events (hakmem's) does not start for it.
 */
import { badOption, type CacheBase } from '@hakmem/pool-tls';
import { EngineCounters, MISC, type CounterPlace } from './counters.js';
import type { RefillLearner } from './learner.js';

/** What the engine saw just before a refill (read by whoever reports refill events). */
export interface RefillSnapshot {
  cls: number;
  count: number;
  blocksLeft: number;
  missStreak: number;
  /** ms since this class's previous refill in this worker, -1 for the first */
  sinceLastMs: number;
  /** clock reading at the refill */
  at: number;
}

/** What RefillEvents takes of the engine's options (RefillOptions, engine.ts). */
type EventOptions = { learning?: RefillLearner; now?: () => number; counters?: CounterPlace; debug?: { contracts?: boolean } };

/**
 * refills at least this far apart (ms) are all reported. 10, not 1: classes refilling every 1 to
 * 10 ms (larson's 2-32 KiB blocks) had every refill reported, the most events of any rate.
 */
const SAMPLE_MS = 10;
/** one in SAMPLE_EVERY of closer ones, one in FAST_EVERY of those under FAST_MS apart */
const SAMPLE_EVERY = 8;
const FAST_MS = 0.1;
const FAST_EVERY = 32;

/** The learner's side of the engine: snapshots, sampling, events. */
export abstract class RefillEvents extends EngineCounters {
  /** refills since the last drain, per class */
  readonly missStreak: Int32Array;
  /** Per class, refills until the next one is reported (0 at first: the first is); see refilled. */
  readonly sampleIn: Int32Array;
  /** per class, the clock at its last refill in this worker (-Infinity before the first) */
  readonly lastRefillAt: Float64Array;
  readonly last: RefillSnapshot = { cls: -1, count: 0, blocksLeft: 0, missStreak: 0, sinceLastMs: 0, at: 0 };
  /** Per class, 1 where its refills are reported (`RefillLearner.reports`), 0 where the learner wants none. */
  readonly reports: Uint8Array;
  /** the ring's word offset, -1 without one (no events) */
  protected readonly ringW: number;
  private readonly worker: number;
  private readonly pushEvent: NonNullable<RefillLearner['pushEvent']>;
  private readonly now: () => number;
  /** contract validation: count violations (debug.contracts) */
  protected readonly contracts: boolean;

  constructor(cache: CacheBase, o: EventOptions) {
    super(cache, o.counters);
    this.missStreak = new Int32Array(cache.sizes.length);
    this.sampleIn = new Int32Array(cache.sizes.length);
    this.lastRefillAt = new Float64Array(cache.sizes.length).fill(-Infinity); // -Infinity: none yet
    this.ringW = o.learning?.pushEvent ? (o.learning.ring ?? -1) : -1;
    const wanted = o.learning?.reports;
    if (wanted !== undefined && (typeof wanted !== 'object' || wanted?.length !== cache.sizes.length)) throw badOption(`learning.reports: one entry per class (${cache.sizes.length})`);
    this.reports = Uint8Array.from(cache.sizes, (_, cls) => (wanted === undefined || wanted[cls] ? 1 : 0));
    this.worker = o.learning?.worker ?? 0;
    this.pushEvent = o.learning?.pushEvent ?? noEvents;
    this.now = o.now ?? (() => performance.now());
    this.contracts = o.debug?.contracts ?? false;
  }

  /** Take the snapshot of a refill of `cls`, before it moves anything (its count: the engine's move()). */
  protected capture(cls: number): void {
    const s = this.last;
    const t = this.now();
    s.cls = cls;
    s.blocksLeft = this.cache.cached(cls);
    s.missStreak = this.missStreak[cls];
    // the class's clock, not its refill counter: one call less in the refill TurboFan inlines
    const before = this.lastRefillAt[cls];
    s.sinceLastMs = before === -Infinity ? -1 : t - before;
    s.at = t;
  }

  /**
   * A refill of `cls` (the snapshot's) succeeded: its history, and its event when the countdown
   * runs out or it came SAMPLE_MS after the last; the next one of this class is then reported in
   * SAMPLE_EVERY refills, FAST_EVERY while they come under FAST_MS apart. Called from the engine's
   * move(), a call TurboFan does not inline: none of this lands in the caller's loop, where it cost
   * larson's workers 3-5 % with learning on (BENCHMARKS.md, "What learning cost larson").
   */
  protected refilled(cls: number): void {
    const since = this.last.sinceLastMs;
    this.missStreak[cls]++;
    this.lastRefillAt[cls] = this.last.at;
    if (this.ringW < 0 || this.reports[cls] === 0 || (--this.sampleIn[cls] > 0 && since < SAMPLE_MS)) return;
    this.sampleIn[cls] = since >= 0 && since < FAST_MS ? FAST_EVERY : SAMPLE_EVERY;
    this.notify();
  }

  /** Report the refill to the learner: plain numbers into the ring; dropped (counted) when full. */
  private notify(): void {
    const s = this.last;
    const since = s.sinceLastMs < 0 ? -1 : Math.min(2147483647, Math.round(s.sinceLastMs * 1000));
    this.bump(this.miscW + MISC.EVENTS, 1);
    const pushed = this.pushEvent(this.cache.words, this.ringW, s.cls, this.worker, s.count, s.blocksLeft, s.missStreak, since, this.cache.cached(s.cls));
    if (pushed) return;
    this.bump(this.miscW + MISC.DROPPED, 1);
    if (this.contracts) this.bump(this.miscW + MISC.V_RING_FULL, 1);
  }
}

// Never called (the ring is -1 without a learner's pushEvent): it keeps the field monomorphic.
const noEvents = (): boolean => false;
