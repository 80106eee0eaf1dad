/**
 * Box 2: the refill engine, the cold path between a cache and its backend. On a miss it reads the
 * refill count for the class, takes a chain from the backend, installs it and hands back the new
 * head; when a list overflows it gives half of it back. It keeps per-class state a learner needs
 * (miss streak, time of the last refill, captured before each refill) and the counters
 * diagnostics read (./counters.ts).
 */
import type { CacheBase, Refiller } from '@hakmem/pool-tls';
import { installChain, resetLowWater, takeChain } from '@hakmem/pool-tls/chain';
import type { RefillBackend } from './backend.js';
import { badOption } from '@hakmem/pool-tls';
import type { RefillLearner } from './learner.js';
import { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS, type CounterPlace } from './counters.js';
import { boundFor, defaultBounds, maxCount } from './policy.js';

/** `RefillEngine`'s options: refill counts, the learner to report to, counters, debug flags. */
export interface RefillOptions {
  /** blocks per refill, per class: the fixed defaults, used while the policy table has no value */
  counts: Int32Array;
  /** clock for the time since a class's last refill (ms); default performance.now */
  now?: () => number;
  /**
   * Box 3: the policy table the learner writes, the event ring each refill reports to, and the
   * producer functions (`{ ...policyAndRing, pushEvent, readPolicy }` from
   * `@hakmem/ace-learning/producer`, or a learner of your own). Without it: the fixed counts.
   */
  learning?: RefillLearner;
  /** where the counters live in the cache's buffer (the worker's slot); default: a private array */
  counters?: CounterPlace;
  /**
   * the diagnostics interval word: when its low half moves, the cache's low-water marks start
   * again; when its high half moves (a heap-wide collect), the engine gives its cache back
   */
  intervalWord?: number;
  /**
   * The largest bound per class, below the default bounds to cap the memory the cache may hold
   * idle (hakmem's `maxCachedBytes`); a class capped below its default bound takes smaller
   * refills, four refills' worth at most. Default: the default bounds.
   */
  maxBounds?: ArrayLike<number>;
  /** contract validation (counts violations); off: nothing checked */
  debug?: { contracts?: boolean };
}

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

/**
 * Sampling of refill events: a class whose refills come less than SAMPLE_MS (1 ms) apart reports
 * one refill in 8, less than FAST_MS (0.1 ms) apart one in 32. Such events carry the same
 * information (the interval and the count of the refill reported), and the ring and the learner's
 * work stay small when classes refill hundreds of thousands of times a second.
 */
const SAMPLE_MS = 1;
const SAMPLE_MASK = 7;
const FAST_MS = 0.1;
const FAST_MASK = 31;

/** The cache's Refiller: connect it with cache.connect(engine, fallback). */
export class RefillEngine implements Refiller {
  readonly counts: Int32Array;
  /** refills since the last drain, per class */
  readonly missStreak: Int32Array;
  readonly lastRefillAt: Float64Array;
  readonly last: RefillSnapshot = { cls: -1, count: 0, blocksLeft: 0, missStreak: 0, sinceLastMs: 0, at: 0 };
  /** the largest count a policy may set, per class (maxCount) */
  readonly maxCounts: Int32Array;
  /** the largest bound, per class (the default bound, or lower: maxBounds) */
  readonly maxBounds: Int32Array;
  private readonly out = new Int32Array(2);
  private readonly now: () => number;
  private readonly policyW: number;
  private readonly ringW: number;
  private readonly worker: number;
  private readonly readPolicy: RefillLearner['readPolicy'];
  private readonly pushEvent: NonNullable<RefillLearner['pushEvent']>;
  /** the count each class's bound was last set for */
  private readonly applied: Int32Array;
  private readonly own: Int32Array | null;
  private readonly miscW: number;
  private readonly classW: number;
  private readonly intervalW: number;
  private interval = 0;
  private readonly contracts: boolean;
  private inRefill = false;

