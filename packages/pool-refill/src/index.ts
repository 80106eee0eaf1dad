/**
 * The main entry of @hakmem/pool-refill (Box 2): the refill engine, the interfaces it declares for
 * a backend and a learner, its counter layout, and the default refill policy.
 */
export { RefillEngine, type RefillOptions } from './engine.js';
export type { RefillSnapshot } from './events.js';
export type { RefillBackend } from './backend.js';
export type { RefillLearner } from './learner.js';
export { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS, type CounterPlace } from './counters.js';
export { defaultRefillCount, defaultRefillCounts, defaultBound, defaultBounds, boundFor, maxCount, MAX_REFILL } from './policy.js';
