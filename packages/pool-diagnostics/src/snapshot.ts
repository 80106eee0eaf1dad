/**
 * A snapshot of a heap, from any thread, read-only: what every box reports, merged per class and
 * per worker. Taken with the heap stopped as an observer (workers' refills and drains wait a
 * moment; their allocs and frees go on), so span, inbox and counter readings are consistent.
 */
import { POLICY_TAG, RING_TAG, STATE_TAG } from '@hakmem/ace-learning/stats';
import { HeapView, SLOT_FREE, type SlotWords, type WasmMemory } from '@hakmem/arena/stats';
import { checkOptions, viewOf } from './checks.js';
import { allocsOf, cachedOf, freesOf, lowWaterOf } from './formulas.js';
import { learnerSnapshot, ringCounters, type LearnerSnapshot, type RingCounters } from './learning.js';

/** Where a heap is: what `heap.handle` holds (buffer and byte offset, and the memory of a heap in one). */
export interface Target {
  buffer: SharedArrayBuffer;
  byteOffset?: number;
  /** the WebAssembly.Memory of a heap created with `memory` */
  memory?: WasmMemory;
}

/**
 * A class's counters: allocs, hits and frees need counters (null without them), the low-water
 * mark the low-water flavour (null without it). Small blocks only: large ones go to the arena
 * straight away (heap.large).
 */
export interface ClassCounts {
  cls: number;
  size: number;
  cached: number;
  lowWater: number | null;
  allocs: number | null;
  frees: number | null;
  hits: number | null;
  misses: number;
  drains: number;
  blocksRefilled: number;
  blocksDrained: number;
}

/** A class's numbers in one worker, with the bound its cache drains above. */
export interface WorkerClass extends ClassCounts {
  bound: number;
}

/** One attached (or dead) worker in a snapshot. */
export interface WorkerRow extends Pick<SlotWords, 'slot' | 'thread' | 'attaches' | 'inColdPath' | 'events' | 'dropped' | 'exhausted' | 'violations'> {
  state: 'attached' | 'dead' | 'reclaiming';
  /** classes this worker touched */
  classes: WorkerClass[];
}

/**
 * A class over the heap: its memory, and its counters summed over live and retired workers
 * (lowWater: over the live workers' caches).
 */
export interface ClassRow extends ClassCounts {
  /** the refill count the policy table holds (learning), null when none was set */
  policyCount: number | null;
  spans: number;
  carved: number;
  inUse: number;
  inSpans: number;
}

/** A snapshot of a whole heap, JSON-able: per class and worker, the queue, the learner, bytes. */
export interface Snapshot {
  version: 1;
  takenAt: string;
  settings: {
    classes: number;
    slots: number;
    headerless: boolean;
    /** allocs, hits, frees counted (createHeap({ counters: true })) */
    counters: boolean;
    /** each list's exact low-water mark kept too (createHeap({ counters: 'low-water' })) */
    lowWater: boolean;
    closed: boolean;
    learning: boolean;
    debug: { contracts: boolean; logDrops: boolean };
  };
  heap: {
    bytes: { committed: number; reserved: number; inUse: number; free: number; unreserved: number; metadata: number; max: number };
    pages: { committed: number; used: number; free: number; largestFreeRun: number; max: number };
    /** reserved bytes not holding live blocks, over reserved; free pages not in the longest free run, over free pages */
    fragmentation: { unusedReserved: number; freePages: number };
    large: { blocks: number; bytes: number };
    growth: { events: number };
  };
  classes: ClassRow[];
  workers: WorkerRow[];
  /** counters of workers that detached or were reclaimed, summed */
  retired: { events: number; dropped: number; exhausted: number };
  queue: RingCounters | null;
  learner: LearnerSnapshot | null;
  contracts: { enabled: boolean; ringFull: number; policyOutsideRefill: number; refillWaited: number };
}

const STATES: Record<number, WorkerRow['state']> = { 1: 'attached', 2: 'dead', 3: 'reclaiming' };

/** `snapshot`'s options. */
export interface SnapshotOptions {
  /** stop the heap while reading (default true): consistent figures while workers run */
  stop?: boolean;
}

/** Snapshot the heap at `t` (a handle, or a view you keep open between snapshots). */
export function snapshot(t: Target | HeapView, o: SnapshotOptions = {}): Snapshot {
  checkOptions('snapshot options', o, { stop: 'boolean' });
  const view = viewOf(t);
  return o.stop === false ? read(view) : view.stopped(() => read(view));
}

