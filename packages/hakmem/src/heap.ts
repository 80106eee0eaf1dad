import type { Region } from '@hakmem/arena';
import { CountingThreadCache, HeaderlessCache, LowWaterThreadCache, ThreadCache } from '@hakmem/pool-tls';
import { HeapApi } from './api.js';
import { HeapCore } from './core.js';

// One class per cache flavour, each written out: the hot path is the flavour's own alloc (no flag
// tested), and a class made by a factory function cannot be exported with its protected members.

/** The default heap: 8-byte headers, `free(ptr)`, misuse detected. */
export class Heap extends HeapApi(ThreadCache) {
  constructor(r: Region, slot: number, refillCounts?: Int32Array) {
    const core = new HeapCore(r, slot);
    super(core.cacheConfig());
    this.core = core;
    core.wire(this, refillCounts);
  }

  /** @internal */
  freeLive(p: number): void {
    this.free(p);
  }
}

/** The counting heap: a Heap whose alloc also counts hits (createHeap({ counters: true })). */
export class CountingHeap extends HeapApi(CountingThreadCache) {
  constructor(r: Region, slot: number, refillCounts?: Int32Array) {
    const core = new HeapCore(r, slot);
    super(core.cacheConfig());
    this.core = core;
    core.wire(this, refillCounts);
  }

  /** @internal */
  freeLive(p: number): void {
    this.free(p);
  }
}

/** The counting heap with exact low-water marks too (createHeap({ counters: 'low-water' })). */
export class LowWaterHeap extends HeapApi(LowWaterThreadCache) {
  constructor(r: Region, slot: number, refillCounts?: Int32Array) {
    const core = new HeapCore(r, slot);
    super(core.cacheConfig());
    this.core = core;
    core.wire(this, refillCounts);
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
    core.wire(this, refillCounts);
  }

  /** @internal */
  freeLive(p: number): void {
    this.free(p, this.sizeOf(p));
  }
}
