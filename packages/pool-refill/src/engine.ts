/**
 * Box 2: the refill engine, the cold path between a cache and its backend. On a miss it reads the
 * refill count for the class, takes a chain from the backend, installs it and hands back the new
 * head; when a list overflows it gives half of it back. It keeps per-class state a learner needs
 * (refills, drains, miss streak, time of the last refill), captured before each refill.
 */
import { pushEvent, readPolicy } from '@hakmem/ace-learning/producer';
import type { CacheBase, Refiller } from '@hakmem/pool-tls';
import { installChain, takeChain } from '@hakmem/pool-tls/chain';
import type { RefillBackend } from './backend.js';
import { boundFor, maxCount } from './policy.js';

export interface RefillOptions {
  /** blocks per refill, per class: the fixed defaults, used while the policy table has no value */
  counts: Int32Array;
  /** clock for the time since a class's last refill (ms); default performance.now */
  now?: () => number;
  /**
   * Box 3 (ace-learning): word offsets, in the cache's buffer, of the policy table the learner
   * writes and of the event ring each refill reports to; `worker` is this cache's slot.
   */
  learning?: { policy: number; ring: number; worker: number };
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

/** The cache's Refiller: connect it with cache.connect(engine, fallback). */
/**
 * A class that refills more often than every SAMPLE_MS reports one refill in SAMPLE_EVERY: its
 * events carry the same information (the interval and the count of the refill reported), and the
 * ring and the learner's work stay small when a class refills hundreds of thousands of times a
 * second (larson with 2-32 KiB blocks: 1.3 M events in 2 s before, ~8x fewer after).
 */
const SAMPLE_MS = 0.1;
const SAMPLE_EVERY = 8;

export class RefillEngine implements Refiller {
  readonly counts: Int32Array;
  readonly refills: Float64Array;
  readonly drains: Float64Array;
  /** refills since the last drain, per class */
  readonly missStreak: Int32Array;
  readonly lastRefillAt: Float64Array;
  /** exhaustion: refills that found nothing even after flushing */
  failed = 0;
  readonly last: RefillSnapshot = { cls: -1, count: 0, blocksLeft: 0, missStreak: 0, sinceLastMs: 0, at: 0 };
  private readonly out = new Int32Array(2);
  private readonly now: () => number;
  private readonly policyW: number;
  private readonly ringW: number;
  private readonly worker: number;
  /** the count each class's bound was last set for */
  private readonly applied: Int32Array;
  /** the largest count a policy may set, per class (maxCount) */
  readonly maxCounts: Int32Array;
  /** refill events this engine tried to push, and those the ring refused (full or contended) */
  events = 0;
  dropped = 0;

  constructor(
    readonly cache: CacheBase,
    readonly backend: RefillBackend,
    o: RefillOptions,
  ) {
    const n = cache.sizes.length;
    if (o.counts.length !== n) throw new RangeError(`counts has ${o.counts.length} entries, the cache ${n} classes`);
    this.counts = o.counts;
    this.refills = new Float64Array(n);
    this.drains = new Float64Array(n);
    this.missStreak = new Int32Array(n);
    this.lastRefillAt = new Float64Array(n);
    this.now = o.now ?? (() => performance.now());
    this.policyW = o.learning?.policy ?? -1;
    this.ringW = o.learning?.ring ?? -1;
    this.worker = o.learning?.worker ?? 0;
    this.applied = Int32Array.from(o.counts);
    this.maxCounts = Int32Array.from(cache.sizes, (size, cls) => Math.max(maxCount(size), o.counts[cls]));
  }

  /** Fill the list of `cls`; returns its new head, 0 when the backend has nothing even after a flush. */
  refill(cls: number): number {
    const n = this.countFor(cls);
    this.capture(cls, n);
    let head = this.backend.takeBatch(cls, n, this.out);
    if (head === 0) {
      this.flush();
      head = this.backend.takeBatch(cls, n, this.out);
      if (head === 0) {
        this.failed++;
        return 0;
      }
    }
    installChain(this.cache, cls, head, this.out[0], this.out[1]);
    this.refills[cls]++;
    this.missStreak[cls]++;
    this.lastRefillAt[cls] = this.last.at;
    if (this.ringW >= 0 && (this.last.sinceLastMs >= SAMPLE_MS || this.last.sinceLastMs < 0 || (this.refills[cls] & (SAMPLE_EVERY - 1)) === 0)) this.notify();
    return head;
  }

  /** The list of `cls` is over its bound: give back all but half the bound. */
  drain(cls: number): void {
    const keep = this.cache.boundOf(cls) >>> 1;
    this.giveBack(cls, this.cache.cached(cls) - keep);
    this.drains[cls]++;
    this.missStreak[cls] = 0;
  }

  /** Return every cached block to the backend, and let it trim. */
  flush(): void {
    for (let cls = 0; cls < this.counts.length; cls++) this.giveBack(cls, this.cache.cached(cls));
    this.backend.trim?.();
  }

  private giveBack(cls: number, n: number): void {
    if (n <= 0) return;
    const head = takeChain(this.cache, cls, n, this.out);
    if (head !== 0) this.backend.returnBatch(cls, head, this.out[0], this.out[1]);
  }

  /**
   * The count in force for this refill: the policy table's (one atomic load, at refill time
   * only: a change applies to the next refill, never to one under way), capped at maxCount, else
   * the default. The cache's bound follows the count downwards (boundFor).
   */
  private countFor(cls: number): number {
    let n = this.counts[cls];
    if (this.policyW >= 0) {
      const p = readPolicy(this.cache.words, this.policyW, cls);
      if (p > 0) n = Math.min(p, this.maxCounts[cls]);
    }
    if (n < 1) n = 1;
    if (n !== this.applied[cls]) {
      this.applied[cls] = n;
      this.cache.setBound(cls, boundFor(n, this.cache.sizes[cls]));
    }
    return n;
  }

  /** Report the refill to the learner: plain numbers into the ring; dropped (counted) when full. */
  private notify(): void {
    const s = this.last;
    const since = s.sinceLastMs < 0 ? -1 : Math.min(2147483647, Math.round(s.sinceLastMs * 1000));
    this.events++;
    const ok = pushEvent(
      this.cache.words, this.ringW, s.cls, this.worker, s.count, s.blocksLeft, s.missStreak, since,
      this.cache.cached(s.cls),
    );
    if (!ok) this.dropped++;
  }

  private capture(cls: number, n: number): void {
    const s = this.last;
    const t = this.now();
    s.cls = cls;
    s.count = n;
    s.blocksLeft = this.cache.cached(cls);
    s.missStreak = this.missStreak[cls];
    s.sinceLastMs = this.refills[cls] === 0 ? -1 : t - this.lastRefillAt[cls];
    s.at = t;
  }
}
