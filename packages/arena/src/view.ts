/**
 * A read-only view of a heap, for readers that hold no slot (diagnostics, from any thread): the
 * raw words of every slot and class, the totals of slots given back, where the pages are. It
 * never writes the heap's state: the only words it touches are the diagnostics epoch
 * (startInterval(), which owners answer by resetting their low-water marks) and the STW word,
 * which whileStopped() takes as an observer (up and back to 0) so that a reading is consistent.
 */
import { observerId, whileStopped } from './cold.js';
import {
  CTRL, CLASS_COUNTER, COUNTERS_LOW_WATER, COUNTERS_OFF, DEBUG_CONTRACTS, DEBUG_LOG_DROPS, MISC_COUNTER, SLOT, slotHits, slotBound, slotCounters, slotMaxRoom, slotRoom, TOTAL,
  TOTAL_WORDS,
} from './layout.js';
import { pageInUse } from './pages.js';
import { Region } from './region.js';
import { slotWord } from './slots.js';
import { inboxBlocks, regionStats, type RegionStats } from './usage.js';
import { fault } from './fault.js';
import type { WasmMemory } from './memory.js';

/** A class's raw words in one slot (counters are unsigned 32-bit, wrapping). */
export interface SlotClassWords {
  room: number;
  bound: number;
  /** allocations served from the list (counting flavours; else 0) */
  hits: number;
  maxRoom: number;
  refills: number;
  blocksIn: number;
  drains: number;
  blocksOut: number;
}

/** One worker slot's words as read: state, thread, counters. */
export interface SlotWords {
  slot: number;
  /** 0 free, 1 attached, 2 dead, 3 reclaiming */
  state: number;
  thread: number;
  attaches: number;
  inColdPath: boolean;
  /** the refill engine's misc counters: events, dropped, exhausted, three contract violations */
  events: number;
  dropped: number;
  exhausted: number;
  violations: { ringFull: number; policyOutsideRefill: number; refillWaited: number };
  classes: SlotClassWords[];
}

/** Heap-wide totals of the slots given back, per class. */
export interface RetiredTotals {
  classes: Array<{ allocs: number; frees: number; refills: number; blocksIn: number; drains: number; blocksOut: number }>;
  events: number;
  dropped: number;
  exhausted: number;
  violations: { ringFull: number; policyOutsideRefill: number; refillWaited: number };
}

/** How the pages are used: committed, in spans, in large blocks, free. */
export interface PageMap {
  committed: number;
  used: number;
  free: number;
  /** the longest run of free pages (what the largest large block could take without growing) */
  largestFreeRun: number;
}

const u = (x: number) => x >>> 0;

/** A read-only view of a heap from any thread (diagnostics): the region's words without a slot of its own. */
export class HeapView {
  readonly r: Region;

  /** `memory`: the WebAssembly.Memory the heap lives in (its buffer is then the memory's current one) */
  constructor(buffer: SharedArrayBuffer, byteOffset = 0, memory?: WasmMemory) {
    this.r = Region.attach(buffer, byteOffset, memory);
  }

  get classSizes(): number[] {
    return Array.from(this.r.sizes);
  }

  get settings() {
    const d = Atomics.load(this.r.i32, this.r.ctrl + CTRL.DEBUG);
    const counting = Atomics.load(this.r.i32, this.r.ctrl + CTRL.COUNTERS);
    return {
      classes: this.r.layout.numClasses,
      slots: this.r.layout.numSlots,
      headerless: this.r.hdr === 0,
      counters: counting !== COUNTERS_OFF,
      lowWater: counting === COUNTERS_LOW_WATER,
      closed: this.r.isClosed(),
      debug: { contracts: (d & DEBUG_CONTRACTS) !== 0, logDrops: (d & DEBUG_LOG_DROPS) !== 0 },
    };
  }

  /** word index of the extra region tagged `tag`, -1 if none */
  extraByTag(tag: number): number {
    return this.r.extraByTag(tag);
  }

  get i32(): Int32Array {
    this.r.sync();
    return this.r.i32;
  }

  /** Run `f` with every attached worker outside its cold paths (their hot paths go on). */
  stopped<T>(f: () => T): T {
    return whileStopped(this.r, observerId(this.r), () => {
      fault('observer.stopped');
      return f();
    });
  }

