export { ThreadCache, HeaderlessCache, CacheBase, type CacheHooks, type CacheConfig } from './cache.js';
export { defaultClassSizes, classLookup, MAX_CLASSES } from './size-classes.js';
