/**
 * The heap API shared by both heap flavours, as a mixin over the cache class, so that a heap *is*
 * its cache: `heap.alloc` is the cache's own method, with no call in between (measured ~5%).
 */
import {
  badSize, C, classify, inboxBlocks, regionStats, usableSize, validateRegion, type RegionStats,
  type ValidateReport,
} from '@hakmem/arena';
import type { CacheBase } from '@hakmem/pool-tls';
import { closedError, type HeapCore } from './core.js';

/** What a worker needs to attach: structured-clonable. */
export interface HeapHandle {
  kind: 'hakmem-heap';
  version: 1;
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

export interface HeapStats extends RegionStats {
  worker: {
    slot: number;
    refills: number[];
    drains: number[];
    cached: number[];
    /** refills that found the heap exhausted even after flushing this worker's caches */
    exhausted: number;
  };
}

// biome-ignore lint: mixin constructor signature
type CacheClass = abstract new (...args: any[]) => CacheBase;

export function HeapApi<T extends CacheClass>(Base: T) {
  abstract class Api extends Base {
    /** @internal cold-path state */
    core!: HeapCore;

    abstract alloc(size: number): number;
    /** @internal free a pointer known to be a live block */
    abstract freeLive(p: number): void;

    get buffer(): SharedArrayBuffer {
      return this.core.r.buffer;
    }

    get byteOffset(): number {
      return this.core.r.layout.base;
    }

    get slot(): number {
      return this.core.slot;
    }

    get handle(): HeapHandle {
      return { kind: 'hakmem-heap', version: 1, buffer: this.buffer, byteOffset: this.byteOffset };
    }

    // Views over the whole buffer: index them with a pointer (u8[p], f64[p >>> 3], ...).
    get u8() { return this.core.fresh().u8; }
    get i8() { return this.core.fresh().i8; }
    get u16() { return this.core.fresh().u16; }
    get i16() { return this.core.fresh().i16; }
    get u32() { return this.core.fresh().u32; }
    get i32() { return this.core.fresh().i32; }
    get f32() { return this.core.fresh().f32; }
    get f64() { return this.core.fresh().f64; }
    get bi64() { return this.core.fresh().bi64; }
    get bu64() { return this.core.fresh().bu64; }

    /** Largest size `alloc` can ever satisfy. */
    get maxAllocSize(): number {
      return this.core.maxAllocSize();
    }

    /** `count * size` bytes, zeroed; 0 when the heap is exhausted. */
    calloc(count: number, size = 1): number {
      const bytes = count * size;
      if (!Number.isSafeInteger(count) || !Number.isSafeInteger(size) || count < 0 || size < 0 || !Number.isSafeInteger(bytes)) {
        throw badSize(`${count} * ${size}`, 'count and size must be non-negative integers with an exact product');
      }
      const p = this.alloc(bytes);
      if (p !== 0) this.u8.fill(0, p, p + bytes);
      return p;
    }

    /**
     * A block of `size` bytes that starts with the bytes of `p`'s block; `p` is freed when the
     * block moves. 0 when the heap is exhausted, and then `p` is untouched. realloc(0, n) = alloc(n).
     */
    realloc(p: number, size: number): number {
      if (p === 0) return this.alloc(size);
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw badSize(size, 'not a non-negative integer');
      const old = this.sizeOf(p);
      // Stay in place while the block is big enough and at most twice what is asked.
      if (size <= old && size >= old >>> 1) return p;
      const q = this.alloc(size);
      if (q === 0) return 0;
      this.u8.copyWithin(q, p, p + Math.min(old, size));
      this.freeLive(p);
      return q;
    }

    /** Usable bytes of the live block `p` (at least what was asked); throws for anything else. */
    sizeOf(p: number): number {
      const r = this.core.r;
      return usableSize(r, p, classify(r, p));
    }

    /** Walk the heap, check every invariant; throws a HeapError naming the first broken one. */
    validate(): ValidateReport {
      this.assertOpen();
      return validateRegion(this.core.r);
    }

    /** Where the bytes are: totals, per class, and this worker's refill counters. */
    stats(): HeapStats {
      this.assertOpen();
      const r = this.core.r;
      const s = regionStats(r, (cls) => inboxBlocks(r, cls));
      const e = this.core.engine;
      return {
        ...s,
        worker: {
          slot: this.core.slot,
          refills: Array.from(e.refills),
          drains: Array.from(e.drains),
          cached: s.classes.map((c) => this.cached(c.cls)),
          exhausted: e.failed,
        },
      };
    }

    /** Give every block this worker caches back to its span, so the memory can serve any class. */
    flush(): void {
      this.assertOpen();
      this.core.engine.flush();
    }

    /** Return this worker's cached blocks and close the heap; later calls throw HAKMEM_CLOSED. */
    async close(): Promise<void> {
      if (this.core.closed) return;
      this.core.release();
      Atomics.store(this.core.r.i32, this.core.r.ctrl + C.CLOSED, 1);
      this.disable();
    }

    /** @internal every later call throws HAKMEM_CLOSED */
    disable(): void {
      const fail = () => {
        throw closedError();
      };
      Object.assign(this, { alloc: fail, free: fail, calloc: fail, realloc: fail, sizeOf: fail, flush: fail });
    }

    /** @internal */
    assertOpen(): void {
      if (this.core.closed) throw closedError();
    }
  }
  return Api;
}
