/**
 * The main entry of @hakmem/ace-learning (Box 3): the event ring (producer and consumer sides),
 * the layouts of its regions (ring, policy table, learner state), the learner and its reward.
 */
export { pushEvent, readPolicy } from './producer.js';
export { consume, hasEvent, type RefillEvent } from './consumer.js';
export {
  initRing, ringWords, checkCapacity, isRingCapacity, DEFAULT_CAPACITY, REC_WORDS, STALL_WAKES, RING_TAG, POLICY_TAG, STATE_TAG, RING, type RingBounds,
} from './ring.js';
export {
  initLearnerState, learnerStateWords, DEFAULT_ARMS, LEARNER, LEARNER_CLASS, CPU_UNIT_MS, MODE_WORKER, MODE_INLINE, MODE_STARTING, MODE_WAITING,
} from './state.js';
export { Learner, type LearnerConfig } from './learner.js';
export { learnableClasses, type RangeConfig } from './range.js';
export { reward, DEFAULT_REWARD, type RewardModel } from './reward.js';

/** Words of the policy table: one per class. */
export const policyWords = (numClasses: number): number => numClasses;
