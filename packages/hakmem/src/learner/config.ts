/**
 * What the learner needs to run, structured-clonable (it travels to the learner's Worker), and the
 * Learner's configuration made from it in the thread that runs it.
 */
import type { LearnerConfig, RewardModel } from '@hakmem/ace-learning';

/** What the learner's thread needs: the shared buffer, its regions' word offsets, classes and defaults. */
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
  minCounts?: number[];
  reward?: Partial<RewardModel>;
  decideEvery?: number;
}

/** Words of the buffer the learner sees: its regions lie in a heap's metadata, below 4 GiB (a 4 GiB buffer has no `byteLength >>> 2`). */
export const wordsOf = (b: SharedArrayBuffer): Int32Array => new Int32Array(b, 0, Math.floor(Math.min(b.byteLength, 2 ** 32) / 4));

export function configFor(w: WorkerConfig): LearnerConfig {
  return { ...w, i32: wordsOf(w.buffer) };
}
