/**
 * The heap API shared by the four heap flavours (Heap, CountingHeap, LowWaterHeap, HeaderlessHeap),
 * as a mixin over the cache class, so that a heap *is* its cache: `heap.alloc` is the cache's own
 * method, with no call in between.
 */
import {
  badSize, breakDeadLock, C, classify, type WasmMemory, HeapError, HeapErrorCode, inboxBlocks, markDead, reclaimSlot, regionStats,
  SLOT_ATTACHED, SLOT_DEAD, SLOT_FENCED, SLOT_RECLAIMING, slotsIn, slotsOfThread, unclaimSlots, slotState, usableSize, validateRegion, whileStopped,
  type ReclaimReport, type RegionStats, type ValidateReport,
} from '@hakmem/arena';
import type { CacheBase } from '@hakmem/pool-tls';
import {
  formatDiagnostics, learnerSnapshot, refillCounters, ringCounters, snapshot, type LearnerSnapshot, type RingCounters, watchHealth, type FormatOptions, type HealthOptions, type HealthWatch, type Snapshot,
  type Warning,
} from '@hakmem/pool-diagnostics';
import { closedError, type HeapCore } from './core.js';
import { learningWords } from './learning.js';
import { arrayBytes, blockOfView, checkBlock, makeView, type HeapArray, type TypedArray, type TypedArrayConstructor } from './typed.js';
import type { Views } from './views.js';
import { checkOtherSlot, checkQuietMs, reclaimAllDead, reclaimTerminatedSlot } from './reclaim.js';

/**
 * What a worker needs to attach (`heap.handle`): structured-clonable. `H` is the heap's flavour,
 * so that `attachHeap` returns the matching heap type: `false` (the default, and what
 * `HeapHandle` alone means) for a heap with headers, `true` for a headerless one, `boolean` when
 * the code does not know.
 */
export interface HeapHandle<H extends boolean = false> {
  kind: 'hakmem-heap';
  version: 1;
  buffer: SharedArrayBuffer;
  byteOffset: number;
  /** the heap's flavour; attachHeap refuses a handle whose flag does not match the heap (HAKMEM_BAD_HANDLE) */
  headerless: H;
  /**
   * the shared WebAssembly.Memory of a heap created with `memory` (a shared memory can be posted
   * to a Worker): attachHeap takes the memory's current buffer, `buffer` may be an older one
   */
  memory?: WasmMemory;
}

/** The learner's part of `stats()`. */
export interface LearningStats {
  /** the event ring: pushed, dropped (full / lost races), consumed, pending, drop rate */
  ring: RingCounters;
  /** the learner: its policy per class with arm statistics, decisions, events, CPU time */
  learner: LearnerSnapshot;
}

/** What `heap.stats()` returns: the region's figures, the learner's, and this worker's counters. */
export interface HeapStats extends RegionStats {
  /** Box 3, when the heap was created with learning (the default); null otherwise */
  learning: LearningStats | null;
  worker: {
    slot: number;
    refills: number[];
    drains: number[];
    cached: number[];
    /** refills that found the heap exhausted even after flushing this worker's caches */
    exhausted: number;
    /** refill events this worker pushed to the learner, and those dropped (ring full) */
    events: number;
    dropped: number;
    /** contract violations this worker counted (with debug.contracts on) */
    violations: { ringFull: number; policyOutsideRefill: number; refillWaited: number };
  };
}

/** What `watch` needs of a worker: Node's worker_threads.Worker has both. */
export interface WatchableWorker {
  threadId: number;
  once(event: 'exit', listener: (code: number) => void): unknown;
}

/** The largest alignment `alignedAlloc` takes. */
export const MAX_ALIGN = 2 ** 30;

/** Throws HAKMEM_BAD_ALIGN unless `align` is a power of two in [1, MAX_ALIGN]. */
function checkAlign(align: unknown): void {
  if (typeof align !== 'number' || !Number.isInteger(align) || align < 1 || align > MAX_ALIGN || (align & (align - 1)) !== 0) {
    throw new HeapError(HeapErrorCode.BAD_ALIGN, `alignment ${String(align)} is not a power of two in [1, 2^30]`);
  }
}

