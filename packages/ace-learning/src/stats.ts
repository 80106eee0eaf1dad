/**
 * The read-only stats entry (`@hakmem/ace-learning/stats`): the layouts of Box 3's regions, for
 * readers in another thread (@hakmem/pool-diagnostics decodes them: ringCounters, learnerSnapshot).
 */
export { RING, RING_TAG, POLICY_TAG, STATE_TAG } from './ring.js';
export { LEARNER_CLASS, classesAt, classWords, CPU_UNIT_MS, MODE_INLINE, MODE_STARTING, MODE_WAITING, MODE_WORKER, LEARNER } from './state.js';
