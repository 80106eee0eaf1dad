/**
 * The learner's state region: written by the learner only (Contract B: besides the policy table,
 * this is all it writes), read by anyone for diagnostics. Layout, 32-bit words from its start:
 *   0 STOP       the owner asks the learner to stop        owner: Atomics.store; learner: load
 *   1 HEARTBEAT  +1 each time the learner wakes             learner: Atomics.add
 *   2 DECISIONS  policy changes made                        learner: Atomics.store
 *   3 EVENTS     events learned from                        learner: Atomics.store
 *   4 CPU        the learner thread's own CPU time, 0.1 ms units (-1: not measurable here)
 *   5 MODE       what runs: 0 nothing (stopped), 1 a Worker, 2 inline, 3 a Worker starting,
 *                4 waiting (the owner starts it once refills are worth learning from)
 *                (start.ts: the owner sets 3; a Worker's loop takes the role 3 -> 1, or the owner 3 -> 2)
 *   8 START_CPU  its CPU time when its loop started (the cost of starting its Worker), 0.1 ms
 *   6 NUM_CLASSES, 7 NUM_ARMS                               written once at creation
 *   16 + a: the refill count of arm a
 *   CLASSES + c * classWords: class c = arm in force, its count, changes, events, hold (events
 *            left before it may change again), then per arm: pulls * 1000,
 *            mean reward * 1e6
 * Every word is read and written with Atomics (the learner is another thread).
 */

export const ST = { STOP: 0, HEARTBEAT: 1, DECISIONS: 2, EVENTS: 3, CPU: 4, MODE: 5, NUM_CLASSES: 6, NUM_ARMS: 7, START_CPU: 8, ARMS: 16 } as const;
/** CPU and START_CPU count 0.1 ms: 3 digits for a learner that runs a few ms, wraps after 59 h */
export const CPU_UNIT_MS = 0.1;
export const cpuWord = (ms: number): number => (ms < 0 ? -1 : Math.round(ms / CPU_UNIT_MS) | 0);
export const CL = { ARM: 0, COUNT: 1, CHANGES: 2, EVENTS: 3, HOLD: 4, PER_ARM: 8 } as const;
export const MODE_WORKER = 1;
export const MODE_INLINE = 2;
export const MODE_STARTING = 3;
export const MODE_WAITING = 4;

/** What runs, as the MODE word says. */
export type LearnerMode = 'waiting' | 'starting' | 'worker' | 'inline' | 'stopped';
export const modeName = (word: number): LearnerMode =>
  word === MODE_WORKER ? 'worker' : word === MODE_INLINE ? 'inline' : word === MODE_STARTING ? 'starting' : word === MODE_WAITING ? 'waiting' : 'stopped';

/** Candidate refill counts (the arms of every class, capped per class by its size). */
export const DEFAULT_ARMS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

export const classWords = (arms: number) => CL.PER_ARM + 2 * arms;
export const classesAt = (arms: number) => ST.ARMS + ((arms + 15) & ~15);

/** Words of shared memory the learner state takes for `numClasses` classes and `arms` candidate counts. */
export function learnerStateWords(numClasses: number, arms = DEFAULT_ARMS.length): number {
  return classesAt(arms) + numClasses * classWords(arms);
}

/** Write a fresh learner state (no pulls, no counts chosen) at word `at` for `numClasses` classes and the candidate counts `arms`. */
export function initLearnerState(i32: Int32Array, at: number, numClasses: number, arms: readonly number[] = DEFAULT_ARMS): void {
  i32.fill(0, at, at + learnerStateWords(numClasses, arms.length));
  i32[at + ST.NUM_CLASSES] = numClasses;
  i32[at + ST.NUM_ARMS] = arms.length;
  i32[at + ST.CPU] = -1;
  i32[at + ST.START_CPU] = -1;
  arms.forEach((n, a) => {
    i32[at + ST.ARMS + a] = n;
  });
}

/** One class in the learner's snapshot: the count in force and the statistics of each candidate count. */
export interface ClassLearning {
  cls: number;
  /** the refill count in force (0: none chosen yet, the default applies) */
  count: number;
  changes: number;
  events: number;
  arms: Array<{ count: number; pulls: number; meanReward: number }>;
}

/** What the learner did and does: its mode, wakes, events, CPU time and each class's policy. */
export interface LearnerSnapshot {
  /** what runs: a Worker, inline on the owner's thread, a Worker starting, nothing yet (waiting for refills worth learning from), or nothing */
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
  const nc = ld(ST.NUM_CLASSES);
  const na = ld(ST.NUM_ARMS);
  const counts = Array.from({ length: na }, (_, a) => ld(ST.ARMS + a));
  const classes: ClassLearning[] = [];
  for (let c = 0; c < nc; c++) {
    const w = classesAt(na) + c * classWords(na);
    classes.push({
      cls: c, count: ld(w + CL.COUNT), changes: ld(w + CL.CHANGES), events: ld(w + CL.EVENTS),
      arms: counts.map((count, a) => ({
        count, pulls: ld(w + CL.PER_ARM + 2 * a) / 1000, meanReward: ld(w + CL.PER_ARM + 2 * a + 1) / 1e6,
      })),
    });
  }
  const mode = ld(ST.MODE);
  const cpu = ld(ST.CPU);
  const start = ld(ST.START_CPU);
  return {
    mode: modeName(mode),
    heartbeat: ld(ST.HEARTBEAT), decisions: ld(ST.DECISIONS), events: ld(ST.EVENTS),
    cpuMs: cpu < 0 ? null : cpu * CPU_UNIT_MS,
    startupCpuMs: cpu < 0 || start < 0 ? null : start * CPU_UNIT_MS,
    classes,
  };
}
