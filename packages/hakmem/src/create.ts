import { Region } from '@hakmem/arena';
import { claimSlot } from './core.js';
import { HeaderlessHeap, Heap } from './heap.js';
import { resolveOptions, type HeapOptions } from './options.js';

/** A new heap, owned by the calling thread. */
export function createHeap(options?: HeapOptions & { headerless?: false }): Heap;
export function createHeap(options: HeapOptions & { headerless: true }): HeaderlessHeap;
export function createHeap(options: HeapOptions = {}): Heap | HeaderlessHeap {
  const o = resolveOptions(options);
  const r = Region.create({
    buffer: o.buffer, base: o.base, bytes: o.bytes, maxBytes: o.maxBytes,
    classSizes: o.classSizes, slots: o.slots, headerless: o.headerless,
  });
  const slot = claimSlot(r, 0);
  const counts = o.refillCounts ? Int32Array.from(o.refillCounts) : undefined;
  return o.headerless ? new HeaderlessHeap(r, slot, counts) : new Heap(r, slot, counts);
}
