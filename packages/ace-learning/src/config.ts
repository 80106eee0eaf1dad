/**
 * What the learner needs to run, structured-clonable (it travels to the learner's Worker), and the
 * Learner's configuration made from it in the thread that runs it.
 */
import type { LearnerConfig } from './learner.js';
import type { RewardModel } from './reward.js';

export interface WorkerConfig {
  buffer: SharedArrayBuffer;
  ring: number;
  policy: number;
  state: number;
  classSizes: number[];
  defaults: number[];
  arms?: number[];
  maxRefillBytes?: number;
  maxCounts?: number[];
  reward?: Partial<RewardModel>;
  decideEvery?: number;
}

export function configFor(w: WorkerConfig): LearnerConfig {
  return { ...w, i32: new Int32Array(w.buffer, 0, w.buffer.byteLength >>> 2) };
}
