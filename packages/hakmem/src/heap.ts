import { HeapError, HeapErrorCode, type Region } from '@hakmem/arena';
import { HeaderlessCache, ThreadCache } from '@hakmem/pool-tls';
import { HeapApi } from './api.js';
import { HeapCore } from './core.js';

/** The default heap: 8-byte headers, `free(ptr)`, misuse detected. */
export class Heap extends HeapApi(ThreadCache) {
  constructor(r: Region, slot: number, refillCounts?: Int32Array) {
    const core = new HeapCore(r, slot);
    super(core.cacheConfig());
    this.core = core;
    // A live block the hot path refused: this worker's view was older than the block; it is fresh now.
    core.wire(this, refillCounts, (p) => this.free(p));
  }

  /** @internal */
  freeLive(p: number): void {
    this.free(p);
  }
}

/** Headerless heap: `free(ptr, size)` with the size given to alloc; misuse goes undetected. */
export class HeaderlessHeap extends HeapApi(HeaderlessCache) {
  constructor(r: Region, slot: number, refillCounts?: Int32Array) {
    const core = new HeapCore(r, slot);
    super(core.cacheConfig());
    this.core = core;
    core.wire(this, refillCounts, (p) => {
      throw new HeapError(HeapErrorCode.BAD_SIZE, `free(${p}, size): the size does not match the block (${this.sizeOf(p)} usable bytes)`, p);
    });
  }

  /** @internal */
  freeLive(p: number): void {
    this.free(p, this.sizeOf(p));
  }
}