  constructor(
    readonly cache: CacheBase,
    readonly backend: RefillBackend,
    o: RefillOptions,
  ) {
    const n = cache.sizes.length;
    if (o === null || typeof o !== 'object' || !(o.counts instanceof Int32Array) || o.counts.length !== n) {
      throw badOption(`counts must be an Int32Array of ${n} entries (one per class of the cache)`);
    }
    if (o.counts.some((k) => k < 1)) throw badOption('counts must be positive');
    this.counts = o.counts;
    this.missStreak = new Int32Array(n);
    this.lastRefillAt = new Float64Array(n);
    this.now = o.now ?? (() => performance.now());
    this.policyW = o.learning?.policy ?? -1;
    this.ringW = o.learning?.pushEvent ? (o.learning.ring ?? -1) : -1;
    this.worker = o.learning?.worker ?? 0;
    this.readPolicy = o.learning?.readPolicy ?? noPolicy;
    this.pushEvent = o.learning?.pushEvent ?? noEvents;
    const sizes = Array.from(cache.sizes);
    if (o.maxBounds !== undefined && o.maxBounds?.length !== n) throw badOption(`maxBounds: one per class (${n})`);
    this.maxBounds = Int32Array.from(defaultBounds(sizes), (b, cls) => Math.max(1, Math.min(b, o.maxBounds?.[cls] ?? b)));
    this.maxCounts = Int32Array.from(cache.sizes, (size, cls) => Math.max(maxCount(size), o.counts[cls]));
    for (let cls = 0; cls < n; cls++) {
      if (this.maxBounds[cls] >= cache.boundOf(cls)) continue;
      // a capped class: four refills' worth at most, so a refill is not drained back at once
      const most = Math.max(1, this.maxBounds[cls] >>> 2);
      o.counts[cls] = Math.min(o.counts[cls], most);
      this.maxCounts[cls] = Math.min(this.maxCounts[cls], Math.max(most, this.maxBounds[cls] >>> 1));
      cache.setBound(cls, this.maxBounds[cls]);
    }
    this.applied = Int32Array.from(o.counts);
    this.own = o.counters ? null : new Int32Array(MISC_WORDS + PER_CLASS_WORDS * n);
    this.miscW = o.counters?.misc ?? 0;
    this.classW = o.counters?.perClass ?? MISC_WORDS;
    this.intervalW = o.intervalWord ?? -1;
    if (this.intervalW >= 0) this.interval = Atomics.load(cache.words, this.intervalW);
    this.contracts = o.debug?.contracts ?? false;
  }

  /** Fill the list of `cls`; returns its new head, 0 when the backend has nothing even after a flush. */
  refill(cls: number): number {
    this.inRefill = true;
    this.checkInterval();
    const n = this.countFor(cls);
    this.capture(cls, n);
    let head = this.move(cls, n, PER_CLASS.REFILLS);
    if (head === 0 && (head = this.refillAfterFlush(cls, n)) === 0) {
      this.inRefill = false;
      return 0;
    }
    // Contract: a refill never waits. A backend that had to (a lock held by another worker, a heap
    // stopped for a reclaim) counts it in V_REFILL_WAITED itself: a counter read here, on a path
    // inlined into the caller's loop, slows the loop (ARCHITECTURE.md, "What V8 does").
    this.missStreak[cls]++;
    this.lastRefillAt[cls] = this.last.at;
    const since = this.last.sinceLastMs;
    if (this.ringW >= 0 && (since >= SAMPLE_MS || since < 0 || (this.refillsOf(cls) & (since < FAST_MS ? FAST_MASK : SAMPLE_MASK)) === 0)) {
      this.notify();
    }
    this.inRefill = false;
    return head;
  }

  /**
   * The backend had nothing: flush this worker's caches and try again, then once more after a
   * heap-wide collect (0: exhausted, counted). The collect stops the heap: it runs outside the
   * cold section.
   */
  private refillAfterFlush(cls: number, n: number): number {
    this.flush();
    let head = this.move(cls, n, PER_CLASS.REFILLS);
    if (head === 0 && this.backend.collect?.()) head = this.move(cls, n, PER_CLASS.REFILLS);
    if (head === 0) this.bump(this.miscW + MISC.EXHAUSTED, 1);
    return head;
  }

  /** The list of `cls` is over its bound: give back all but half the bound. */
  drain(cls: number): void {
    this.checkInterval();
    this.move(cls, this.cache.cached(cls) - (this.cache.boundOf(cls) >>> 1), PER_CLASS.DRAINS);
    this.missStreak[cls] = 0;
  }

  /** Return every cached block to the backend, and let it trim. */
  flush(): void {
    for (let cls = 0; cls < this.counts.length; cls++) if (this.cache.cached(cls) > 0) this.move(cls, this.cache.cached(cls), -1);
    this.backend.trim?.();
  }

  /** The count the policy table holds for `cls` (one atomic load); meant for refill time only. */
  policyCount(cls: number): number {
    if (this.policyW < 0) return 0;
    // Contract B: the policy is read at refill time, never elsewhere (a read outside is counted)
    if (this.contracts && !this.inRefill) this.bump(this.miscW + MISC.V_POLICY_OUTSIDE, 1);
    return this.readPolicy(this.cache.words, this.policyW, cls);
  }

