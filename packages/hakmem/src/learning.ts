/**
 * Box 3 in a heap: the event ring, the policy table and the learner's state live in the heap's
 * extra regions 0, 1 and 2 (placed by the arena at creation, Contract C); the creator starts the
 * learner and stops it at close(). In the default mode ('auto') the learner starts only once
 * refills are worth learning from (StartTrigger, checked on the creator's event loop): until then
 * a heap costs nothing for it.
 */
import {
  DEFAULT_ARMS, initLearnerState, initRing, learnableClasses, LEARNER, learnerStateWords, POLICY_TAG, policyWords, RING_TAG, ringWords, STATE_TAG,
} from '@hakmem/ace-learning';
import { StartTrigger } from './learner/trigger.js';
import { learnerSnapshot, type LearnerMode } from '@hakmem/pool-diagnostics';
import type { Region } from '@hakmem/arena';
import { startLearner, type LearnerHandle } from './learner/start.js';
import type { LearningOptions } from './options.js';

/** The learning regions' indices among the heap's extra regions. */
const RING = 0;
const POLICY = 1;
const STATE = 2;

/** The words of the three learning regions, for `Region.create`'s `extraWords`. */
export function learningRegions(numClasses: number, capacity: number): number[] {
  return [ringWords(capacity), policyWords(numClasses), learnerStateWords(numClasses)];
}

/** Their tags, so that readers (diagnostics) find them without this file's conventions. */
export const LEARNING_TAGS = [RING_TAG, POLICY_TAG, STATE_TAG];

/** Word offsets of the learning regions, or null in a heap created without learning. */
export function learningWords(r: Region): { ring: number; policy: number; state: number } | null {
  if (r.layout.extraAt.length < 3) return null;
  return { ring: r.extraW(RING), policy: r.extraW(POLICY), state: r.extraW(STATE) };
}

/**
 * Per class, 1 where the heap's learner may change the count: the classes whose refills an
 * attached worker's engine reports (`RefillLearner.reports`). Undefined in a heap without learning,
 * and while the state is not written yet (the creator's own engine gets them from setUpLearning).
 */
export function reportedClasses(r: Region): Uint8Array | undefined {
  const w = learningWords(r);
  // the creator's engine, built before the state is written, need not decode it
  if (!w || Atomics.load(r.i32, w.state + LEARNER.NUM_CLASSES) !== r.layout.numClasses) return undefined;
  const classes = learnerSnapshot(r.i32, w.state).classes;
  return classes.length === r.layout.numClasses ? Uint8Array.from(classes, (k) => (k.learns ? 1 : 0)) : undefined;
}

/**
 * Write the empty ring and state (the heap's creator, before any refill), mark in `reports` (the
 * creator's engine's table) the classes whose refills it reports, start the learner.
 */
export function setUpLearning(r: Region, defaults: Int32Array, maxCounts: Int32Array, o: Required<LearningOptions>, reports: Uint8Array): LearnerHandle {
  const w = learningWords(r)!;
  const ranges = {
    classSizes: Array.from(r.sizes), defaults: Array.from(defaults), maxCounts: Array.from(maxCounts),
    // never below the defaults: they already cap the memory a cache holds idle (bounds), and a
    // smaller count costs refills where the defaults were right
    minCounts: Array.from(defaults),
  };
  initRing(r.i32, w.ring, o.ringCapacity, { classes: r.layout.numClasses, workers: r.layout.numSlots });
  // classes whose count the learner cannot change (with these ranges: every class above 2 KiB)
  // are marked, and no engine reports their refills (core.ts)
  const marks = learnableClasses(ranges, DEFAULT_ARMS);
  initLearnerState(r.i32, w.state, r.layout.numClasses, DEFAULT_ARMS, marks);
  reports.set(marks);
  const start = (mode: 'auto' | 'worker' | 'inline') => startLearner({ mode, buffer: r.buffer, ring: w.ring, policy: w.policy, state: w.state, ...ranges });
  // an explicit mode starts now ('worker' must fail here, at createHeap, where no Worker starts)
  if (o.mode !== 'auto') return start(o.mode);
  return new DeferredLearner(new StartTrigger(r.i32, w.ring, w.state), start);
}

/**
 * The default learner's handle (StartTrigger says when and where): a timer on the creator's event
 * loop (unref'd: it never keeps a process alive) checks the ring; once refills are worth learning
 * from, the learner starts inline, and moves to a Worker if it cannot keep up. `started`
 * settles when the learner has started (or was stopped first).
 */
class DeferredLearner implements LearnerHandle {
  readonly started: Promise<LearnerMode>;
  private settle!: (m: LearnerMode) => void;
  private inner: LearnerHandle | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly trigger: StartTrigger,
    private readonly start: (mode: 'auto' | 'inline') => LearnerHandle,
  ) {
    this.started = new Promise((ok) => {
      this.settle = ok;
    });
    // armed once the creator's synchronous code is done (Node's first setTimeout is dear, and
    // createHeap need not pay it), for the first check CHECK_MS after createHeap all the same, or
    // at once if that is past: counted from the first yield, or left to a timer of 0 ms (which
    // runs after the program's own setImmediate), a program that works before it yields would
    // start its learner a phase later (BENCHMARKS.md, "2026-12-03, sixth")
    const createdAt = performance.now();
    void Promise.resolve().then(() => {
      if (this.stopped) return;
      const left = this.trigger.delayMs - (performance.now() - createdAt);
      if (left > 0) this.arm(left);
      else this.tick();
    });
  }

  get mode(): LearnerMode {
    return this.inner ? this.inner.mode : this.stopped ? 'stopped' : 'waiting';
  }

  get worker(): { terminate(): unknown } | null {
    return this.inner?.worker ?? null;
  }

  private arm(ms = this.trigger.delayMs): void {
    this.timer = setTimeout(() => this.tick(), ms);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private tick(): void {
    if (this.stopped) return;
    const next = this.trigger.step(this.inner ? 'inline' : 'waiting');
    if (next === 'inline') {
      this.inner = this.start('inline');
      this.settle('inline');
    } else if (next === 'worker') {
      // an inline learner's stop is synchronous: no two consumers ever read the ring
      void this.inner?.stop();
      this.inner = this.start('auto');
      void this.inner.started.then((m) => this.settle(m));
      return; // the Worker runs from now on: nothing more to watch
    }
    this.arm();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.inner) await this.inner.stop();
    else this.trigger.cancel();
    this.settle('stopped');
  }
}

export type { LearnerHandle };
