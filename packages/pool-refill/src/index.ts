export { RefillEngine, type RefillOptions, type RefillSnapshot } from './engine.js';
export type { RefillBackend } from './backend.js';
export { defaultRefillCount, defaultRefillCounts, defaultBound, defaultBounds, boundFor, maxCount, MAX_REFILL } from './policy.js';
