export { ThreadCache, CountingThreadCache, LowWaterThreadCache, HeaderlessCache, CacheBase, type Refiller, type Fallback, type CacheConfig } from './cache.js';
export { defaultClassSizes, classLookup, MAX_CLASSES } from './size-classes.js';