function read(v: HeapView): Snapshot {
  const settings = v.settings;
  const sizes = v.classSizes;
  const i32 = v.i32;
  const region = v.region();
  const pages = v.pageMap();
  const slots = v.slots().filter((s) => s.state !== SLOT_FREE);
  const retired = v.retired();
  const ringW = v.extraByTag(RING_TAG);
  const policyW = v.extraByTag(POLICY_TAG);
  const stateW = v.extraByTag(STATE_TAG);
  const counting = settings.counters;
  const lowWaterOn = settings.lowWater;

  const workers = slots.map((s) => workerRow(s, sizes, counting, lowWaterOn));
  const classes: ClassRow[] = region.classes.map((c) => {
    const r = retired.classes[c.cls];
    let allocs = r.allocs;
    let frees = r.frees;
    let misses = r.refills;
    let drains = r.drains;
    let blocksRefilled = r.blocksIn;
    let blocksDrained = r.blocksOut;
    let lowWater = 0;
    for (const w of workers) {
      const x = w.classes.find((k) => k.cls === c.cls);
      if (!x) continue;
      allocs += x.allocs ?? 0;
      frees += x.frees ?? 0;
      misses += x.misses;
      drains += x.drains;
      blocksRefilled += x.blocksRefilled;
      blocksDrained += x.blocksDrained;
      lowWater += x.lowWater ?? 0;
    }
    const policy = policyW >= 0 ? Atomics.load(i32, policyW + c.cls) : 0;
    return {
      cls: c.cls, size: c.size, policyCount: policy > 0 ? policy : null, spans: c.spans, carved: c.carved,
      inUse: c.inUse, cached: c.cached, inSpans: c.inSpans,
      // sums of 32-bit counters: plain numbers (no wrap)
      allocs: counting ? allocs : null, frees: counting ? frees : null,
      hits: counting ? Math.max(0, allocs - misses) : null, misses, drains,
      blocksRefilled, blocksDrained, lowWater: lowWaterOn ? lowWater : null,
    };
  });
  const sum = (f: (s: SlotWords) => number) => slots.reduce((a, s) => a + f(s), 0);
  const b = region.bytes;
  return {
    version: 1,
    takenAt: new Date().toISOString(),
    settings: { ...settings, learning: ringW >= 0 },
    heap: {
      bytes: b,
      pages: { committed: pages.committed, used: pages.used, free: pages.free, largestFreeRun: pages.largestFreeRun, max: region.pages.max },
      fragmentation: {
        unusedReserved: b.reserved === 0 ? 0 : (b.reserved - b.inUse) / b.reserved,
        freePages: pages.free === 0 ? 0 : 1 - pages.largestFreeRun / pages.free,
      },
      large: region.large,
      growth: region.growth,
    },
    classes,
    workers,
    retired: { events: retired.events, dropped: retired.dropped, exhausted: retired.exhausted },
    queue: ringW >= 0 ? ringCounters(i32, ringW) : null,
    learner: stateW >= 0 ? learnerSnapshot(i32, stateW) : null,
    contracts: {
      enabled: settings.debug.contracts,
      ringFull: retired.violations.ringFull + sum((s) => s.violations.ringFull),
      policyOutsideRefill: retired.violations.policyOutsideRefill + sum((s) => s.violations.policyOutsideRefill),
      refillWaited: retired.violations.refillWaited + sum((s) => s.violations.refillWaited),
    },
  };
}

function workerRow(s: SlotWords, sizes: number[], counting: boolean, lowWaterOn: boolean): WorkerRow {
  const classes: WorkerClass[] = [];
  s.classes.forEach((c, cls) => {
    const cached = cachedOf(c.room, c.bound);
    // untouched classes are left out; a flush moves blocks without a drain, so blocks count too
    if (c.refills === 0 && c.blocksOut === 0 && cached === 0 && c.hits === 0) return;
    const allocs = allocsOf(c.hits, c.refills);
    classes.push({
      cls, size: sizes[cls], cached, bound: c.bound,
      lowWater: lowWaterOn ? lowWaterOf(c.maxRoom, c.bound) : null,
      allocs: counting ? allocs : null,
      // a slot starts with an empty cache: cachedNow - 0 is what its lists gained
      frees: counting ? freesOf(allocs, cached, c.blocksIn, c.blocksOut) : null,
      hits: counting ? c.hits : null,
      misses: c.refills, drains: c.drains, blocksRefilled: c.blocksIn, blocksDrained: c.blocksOut,
    });
  });
  return {
    slot: s.slot, state: STATES[s.state] ?? 'attached', thread: s.thread, attaches: s.attaches, inColdPath: s.inColdPath,
    events: s.events, dropped: s.dropped, exhausted: s.exhausted, violations: s.violations, classes,
  };
}

