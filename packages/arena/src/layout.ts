/**
 * The shared-memory layout: one table of regions and word indices. The package README documents
 * it (who writes each word, with which ordering); keep the two in step.
 *
 * All offsets are absolute byte offsets into the SharedArrayBuffer, so a heap can live inside a
 * larger buffer (a WebAssembly memory, say) and its pointers are usable there as they are. They
 * are unsigned 32-bit (up to 2^32, a full wasm32 memory): words hold their bits, readers `>>> 0`.
 */

export const MAGIC = 0x484b4d4d; // "HKMM"
// 3: quad word 2 counts hits (was allocs); a heap of another version is refused on attach.
// 4: the arena lock word holds its holder (LOCK_HOLDER gone), FENCED slots, FREEING large blocks.
// 5: blocks 16-aligned (CTRL.BLOCK_ALIGN, a span's first block at its class's lead), large blocks at SPAN.AT.
/** The layout version written in the control block; a heap of another version is refused on attach. */
export const LAYOUT_VERSION = 5;

/** log2 of the page size. */
export const PAGE_SHIFT = 12;
/** Bytes per page: the unit of spans, large blocks and growth. */
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Control block word indices (relative to the heap base, in 32-bit words). */
export const CTRL = {
  MAGIC: 0,
  VERSION: 1,
  SALT: 2,
  FLAGS: 3,
  PAGE_SHIFT: 4,
  NUM_CLASSES: 5,
  NUM_SLOTS: 6,
  SLOT_WORDS: 7,
  MAX_PAGES: 8,
  CLASS_TABLE: 9,
  SLOTS: 10,
  INBOX: 11,
  /** the abandoned region: the abandoned-span inbox, then the abandoned span lists */
  ABANDONED: 12,
  SPANS: 13,
  BITMAP: 14,
  DATA: 15,
  BASE: 16,
  MAX_END: 17,
  TOTALS: 18,
  /** every block's alignment, 8 or 16 (set at creation) */
  BLOCK_ALIGN: 19,
  /** extra regions for other boxes (the event ring, the policy table...): byte offset, words */
  EXT_AT: 20,
  EXT_WORDS: 24,
  /** what each extra region is, as its creator tagged it (0: untagged) */
  EXT_TAG: 28,
  // Cross-worker words start on their own cache line.
  COMMITTED_PAGES: 32,
  GROW_GEN: 33,
  /** the arena lock: holder's slot + 1, 0 when free (lock.ts) */
  ARENA_LOCK: 34,
  /** threads napping on the arena lock (the releaser notifies only if there are any) */
  LOCK_WAITERS: 35,
  CLOSED: 36,
  STW: 37,
  PAGE_HINT: 38,
  GROW_COUNT: 39,
  USED_PAGES: 40,
  /** debug flags (DEBUG_*): set at creation, read by every worker at attach */
  DEBUG: 41,
  /** hot-path counters, set at creation: COUNTERS_OFF, COUNTERS_HITS or COUNTERS_LOW_WATER */
  COUNTERS: 42,
  /**
   * Low 16 bits: the diagnostics interval, bumped by a reader (an owner resets its low-water marks
   * when it moves). High 16 bits: heap-wide collect requests (COLLECT_REQUEST each): an owner gives
   * its cache back at its next refill or drain when they move.
   */
  DIAG_EPOCH: 43,
  /** observers (diagnostics readers) numbered for their stops: STW = OBSERVER_BASE + n + 1 */
  OBSERVER_SEQ: 44,
  /** the most a worker's cache may hold idle, in KiB (0: the default bounds); set at creation */
  MAX_CACHED_KIB: 45,
  /** counters of slots given back (detach, reclaim), per heap: EV_* (6 words) */
  TOTAL_MISC: 48,
} as const;

/** what a heap-wide collect adds to CTRL.DIAG_EPOCH */
export const COLLECT_REQUEST = 1 << 16;

/** Control word DEBUG bit: count contract violations. */
export const DEBUG_CONTRACTS = 1;
/** Control word DEBUG bit: log dropped refill events. */
export const DEBUG_LOG_DROPS = 2;
export const CONTROL_WORDS = 64;

export const FLAG_HEADERLESS = 1;

/** Class table: one record per size class. */
export const CLASS_ROW = { SIZE: 0, STRIDE: 1, SPAN_PAGES: 2, BLOCKS: 3 } as const;
export const CLASS_ROW_WORDS = 4;

