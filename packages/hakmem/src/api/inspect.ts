/**
 * Looking at the heap without changing it: `validate` (every invariant checked), `stats` (where
 * the bytes are, and this worker's counters), `diagnostics` and `printDiagnostics` (the whole heap,
 * every worker, the learner: @hakmem/pool-diagnostics), `watchHealth` and `attachedSlots`.
 */
import {
  breakDeadLock, inboxBlocks, regionStats, SLOT_ATTACHED, SLOT_DEAD, SLOT_FENCED, SLOT_RECLAIMING, slotsIn, validateRegion,
  type RegionStats, type ValidateReport,
} from '@hakmem/arena';
import {
  formatDiagnostics, learnerSnapshot, refillCounters, ringCounters, snapshot, watchHealth, type FormatOptions, type HealthOptions,
  type HealthWatch, type LearnerSnapshot, type RingCounters, type Snapshot, type Warning,
} from '@hakmem/pool-diagnostics';
import { learningWords } from '../learning.js';
import type { HeapClass } from './base.js';

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

export function Inspection<T extends HeapClass>(Base: T) {
  abstract class Inspection extends Base {
    /**
     * Walk the heap, check every invariant; throws a HeapError naming the first broken one. With
     * other workers attached, it stops the heap meanwhile (their cold paths wait; their hot paths
     * go on) and checks everything but their cache lists.
     */
    validate(): ValidateReport {
      this.assertOpen();
      const r = this.core.r;
      return this.whileStopped(() => {
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
      const region = this.whileStopped(() => regionStats(r, (cls) => inboxBlocks(r, cls)));
      const lw = learningWords(r);
      const learning = lw ? { ring: ringCounters(r.i32, lw.ring), learner: learnerSnapshot(r.i32, lw.state) } : null;
      const counters = refillCounters(this.core.engine.counterWords(), r.layout.numClasses);
      return {
        ...region,
        learning,
        worker: {
          slot: this.core.slot,
          refills: counters.refills,
          drains: counters.drains,
          cached: region.classes.map((c) => this.cached(c.cls)),
          exhausted: counters.exhausted,
          events: counters.events,
          dropped: counters.dropped,
          violations: counters.violations,
        },
      };
    }

    /**
     * A snapshot of the whole heap (every worker, the queue, the learner), JSON-able: see
     * @hakmem/pool-diagnostics. Read-only; the heap's refills pause while it is taken.
     */
    diagnostics(): Snapshot {
      this.assertOpen();
      // stopped as this worker's slot, not as an observer: should this worker die meanwhile, its
      // stop ends when the slot is declared dead, not after an observer's 5 s lease
      return this.whileStopped(() => snapshot(this.handle, { stop: false }));
    }

    /** The diagnostics as a table (console.log): per class, queue health, learner, contracts. */
    printDiagnostics(o: FormatOptions = {}): void {
      console.log(formatDiagnostics(this.diagnostics(), o));
    }

    /** Check the heap's health every intervalMs: warns when the drop rate passes 1% or a cache stays above its bound. */
    watchHealth(o: HealthOptions & { intervalMs?: number; onWarning?: (w: Warning) => void } = {}): HealthWatch {
      return watchHealth(() => this.diagnostics(), o);
    }

    /** Slots attached now, this one included. */
    attachedSlots(): number[] {
      return slotsIn(this.core.r, SLOT_ATTACHED);
    }
  }
  return Inspection;
}
