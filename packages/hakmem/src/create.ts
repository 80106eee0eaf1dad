/**
 * Making heap objects: `createHeap` (a new heap, owned by the calling thread) and `attachHeap`
 * (another thread's view of it, from its handle), each claiming a worker slot and building the
 * heap class the heap's settings call for.
 */
import { markDead, observerId, reclaimSlot, waitOutStop } from '@hakmem/arena';
import { CTRL, claimSlot, COUNTERS_HITS, COUNTERS_LOW_WATER, COUNTERS_OFF, DEBUG_CONTRACTS, DEBUG_LOG_DROPS, HeapError, HeapErrorCode, Region, shown } from '@hakmem/arena';
import { LEARNING_TAGS, learningRegions, setUpLearning } from './learning.js';
import { CountingHeap, HeaderlessHeap, Heap, LowWaterHeap } from './heap.js';
import type { HeapHandle } from './handle.js';
import { resolveOptions, type HeapOptions } from './options.js';

/**
 * A new heap, owned by the calling thread. The type follows the options: a `Heap` by default, a
 * `HeaderlessHeap` for `{ headerless: true }`, either for a `headerless` only known at run time
 * (`boolean`: narrow it with `heap instanceof HeaderlessHeap`, or free views, which both take).
 */
export function createHeap(options?: HeapOptions & { headerless?: false }): Heap;
export function createHeap(options: HeapOptions & { headerless: true }): HeaderlessHeap;
export function createHeap(options: HeapOptions): Heap | HeaderlessHeap;
export function createHeap(options: HeapOptions = {}): Heap | HeaderlessHeap {
  const o = resolveOptions(options);
  const r = Region.create({
    buffer: o.buffer, memory: o.memory, base: o.base, bytes: o.bytes, maxBytes: o.maxBytes,
    classSizes: o.classSizes, slots: o.slots, headerless: o.headerless, align: o.align,
    extraWords: o.learning ? learningRegions(o.classSizes.length, o.learning.ringCapacity) : [],
    extraTags: o.learning ? LEARNING_TAGS : [],
  });
  // heap-wide settings every attached worker follows (written before the handle exists)
  Atomics.store(r.i32, r.ctrl + CTRL.COUNTERS, o.counters === 'low-water' ? COUNTERS_LOW_WATER : o.counters ? COUNTERS_HITS : COUNTERS_OFF);
  Atomics.store(r.i32, r.ctrl + CTRL.DEBUG, (o.debug.contracts ? DEBUG_CONTRACTS : 0) | (o.debug.logDrops ? DEBUG_LOG_DROPS : 0));
  Atomics.store(r.i32, r.ctrl + CTRL.MAX_CACHED_KIB, Math.ceil(cacheCap(options.maxCachedBytes, o.maxBytes) / 1024));
  const slot = claimSlot(r, currentThreadId(), 0);
  const counts = o.refillCounts ? Int32Array.from(o.refillCounts) : undefined;
  const heap = makeHeap(r, slot, counts);
  if (o.learning) {
    try {
      // the classes the learner cannot change are marked, and this engine reports none of them
      const e = heap.core.engine;
      heap.core.learner = setUpLearning(r, e.counts, e.maxCounts, o.learning, e.reports);
    } catch (e) {
      // no learner where one was required: leave a closed heap, which a new createHeap may replace
      Atomics.store(r.i32, r.ctrl + CTRL.CLOSED, 1);
      heap.detach();
      throw e;
    }
  }
  return heap;
}

/**
 * This thread's own view of a heap created elsewhere (pass `heap.handle` to a Worker): a slot and
 * a cache of its own. Call `detach()` before the thread ends (or let the creator's `watch(worker)`
 * reclaim what it held). The type follows the handle's: `HeapHandle` (headers, the default) gives
 * a `Heap`, `HeapHandle<true>` a `HeaderlessHeap`, `HeapHandle<boolean>` either. The handle's
 * `headerless` flag is checked against the heap (HAKMEM_BAD_HANDLE when it does not match), so
 * the type cannot lie about a handle that came from `heap.handle`.
 */
export function attachHeap(handle: HeapHandle<false>): Heap;
export function attachHeap(handle: HeapHandle<true>): HeaderlessHeap;
export function attachHeap(handle: HeapHandle<boolean>): Heap | HeaderlessHeap;
export function attachHeap(handle: HeapHandle<boolean>): Heap | HeaderlessHeap {
  if (handle === null || typeof handle !== 'object' || handle.kind !== 'hakmem-heap') {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, 'not a hakmem heap handle (pass heap.handle)');
  }
  if (handle.version !== 1) throw new HeapError(HeapErrorCode.BAD_HANDLE, `handle version ${shown(handle.version)}, expected 1`);
  if (typeof handle.byteOffset !== 'number') throw new HeapError(HeapErrorCode.BAD_HANDLE, `handle.byteOffset ${shown(handle.byteOffset)} is not a number`);
  const r = Region.attach(handle.buffer, handle.byteOffset, handle.memory);
  // a handle written by hand before the flag existed may leave it out
  if (handle.headerless !== undefined && handle.headerless !== (r.hdr === 0)) {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, `the handle says headerless: ${shown(handle.headerless)}, the heap is ${r.hdr === 0 ? '' : 'not '}headerless`);
  }
  return attachSlot(r, 1);
}

/**
 * Claim a slot and build a heap on it. A free slot whose words are not empty was written after
 * its reclaim (a worker declared terminated that went on running): it is reclaimed again, as an
 * observer, and another slot is tried; a slot is never left attached by a failed attach.
 */
function attachSlot(r: Region, retries: number): Heap | HeaderlessHeap {
  const slot = claimSlot(r, currentThreadId());
  try {
    waitOutStop(r, slot);
    return makeHeap(r, slot);
  } catch (e) {
    markDead(r, slot);
    reclaimSlot(r, observerId(r), slot);
    if (retries > 0) return attachSlot(r, retries - 1);
    if (e instanceof HeapError) throw e;
    throw new HeapError(HeapErrorCode.CORRUPT, `worker slot ${slot} could not be set up: ${(e as Error).message}`);
  }
}

/** The per-worker cache cap: the option, or a sixteenth of the heap's maximum (at least 4 MiB: classes up to 8 KiB keep their default bounds). */
function cacheCap(v: unknown, maxBytes: number): number {
  if (v === undefined) return Math.max(4 << 20, Math.floor(maxBytes / 16));
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 4096 || v > 2 ** 31) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, `maxCachedBytes must be an integer in [4096, 2^31], got ${shown(v)}`);
  }
  return v;
}

/** The heap class the heap's settings call for: headerless, counting (hits, or with low-water marks), or the default. */
function makeHeap(r: Region, slot: number, counts?: Int32Array): Heap | HeaderlessHeap {
  if (r.hdr === 0) return new HeaderlessHeap(r, slot, counts);
  const counting = Atomics.load(r.i32, r.ctrl + CTRL.COUNTERS);
  if (counting === COUNTERS_HITS) return new CountingHeap(r, slot, counts) as unknown as Heap;
  if (counting === COUNTERS_LOW_WATER) return new LowWaterHeap(r, slot, counts) as unknown as Heap;
  return new Heap(r, slot, counts);
}

/**
 * This thread's id where the platform has one (Node worker_threads), else 0. Its slot records it,
 * so that `watch(worker)` finds the slots of a Worker that exits.
 */
function currentThreadId(): number {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.('node:worker_threads') as { threadId?: number } | undefined;
  return wt?.threadId ?? 0;
}
