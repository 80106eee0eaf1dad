/** The read-only stats entry (`@hakmem/arena/stats`): what diagnostics may read of the arena. */
export { HeapView, type SlotWords, type SlotClassWords, type RetiredTotals, type PageMap } from './view.js';
export type { RegionStats, ClassStats } from './usage.js';
export { HeapError, HeapErrorCode, shown } from './errors.js';
export type { WasmMemory } from './memory.js';
export { PAGE_SIZE, SLOT_FREE, SLOT_ATTACHED, SLOT_DEAD, SLOT_RECLAIMING, SLOT_FENCED } from './layout.js';
