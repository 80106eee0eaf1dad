/**
 * The heap's API, shared by the four heap flavours (Heap, CountingHeap, LowWaterHeap,
 * HeaderlessHeap in heap.ts): a mixin over the cache class, so that a heap *is* its cache and
 * `heap.alloc` is the cache's own method, with no call in between. It is built of layers, one idea
 * each, in src/api/, bottom to top:
 *
 *   base.ts          `core` (the cold-path state), buffer, slot, handle, the closed check
 *   buffer-views.ts  heap.u8 ... heap.bu64, views over the whole buffer
 *   c-calls.ts       calloc, realloc, alignedAlloc, usableSize (C's names)
 *   typed-arrays.ts  mallocAs, callocAs, reallocArray, view: typed arrays in blocks
 *   inspect.ts       validate, stats, diagnostics, watchHealth
 *   lifecycle.ts     flush, collect, detach, close; a closed heap refuses every call
 *   reclaim.ts       watch, reclaim, reclaimTerminated: the slots of workers that are gone
 *
 * Each layer is a class that extends the one below it; the cache class is at the bottom, so its
 * `alloc` and `free` are reached through the prototype chain, never through a call of ours.
 */
import { HeapBase, type CacheClass } from './api/base.js';
import { BufferViews } from './api/buffer-views.js';
import { CCalls } from './api/c-calls.js';
import { Inspection } from './api/inspect.js';
import { Lifecycle } from './api/lifecycle.js';
import { Reclaim } from './api/reclaim.js';
import { TypedArrays } from './api/typed-arrays.js';

export function HeapApi<T extends CacheClass>(Cache: T) {
  return Reclaim(Lifecycle(Inspection(TypedArrays(CCalls(BufferViews(HeapBase(Cache)))))));
}
