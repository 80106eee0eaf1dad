/**
 * The learner's loop, where it runs: wake, learn from what is waiting, and when the ring is empty
 * spin briefly, then sleep in Atomics.wait with a timeout (producers notify only once per quarter
 * ring, so a burst does not outrun the nap). Stops when the owner sets STOP.
 */
import { hasEvent } from './consumer.js';
import { threadCpuMs } from './cpu.js';
import { Learner, type LearnerConfig } from './learner.js';
import { R } from './ring.js';
import { MODE_WORKER, ST } from './state.js';

const SPINS = 200;
/** idle naps; a burst of events wakes it sooner (producers notify once per quarter ring) */
const SLEEP_MS = 50;
const CPU_EVERY_MS = 500;

export function runLearnerLoop(cfg: LearnerConfig): void {
  const { i32, ring, state } = cfg;
  const learner = new Learner(cfg);
  Atomics.store(i32, state + ST.START_CPU_MS, threadCpuMs());
  Atomics.store(i32, state + ST.MODE, MODE_WORKER);
  let cpuAt = -Infinity;
  while (Atomics.load(i32, state + ST.STOP) === 0) {
    Atomics.add(i32, state + ST.HEARTBEAT, 1);
    if (learner.step() === 0) {
      for (let k = 0; k < SPINS && !hasEvent(i32, ring); k++);
      if (!hasEvent(i32, ring)) Atomics.wait(i32, ring + R.TAIL, Atomics.load(i32, ring + R.TAIL), SLEEP_MS);
    }
    const now = performance.now();
    if (now - cpuAt > CPU_EVERY_MS) {
      cpuAt = now;
      Atomics.store(i32, state + ST.CPU_MS, threadCpuMs());
    }
  }
  Atomics.store(i32, state + ST.CPU_MS, threadCpuMs());
  Atomics.store(i32, state + ST.MODE, 0);
}