/** Worker slot: words before the per-class arrays. */
export const SLOT = {
  STATE: 0,
  EPOCH: 1,
  COLD: 2,
  THREAD: 3,
  /** the refill engine's counters of this slot (MISC_WORDS words, order: EV_*) */
  MISC: 4,
  HEADS: 16,
} as const;
/** The refill engine's per-slot counters (written by the owner on its cold path). */
export const MISC_COUNTER = { EVENTS: 0, DROPPED: 1, EXHAUSTED: 2, V_RING_FULL: 3, V_POLICY_OUTSIDE: 4, V_REFILL_WAITED: 5 } as const;
/** Words of the miscellaneous per-slot counters. */
export const MISC_WORDS = 6;
/** Per class, the refill engine's counters (order: CN_*): refills, blocks refilled, drains, blocks drained. */
export const CLASS_COUNTER = { REFILLS: 0, BLOCKS_IN: 1, DRAINS: 2, BLOCKS_OUT: 3 } as const;
/** Words of the refill engine's counters per class. */
export const CLASS_COUNTER_WORDS = 4;
/**
 * Per class, the cache's words: [head, room, hits, maxRoom] (16 bytes, 16-aligned: never straddles
 * a cache line, four classes share one). hits (allocations
 * served from the list) is counted by the counting flavours only, maxRoom on every alloc by the
 * low-water flavour only (elsewhere on cold paths).
 */
export const QUAD = { HEAD: 0, ROOM: 1, HITS: 2, MAX_ROOM: 3 } as const;
/** Words of a class's quad in a slot: head, room, hits, max room. */
export const QUAD_WORDS = 4;
/** Heap-wide totals per class of slots given back: allocs, frees, then the CN_* counters. */
export const TOTAL = { ALLOCS: 0, FREES: 1, REFILLS: 2, BLOCKS_IN: 3, DRAINS: 4, BLOCKS_OUT: 5 } as const;
/** Words of the heap-wide totals per class. */
export const TOTAL_WORDS = 6;
/**
 * Per-class words of a slot, offsets from the slot's start (nc = number of classes): a [head,
 * room, hits, maxRoom] quad per class (within one cache line: a pop or push touches only it), then
 * bound[nc], partial[nc], and the refill engine's counters (CLASS_COUNTER_WORDS per class).
 * room = bound - blocks cached (the cache drains when it goes below 0).
 */
export const slotHead = (cls: number) => SLOT.HEADS + QUAD_WORDS * cls;
/** Word offset, in a slot, of class `cls`'s room (bound minus blocks cached). */
export const slotRoom = (cls: number) => SLOT.HEADS + QUAD_WORDS * cls + QUAD.ROOM;
/** Word offset, in a slot, of class `cls`'s hit counter. */
export const slotHits = (cls: number) => SLOT.HEADS + QUAD_WORDS * cls + QUAD.HITS;
/** Word offset, in a slot, of class `cls`'s most room (low-water mark). */
export const slotMaxRoom = (cls: number) => SLOT.HEADS + QUAD_WORDS * cls + QUAD.MAX_ROOM;
/** Word offset, in a slot, of class `cls`'s bound (`nc` classes). */
export const slotBound = (nc: number, cls: number) => SLOT.HEADS + QUAD_WORDS * nc + cls;
/** head of the owner's list of spans with blocks to give, per class (-1: none) */
export const slotPartial = (nc: number) => SLOT.HEADS + (QUAD_WORDS + 1) * nc;
/** the refill engine's counters of class `cls` (CN_*) */
export const slotCounters = (nc: number, cls: number) => SLOT.HEADS + (QUAD_WORDS + 2) * nc + CLASS_COUNTER_WORDS * cls;
/** CTRL.COUNTERS: off; hits counted on the hot path; hits and each list's low-water mark. */
export const COUNTERS_OFF = 0;
/** Control word COUNTERS: the counting hot path (hits). */
export const COUNTERS_HITS = 1;
/** Control word COUNTERS: the counting hot path with low-water marks. */
export const COUNTERS_LOW_WATER = 2;
/** Slot state: free for a worker to attach. */
export const SLOT_FREE = 0;
/** Slot state: a worker is attached. */
export const SLOT_ATTACHED = 1;
/** Slot state: its worker is gone without detach; to be reclaimed. */
export const SLOT_DEAD = 2;
/** Slot state: being reclaimed by another worker. */
export const SLOT_RECLAIMING = 3;
/** declared terminated but maybe still running (a browser Worker after terminate()): its cold paths refuse */
export const SLOT_FENCED = 4;

