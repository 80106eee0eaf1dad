/**
 * Box 1: one worker's size-class freelists. `alloc` pops, `free` pushes; the list heads, the
 * per-class room and bound live in the worker's slot of the shared buffer (plain reads and writes:
 * only the owner touches them), so a dead worker's cache can be found and taken back. Everything
 * that is not a pop or a push goes to the Refiller (refill, drain) or the Fallback (allocSlow, freeSlow).
 *
 * Per class the slot holds head, room and bound, where room = bound - blocks cached: `free`
 * decrements room and drains below zero, so the hot path never loads the bound. A class's words
 * are one quad, [head, room, hits, maxRoom] of 16 bytes, so a pop or a push touches one cache
 * line; hits and maxRoom (the low-water mark: the most room, i.e. the fewest blocks cached, since
 * the interval began) are kept on the hot path only by the umbrella's counting flavours of
 * ThreadCache (packages/hakmem/src/counting.ts), maxRoom also on cold paths where blocks leave
 * the list (./chain).
 *
 * Block header (8 bytes before the pointer): word 0 = tag | class, word 1 = next free block.
 * The tags come from the backend: `allocTag | cls` marks a block handed out, `freeTag | cls` a
 * block in this cache. `free` accepts a pointer only if its word 0 is exactly `allocTag | cls`.
 *
 * Pointers are unsigned 32-bit (a heap may lie anywhere in a 4 GiB wasm32 memory): the list words
 * hold their bits, and `alloc` hands them out as `p >>> 0` (a Smi below 2 GiB, as before).
 */
import { badOption, shownValue } from './errors.js';
import { checkClassSizes, classLookup } from './size-classes.js';

/**
 * The cold side of the lists (Box 2 implements it). The cache calls methods of an object rather
 * than stored closures: a method's call target is its class's function, the same for every heap,
 * so a second heap does not deoptimize the hot path (closures did).
 */
export interface Refiller {
  /** The list of `cls` is empty: install blocks (see ./chain) and return the new head, 0 if none. */
  refill(cls: number): number;
  /** The list of `cls` holds more than its bound: give some back. */
  drain(cls: number): void;
}

/** What the cache does not handle itself. */
export interface Fallback {
  /** A size this cache does not serve: larger than the last class, or not a valid size. */
  allocSlow(size: number): number;
  /**
   * A pointer whose header is not "allocated small block": a large block, or misuse, or a block
   * beyond this worker's view of a buffer that grew. A headerless cache passes the size it was given.
   */
  freeSlow(ptr: number, size?: number): void;
}

/** What a cache needs: the shared buffer's view, where its slot's words are, the classes, bounds and tags. */
export interface CacheConfig {
  /** Int32Array over the whole shared buffer (fixed length; replace it with setView on growth) */
  i32: Int32Array;
  /** word index of the per-class quads [head, room, hits, maxRoom] (class c at heads + 4c); bound[] follows at heads + 4 * nc */
  heads: number;
  classSizes: readonly number[];
  /** per-class bound: a free that takes the list above it calls drain */
  bounds: ArrayLike<number>;
  allocTag: number;
  freeTag: number;
  refiller?: Refiller;
  fallback?: Fallback;
}

/** A configuration the cache cannot work with throws (HAKMEM_BAD_OPTION) before any word is written. */
function checkConfig(c: Omit<CacheConfig, 'allocTag' | 'freeTag'>): void {
  if (c === null || typeof c !== 'object' || !(c.i32 instanceof Int32Array)) throw badOption('the cache needs a config with an Int32Array i32');
  const s = c.classSizes;
  checkClassSizes(s);
  const b = c.bounds;
  if (b === null || typeof b !== 'object' || b.length !== s.length) throw badOption(`bounds: one per class (${s.length})`);
  for (let k = 0; k < s.length; k++) {
    if (typeof b[k] !== 'number' || !Number.isInteger(b[k]) || b[k] < 1 || b[k] > 2 ** 30) throw badOption(`bounds[${k}] ${shownValue(b[k])} must be a positive integer`);
  }
  const h = c.heads;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h + 5 * s.length > c.i32.length) {
    throw badOption(`heads ${shownValue(h)}: the slot's words do not fit in i32`);
  }
}

/** Until connected: no refills, nothing served beyond the lists. */
const UNCONNECTED: Refiller & Fallback = { refill: () => 0, drain: () => {}, allocSlow: () => 0, freeSlow: () => {} };

/** State shared by every cache class (ThreadCache and its counting flavours, HeaderlessCache) and by the chain installer. */
export abstract class CacheBase {
  /** Int32Array over the whole buffer (fixed length; setView replaces it when the buffer grows) */
  words: Int32Array;
  /** word index of class 0's quad [head, room, hits, maxRoom] */
  readonly heads: number;
  /** word index of bound[0] */
  readonly bound: number;
  readonly lookup: Uint8Array;
  readonly maxSmall: number;
  readonly sizes: Int32Array;
  /** word offset of a free block's link from its pointer's word index */
  abstract readonly linkDelta: number;
  refiller: Refiller = UNCONNECTED;
  fallback: Fallback = UNCONNECTED;

