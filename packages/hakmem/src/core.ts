/**
 * What a heap object holds besides its cache (`heap.core`): the region, this worker's backend and
 * refill engine, the views, the closed flag; and the cache's Fallback, where sizes it does not serve
 * and pointers it refuses go. Cold paths only.
 */
import {
  allocBase, badSize, CTRL, cacheBase, classify, DEBUG_CONTRACTS, DEBUG_LOG_DROPS, detachSlot, HeapError, HeapErrorCode,
  LIVE_LARGE, LIVE_SMALL, PAGE_SIZE, Region, SLOT, SlotBackend, slotCounters, usableSize, viewBytes, shown,
} from '@hakmem/arena';
import type { CacheBase, CacheConfig, Fallback, HeaderlessCache, ThreadCache } from '@hakmem/pool-tls';
import { pushEvent, readPolicy } from '@hakmem/ace-learning/producer';
import { defaultBounds, defaultRefillCounts, RefillEngine } from '@hakmem/pool-refill';
import { Views } from './views.js';
import { learningWords, reportedClasses, type LearnerHandle } from './learning.js';
import { loggingDrops } from './learner/log-drops.js';
import { capBounds } from './cache-cap.js';

/** The cache's Fallback: sizes it does not serve, pointers it refuses. */
export class HeapCore implements Fallback {
  readonly backend: SlotBackend;
  readonly views: Views;
  engine!: RefillEngine;
  cache!: CacheBase;
  /** set once this worker has detached (or closed the heap): every later call throws HAKMEM_CLOSED */
  closed = false;
  /** the learner this heap's creator started (null: none, or not the creator) */
  learner: LearnerHandle | null = null;
  /** called once this worker has detached (the wasm fast paths of mallocImports turn to JavaScript) */
  readonly onRelease: Array<() => void> = [];

  constructor(
    readonly r: Region,
    readonly slot: number,
  ) {
    this.backend = new SlotBackend(r, slot);
    this.views = new Views(r.buffer, r.growable);
  }

  /** Configuration for this slot's cache (wire() connects it). */
  cacheConfig(): CacheConfig {
    const r = this.r;
    const sizes = Array.from(r.sizes);
    return {
      i32: r.i32,
      heads: this.backend.headsW,
      classSizes: sizes,
      bounds: defaultBounds(sizes),
      allocTag: allocBase(r.salt),
      freeTag: cacheBase(r.salt, this.slot),
    };
  }

  /** Connect cache, refill engine and backend. */
  wire(cache: CacheBase, counts: Int32Array | undefined): void {
    const r = this.r;
    this.cache = cache;
    const lw = learningWords(r);
    const flags = Atomics.load(r.i32, r.ctrl + CTRL.DEBUG);
    const capKiB = Atomics.load(r.i32, r.ctrl + CTRL.MAX_CACHED_KIB);
    const sizes = Array.from(r.sizes);
    this.engine = new RefillEngine(cache, this.backend, {
      counts: counts ?? defaultRefillCounts(sizes),
      learning: lw ? {
        policy: lw.policy, ring: lw.ring, worker: this.slot, pushEvent: (flags & DEBUG_LOG_DROPS) !== 0 ? loggingDrops(this.slot) : pushEvent, readPolicy,
        reports: reportedClasses(r),
      } : undefined,
      counters: { misc: this.backend.slotW + SLOT.MISC, perClass: this.backend.slotW + slotCounters(r.layout.numClasses, 0) },
      intervalWord: r.ctrl + CTRL.DIAG_EPOCH,
      maxBounds: capKiB > 0 ? capBounds(sizes, defaultBounds(sizes), capKiB * 1024) : undefined,
      debug: { contracts: (flags & DEBUG_CONTRACTS) !== 0 },
    });
    cache.connect(this.engine, this);
    r.onViews.push((i32) => {
      cache.setView(i32);
      if (this.views.buffer !== r.buffer || this.views.length !== viewBytes(r.buffer)) this.views.rebuild(r.buffer);
    });
  }

