/**
 * The learner's state region: written by the learner and the thread that hosts it only (Contract
 * B: besides the policy table, this is all they write), read by anyone for diagnostics
 * (`learnerSnapshot` in @hakmem/pool-diagnostics). Layout, 32-bit words from its start:
 *   0 STOP       the owner asks the learner to stop        owner: Atomics.store; learner: load
 *   1 HEARTBEAT  +1 each time the learner wakes             learner: Atomics.add
 *   2 DECISIONS  policy changes made                        learner: Atomics.store
 *   3 EVENTS     events learned from                        learner: Atomics.store
 *   4 CPU        the learner thread's own CPU time, 0.1 ms units (-1: not measurable here)
 *   5 MODE       what runs: 0 nothing (stopped), 1 a Worker, 2 inline, 3 a Worker starting,
 *                4 waiting (the owner starts it once refills are worth learning from)
 *                (hakmem's learner/start.ts: the owner sets 3; a Worker's loop takes the role 3 -> 1,
 *                or the owner 3 -> 2)
 *   8 START_CPU  its CPU time when its loop started (the cost of starting its Worker), 0.1 ms
 *   6 NUM_CLASSES, 7 NUM_ARMS                               written once at creation
 *   16 + a: the refill count of arm a
 *   CLASSES + c * classWords: class c = arm in force, its count, changes, events, hold (events
 *            left before it may change again), LEARNS (1: its range holds more than one arm, so
 *            its refills are worth reporting; 0: the learner never changes its count; range.ts;
 *            written once at creation), then per arm: pulls * 1000, mean reward * 1e6
 * Every word is read and written with Atomics (the learner is another thread).
 */
import { badOption } from './errors.js';

/** Word offsets of the state region's header (the layout above); class words start at classesAt(arms). */
export const LEARNER = { STOP: 0, HEARTBEAT: 1, DECISIONS: 2, EVENTS: 3, CPU: 4, MODE: 5, NUM_CLASSES: 6, NUM_ARMS: 7, START_CPU: 8, ARMS: 16 } as const;
/** CPU and START_CPU count 0.1 ms: 3 digits for a learner that runs a few ms, wraps after 59 h */
export const CPU_UNIT_MS = 0.1;
/** Word offsets within a class's words: arm and count in force, changes, events, hold, learns, then two words per arm. */
export const LEARNER_CLASS = { ARM: 0, COUNT: 1, CHANGES: 2, EVENTS: 3, HOLD: 4, LEARNS: 5, PER_ARM: 8 } as const;
/** MODE word values: a Worker runs the learner; it runs inline on the owner's thread; a Worker is starting (0: nothing runs). */
export const MODE_WORKER = 1;
/** See MODE_WORKER. */
export const MODE_INLINE = 2;
/** See MODE_WORKER. */
export const MODE_STARTING = 3;
/** See MODE_WORKER: nothing runs yet, the owner starts it once refills are worth learning from. */
export const MODE_WAITING = 4;

/** Candidate refill counts (the arms of every class, capped per class by its size). */
export const DEFAULT_ARMS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** Words per class in the state region, for `arms` candidate counts. */
export const classWords = (arms: number) => LEARNER_CLASS.PER_ARM + 2 * arms;
/** Word offset, from the region's start, of class 0's words. */
export const classesAt = (arms: number) => LEARNER.ARMS + ((arms + 15) & ~15);

/** Words of shared memory the learner state takes for `numClasses` classes and `arms` candidate counts. */
export function learnerStateWords(numClasses: number, arms = DEFAULT_ARMS.length): number {
  return classesAt(arms) + numClasses * classWords(arms);
}

/**
 * Write a fresh learner state (no pulls, no counts chosen) at word `at` for `numClasses` classes
 * and the candidate counts `arms`. `learns`: per class, whether the learner may change its count
 * (`learnableClasses` of the learner's configuration); every class by default.
 */
export function initLearnerState(i32: Int32Array, at: number, numClasses: number, arms: readonly number[] = DEFAULT_ARMS, learns?: ArrayLike<number>): void {
  if (learns && learns.length !== numClasses) throw badOption(`learns has ${learns.length} entries for ${numClasses} classes`);
  i32.fill(0, at, at + learnerStateWords(numClasses, arms.length));
  i32[at + LEARNER.NUM_CLASSES] = numClasses;
  i32[at + LEARNER.NUM_ARMS] = arms.length;
  i32[at + LEARNER.CPU] = -1;
  i32[at + LEARNER.START_CPU] = -1;
  arms.forEach((n, a) => {
    i32[at + LEARNER.ARMS + a] = n;
  });
  for (let cls = 0; cls < numClasses; cls++) i32[at + classesAt(arms.length) + cls * classWords(arms.length) + LEARNER_CLASS.LEARNS] = !learns || learns[cls] ? 1 : 0;
}