  constructor(c: Omit<CacheConfig, 'allocTag' | 'freeTag'>) {
    checkConfig(c);
    const nc = c.classSizes.length;
    this.words = c.i32;
    this.heads = c.heads;
    this.bound = c.heads + 4 * nc;
    this.lookup = classLookup(c.classSizes);
    this.sizes = Int32Array.from(c.classSizes);
    this.maxSmall = c.classSizes[nc - 1];
    for (let cls = 0; cls < nc; cls++) {
      if (c.i32[this.heads + 4 * cls] !== 0) throw badOption(`slot at word ${c.heads} still caches class ${cls}`);
      c.i32[this.bound + cls] = c.bounds[cls];
      c.i32[this.heads + 4 * cls + 1] = c.bounds[cls];
      c.i32[this.heads + 4 * cls + 3] = c.bounds[cls]; // low-water mark: as empty as it has been
    }
    this.connect(c.refiller ?? UNCONNECTED, c.fallback ?? UNCONNECTED);
  }

  connect(refiller: Refiller, fallback: Fallback): void {
    this.refiller = refiller;
    this.fallback = fallback;
  }

  /** The buffer grew (or moved): later ops use the new view. */
  setView(i32: Int32Array): void {
    this.words = i32;
  }

  classOf(size: number): number {
    return this.lookup[(size + 7) >>> 3];
  }

  /** blocks in the list of `cls` */
  cached(cls: number): number {
    return this.words[this.bound + cls] - this.words[this.heads + 4 * cls + 1];
  }

  boundOf(cls: number): number {
    return this.words[this.bound + cls];
  }

  /** Cold path: a new bound for `cls` (a list already above it drains at the next free). */
  setBound(cls: number, b: number): void {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > 2 ** 30) throw badOption(`bound ${shownValue(b)} must be a positive integer`);
    if (this.sizes[cls] === undefined || !Number.isInteger(cls)) throw badOption(`class ${shownValue(cls)} is not a class of this cache`);
    this.words[this.heads + 4 * cls + 1] += b - this.words[this.bound + cls];
    this.words[this.bound + cls] = b;
  }
}

/** The default cache: 8-byte headers, misuse detected, `free(ptr)` without a size. */
export class ThreadCache extends CacheBase {
  readonly linkDelta = -1;
  readonly allocTag: number;
  readonly freeTag: number;

  constructor(c: CacheConfig) {
    // int32 tags with the class byte clear: the hot path ORs the class in and compares whole words
    for (const t of [c?.allocTag, c?.freeTag]) {
      if (typeof t !== 'number' || (t | 0) !== t || (t & 0xff) !== 0 || t === 0) throw badOption(`tag ${shownValue(t)} must be a nonzero int32 with its low byte 0`);
    }
    if (c.allocTag === c.freeTag) throw badOption('allocTag and freeTag must differ');
    super(c);
    this.allocTag = c.allocTag;
    this.freeTag = c.freeTag;
  }

  alloc(size: number): number {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > this.maxSmall) return this.fallback.allocSlow(size);
    const cls = this.lookup[(size + 7) >>> 3];
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    const p = i32[h];
    if (p === 0) return this.allocMiss(cls);
    i32[h] = i32[(p >>> 2) - 1];
    i32[h + 1]++;
    i32[(p >>> 2) - 2] = this.allocTag | cls;
    return p >>> 0;
  }

  free(p: number): void {
    // before any arithmetic: a BigInt or a Symbol throws a TypeError at `>>>`
    if (typeof p !== 'number') return this.fallback.freeSlow(p);
    const i32 = this.words;
    const hw = (p >>> 2) - 2;
    const w = i32[hw];
    const cls = w & 0xff;
    if (w !== (this.allocTag | cls) || (p >>> 0) !== p || (p & 7) !== 0) return this.fallback.freeSlow(p);
    i32[hw] = this.freeTag | cls;
    const h = this.heads + (cls << 2);
    i32[hw + 1] = i32[h];
    i32[h] = p;
    if (--i32[h + 1] < 0) this.refiller.drain(cls);
  }

  /** Cold: refill, then pop with the (possibly new) view. */
  protected allocMiss(cls: number): number {
    const p = this.refiller.refill(cls) | 0;
    if (p === 0) return 0;
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    i32[h] = i32[(p >>> 2) - 1];
    i32[h + 1]++;
    i32[(p >>> 2) - 2] = this.allocTag | cls;
    return p >>> 0;
  }
}

/**
 * No headers: the link of a free block is its first word, `free` needs the size and checks
 * nothing. For callers that know their sizes and want the 8 bytes a block back.
 */
export class HeaderlessCache extends CacheBase {
  readonly linkDelta = 0;

  alloc(size: number): number {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > this.maxSmall) return this.fallback.allocSlow(size);
    const cls = this.lookup[(size + 7) >>> 3];
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    const p = i32[h];
    if (p === 0) return this.allocMiss(cls);
    i32[h] = i32[p >>> 2];
    i32[h + 1]++;
    return p >>> 0;
  }

  free(p: number, size: number): void {
    const i32 = this.words;
    // (p >>> 2) >= length: a block beyond this worker's view (the buffer grew) goes the slow way
    if (
      typeof size !== 'number' || typeof p !== 'number' || (size >>> 0) !== size || size > this.maxSmall ||
      (p >>> 0) !== p || (p & 7) !== 0 || p === 0 || (p >>> 2) >= i32.length
    ) {
      return this.fallback.freeSlow(p, size);
    }
    const cls = this.lookup[(size + 7) >>> 3];
    const h = this.heads + (cls << 2);
    i32[p >>> 2] = i32[h];
    i32[h] = p;
    if (--i32[h + 1] < 0) this.refiller.drain(cls);
  }

  private allocMiss(cls: number): number {
    const p = this.refiller.refill(cls) | 0;
    if (p === 0) return 0;
    const i32 = this.words;
    const h = this.heads + (cls << 2);
    i32[h] = i32[p >>> 2];
    i32[h + 1]++;
    return p >>> 0;
  }
}