/** Span table: one record per page; the span's fields live in the record of its first page. */
export const SPAN = {
  /** head page index + 1 for every page of a used run; 0 for a free page. */
  HEAD: 0,
  /** first page only: pages << 8 | class (class 255 = large run). */
  INFO: 1,
  /** first page only: owning slot, -1 when abandoned. Atomics. */
  OWNER: 2,
  /** span free list head (owner only). */
  FREE: 3,
  /** blocks in the span free list (owner only). */
  NFREE: 4,
  /** blocks carved so far (owner only); blocks beyond are untouched. */
  BUMP: 5,
  /** large runs: bytes from the run's first page to its block (written before the run is visible) */
  AT: 5,
  /** owner's per-class list links: span page index, -1 end; PREV -2 = not listed. */
  NEXT: 6,
  PREV: 7,
} as const;
export const SPAN_WORDS = 8;
export const NOT_LISTED = -2;
export const LARGE_CLASS = 255;
export const NO_OWNER = -1;

/** How many extra regions a heap can carry. */
export const MAX_EXTRA = 4;

export interface LayoutParams {
  /** words of each extra region another box asked for (at most MAX_EXTRA), and their tags */
  extraWords?: readonly number[];
  extraTags?: readonly number[];
  base: number;
  /** bytes from base available now */
  initialBytes: number;
  /** bytes from base the heap may grow to */
  maxBytes: number;
  numClasses: number;
  numSlots: number;
}

