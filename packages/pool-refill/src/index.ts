export { RefillEngine, type RefillOptions, type RefillSnapshot } from './engine.js';
export type { RefillBackend } from './backend.js';
export type { RefillLearner } from './learner.js';
export { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS, type CounterPlace } from './counters.js';
export { defaultRefillCount, defaultRefillCounts, defaultBound, defaultBounds, boundFor, maxCount, MAX_REFILL } from './policy.js';
