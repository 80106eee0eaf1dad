/**
 * The main entry of @hakmem/arena: the backend's whole API (the layout, a Region, a slot's
 * backend, slots, stop-the-world, reclaim, large blocks, diagnosis, validation, stats). Readers
 * that only look on import `./stats` (stats.ts) instead.
 */
export { Region } from './region.js';
export { type CreateRegionOptions } from './region-open.js';
export { MAX_HEAP_END, VIEW_LIMIT, viewBytes, wordView } from './buffer.js';
export { SlotBackend } from './backend.js';
export { pushChain } from './inbox.js';
export { ColdGate, waitOutStop, stopTheWorld, resumeTheWorld, whileStopped, observerId, OBSERVER_BASE, OBSERVER_LEASE_MS } from './cold.js';
export { claimSlot, unclaimSlots, markDead, fenceSlot, freeSlot, slotIsGone, slotState, slotsOfThread, slotsIn, resetSlot, slotWord, foldCounters } from './slots.js';
export { detachSlot, reclaimSlot, repairArena, type ReclaimReport } from './reclaim.js';
export { abandonSpan } from './abandoned.js';
export { lockArena, unlockArena, lockHolder, breakDeadLock } from './lock.js';
export { isSharedMemory, memoryMaxBytes, growMemory, uleb128, WASM_PAGE, type WasmMemory } from './memory.js';
export { HeapError, HeapErrorCode, badSize, shown } from './errors.js';
export { classify, usableSize, LIVE_SMALL, LIVE_LARGE } from './diagnose.js';
export { allocLarge, freeLarge, largePages, largeSlack, largeUsable } from './large.js';
export { validateRegion, attachedSlots, type ValidateOptions, type ValidateReport } from './validate.js';
export { regionStats, inboxBlocks, type RegionStats, type ClassStats } from './usage.js';
export { classGeometry, blockLead, checkClassSizes, MAX_CLASS_SIZE, BLOCK_ALIGNS, DEFAULT_BLOCK_ALIGN, type ClassGeometry } from './classes.js';
export { forEachRun, type RunInfo } from './walk.js';
export {
  CTRL, SLOT, SPAN, COUNTERS_OFF, COUNTERS_HITS, COUNTERS_LOW_WATER, PAGE_SIZE, PAGE_SHIFT, LAYOUT_VERSION, SLOT_FREE, SLOT_ATTACHED, SLOT_DEAD,
  SLOT_RECLAIMING, SLOT_FENCED, slotHead, slotRoom, slotHits, slotMaxRoom, slotBound, slotPartial, slotCounters, slotWordOf, inboxWord,
  abandonedListWord, computeLayout,
  metadataBytes, type Layout, MISC_COUNTER, MISC_WORDS, CLASS_COUNTER, CLASS_COUNTER_WORDS, QUAD, QUAD_WORDS, TOTAL, TOTAL_WORDS, DEBUG_CONTRACTS, DEBUG_LOG_DROPS,
} from './layout.js';
export { allocBase, cacheBase, tag, tagState, tagSlot, tagClass, ST_ALLOC, ST_CACHE, ST_SPAN, ST_REMOTE, ST_LARGE, ABANDONED_SLOT } from './tags.js';
