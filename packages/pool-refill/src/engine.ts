/**
 * Box 2: the refill engine, the cold path between a cache and its backend. On a miss it reads the
 * count in force for the class (the learner's policy table, else its own counts), takes a chain
 * from the backend, installs it and hands back the new head; when a list overflows it gives all
 * but half the bound back; on exhaustion it flushes and retries. Each move of blocks is counted
 * with it, inside the backend's cold section. It is built in layers, one idea a file:
 * RefillEngine (here: the moves) extends RefillEvents (./events.ts: what a learner is told), which
 * extends EngineCounters (./counters.ts: the counter words); ./interval.ts says what a move of the
 * interval word means.
 */
import { badOption, type CacheBase, type Refiller } from '@hakmem/pool-tls';
import { installChain, takeChain } from '@hakmem/pool-tls/chain';
import type { RefillBackend } from './backend.js';
import { MISC, PER_CLASS, PER_CLASS_WORDS, type CounterPlace } from './counters.js';
import { RefillEvents } from './events.js';
import { newInterval } from './interval.js';
import type { RefillLearner } from './learner.js';
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

/** The cache's Refiller: connect it with cache.connect(engine, fallback). */
export class RefillEngine extends RefillEvents implements Refiller {
  readonly counts: Int32Array;
  /** the largest count a policy may set, per class (maxCount) */
  readonly maxCounts: Int32Array;
  /** the largest bound, per class (the default bound, or lower: maxBounds) */
  readonly maxBounds: Int32Array;
  /** the chain a move took: [its last block, how many blocks] (takeBatch and takeChain fill it) */
  private readonly chain = new Int32Array(2);
  private readonly policyW: number;
  private readonly readPolicy: RefillLearner['readPolicy'];
  /** the count each class's bound was last set for */
  private readonly applied: Int32Array;
  private readonly intervalW: number;
  private interval = 0;
  private inRefill = false;

  constructor(cache: CacheBase, readonly backend: RefillBackend, o: RefillOptions) {
    const n = cache.sizes.length;
    if (o === null || typeof o !== 'object' || !(o.counts instanceof Int32Array) || o.counts.length !== n) {
      throw badOption(`counts must be an Int32Array of ${n} entries (one per class of the cache)`);
    }
    if (o.counts.some((k) => k < 1)) throw badOption('counts must be positive');
    super(cache, o);
    this.counts = o.counts;
    this.policyW = o.learning?.policy ?? -1;
    this.readPolicy = o.learning?.readPolicy ?? noPolicy;
    if (o.maxBounds !== undefined && o.maxBounds?.length !== n) throw badOption(`maxBounds: one per class (${n})`);
    this.maxBounds = Int32Array.from(defaultBounds(Array.from(cache.sizes)), (b, cls) => Math.max(1, Math.min(b, o.maxBounds?.[cls] ?? b)));
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
    this.intervalW = o.intervalWord ?? -1;
    if (this.intervalW >= 0) this.interval = Atomics.load(cache.words, this.intervalW);
  }

  /** Fill the list of `cls`; returns its new head, 0 when the backend has nothing even after a flush. */
  refill(cls: number): number {
    this.inRefill = true;
    this.checkInterval();
    this.capture(cls);
    let head = this.move(cls, -1, PER_CLASS.REFILLS);
    if (head === 0 && (head = this.refillAfterFlush(cls, this.last.count)) === 0) {
      this.inRefill = false;
      return 0;
    }
    // Contract: a refill never waits. A backend that had to (a lock held by another worker, a heap
    // stopped for a reclaim) counts it in V_REFILL_WAITED itself: a counter read here, on a path
    // inlined into the caller's loop, slows the loop (ARCHITECTURE.md, "What V8 does"); so does
    // the learner's part of a refill, which move() does (the count in force, refilled).
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
   * Move blocks and count them inside the backend's cold section (begin/end): a reader that stops
   * the backend sees blocks and counters move together, never one without the other (only the
   * backend's calls can throw in between, and it ends the section then). `times` says which move:
   * REFILLS, up to `n` blocks from the backend into the list (`n` < 0: the count in force, read
   * here and kept in the refill's snapshot; the bound set for `n` first), returning the new head
   * (0: none, and no refill counted); DRAINS, `n` blocks of the list back (a drain); -1, the same
   * uncounted as a drain (a flush). Not inlined into the caller's loop: the rare work of a refill
   * belongs here (ARCHITECTURE.md, "What V8 does"). The policy read too: inlined, it made the
   * loop TurboFan compiles bigger with learning on than off, and its first compile later.
   */
  private move(cls: number, n: number, times: number): number {
    const b = this.backend;
    const refill = times === PER_CLASS.REFILLS;
    if (refill && n < 0) this.last.count = n = this.countFor(cls);
    if (refill && n !== this.applied[cls]) this.applyCount(cls, n);
    b.begin?.();
    const head = refill ? b.takeBatch(cls, n, this.chain) : takeChain(this.cache, cls, n, this.chain);
    const tail = this.chain[0];
    const moved = this.chain[1];
    if (head !== 0 && refill) installChain(this.cache, cls, head, tail, moved);
    else if (head !== 0) b.returnBatch(cls, head, tail, moved);
    const w = this.classW + PER_CLASS_WORDS * cls;
    if (times >= 0 && (head !== 0 || !refill)) this.bump(w + times, 1);
    this.bump(w + (refill ? PER_CLASS.BLOCKS_IN : PER_CLASS.BLOCKS_OUT), moved);
    b.end?.();
    if (head !== 0 && refill) this.refilled(cls);
    return head;
  }

  /** The interval word moved? (./interval.ts: a new diagnostics interval, or a collect) */
  private checkInterval(): void {
    if (this.intervalW < 0) return;
    const e = Atomics.load(this.cache.words, this.intervalW);
    if (e !== this.interval) this.intervalMoved(e);
  }

  private intervalMoved(e: number): void {
    const collect = newInterval(this.cache, this.interval, e);
    this.interval = e;
    if (collect) this.flush();
  }

  /**
   * The count in force for this refill: the policy table's (one atomic load, at refill time
   * only: a change applies to the next refill, never to one under way), capped at maxCount, else
   * the default. Both are computed on every refill: a branch first taken when the learner sets a
   * count would deoptimize move(), which calls this.
   */
  private countFor(cls: number): number {
    const p = this.policyCount(cls);
    const capped = Math.min(p, this.maxCounts[cls]);
    return p > 0 ? capped : this.counts[cls];
  }

  /** A new count for `cls` (move, before its refill): the cache's bound follows it downwards (boundFor). */
  private applyCount(cls: number, n: number): void {
    this.applied[cls] = n;
    this.cache.setBound(cls, Math.min(boundFor(n, this.cache.sizes[cls]), this.maxBounds[cls]));
  }
}

// Never called (the policy is -1 without a learner): it keeps the field monomorphic.
const noPolicy = (): number => 0;
