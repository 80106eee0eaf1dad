export { pushEvent, readPolicy } from './producer.js';
export { consume, hasEvent, type RefillEvent } from './consumer.js';
export {
  initRing, ringWords, checkCapacity, ringCounters, DEFAULT_CAPACITY, REC_WORDS, STALL_WAKES, RING_TAG, POLICY_TAG, STATE_TAG, type RingBounds, type RingCounters,
} from './ring.js';
export {
  initLearnerState, learnerStateWords, learnerSnapshot, DEFAULT_ARMS, type LearnerMode, type LearnerSnapshot, type ClassLearning,
} from './state.js';
export { Learner, type LearnerConfig } from './learner.js';
export { reward, DEFAULT_REWARD, type RewardModel } from './reward.js';
export { startLearner, type LearnerHandle, type StartOptions, type WorkerConfig } from './start.js';
export { threadCpuMs } from './cpu.js';
export { StartTrigger, CHECK_MS, MAX_CHECK_MS, START_EVENTS, MIN_EVENTS, type StartStep } from './trigger.js';

/** Words of the policy table: one per class. */
export const policyWords = (numClasses: number): number => numClasses;
