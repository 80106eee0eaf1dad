/**
 * Box 2: the refill engine, the cold path between a cache and its backend. On a miss it reads the
 * refill count for the class, takes a chain from the backend, installs it and hands back the new
 * head; when a list overflows it gives half of it back. It keeps per-class state a learner needs
 * (refills, drains, miss streak, time of the last refill), captured before each refill.
 */
import type { CacheBase, Refiller } from '@hakmem/pool-tls';
import { installChain, takeChain } from '@hakmem/pool-tls/chain';
import type { RefillBackend } from './backend.js';

export interface RefillOptions {
  /** blocks per refill, per class (the policy table; phase 1: fixed defaults) */
  counts: Int32Array;
  /** clock for the time since a class's last refill (ms); default performance.now */
  now?: () => number;
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
  }

  /** Fill the list of `cls`; returns its new head, 0 when the backend has nothing even after a flush. */
  refill(cls: number): number {
    this.capture(cls);
    const n = this.countFor(cls);
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

  /** The count in force for the next refill (a policy table may change it between refills). */
  private countFor(cls: number): number {
    const n = this.counts[cls];
    return n > 0 ? n : 1;
  }

  private capture(cls: number): void {
    const s = this.last;
    const t = this.now();
    s.cls = cls;
    s.count = this.countFor(cls);
    s.blocksLeft = this.cache.cached(cls);
    s.missStreak = this.missStreak[cls];
    s.sinceLastMs = this.refills[cls] === 0 ? -1 : t - this.lastRefillAt[cls];
    s.at = t;
  }
}