  /** Start a new diagnostics interval: each worker resets its low-water marks at its next refill or drain. */
  startInterval(): void {
    // the low half only: the high half counts collect requests (CTRL.DIAG_EPOCH)
    const i32 = this.r.i32;
    const w = this.r.ctrl + CTRL.DIAG_EPOCH;
    for (let e = Atomics.load(i32, w); ; e = Atomics.load(i32, w)) {
      if (Atomics.compareExchange(i32, w, e, (e & ~0xffff) | ((e + 1) & 0xffff)) === e) break;
    }
  }

  slots(): SlotWords[] {
    const r = this.r;
    const i32 = this.i32;
    const l = r.layout;
    const nc = l.numClasses;
    const out: SlotWords[] = [];
    for (let s = 0; s < l.numSlots; s++) {
      const b = slotWord(r, s, 0);
      const ld = (k: number) => Atomics.load(i32, b + k);
      const m = (k: number) => u(ld(SLOT.MISC + k));
      const classes: SlotClassWords[] = [];
      for (let cls = 0; cls < nc; cls++) {
        const cw = slotCounters(nc, cls);
        classes.push({
          room: ld(slotRoom(cls)), bound: ld(slotBound(nc, cls)), hits: u(ld(slotHits(cls))), maxRoom: ld(slotMaxRoom(cls)),
          refills: u(ld(cw + CLASS_COUNTER.REFILLS)), blocksIn: u(ld(cw + CLASS_COUNTER.BLOCKS_IN)), drains: u(ld(cw + CLASS_COUNTER.DRAINS)), blocksOut: u(ld(cw + CLASS_COUNTER.BLOCKS_OUT)),
        });
      }
      out.push({
        slot: s, state: ld(SLOT.STATE), thread: Math.max(0, ld(SLOT.THREAD) - 1), attaches: ld(SLOT.EPOCH), inColdPath: ld(SLOT.COLD) === 1,
        events: m(MISC_COUNTER.EVENTS), dropped: m(MISC_COUNTER.DROPPED), exhausted: m(MISC_COUNTER.EXHAUSTED),
        violations: { ringFull: m(MISC_COUNTER.V_RING_FULL), policyOutsideRefill: m(MISC_COUNTER.V_POLICY_OUTSIDE), refillWaited: m(MISC_COUNTER.V_REFILL_WAITED) },
        classes,
      });
    }
    return out;
  }

  /** Counters of the slots given back so far (detached or reclaimed workers). */
  retired(): RetiredTotals {
    const i32 = this.i32;
    const l = this.r.layout;
    const m = (k: number) => u(Atomics.load(i32, this.r.ctrl + CTRL.TOTAL_MISC + k));
    const classes = Array.from({ length: l.numClasses }, (_, cls) => {
      const t = (l.totals >>> 2) + TOTAL_WORDS * cls;
      const ld = (k: number) => u(Atomics.load(i32, t + k));
      return {
        allocs: ld(TOTAL.ALLOCS), frees: ld(TOTAL.FREES), refills: ld(TOTAL.REFILLS), blocksIn: ld(TOTAL.BLOCKS_IN),
        drains: ld(TOTAL.DRAINS), blocksOut: ld(TOTAL.BLOCKS_OUT),
      };
    });
    return {
      classes, events: m(MISC_COUNTER.EVENTS), dropped: m(MISC_COUNTER.DROPPED), exhausted: m(MISC_COUNTER.EXHAUSTED),
      violations: { ringFull: m(MISC_COUNTER.V_RING_FULL), policyOutsideRefill: m(MISC_COUNTER.V_POLICY_OUTSIDE), refillWaited: m(MISC_COUNTER.V_REFILL_WAITED) },
    };
  }

  /** Bytes, pages, per-class spans and blocks (walks the inboxes: call it while stopped). */
  region(): RegionStats {
    return regionStats(this.r, (cls) => inboxBlocks(this.r, cls));
  }

  pageMap(): PageMap {
    const r = this.r;
    const committed = r.committedPages();
    let free = 0;
    let run = 0;
    let largest = 0;
    for (let pg = 0; pg < committed; pg++) {
      if (pageInUse(r, pg)) run = 0;
      else {
        free++;
        run++;
        if (run > largest) largest = run;
      }
    }
    return { committed, used: committed - free, free, largestFreeRun: largest };
  }
}