  /**
   * Where this engine's counters are now (MISC and PER_CLASS words; ./counters.ts): the words
   * move with the cache's view when the buffer grows. Decoded by `refillCounters` of
   * @hakmem/pool-diagnostics.
   */
  counterWords(): { words: Int32Array } & CounterPlace {
    return { words: this.words(), misc: this.miscW, perClass: this.classW };
  }

  /** Refills of `cls` so far (unsigned 32-bit, wrapping; the sampling rule reads it too). */
  refillsOf(cls: number): number {
    return this.words()[this.classW + PER_CLASS_WORDS * cls + PER_CLASS.REFILLS] >>> 0;
  }

  private words(): Int32Array {
    return this.own ?? this.cache.words;
  }

  private bump(w: number, n: number): void {
    const a = this.words();
    a[w] = (a[w] + n) | 0;
  }

  /**
   * Move blocks and count them inside the backend's cold section (begin/end): a reader that stops
   * the backend sees blocks and counters move together, never one without the other (only the
   * backend's calls can throw in between, and it ends the section then). `times` says which move:
   * REFILLS, up to `n` blocks from the backend into the list, returning the new head (0: none, and
   * no refill counted); DRAINS, `n` blocks of the list back (a drain); -1, the same uncounted as
   * a drain (a flush). out[1]: how many blocks moved.
   */
  private move(cls: number, n: number, times: number): number {
    const b = this.backend;
    b.begin?.();
    const refill = times === PER_CLASS.REFILLS;
    const head = refill ? b.takeBatch(cls, n, this.out) : takeChain(this.cache, cls, n, this.out);
    if (head !== 0 && refill) installChain(this.cache, cls, head, this.out[0], this.out[1]);
    else if (head !== 0) b.returnBatch(cls, head, this.out[0], this.out[1]);
    const w = this.classW + PER_CLASS_WORDS * cls;
    if (times >= 0 && (head !== 0 || !refill)) this.bump(w + times, 1);
    this.bump(w + (refill ? PER_CLASS.BLOCKS_IN : PER_CLASS.BLOCKS_OUT), this.out[1]);
    b.end?.();
    return head;
  }

  /**
   * The interval word moved (owner, cold path). Its low half: a reader started a new diagnostics
   * interval, the low-water marks start again. Its high half: a heap-wide collect asked every
   * worker to give its cache back.
   */
  private checkInterval(): void {
    if (this.intervalW < 0) return;
    const e = Atomics.load(this.cache.words, this.intervalW);
    if (e !== this.interval) this.intervalMoved(e);
  }

  private intervalMoved(e: number): void {
    const collect = (e ^ this.interval) >>> 16 !== 0;
    this.interval = e;
    resetLowWater(this.cache);
    if (collect) this.flush();
  }

  /**
   * The count in force for this refill: the policy table's (one atomic load, at refill time
   * only: a change applies to the next refill, never to one under way), capped at maxCount, else
   * the default. The cache's bound follows the count downwards (boundFor).
   */
  private countFor(cls: number): number {
    let n = this.counts[cls];
    const p = this.policyCount(cls);
    if (p > 0) n = Math.min(p, this.maxCounts[cls]);
    if (n < 1) n = 1;
    if (n !== this.applied[cls]) {
      this.applied[cls] = n;
      this.cache.setBound(cls, Math.min(boundFor(n, this.cache.sizes[cls]), this.maxBounds[cls]));
    }
    return n;
  }

  /** Report the refill to the learner: plain numbers into the ring; dropped (counted) when full. */
  private notify(): void {
    const s = this.last;
    const since = s.sinceLastMs < 0 ? -1 : Math.min(2147483647, Math.round(s.sinceLastMs * 1000));
    this.bump(this.miscW + MISC.EVENTS, 1);
    const ok = this.pushEvent(
      this.cache.words, this.ringW, s.cls, this.worker, s.count, s.blocksLeft, s.missStreak, since,
      this.cache.cached(s.cls),
    );
    if (!ok) this.onDrop();
  }

  private onDrop(): void {
    this.bump(this.miscW + MISC.DROPPED, 1);
    if (this.contracts) this.bump(this.miscW + MISC.V_RING_FULL, 1);
  }

  private capture(cls: number, n: number): void {
    const s = this.last;
    const t = this.now();
    s.cls = cls;
    s.count = n;
    s.blocksLeft = this.cache.cached(cls);
    s.missStreak = this.missStreak[cls];
    s.sinceLastMs = this.refillsOf(cls) === 0 ? -1 : t - this.lastRefillAt[cls];
    s.at = t;
  }
}

// Never called (policy and ring are -1 without a learner): they keep the fields monomorphic.
function noPolicy(): number {
  return 0;
}
function noEvents(): boolean {
  return false;
}
