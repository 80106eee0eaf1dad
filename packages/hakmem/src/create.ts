import { claimSlot, HeapError, HeapErrorCode, Region } from '@hakmem/arena';
import { currentThreadId } from './core.js';
import { learningRegions, setUpLearning } from './learning.js';
import { HeaderlessHeap, Heap } from './heap.js';
import type { HeapHandle } from './api.js';
import { resolveOptions, type HeapOptions } from './options.js';

/** A new heap, owned by the calling thread. */
export function createHeap(options?: HeapOptions & { headerless?: false }): Heap;
export function createHeap(options: HeapOptions & { headerless: true }): HeaderlessHeap;
export function createHeap(options: HeapOptions = {}): Heap | HeaderlessHeap {
  const o = resolveOptions(options);
  const r = Region.create({
    buffer: o.buffer, base: o.base, bytes: o.bytes, maxBytes: o.maxBytes,
    classSizes: o.classSizes, slots: o.slots, headerless: o.headerless,
    extraWords: o.learning ? learningRegions(o.classSizes.length, o.learning.ringCapacity) : [],
  });
  const slot = claimSlot(r, currentThreadId(), 0);
  const counts = o.refillCounts ? Int32Array.from(o.refillCounts) : undefined;
  const heap = o.headerless ? new HeaderlessHeap(r, slot, counts) : new Heap(r, slot, counts);
  if (o.learning) heap.core.learner = setUpLearning(r, heap.core.engine.counts, heap.core.engine.maxCounts, o.learning);
  return heap;
}

/**
 * This thread's own view of a heap created elsewhere (pass `heap.handle` to a Worker): a slot and
 * a cache of its own. Call `detach()` before the thread ends (or let the creator's `watch(worker)`
 * reclaim what it held).
 */
export function attachHeap(handle: HeapHandle): Heap | HeaderlessHeap {
  if (handle === null || typeof handle !== 'object' || handle.kind !== 'hakmem-heap') {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, 'not a hakmem heap handle (pass heap.handle)');
  }
  if (handle.version !== 1) throw new HeapError(HeapErrorCode.BAD_HANDLE, `handle version ${String(handle.version)}, expected 1`);
  const r = Region.attach(handle.buffer, handle.byteOffset);
  const slot = claimSlot(r, currentThreadId());
  return r.hdr === 0 ? new HeaderlessHeap(r, slot) : new Heap(r, slot);
}
