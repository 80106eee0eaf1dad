/**
 * hakmem in larson: the main thread's createHeap({ size, maxWorkers }) does the warm-up; every
 * worker attachHeap(handle)s its own slot and cache, frees whatever block its victim holds (the
 * warm-up's, a predecessor's or its own) and detach()es when it ends.
 */
import { hakmemProbe } from '../../random-mixed/runners/common.js';
import { attachHeap, createHeap, type Heap } from 'hakmem';
import { heapCheck } from '../../random-mixed/runners/common.js';
import { type LarsonParams, slotCount } from '../params.js';
import { type LarsonShared } from '../shared.js';
import { LRAN2_X, LRAN2_Y } from '../lran2.js';
import { type LarsonRunner, type LoopState, loopState, type MainOps, taggedOps, type Tags } from '../runner.js';

type HeapOps = Pick<Heap, 'alloc' | 'free'>;

/** The largest heap hakmem allows is 2^31 - 4096 bytes; the bench stays a 64 KiB page below it. */
export const MAX_HEAP_BYTES = 2 ** 31 - (64 << 10);

/**
 * Room for every slot holding a block of the largest size, half as much again, plus 64 MiB;
 * capped at the largest heap (the parameters column says so when the cap applies).
 */
export function larsonHeapBytes(p: LarsonParams): number {
  const want = (64 << 20) + 1.5 * slotCount(p) * p.max;
  return Math.min(MAX_HEAP_BYTES, Math.ceil(want / 65536) * 65536);
}

interface HakmemState extends LoopState {
  heap: Heap;
  ops: HeapOps;
}

function generation(s: HakmemState, r: number, n: number): number {
  const heap = s.ops;
  const u8 = s.u8;
  const w = s.w;
  const stop = s.stop;
  const asize = s.asize;
  const min = s.min;
  const span = s.span;
  const rng = s.rng0 + r * s.rngStride;
  const slots = s.slots + r * asize;
  const sizes = s.sizes + r * asize;
  let x = w[rng + LRAN2_X];
  let y = w[rng + LRAN2_Y];
  let failed = 0;
  let i = 0;
  while (i < n) {
    // victim = lran2() % asize
    let j = y % 97;
    y = w[rng + j];
    x = (1366 * x + 150889) % 714025;
    w[rng + j] = x;
    const victim = y % asize;
    heap.free(w[slots + victim]);
    let size = min;
    if (span !== 0) {
      j = y % 97;
      y = w[rng + j];
      x = (1366 * x + 150889) % 714025;
      w[rng + j] = x;
      size = min + (y % span);
    }
    const p = heap.alloc(size);
    w[slots + victim] = p;
    w[sizes + victim] = size;
    i++;
    if (p === 0) failed++;
    else {
      u8[p] = 97; // 'a'
      u8[p + 1] = 98; // 'b'
    }
    if (w[stop] !== 0) break; // the stop flag: a plain read, see runner.ts
  }
  w[rng + LRAN2_X] = x;
  w[rng + LRAN2_Y] = y;
  s.failed = failed;
  return i;
}

/** The learner on (the default), or off (fixed refill counts): the hakmem-fixed row. */
export const LEARNING = { on: true };

/** Refills and drains of every worker, those that left included (a diagnostics snapshot). */
function slowPaths(heap: Heap): { refills: number; drains: number } {
  const d = heap.diagnostics();
  return { refills: d.classes.reduce((a, c) => a + c.misses, 0), drains: d.classes.reduce((a, c) => a + c.drains, 0) };
}

/** the counters when the clock started (mark), so that finish reports the run's own */
let atStart = { refills: 0, drains: 0 };

/** What the learner did and cost (issue 4: its CPU under 1% of the process's, drops under 0.1%). */
export function learningFacts(heap: Heap) {
  const l = heap.stats().learning;
  if (!l) return null;
  const cpu = process.cpuUsage();
  return {
    events: l.ring.pushed,
    dropped: l.ring.dropped,
    dropRate: l.ring.dropRate,
    decisions: l.learner.decisions,
    learnerCpuMs: l.learner.cpuMs,
    learnerStartupCpuMs: l.learner.startupCpuMs,
    mode: l.learner.mode,
    /** the counts the learner holds where it moved them (class size: count) */
    counts: Object.fromEntries(l.learner.classes.filter((c) => c.changes > 0).map((c) => [heap.sizes[c.cls], c.count])),
    processCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

export const runner: LarsonRunner<Heap, HakmemState> = {
  createMain(p, o) {
    const heapBytes = larsonHeapBytes(p);
    const heap = createHeap({ size: heapBytes, maxWorkers: Math.min(254, 2 * o.workers + 2), learning: LEARNING.on });
    return { main: heap, share: heap.handle, heapBytes };
  },
  mainOps(heap): MainOps {
    return {
      alloc: (size) => heap.alloc(size),
      free: (p) => heap.free(p),
      // a fixed-size heap: the views never change
      i32: heap.i32,
      u8: heap.u8,
    };
  },
  watch(heap, worker) {
    heap.watch(worker);
  },
  attach(share: unknown, shared: LarsonShared, p: LarsonParams): HakmemState {
    // the heap is headered (createMain above), so attachHeap gives a Heap
    const heap = attachHeap(share as Heap['handle']) as Heap;
    return { ...loopState(shared, p, heap.u8), heap, ops: heap };
  },
  generation,
  instrument(s: HakmemState, tags: Tags) {
    const heap = s.heap;
    s.ops = taggedOps((size) => heap.alloc(size), (p) => heap.free(p), () => heap.i32, () => heap.u8, tags);
  },
  detach(s) {
    s.heap.detach();
  },
  cachedBytes(s) {
    // the worker's own lists (no stats(): that would stop the heap while others finish)
    const h = s.heap;
    let bytes = 0;
    for (let cls = 0; cls < h.sizes.length; cls++) bytes += h.cached(cls) * h.sizes[cls];
    return bytes;
  },
  mark(heap) {
    atStart = slowPaths(heap);
  },
  memory: (heap) => hakmemProbe(heap),
  finish(heap) {
    const c = heapCheck(heap);
    const reclaimed = heap.reclaimed.length;
    const errors = heap.reclaimErrors.map(String);
    const ok = c.validate === 'ok' && c.inUse === 0 && reclaimed === 0 && errors.length === 0;
    const why = [
      c.validate !== 'ok' ? `validate() ${c.validate}` : '',
      c.inUse !== 0 ? `stats().bytes.inUse = ${c.inUse}` : '',
      reclaimed ? `watch() reclaimed ${reclaimed} slot(s) of workers that exited without detach()` : '',
      errors.length ? `reclaim errors: ${errors.join('; ')}` : '',
    ].filter(Boolean);
    const end = slowPaths(heap);
    const run = { refills: end.refills - atStart.refills, drains: end.drains - atStart.drains };
    return { check: ok ? 'ok' : why.join('; '), facts: { ...c, reclaimed, reclaimErrors: errors, learning: learningFacts(heap), slowPaths: run } };
  },
};
