/**
 * Box 3 read from another thread: the event ring's counters and the learner's state region,
 * decoded with the layouts @hakmem/ace-learning/stats publishes (atomic loads only; the learner
 * and the producers go on meanwhile).
 */
import { LEARNER_CLASS, classesAt, classWords, CPU_UNIT_MS, MODE_INLINE, MODE_STARTING, MODE_WAITING, MODE_WORKER, RING, LEARNER } from '@hakmem/ace-learning/stats';

/** What runs, as the state region's MODE word says. */
export type LearnerMode = 'waiting' | 'starting' | 'worker' | 'inline' | 'stopped';
/** The learner's mode as the MODE word `word` says. */
export const modeName = (word: number): LearnerMode =>
  word === MODE_WORKER ? 'worker' : word === MODE_INLINE ? 'inline' : word === MODE_STARTING ? 'starting' : word === MODE_WAITING ? 'waiting' : 'stopped';

/** The event ring's counters, as `ringCounters` reads them. */
export interface RingCounters {
  capacity: number;
  /** positions claimed: consumed + lost + garbled + pending */
  pushed: number;
  dropped: number;
  droppedFull: number;
  droppedRace: number;
  consumed: number;
  /** claimed records skipped: unpublished too long (a producer died, or stalled), or read by a consumer that died in its call */
  lost: number;
  /** of those, publishes that came after the skip (a producer that was only slow) */
  late: number;
  /** records dropped by the consumer: mixed by a late writer, or class or worker out of bounds */
  garbled: number;
  /** events waiting for the learner */
  pending: number;
  /** dropped / (pushed + dropped) */
  dropRate: number;
}

/** The ring's counters read from shared memory: pushed, dropped, consumed, pending, drop rate. */
export function ringCounters(i32: Int32Array, at: number): RingCounters {
  // every successful claim moves TAIL by one, so TAIL is the count (mod 2^32): no shared counter
  // written per push (it was a second cache line bouncing between producers on every refill)
  const tail = Atomics.load(i32, at + RING.TAIL);
  const pushed = tail >>> 0;
  const full = Atomics.load(i32, at + RING.DROPPED_FULL);
  const race = Atomics.load(i32, at + RING.DROPPED_RACE);
  const consumed = Atomics.load(i32, at + RING.CONSUMED);
  const dropped = full + race;
  return {
    capacity: i32[at + RING.CAPACITY], pushed, dropped, droppedFull: full, droppedRace: race, consumed,
    lost: Atomics.load(i32, at + RING.LOST), late: Atomics.load(i32, at + RING.LATE), garbled: Atomics.load(i32, at + RING.GARBLED),
    pending: (tail - Atomics.load(i32, at + RING.HEAD)) | 0,
    dropRate: pushed + dropped === 0 ? 0 : dropped / (pushed + dropped),
  };
}

/** One class in the learner's snapshot: the count in force and the statistics of each candidate count. */
export interface ClassLearning {
  cls: number;
  /** the refill count in force (0: none chosen yet, the default applies) */
  count: number;
  changes: number;
  events: number;
  /** whether the learner may change the count: false where its range is one count (its refills are not reported) */
  learns: boolean;
  arms: Array<{ count: number; pulls: number; meanReward: number }>;
}

/** What the learner did and does: its mode, wakes, events, CPU time and each class's policy. */
export interface LearnerSnapshot {
  /** what runs: a Worker, inline on the owner's thread, a Worker starting, or nothing */
  mode: LearnerMode;
  heartbeat: number;
  decisions: number;
  events: number;
  /** the learner thread's CPU time, ms; null where it cannot be measured */
  cpuMs: number | null;
  /** of which starting its Worker (isolate, modules) took, ms; null where not measured */
  startupCpuMs: number | null;
  classes: ClassLearning[];
}

/** The learner state at word `at`, read with atomic loads (any thread, while the learner runs). */
export function learnerSnapshot(i32: Int32Array, at: number): LearnerSnapshot {
  const ld = (k: number) => Atomics.load(i32, at + k);
  const nc = ld(LEARNER.NUM_CLASSES);
  const na = ld(LEARNER.NUM_ARMS);
  const counts = Array.from({ length: na }, (_, a) => ld(LEARNER.ARMS + a));
  const classes: ClassLearning[] = [];
  for (let c = 0; c < nc; c++) {
    const w = classesAt(na) + c * classWords(na);
    classes.push({
      cls: c, count: ld(w + LEARNER_CLASS.COUNT), changes: ld(w + LEARNER_CLASS.CHANGES), events: ld(w + LEARNER_CLASS.EVENTS),
      learns: ld(w + LEARNER_CLASS.LEARNS) !== 0,
      arms: counts.map((count, a) => ({
        count, pulls: ld(w + LEARNER_CLASS.PER_ARM + 2 * a) / 1000, meanReward: ld(w + LEARNER_CLASS.PER_ARM + 2 * a + 1) / 1e6,
      })),
    });
  }
  const mode = ld(LEARNER.MODE);
  const cpu = ld(LEARNER.CPU);
  const start = ld(LEARNER.START_CPU);
  return {
    mode: modeName(mode),
    heartbeat: ld(LEARNER.HEARTBEAT), decisions: ld(LEARNER.DECISIONS), events: ld(LEARNER.EVENTS),
    cpuMs: cpu < 0 ? null : cpu * CPU_UNIT_MS,
    startupCpuMs: cpu < 0 || start < 0 ? null : start * CPU_UNIT_MS,
    classes,
  };
}
