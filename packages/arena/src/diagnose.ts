/**
 * What a pointer is, for the cold side of free/sizeOf/realloc: a live small block, a live large
 * block, or a specific misuse. Runs only when the one-compare check on the hot path failed.
 */
import { viewBytes } from './buffer.js';
import { HeapError, HeapErrorCode as E, shown } from './errors.js';
import { LARGE_CLASS, SPAN } from './layout.js';
import { largeTag, largeUsable } from './large.js';
import type { Region } from './region.js';
import { largeBlock, runClass } from './spans.js';
import { allocBase, ABANDONED_SLOT, ST_ALLOC, ST_CACHE, ST_FREEING, ST_LARGE, ST_REMOTE, ST_SPAN, tagClass, tagSalt, tagSlot, tagState } from './tags.js';

/** `classify`: a live small block. */
export const LIVE_SMALL = 1;
/** `classify`: a live large block. */
export const LIVE_LARGE = 2;

/** LIVE_SMALL or LIVE_LARGE, or throws the HeapError that names what is wrong with `p`. */
export function classify(r: Region, p: number): number {
  if (typeof p !== 'number' || !Number.isInteger(p)) {
    throw new HeapError(E.MISALIGNED, `pointer ${shown(p)} is not an integer byte offset`);
  }
  r.sync();
  const base = r.layout.base;
  // a grow committed after the sync is not in the views: a pointer there cannot be this thread's yet
  const end = Math.min(r.end(), viewBytes(r.buffer));
  if (p < base || p >= end) {
    if (looksForeign(r, p)) throw foreign(r, p);
    throw new HeapError(E.OUT_OF_RANGE, `pointer ${p} is outside the heap [${base}, ${end})`, p);
  }
  if (p < r.data) throw new HeapError(E.CONTROL, `pointer ${p} points into the heap's control block and metadata (data starts at ${r.data})`, p);
  if ((p & 7) !== 0) throw new HeapError(E.MISALIGNED, `pointer ${p} is not 8-byte aligned`, p);
  const pg = r.headOf(r.pageOf(p));
  if (pg < 0) {
    const info = Atomics.load(r.i32, r.rec(r.pageOf(p)) + SPAN.INFO);
    // a freed large run keeps INFO and SPAN.AT on its first page until the page is reused
    if ((info & 0xff) === LARGE_CLASS && p === largeBlock(r, r.pageOf(p))) {
      throw new HeapError(E.DOUBLE_FREE, `double free of large block ${p}: its pages are free already`, p);
    }
    throw new HeapError(E.NOT_ALLOCATED, `pointer ${p} points into a free page: no block lives there`, p);
  }
  const start = r.pageAddr(pg);
  const cls = runClass(r, pg);
  if (cls === LARGE_CLASS) {
    const at = largeBlock(r, pg);
    if (p !== at) throw interior(p, at);
    if (r.hdr === 0 || r.i32[(p >>> 2) - 2] === largeTag(r)) return LIVE_LARGE;
    if (tagSalt(r.i32[(p >>> 2) - 2]) === r.salt && tagState(r.i32[(p >>> 2) - 2]) === ST_FREEING) {
      throw new HeapError(E.DOUBLE_FREE, `double free of large block ${p}: it is being freed`, p);
    }
    throw badHeader(p, r.i32[(p >>> 2) - 2]);
  }
  const stride = r.stride[cls];
  const off = p - start - r.lead[cls];
  const idx = Math.floor(off / stride);
  if (off < 0 || off % stride !== 0) throw interior(p, start + r.lead[cls] + Math.max(0, idx) * stride);
  if (idx >= r.blocks[cls] || idx >= r.i32[r.rec(pg) + SPAN.BUMP]) {
    throw new HeapError(E.NOT_ALLOCATED, `pointer ${p} is block ${idx} of a span that has not handed it out`, p);
  }
  if (r.hdr === 0) return LIVE_SMALL;
  const w = r.i32[(p >>> 2) - 2];
  if (tagSalt(w) !== r.salt) throw badHeader(p, w);
  // the whole word, as the hot path compares it: a header with stray slot bits is not live
  if (w === (allocBase(r.salt) | cls)) return LIVE_SMALL;
  if (freeTagOk(r, w, cls)) {
    throw new HeapError(E.DOUBLE_FREE, `double free of block ${p} (class ${cls}, ${r.sizes[cls]} bytes): it is already free`, p);
  }
  throw badHeader(p, w);
}

/**
 * A tag a free block of class `cls` can carry, every bit of it: in a cache (a slot of this heap),
 * in its span (slot 0), or on its way to an inbox (a slot, or the abandoned-span inbox).
 */
export function freeTagOk(r: Region, w: number, cls: number): boolean {
  if (tagSalt(w) !== r.salt || tagClass(w) !== cls) return false;
  const st = tagState(w);
  const slot = tagSlot(w);
  if (st === ST_SPAN) return slot === 0;
  if (st === ST_CACHE) return slot < r.layout.numSlots;
  if (st === ST_REMOTE) return slot < r.layout.numSlots || slot === ABANDONED_SLOT;
  return false;
}

function interior(p: number, blockStart: number): HeapError {
  return new HeapError(E.INTERIOR, `pointer ${p} points into the middle of the block at ${blockStart}`, p);
}

/** Inside this heap's range every block is this heap's: a header it cannot explain was overwritten. */
function badHeader(p: number, w: number): HeapError {
  return new HeapError(E.CORRUPT, `block ${p} has a header no block of this heap has (0x${(w >>> 0).toString(16)}): overwritten?`, p);
}

const validState = (w: number) => {
  const st = tagState(w);
  return st >= ST_ALLOC && st <= ST_LARGE;
};

function looksForeign(r: Region, p: number): boolean {
  if ((p & 7) !== 0 || p < 8 || p >= r.buffer.byteLength || p >= 2 ** 32) return false;
  const w = r.i32[(p >>> 2) - 2];
  return w !== undefined && tagSalt(w) !== 0 && tagSalt(w) !== r.salt && validState(w);
}

function foreign(r: Region, p: number): HeapError {
  const w = r.i32[(p >>> 2) - 2];
  return new HeapError(
    E.FOREIGN,
    `pointer ${p} carries the header of another heap (salt ${tagSalt(w)}, this heap ${r.salt})`,
    p,
  );
}

/** Usable bytes of a live block (the caller has classified it). */
export function usableSize(r: Region, p: number, kind: number): number {
  const pg = r.headOf(r.pageOf(p));
  if (kind === LIVE_LARGE) return largeUsable(r, pg);
  return r.sizes[runClass(r, pg)];
}