// biome-ignore lint: mixin constructor signature
type CacheClass = abstract new (...args: any[]) => CacheBase;

export function HeapApi<T extends CacheClass>(Base: T) {
  abstract class Api extends Base {
    /** @internal cold-path state */
    core!: HeapCore;
    /** What watch() reclaimed so far, oldest first (workers that exited without detach). */
    readonly reclaimed: ReclaimReport[] = [];
    /** Automatic reclaims that failed (the slots stay dead: reclaimDead() retries). */
    readonly reclaimErrors: Error[] = [];

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

    get byteOffset(): number {
      return this.core.r.layout.base;
    }

    get slot(): number {
      return this.core.slot;
    }

    /** What a Worker needs to attach: pass it as `workerData` or `postMessage` it. */
    get handle(): HeapHandle<boolean> {
      const h: HeapHandle<boolean> = { kind: 'hakmem-heap', version: 1, buffer: this.buffer, byteOffset: this.byteOffset, headerless: this.core.r.hdr === 0 };
      if (this.core.r.memory !== null) h.memory = this.core.r.memory;
      return h;
    }

    /**
     * @internal The views, rebuilt first if the buffer has grown since they were built. A heap
     * that cannot grow never checks; a growable one checks the heap's growth generation (one
     * atomic load), not `buffer.byteLength` (a getter call, about 3x dearer).
     */
    views(): Views {
      const v = this.core.views;
      if (v.growable) this.core.r.sync();
      return v;
    }

    // Views over the whole buffer: index them with a pointer (u8[p], f64[p >>> 3], ...). Cached:
    // a new view object only when the buffer has grown (see "Views and growth" in the README).
    /** Bytes of the whole buffer: `heap.u8[p]`. */
    get u8(): Uint8Array<SharedArrayBuffer> { return this.views().u8; }
    /** `heap.i8[p]` */
    get i8(): Int8Array<SharedArrayBuffer> { return this.views().i8; }
    /** `heap.u16[p >>> 1]` */
    get u16(): Uint16Array<SharedArrayBuffer> { return this.views().u16; }
    /** `heap.i16[p >>> 1]` */
    get i16(): Int16Array<SharedArrayBuffer> { return this.views().i16; }
    /** `heap.u32[p >>> 2]` */
    get u32(): Uint32Array<SharedArrayBuffer> { return this.views().u32; }
    /** `heap.i32[p >>> 2]` */
    get i32(): Int32Array<SharedArrayBuffer> { return this.views().i32; }
    /** `heap.f32[p >>> 2]` */
    get f32(): Float32Array<SharedArrayBuffer> { return this.views().f32; }
    /** `heap.f64[p >>> 3]` */
    get f64(): Float64Array<SharedArrayBuffer> { return this.views().f64; }
    /** `heap.bi64[p >>> 3]` */
    get bi64(): BigInt64Array<SharedArrayBuffer> { return this.views().bi64; }
    /** `heap.bu64[p >>> 3]` */
    get bu64(): BigUint64Array<SharedArrayBuffer> { return this.views().bu64; }

    /**
     * A typed array of `count` elements of `type` (a constructor: `Float64Array`, `BigInt64Array`,
     * ...) in a new block, aligned for its element type; `undefined` when the heap is exhausted
     * (as `@thi.ng/malloc` does). Free it with `free(view)`; `count` 0 gives an empty view over a
     * block of its own, to be freed too. Throws HAKMEM_BAD_SIZE for a count that is not a
     * non-negative integer or too large for the heap, HAKMEM_BAD_OPTION for a `type` that is not
     * a typed array constructor.
     */
    mallocAs<C extends TypedArrayConstructor>(type: C, count: number): HeapArray<C> | undefined {
      const p = this.alloc(arrayBytes(type, count));
      return p === 0 ? undefined : makeView(type, this.buffer, p, count);
    }

    /** `mallocAs`, zeroed. */
    callocAs<C extends TypedArrayConstructor>(type: C, count: number): HeapArray<C> | undefined {
      const bytes = arrayBytes(type, count);
      const p = this.alloc(bytes);
      if (p === 0) return undefined;
      this.u8.fill(0, p, p + bytes);
      return makeView(type, this.buffer, p, count);
    }

    /**
     * A view of `count` elements of the type of `view`, holding its elements (as many as fit):
     * the block is resized as `realloc` does, and `view` must not be used after (its block may
     * have moved and been freed). `undefined` when the heap is exhausted, and then `view` is
     * untouched. `view` must start at a live block of this heap (else a HeapError, as `free(view)`).
     */
    reallocArray<T extends TypedArray>(view: T, count: number): T | undefined {
      const p = blockOfView(this.core.r, view);
      const q = this.realloc(p, arrayBytes(view.constructor, count));
      return q === 0 ? undefined : (makeView(view.constructor as TypedArrayConstructor, this.buffer, q, count) as unknown as T);
    }

    /**
     * The view `mallocAs` gave, rebuilt from `(type, ptr, count)`: in another worker (post the
     * pointer and the count, not the view), or after the buffer has grown. Checked: `ptr` must
     * start a live block of this heap and the elements fit in it (else a HeapError).
     */
    view<C extends TypedArrayConstructor>(type: C, ptr: number, count: number): HeapArray<C> {
      this.assertOpen();
      const bytes = arrayBytes(type, count);
      checkBlock(this.core.r, ptr, bytes);
      // a block another worker carved from a memory grown since this worker last looked
      if (ptr + bytes > this.buffer.byteLength) this.core.r.refresh();
      return makeView(type, this.buffer, ptr, count);
    }

    /**
     * Usable bytes of the live block `p` (C's `malloc_usable_size`): at least what was asked,
     * all of it the caller's to use. Takes a view too (its block's usable bytes). Throws a
     * HeapError for anything that is not a live block of this heap.
     */
    usableSize(p: number | TypedArray): number {
      const r = this.core.r;
      if (typeof p !== 'number') p = blockOfView(r, p);
      return usableSize(r, p, classify(r, p));
    }

    /** @internal free(view) arrives here through the Fallback's freeSlow: check the view, free its block. */
    freeView(v: unknown): void {
      this.freeLive(blockOfView(this.core.r, v));
    }

    /** Largest size `alloc` can ever satisfy. */
    get maxAllocSize(): number {
      return this.core.maxAllocSize();
    }

    /**
     * A block of at least `size` bytes whose address is a multiple of `align`, a power of two
     * from 1 to 2^30 (C's `aligned_alloc`); 0 when the heap is exhausted. Every block is already
     * aligned to the heap's `align` (16 by default): asking that much or less is `alloc(size)`.
     * More: a block of the smallest class whose blocks all have that alignment, or else (and
     * above the page size, 4 KiB) a large block placed at an aligned address in its run, with up
     * to `align` bytes unused before it. Free it, resize it, ask its size as any block: with
     * `free(p)`; in a headerless heap with `free(p, heap.usableSize(p))` (its class may be above
     * the one `size` maps to). HAKMEM_BAD_ALIGN for another `align`, HAKMEM_BAD_SIZE as `alloc`.
     */
    alignedAlloc(align: number, size: number): number {
      checkAlign(align);
      const core = this.core;
      if (align <= core.r.align) return this.alloc(size);
      this.assertOpen();
      core.checkSize(size);
      const cls = core.alignedClass(align, size);
      if (cls >= 0) return this.alloc(core.r.sizes[cls]);
      // headerless: a large block's usable size must stay above every class, or free(p, usableSize(p)) would file it under one
      return core.allocLarge(core.r.hdr === 0 ? Math.max(size, this.maxSmall + 1) : size, align);
    }

    /** `count * size` bytes, zeroed; 0 when the heap is exhausted. */
    calloc(count: number, size = 1): number {
      // checked before the product: a BigInt or a Symbol throws a TypeError at `*`
      const ok = Number.isSafeInteger(count) && Number.isSafeInteger(size) && count >= 0 && size >= 0;
      const bytes = ok ? count * size : Number.NaN;
      if (!Number.isSafeInteger(bytes)) {
        throw badSize(`${String(count)} * ${String(size)}`, 'count and size must be non-negative integers with an exact product');
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

    /**
     * Usable bytes of the live block `p` (at least what was asked); throws for anything else.
     * @deprecated the same as {@link usableSize}, its C name (`malloc_usable_size`).
     */
    sizeOf(p: number): number {
      const r = this.core.r;
      return usableSize(r, p, classify(r, p));
    }

    /**
     * Walk the heap, check every invariant; throws a HeapError naming the first broken one. With
     * other workers attached, it stops the heap meanwhile (their cold paths wait; their hot paths
     * go on) and checks everything but their cache lists.
     */
    validate(): ValidateReport {
      this.assertOpen();
      const r = this.core.r;
      return this.quiet(() => {
        // a dead worker may have held the arena lock: repair what it left half done first
        breakDeadLock(r, this.slot);
        const gone = [SLOT_DEAD, SLOT_FENCED, SLOT_RECLAIMING].flatMap((st) => slotsIn(r, st));
        const others = new Set([...slotsIn(r, SLOT_ATTACHED), ...gone].filter((s) => s !== this.slot));
        const slots = Array.from({ length: r.layout.numSlots }, (_, s) => s).filter((s) => !others.has(s));
        return validateRegion(r, { slots, gone });
      });
    }

    /** Where the bytes are: totals, per class, and this worker's refill counters. */
    stats(): HeapStats {
      this.assertOpen();
      const r = this.core.r;
      const s = this.quiet(() => regionStats(r, (cls) => inboxBlocks(r, cls)));
      const lw = learningWords(r);
      const learning = lw ? { ring: ringCounters(r.i32, lw.ring), learner: learnerSnapshot(r.i32, lw.state) } : null;
      const e = refillCounters(this.core.engine.counterWords(), r.layout.numClasses);
      return {
        ...s,
        learning,
        worker: {
          slot: this.core.slot,
          refills: e.refills,
          drains: e.drains,
          cached: s.classes.map((c) => this.cached(c.cls)),
          exhausted: e.exhausted,
          events: e.events,
          dropped: e.dropped,
          violations: e.violations,
        },
      };
    }

    /**
     * A snapshot of the whole heap (every worker, the queue, the learner), JSON-able: see
     * @hakmem/pool-diagnostics. Read-only; the heap's refills pause while it is taken.
     */
    diagnostics(): Snapshot {
      this.assertOpen();
      return snapshot(this.handle);
    }

    /** The diagnostics as a table (console.log): per class, queue health, learner, contracts. */
    printDiagnostics(o: FormatOptions = {}): void {
      console.log(formatDiagnostics(this.diagnostics(), o));
    }

    /** Check the heap's health every intervalMs: warns when the drop rate passes 1% or a cache stays above its bound. */
    watchHealth(o: HealthOptions & { intervalMs?: number; onWarning?: (w: Warning) => void } = {}): HealthWatch {
      return watchHealth(this.handle, o);
    }

    /** Give every block this worker caches back to its span, so the memory can serve any class. */
    flush(): void {
      this.assertOpen();
      this.core.engine.flush();
    }

    /**
     * Heap-wide collect (C's mi_collect): this worker's cache back, every worker's pending frees
     * back to their spans and every span with no block out released, so the memory can serve any
     * size; other workers give their caches back at their next refill or drain. `alloc` does this
     * itself before it returns 0. False if the heap could not be stopped just now.
     */
    collect(): boolean {
      this.assertOpen();
      this.core.engine.flush();
      return this.core.backend.collect();
    }

    /**
     * This thread is done with the heap: its cached blocks go back, its slot is free for another
     * worker. Later calls on this object throw HAKMEM_CLOSED. Blocks it allocated stay allocated
     * (any worker may still free them).
     */
    detach(): void {
      if (this.core.closed) return;
      this.core.release();
      this.disable();
    }

    /**
     * Detach, and close the heap: a handle attached after this gets HAKMEM_CLOSED. Workers still
     * attached keep working until they detach.
     */
    async close(): Promise<void> {
      if (this.core.closed) return;
      Atomics.store(this.core.r.i32, this.core.r.ctrl + C.CLOSED, 1);
      const learner = this.core.learner;
      this.core.learner = null;
      this.detach();
      await learner?.stop();
    }

    /**
     * Reclaim, when `worker` exits, any slot it left attached (it was terminated or crashed before
     * detach()): its cached blocks and pending frees come back, its slot is reused. Node
     * worker_threads; in a browser use reclaimTerminated(slot) after terminate().
     */
    watch<W extends WatchableWorker>(worker: W): W {
      if (typeof worker?.threadId !== 'number' || typeof worker.once !== 'function') {
        throw new HeapError(HeapErrorCode.BAD_OPTION, 'watch(worker) needs a worker_threads Worker (threadId, once("exit"))');
      }
      const tid = worker.threadId;
      worker.once('exit', () => {
        if (this.core.closed) return;
        for (const s of slotsOfThread(this.core.r, tid)) markDead(this.core.r, s);
        unclaimSlots(this.core.r, tid); // a slot it was claiming when it died
        this.retryReclaim(10);
      });
      return worker;
    }

    /**
     * @internal reclaim dead slots from an exit event, retrying while the heap cannot be stopped.
     * Never throws (it runs from an event): a failure is kept in reclaimErrors and warned about.
     */
    retryReclaim(tries: number): void {
      if (this.core.closed) return;
      try {
        this.reclaimed.push(...this.reclaimDead());
      } catch (e) {
        if ((e as HeapError).code === HeapErrorCode.BUSY && tries > 1) {
          setTimeout(() => this.retryReclaim(tries - 1), 50).unref?.();
          return;
        }
        this.reclaimErrors.push(e as Error);
        const p = (globalThis as { process?: { emitWarning?: (w: Error) => void } }).process;
        p?.emitWarning?.(e as Error);
      }
    }

    /**
     * Take back slot `slot` of a worker whose thread has exited (Node: after its 'exit' event;
     * `watch` does this for you) without detach(). Returns what was recovered. A browser's
     * terminated Worker may still be running: use reclaimTerminated there.
     */
    reclaim(slot: number): ReclaimReport | null {
      this.assertOpen();
      const r = this.core.r;
      checkOtherSlot(r, slot, this.slot);
      markDead(r, slot);
      const st = slotState(r, slot);
      if (st !== SLOT_DEAD && st !== SLOT_RECLAIMING) return null;
      return reclaimSlot(r, this.slot, slot);
    }

    /**
     * Take back slot `slot` of a Worker you terminated that may still be running (browsers keep a
     * busy terminated Worker running for ~2 s). The slot is fenced at once: the worker's next
     * refill, drain or large block throws HAKMEM_RECLAIMED and it takes nothing more. Its cache and
     * slot come back once the slot's words have not changed for `quietMs` (default 3000).
     */
    async reclaimTerminated(slot: number, o: { quietMs?: number } = {}): Promise<ReclaimReport | null> {
      this.assertOpen();
      const r = this.core.r;
      checkOtherSlot(r, slot, this.slot);
      const quietMs = checkQuietMs(o?.quietMs);
      return reclaimTerminatedSlot(r, this.slot, slot, quietMs, () => this.core.closed);
    }

    /** Reclaim every slot marked dead (by watch, or by a reclaim that was cut short). */
    reclaimDead(): ReclaimReport[] {
      this.assertOpen();
      return reclaimAllDead(this.core.r, this.slot);
    }

    /** Slots attached now, this one included. */
    attachedSlots(): number[] {
      return slotsIn(this.core.r, SLOT_ATTACHED);
    }

    /**
     * @internal run f with the heap stopped, always: a worker that attaches meanwhile (one alone
     * now may not be a moment later) waits the stop out before it moves a block.
     */
    quiet<T>(f: () => T): T {
      return whileStopped(this.core.r, this.slot, f);
    }

    /** @internal every later call throws HAKMEM_CLOSED */
    disable(): void {
      const fail = () => {
        throw closedError();
      };
      Object.assign(this, { alloc: fail, alignedAlloc: fail, free: fail, calloc: fail, realloc: fail, sizeOf: fail, usableSize: fail, flush: fail, reclaim: fail });
    }

    /** @internal */
    assertOpen(): void {
      if (this.core.closed) throw closedError();
    }
  }
  return Api;
}
