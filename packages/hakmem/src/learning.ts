/**
 * Box 3 in a heap: the event ring, the policy table and the learner's state live in the heap's
 * extra regions 0, 1 and 2 (placed by the arena at creation, Contract C); the creator starts the
 * learner (./learner/: its Worker or the inline fallback) and stops it at close().
 */
import { initLearnerState, initRing, learnerStateWords, POLICY_TAG, policyWords, RING_TAG, ringWords, STATE_TAG } from '@hakmem/ace-learning';
import type { Region } from '@hakmem/arena';
import { startLearner, type LearnerHandle } from './learner/start.js';
import type { LearningOptions } from './options.js';

export const RING = 0;
export const POLICY = 1;
export const STATE = 2;

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

/** Write the empty ring and state (the heap's creator, before any refill), start the learner. */
export function setUpLearning(r: Region, defaults: Int32Array, maxCounts: Int32Array, o: Required<LearningOptions>): LearnerHandle {
  const w = learningWords(r)!;
  initRing(r.i32, w.ring, o.ringCapacity, { classes: r.layout.numClasses, workers: r.layout.numSlots });
  initLearnerState(r.i32, w.state, r.layout.numClasses);
  return startLearner({
    mode: o.mode, buffer: r.buffer, ring: w.ring, policy: w.policy, state: w.state,
    classSizes: Array.from(r.sizes), defaults: Array.from(defaults), maxCounts: Array.from(maxCounts),
  });
}

export type { LearnerHandle };
