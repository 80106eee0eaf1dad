/**
 * What a heap object holds besides its cache: the region, this worker's backend and refill engine,
 * the views. Cold paths only.
 */
import {
  allocBase, allocLarge, badSize, cacheBase, classify, freeLarge, HeapError, HeapErrorCode, LIVE_LARGE, LIVE_SMALL,
  PAGE_SIZE, Region, S, SLOT_ATTACHED, SLOT_FREE, SlotBackend, usableSize,
} from '@hakmem/arena';
import type { CacheBase, CacheConfig, Fallback, ThreadCache } from '@hakmem/pool-tls';
import { defaultBounds, defaultRefillCounts, RefillEngine } from '@hakmem/pool-refill';
import { Views } from './views.js';

/** The cache's Fallback: sizes it does not serve, pointers it refuses. */
export class HeapCore implements Fallback {
  readonly backend: SlotBackend;
  readonly views: Views;
  engine!: RefillEngine;
  cache!: CacheBase;
  closed = false;

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
    this.engine = new RefillEngine(cache, this.backend, {
      counts: counts ?? defaultRefillCounts(Array.from(r.sizes)),
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
    let p = allocLarge(this.r, size, this.slot);
    if (p === 0) {
      this.engine.flush();
      p = allocLarge(this.r, size, this.slot);
    }
    return p;
  }

  /** Pointers the hot path refused: free(0), large blocks, misuse, a view older than the block. */
  freeSlow(p: number): void {
    if (p === 0) return;
    if (classify(this.r, p) === LIVE_LARGE) freeLarge(this.r, p, this.slot);
    else if (this.r.hdr === 0) {
      const size = usableSize(this.r, p, LIVE_SMALL);
      throw new HeapError(HeapErrorCode.BAD_SIZE, `free(${p}, size): the size does not match the block (${size} usable bytes)`, p);
    } else {
      // The header is fine: this worker's view was older than the block. The view is fresh now.
      (this.cache as ThreadCache).free(p);
    }
  }

  /** Give this slot's cached blocks back and free the slot. */
  release(): void {
    this.engine.flush();
    const r = this.r;
    Atomics.store(r.i32, (r.layout.slots >>> 2) + this.slot * r.layout.slotWords + S.STATE, SLOT_FREE);
    this.closed = true;
  }
}

export const closedError = () => new HeapError(HeapErrorCode.CLOSED, 'the heap is closed');

/** Claim a free slot for this thread; throws NO_SLOT when every slot is taken. */
export function claimSlot(r: Region, preferred = -1): number {
  const l = r.layout;
  const stateW = (s: number) => (l.slots >>> 2) + s * l.slotWords + S.STATE;
  const tryClaim = (s: number) => Atomics.compareExchange(r.i32, stateW(s), SLOT_FREE, SLOT_ATTACHED) === SLOT_FREE;
  let slot = preferred >= 0 && tryClaim(preferred) ? preferred : -1;
  for (let s = 0; slot < 0 && s < l.numSlots; s++) if (tryClaim(s)) slot = s;
  if (slot < 0) throw new HeapError(HeapErrorCode.NO_SLOT, `all ${l.numSlots} worker slots are taken (raise maxWorkers)`);
  Atomics.add(r.i32, (l.slots >>> 2) + slot * l.slotWords + S.EPOCH, 1);
  return slot;
}