  /** Largest size `alloc` can ever satisfy: the heap's maximum data bytes. */
  maxAllocSize(): number {
    return this.r.layout.maxPages * PAGE_SIZE - this.r.largeLead;
  }

  /** Throws HAKMEM_BAD_SIZE for a size no block can have. */
  checkSize(size: number): void {
    if (typeof size !== 'number' || !Number.isInteger(size)) throw badSize(size, 'not an integer');
    if (size < 0) throw badSize(size, 'negative');
    const max = this.maxAllocSize();
    if (size > max) throw badSize(size, `larger than this heap can ever hold (${max} bytes)`);
  }

  /** Sizes the cache does not serve: errors, and large blocks straight from the arena. */
  allocSlow(size: number): number {
    this.checkSize(size);
    return this.allocLarge(size, 1);
  }

  /** A large block (`align`-aligned), after flushing this worker's caches and a heap-wide collect if need be; 0 if none. */
  allocLarge(size: number, align: number): number {
    let p = this.backend.allocLarge(size, align);
    if (p === 0) {
      this.engine.flush();
      p = this.backend.allocLarge(size, align);
    }
    if (p === 0 && this.backend.collect()) p = this.backend.allocLarge(size, align);
    return p;
  }

  /**
   * The smallest class of at least `size` bytes whose every block is `align`-aligned (its stride
   * a multiple of `align`: its lead, classes.ts blockLead, is then one too), or -1: none, or an
   * alignment above a page (spans are only page-aligned).
   */
  alignedClass(align: number, size: number): number {
    const r = this.r;
    const c = this.cache;
    if (align > PAGE_SIZE || size > c.maxSmall) return -1;
    for (let cls = c.classOf(size); cls < r.sizes.length; cls++) {
      if (r.stride[cls] % align === 0) return cls;
    }
    return -1;
  }

  /**
   * Pointers the hot path refused: free(0), large blocks, typed arrays, misuse, a view older than
   * the block. The hot path is retried only when classify's sync gave this worker a new view, so a
   * header the hot path refuses can never send the free back and forth.
   */
  freeSlow(p: number, size?: number): void {
    if (p === 0) return;
    // free(view): a typed array fails the hot path's number check and lands here
    if (typeof p === 'object') return (this.cache as unknown as { freeView(v: unknown): void }).freeView(p);
    const view = this.cache.words;
    if (classify(this.r, p) === LIVE_LARGE) return this.backend.freeLarge(p);
    // a block beyond the view this worker had: a growth it has not seen (classify syncs on the
    // growth generation; refresh covers a buffer that grew before its generation was bumped)
    if (this.cache.words === view && (p >>> 2) >= view.length) this.r.refresh();
    const renewed = this.cache.words !== view;
    if (this.r.hdr === 0) {
      const usable = usableSize(this.r, p, LIVE_SMALL);
      if (!renewed || !this.sizeFits(size, usable)) {
        throw new HeapError(HeapErrorCode.BAD_SIZE, `free(${p}, ${shown(size)}): the size does not match the block (${usable} usable bytes)`, p);
      }
      (this.cache as HeaderlessCache).free(p, size as number);
    } else {
      // classify compares the whole header word as the hot path does: only a stale view differs
      if (!renewed) throw new HeapError(HeapErrorCode.CORRUPT, `block ${p}: the header check of free disagrees with classify`, p);
      (this.cache as ThreadCache).free(p);
    }
  }

  /** `size` is one the headerless cache files under the class of a block of `usable` bytes. */
  private sizeFits(size: unknown, usable: number): boolean {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > this.cache.maxSmall) return false;
    return this.cache.sizes[this.cache.classOf(size)] === usable;
  }

  /**
   * Give this slot back: every cached block to its owner, this slot's inboxes taken in, its
   * spans released (all blocks back) or abandoned (some still out: another worker adopts them).
   */
  release(): void {
    this.engine.flush();
    detachSlot(this.backend);
    this.closed = true;
    for (const f of this.onRelease.splice(0)) f();
  }
}
