/**
 * What a heap object holds besides its cache: the region, this worker's backend and refill engine,
 * the views. Cold paths only.
 */
import {
  allocBase, badSize, C, cacheBase, classify, DEBUG_CONTRACTS, DEBUG_LOG_DROPS, detachSlot, HeapError, HeapErrorCode,
  LIVE_LARGE, LIVE_SMALL, PAGE_SIZE, Region, S, SlotBackend, slotCounters, usableSize,
} from '@hakmem/arena';
import type { CacheBase, CacheConfig, Fallback, ThreadCache } from '@hakmem/pool-tls';
import { pushEvent, readPolicy } from '@hakmem/ace-learning/producer';
import { defaultBounds, defaultRefillCounts, RefillEngine } from '@hakmem/pool-refill';
import { Views } from './views.js';
import { learningWords, type LearnerHandle } from './learning.js';

/** The cache's Fallback: sizes it does not serve, pointers it refuses. */
export class HeapCore implements Fallback {
  readonly backend: SlotBackend;
  readonly views: Views;
  engine!: RefillEngine;
  cache!: CacheBase;
  closed = false;
  /** the learner this heap's creator started (null: none, or not the creator) */
  learner: LearnerHandle | null = null;

  constructor(
    readonly r: Region,
    readonly slot: number,
  ) {
    this.backend = new SlotBackend(r, slot);
    this.views = new Views(r.buffer);
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
    const flags = Atomics.load(r.i32, r.ctrl + C.DEBUG);
    this.engine = new RefillEngine(cache, this.backend, {
      counts: counts ?? defaultRefillCounts(Array.from(r.sizes)),
      learning: lw ? { policy: lw.policy, ring: lw.ring, worker: this.slot, pushEvent, readPolicy } : undefined,
      counters: { misc: this.backend.slotW + S.MISC, perClass: this.backend.slotW + slotCounters(r.layout.numClasses, 0) },
      intervalWord: r.ctrl + C.DIAG_EPOCH,
      maxCachedBytes: Atomics.load(r.i32, r.ctrl + C.MAX_CACHED_KIB) * 1024 || undefined,
      debug: { contracts: (flags & DEBUG_CONTRACTS) !== 0, logDrops: (flags & DEBUG_LOG_DROPS) !== 0 },
    });
    cache.connect(this.engine, this);
    r.onViews.push((i32) => {
      cache.setView(i32);
      if (this.views.length !== r.buffer.byteLength) this.views.rebuild();
    });
  }

  /** Views that cover the buffer as it is now (another worker may have grown it). */
  fresh(): Views {
    if (this.views.length !== this.r.buffer.byteLength) this.r.refresh();
    return this.views;
  }

  /** Largest size `alloc` can ever satisfy: the heap's maximum data bytes. */
  maxAllocSize(): number {
    return this.r.layout.maxPages * PAGE_SIZE - this.r.hdr;
  }

  /** Sizes the cache does not serve: errors, and large blocks straight from the arena. */
  allocSlow(size: number): number {
    if (typeof size !== 'number' || !Number.isInteger(size)) throw badSize(size, 'not an integer');
    if (size < 0) throw badSize(size, 'negative');
    const max = this.maxAllocSize();
    if (size > max) throw badSize(size, `larger than this heap can ever hold (${max} bytes)`);
    let p = this.backend.allocLarge(size);
    if (p === 0) {
      this.engine.flush();
      p = this.backend.allocLarge(size);
    }
    if (p === 0 && this.backend.collect()) p = this.backend.allocLarge(size);
    return p;
  }

  /** Pointers the hot path refused: free(0), large blocks, typed arrays, misuse, a view older than the block. */
  freeSlow(p: number): void {
    if (p === 0) return;
    // free(view): a typed array fails the hot path's number check and lands here
    if (typeof p === 'object') return (this.cache as unknown as { freeView(v: unknown): void }).freeView(p);
    if (classify(this.r, p) === LIVE_LARGE) this.backend.freeLarge(p);
    else if (this.r.hdr === 0) {
      const size = usableSize(this.r, p, LIVE_SMALL);
      throw new HeapError(HeapErrorCode.BAD_SIZE, `free(${p}, size): the size does not match the block (${size} usable bytes)`, p);
    } else {
      // The header is fine: this worker's view was older than the block. The view is fresh now.
      (this.cache as ThreadCache).free(p);
    }
  }

  /**
   * Give this slot back: every cached block to its owner, this slot's inboxes taken in, its
   * spans released (all blocks back) or abandoned (some still out: another worker adopts them).
   */
  release(): void {
    this.engine.flush();
    detachSlot(this.backend);
    this.closed = true;
  }
}

export const closedError = () => new HeapError(HeapErrorCode.CLOSED, 'the heap is closed (or this worker detached)');

/** This thread's id where the platform has one (Node worker_threads), else 0. */
export function currentThreadId(): number {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.('node:worker_threads') as { threadId?: number } | undefined;
  return wt?.threadId ?? 0;
}
