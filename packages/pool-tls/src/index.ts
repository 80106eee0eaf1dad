export { ThreadCache, HeaderlessCache, CacheBase, type Refiller, type Fallback, type CacheConfig } from './cache.js';
export { defaultClassSizes, classLookup, checkClassSizes, MAX_CLASSES, MAX_CLASS_SIZE } from './size-classes.js';
export { badOption, BAD_OPTION, shownValue } from './errors.js';