/** The heap's layout in the buffer, in bytes from the buffer's start (read once per thread). */
export interface Layout {
  base: number;
  maxEnd: number;
  numClasses: number;
  numSlots: number;
  slotWords: number;
  maxPages: number;
  classTable: number;
  slots: number;
  inbox: number;
  /** the abandoned-span inbox (a word per class), then the abandoned span lists (a word per class) */
  abandoned: number;
  /** heap-wide counters of slots given back: TOTAL_WORDS per class */
  totals: number;
  spans: number;
  bitmap: number;
  data: number;
  /** byte offsets, word counts and tags of the extra regions */
  extraAt: number[];
  extraWords: number[];
  extraTags: number[];
  /** pages that fit in the initial bytes */
  initialPages: number;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function slotWordsFor(numClasses: number): number {
  // quads, bound, partial, counters per class, rounded to 64 bytes.
  return align(SLOT.HEADS + (QUAD_WORDS + 2 + CLASS_COUNTER_WORDS) * numClasses, 16);
}

/** Where everything goes in the buffer (control block, slots, spans, bitmap, extra regions, data) for these parameters. */
export function computeLayout(p: LayoutParams): Layout {
  const slotWords = slotWordsFor(p.numClasses);
  const maxEnd = p.base + p.maxBytes;
  const maxPages = Math.floor(p.maxBytes / PAGE_SIZE);
  let o = p.base + CONTROL_WORDS * 4;
  const classTable = o;
  o = align(o + p.numClasses * CLASS_ROW_WORDS * 4, 64);
  const slots = o;
  o += p.numSlots * slotWords * 4;
  const inbox = o;
  o = align(o + p.numSlots * p.numClasses * 4, 64);
  const abandoned = o;
  o = align(o + 2 * p.numClasses * 4, 64);
  const totals = o;
  o = align(o + TOTAL_WORDS * p.numClasses * 4, 64);
  const extraWords = [...(p.extraWords ?? [])];
  const extraAt = extraWords.map((w) => {
    const at = o;
    o = align(o + w * 4, 64);
    return at;
  });
  const spans = o;
  o += maxPages * SPAN_WORDS * 4;
  const bitmap = o;
  o += Math.ceil(maxPages / 32) * 4;
  const data = align(o, PAGE_SIZE);
  const initialEnd = p.base + p.initialBytes;
  const initialPages = Math.max(0, Math.floor((initialEnd - data) / PAGE_SIZE));
  const usablePages = Math.max(0, Math.floor((maxEnd - data) / PAGE_SIZE));
  return {
    base: p.base, maxEnd, numClasses: p.numClasses, numSlots: p.numSlots, slotWords,
    maxPages: Math.min(maxPages, usablePages), classTable, slots, inbox, abandoned, totals, spans, bitmap,
    data, extraAt, extraWords, extraTags: extraWords.map((_, k) => p.extraTags?.[k] ?? 0), initialPages,
  };
}

/** Bytes of metadata in front of the data region. */
export const metadataBytes = (l: Layout) => l.data - l.base;

// The word formulas: every word index of a slot, an inbox or an abandoned list is computed here.

/** Word index of word `k` (a `SLOT` word, or a per-class offset such as slotHead(cls)) of worker slot `s`. */
export const slotWordOf = (l: Layout, s: number, k: number): number => (l.slots >>> 2) + s * l.slotWords + k;

/**
 * Word index of the inbox that blocks of class `cls` owned by `owner` go to: slot `owner`'s inbox
 * for the class, or, for NO_OWNER (an abandoned span), the abandoned-span inbox of the class.
 */
export const inboxWord = (l: Layout, owner: number, cls: number): number =>
  owner === NO_OWNER ? (l.abandoned >>> 2) + cls : (l.inbox >>> 2) + owner * l.numClasses + cls;

/** Word index of the head of the abandoned spans' list of class `cls` (-1: none). */
export const abandonedListWord = (l: Layout, cls: number): number => (l.abandoned >>> 2) + l.numClasses + cls;

export function writeLayout(i32: Int32Array, l: Layout, salt: number, flags: number): void {
  const c = l.base >>> 2;
  i32[c + CTRL.VERSION] = LAYOUT_VERSION;
  i32[c + CTRL.SALT] = salt;
  i32[c + CTRL.FLAGS] = flags;
  i32[c + CTRL.PAGE_SHIFT] = PAGE_SHIFT;
  i32[c + CTRL.NUM_CLASSES] = l.numClasses;
  i32[c + CTRL.NUM_SLOTS] = l.numSlots;
  i32[c + CTRL.SLOT_WORDS] = l.slotWords;
  i32[c + CTRL.MAX_PAGES] = l.maxPages;
  i32[c + CTRL.CLASS_TABLE] = l.classTable;
  i32[c + CTRL.SLOTS] = l.slots;
  i32[c + CTRL.INBOX] = l.inbox;
  i32[c + CTRL.ABANDONED] = l.abandoned;
  i32[c + CTRL.TOTALS] = l.totals;
  i32[c + CTRL.SPANS] = l.spans;
  i32[c + CTRL.BITMAP] = l.bitmap;
  i32[c + CTRL.DATA] = l.data;
  i32[c + CTRL.BASE] = l.base;
  i32[c + CTRL.MAX_END] = l.maxEnd;
  l.extraAt.forEach((at, k) => {
    i32[c + CTRL.EXT_AT + k] = at;
    i32[c + CTRL.EXT_WORDS + k] = l.extraWords[k];
    i32[c + CTRL.EXT_TAG + k] = l.extraTags[k];
  });
  // The magic goes last and with a release store: an attacher that sees it sees the rest.
  Atomics.store(i32, c + CTRL.MAGIC, MAGIC);
}

export function readLayout(i32: Int32Array, base: number): Layout {
  const c = base >>> 2;
  const at = (k: number) => i32[c + k];
  // byte offsets are unsigned (a heap may lie above 2 GiB); maxEnd 2^32 is stored as 0
  const off = (k: number) => i32[c + k] >>> 0;
  return {
    base: off(CTRL.BASE), maxEnd: off(CTRL.MAX_END) || 2 ** 32, numClasses: at(CTRL.NUM_CLASSES),
    numSlots: at(CTRL.NUM_SLOTS), slotWords: at(CTRL.SLOT_WORDS), maxPages: at(CTRL.MAX_PAGES),
    classTable: off(CTRL.CLASS_TABLE), slots: off(CTRL.SLOTS), inbox: off(CTRL.INBOX), abandoned: off(CTRL.ABANDONED), totals: off(CTRL.TOTALS),
    spans: off(CTRL.SPANS), bitmap: off(CTRL.BITMAP), data: off(CTRL.DATA),
    extraAt: [0, 1, 2, 3].map((k) => off(CTRL.EXT_AT + k)).filter((x) => x !== 0),
    extraWords: [0, 1, 2, 3].map((k) => at(CTRL.EXT_WORDS + k)).filter((_, k) => at(CTRL.EXT_AT + k) !== 0),
    extraTags: [0, 1, 2, 3].map((k) => at(CTRL.EXT_TAG + k)).filter((_, k) => at(CTRL.EXT_AT + k) !== 0),
    initialPages: Atomics.load(i32, c + CTRL.COMMITTED_PAGES),
  };
}
