/**
 * The learner's loop, where it runs: wake, learn from what is waiting, and when the ring is empty
 * spin briefly, then sleep in Atomics.wait with a timeout (producers notify only once per quarter
 * ring, so a burst does not outrun the nap). The nap is short while events keep coming (the
 * policy follows a phase of a few ms within it) and doubles, up to 50 ms, while the ring stays
 * empty (an idle heap costs ~20 wake-ups a second). Stops when the owner sets STOP.
 */
import { hasEvent, Learner, MODE_STARTING, MODE_WORKER, RING, LEARNER, type LearnerConfig } from '@hakmem/ace-learning';
import { cpuWord, threadCpuMs } from './cpu.js';

const SPINS = 200;
/**
 * Naps between MIN_NAP_MS and MAX_NAP_MS, sized so that a wake finds FEW..MANY events: a wake
 * costs CPU, so waking often to find a handful of events costs more than learning from them, and
 * with a worker on every core each wake also preempts one (BENCHMARKS.md has the figures). A nap
 * that finds fewer than FEW doubles, one that finds more than MANY halves, an empty ring doubles it.
 */
const MIN_NAP_MS = 2;
const MAX_NAP_MS = 50;
const FEW = 64;
/** events learned per step before the loop checks STOP again */
const STEP = 4096;
const MANY = 256;
const CPU_EVERY_MS = 500;

/**
 * Run the loop until STOP, once this thread has taken the learner's role (MODE STARTING ->
 * WORKER, start.ts) and told the owner (`onStart`). Returns at once if the role is taken: the
 * owner gave up on this Worker and runs the learner inline, or stopped it.
 */
export function runLearnerLoop(cfg: LearnerConfig, onStart?: () => void): void {
  const { i32, ring, state } = cfg;
  if (Atomics.compareExchange(i32, state + LEARNER.MODE, MODE_STARTING, MODE_WORKER) !== MODE_STARTING) return;
  const learner = new Learner(cfg);
  Atomics.store(i32, state + LEARNER.START_CPU, cpuWord(threadCpuMs()));
  onStart?.();
  let cpuAt = -Infinity;
  let nap = MIN_NAP_MS;
  while (Atomics.load(i32, state + LEARNER.STOP) === 0) {
    Atomics.add(i32, state + LEARNER.HEARTBEAT, 1);
    const n = learner.step(STEP);
    if (n < STEP) {
      if (n > MANY) nap = Math.max(MIN_NAP_MS, nap / 2);
      else if (n < FEW) nap = Math.min(MAX_NAP_MS, 2 * nap);
      for (let k = 0; k < SPINS && !hasEvent(i32, ring); k++);
      if (!hasEvent(i32, ring)) Atomics.wait(i32, ring + RING.TAIL, Atomics.load(i32, ring + RING.TAIL), nap);
    }
    const now = performance.now();
    if (now - cpuAt > CPU_EVERY_MS) {
      cpuAt = now;
      Atomics.store(i32, state + LEARNER.CPU, cpuWord(threadCpuMs()));
    }
  }
  Atomics.store(i32, state + LEARNER.CPU, cpuWord(threadCpuMs()));
  Atomics.store(i32, state + LEARNER.MODE, 0);
}
