/** Synthetic snapshots: the table and the health check are pure functions of one or two of them. */
import type { ClassRow, Snapshot, WorkerClass, WorkerRow } from '../src/index.js';

export function classRow(cls: number, o: Partial<ClassRow> = {}): ClassRow {
  return {
    cls, size: 16 * (cls + 1), policyCount: null, spans: 0, carved: 0, inUse: 0, cached: 0, inSpans: 0,
    allocs: 0, frees: 0, hits: 0, misses: 0, drains: 0, blocksRefilled: 0, blocksDrained: 0, lowWater: 0, ...o,
  };
}

export function workerClass(cls: number, o: Partial<WorkerClass> = {}): WorkerClass {
  return {
    cls, size: 16 * (cls + 1), cached: 0, bound: 256, lowWater: 0, allocs: 0, frees: 0, hits: 0, misses: 0,
    drains: 0, blocksRefilled: 0, blocksDrained: 0, ...o,
  };
}

export function workerRow(slot: number, classes: WorkerClass[], o: Partial<WorkerRow> = {}): WorkerRow {
  return {
    slot, state: 'attached', thread: slot + 1, attaches: 1, inColdPath: false, events: 0, dropped: 0, exhausted: 0,
    violations: { ringFull: 0, policyOutsideRefill: 0, refillWaited: 0 }, classes, ...o,
  };
}

export interface Fixture {
  pushed?: number;
  dropped?: number;
  pending?: number;
  lost?: number;
  garbled?: number;
  heartbeat?: number;
  learning?: boolean;
  counters?: boolean;
  lowWater?: boolean;
  contracts?: Partial<Snapshot['contracts']>;
  workers?: WorkerRow[];
  classes?: ClassRow[];
}

export function snap(f: Fixture = {}): Snapshot {
  const learning = f.learning ?? true;
  const pushed = f.pushed ?? 0;
  const dropped = f.dropped ?? 0;
  return {
    version: 1,
    takenAt: '2026-11-24T00:00:00.000Z',
    settings: {
      classes: 4, slots: 8, headerless: false, counters: f.counters ?? true, lowWater: f.lowWater ?? f.counters ?? true, closed: false, learning,
      debug: { contracts: f.contracts?.enabled ?? false, logDrops: false },
    },
    heap: {
      bytes: { committed: 1 << 20, reserved: 65536, inUse: 16384, free: 49152, unreserved: 983040, metadata: 8192, max: 1 << 24 },
      pages: { committed: 256, used: 16, free: 240, largestFreeRun: 240, max: 4096 },
      fragmentation: { unusedReserved: 0.75, freePages: 0 },
      large: { blocks: 1, bytes: 8192 },
      growth: { events: 2 },
    },
    classes: f.classes ?? [classRow(0, { spans: 1, inUse: 10, allocs: 100, frees: 90, hits: 95, misses: 5 }), classRow(1), classRow(2), classRow(3)],
    workers: f.workers ?? [],
    retired: { events: 0, dropped: 0, exhausted: 0 },
    queue: learning
      ? {
          capacity: 1024, pushed, dropped, droppedFull: dropped, droppedRace: 0,
          consumed: pushed - (f.pending ?? 0) - (f.lost ?? 0) - (f.garbled ?? 0), lost: f.lost ?? 0, late: 0, garbled: f.garbled ?? 0,
          pending: f.pending ?? 0, dropRate: pushed + dropped === 0 ? 0 : dropped / (pushed + dropped),
        }
      : null,
    learner: learning
      ? {
          mode: 'worker', heartbeat: f.heartbeat ?? 1, decisions: 3, events: pushed, cpuMs: 12, startupCpuMs: 10,
          classes: [0, 1, 2, 3].map((cls) => ({
            cls, count: 32, changes: cls === 0 ? 2 : 0, events: 0, learns: true,
            arms: [16, 32, 64].map((count, a) => ({ count, pulls: a + 1, meanReward: 0.1 * (a + 1) })),
          })),
        }
      : null,
    contracts: { enabled: false, ringFull: 0, policyOutsideRefill: 0, refillWaited: 0, ...f.contracts },
  };
}
