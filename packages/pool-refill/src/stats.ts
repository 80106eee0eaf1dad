/**
 * The read-only stats entry (`@hakmem/pool-refill/stats`): where the refill engine's counter words
 * are, for readers of another thread (@hakmem/pool-diagnostics decodes them: refillCounters).
 */
export { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS } from './counters.js';
