/**
 * The bottom layer of the heap's API (src/api.ts stacks the layers): a mixin over the cache class,
 * so that a heap *is* its cache and `heap.alloc` is the cache's own method, with no call in
 * between. It holds what every layer above stands on: the cold-path state (`core`), what the heap
 * is (its buffer, slot and handle), the closed check, and running code with the heap stopped.
 */
import { HeapError, HeapErrorCode, whileStopped, type WasmMemory } from '@hakmem/arena';
import type { CacheBase } from '@hakmem/pool-tls';
import type { HeapCore } from '../core.js';
import { handleOf, type HeapHandle } from '../handle.js';

/** Any cache class: pool-tls's `ThreadCache`, `HeaderlessCache`, or a counting flavour. */
// biome-ignore lint: mixin constructor signature
export type CacheClass = abstract new (...args: any[]) => CacheBase;

/** The error every method of a closed heap throws. */
export const closedError = () => new HeapError(HeapErrorCode.CLOSED, 'the heap is closed (or this worker detached)');

export function HeapBase<T extends CacheClass>(Cache: T) {
  abstract class HeapBase extends Cache {
    /** @internal cold-path state: the region, this worker's backend and refill engine, the views */
    core!: HeapCore;

    abstract alloc(size: number): number;
    /** @internal free a pointer known to be a live block */
    abstract freeLive(p: number): void;

    /** The buffer the heap is in (a memory's: its buffer as this worker last saw it; `heap.u8` & co. follow growth). */
    get buffer(): SharedArrayBuffer {
      return this.core.r.buffer;
    }

    /** The WebAssembly.Memory the heap lives in (createHeap's `memory`), or undefined. */
    get memory(): WasmMemory | undefined {
      return this.core.r.memory ?? undefined;
    }

    /** Where the heap starts in its buffer (createHeap's `byteOffset`). */
    get byteOffset(): number {
      return this.core.r.layout.base;
    }

    /** This worker's slot in the heap: its own lists and counters (`reclaim(slot)` takes back another's). */
    get slot(): number {
      return this.core.slot;
    }

    /** What a Worker needs to attach: pass it as `workerData` or `postMessage` it. */
    get handle(): HeapHandle<boolean> {
      return handleOf(this.core.r);
    }

    /** Largest size `alloc` can ever satisfy. */
    get maxAllocSize(): number {
      return this.core.maxAllocSize();
    }

    /** @internal throws HAKMEM_CLOSED once the heap is closed or this worker has detached */
    assertOpen(): void {
      if (this.core.closed) throw closedError();
    }

    /**
     * @internal run f with the heap stopped, always: a worker that attaches meanwhile (one alone
     * now may not be a moment later) waits the stop out before it moves a block.
     */
    whileStopped<R>(f: () => R): R {
      return whileStopped(this.core.r, this.slot, f);
    }
  }
  return HeapBase;
}

/** A heap object as the layers above see it: a cache with the base layer's members. */
export type HeapObject = InstanceType<ReturnType<typeof HeapBase<CacheClass>>>;

/**
 * The class a layer extends: a cache class under the base layer, with `Needs`, the members of the
 * layers below that this one calls (src/api.ts stacks them so that each finds what it needs).
 */
// biome-ignore lint: mixin constructor signature
export type HeapClass<Needs = object> = abstract new (...args: any[]) => HeapObject & Needs;
