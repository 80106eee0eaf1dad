/** The read-only stats entry (`@hakmem/ace-learning/stats`): what diagnostics may read of Box 3. */
export { ringCounters, type RingCounters, RING_TAG, POLICY_TAG, STATE_TAG } from './ring.js';
export { learnerSnapshot, type LearnerMode, type LearnerSnapshot, type ClassLearning } from './state.js';
