/**
 * The four heap classes, one per cache flavour: `Heap` (headers, `free(ptr)`), the counting
 * `CountingHeap` and `LowWaterHeap`, and `HeaderlessHeap` (`free(ptr, size)`). Each is its cache
 * class under the heap's API (src/api.ts), written out rather than made by a factory: the hot path
 * is the flavour's own alloc (no flag tested), and a class made by a factory function cannot be
 * exported with its protected members. createHeap and attachHeap (create.ts) pick the class.
 */
import type { Region } from '@hakmem/arena';
import { HeaderlessCache, ThreadCache } from '@hakmem/pool-tls';
import { CountingThreadCache, LowWaterThreadCache } from './counting.js';
import { HeapApi } from './api.js';
import { HeapCore } from './core.js';
import type { HeapHandle } from './handle.js';
import type { TypedArray } from './typed.js';

/** The default heap: 8-byte headers, `free(ptr)`, misuse detected. */
export interface Heap {
  /**
   * Give back the block at `p` (0: nothing), or the block a view from `mallocAs`/`callocAs`/
   * `reallocArray`/`view` covers. Misuse throws a HeapError with a code and leaves the heap intact.
   */
  free(p: number | TypedArray): void;
  /** What a Worker passes to `attachHeap` to get a `Heap`. */
  get handle(): HeapHandle<false>;
}
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
export interface HeaderlessHeap {
  /**
   * Give back the block at `p`, `size` being the size given to alloc (not checked: misuse goes
   * undetected), or the block a view covers (found from the heap's spans, on the slow path).
   */
  free(p: number, size: number): void;
  free(view: TypedArray): void;
  /** What a Worker passes to `attachHeap` to get a `HeaderlessHeap`. */
  get handle(): HeapHandle<true>;
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
