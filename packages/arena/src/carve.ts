/**
 * Carving: one slot's own spans, blocks out of them and back into them. A refill builds a chain of
 * blocks, linked and tagged as the slot's cache: from a span's free list first, then fresh blocks
 * at its bump index (carve). Blocks coming back to a span of the slot go onto its free list
 * (toSpan), and a span with every block back returns to the page allocator. The slot keeps, per
 * class, a list of its spans with blocks to give (its PARTIAL words); full spans are on no list.
 * Only the slot's owner runs this, inside its cold gate: span words are plain.
 */
import { slotPartial, SPAN } from './layout.js';
import type { Region } from './region.js';
import { slotWord } from './slots.js';
import { blockAddr, freeRun, isListed, listPush, listRemove, newRun } from './spans.js';
import { cacheBase, ST_SPAN, tag } from './tags.js';
import { fault } from './fault.js';

/** One slot's spans, and the chain of blocks a refill is carving out of them. */
export class Carver {
  /** the chain being built: its first and last block and how many it holds */
  first = 0;
  last = 0;
  count = 0;
  /** word of class 0's head of the slot's lists of spans with blocks to give (+ cls for a class) */
  private readonly listW: number;
  /** tag of a block in this slot's cache, class 0 */
  private readonly cacheTag: number;
  /** tag of a block in its span's free list, class 0 */
  private readonly spanTag: number;

  /** `lockId`: who takes the arena lock for this slot's new and released spans (see SlotBackend). */
  constructor(
    readonly r: Region,
    readonly slot: number,
    private readonly lockId: number,
  ) {
    this.listW = slotWord(r, slot, slotPartial(r.layout.numClasses));
    this.cacheTag = cacheBase(r.salt, slot);
    this.spanTag = tag(r.salt, ST_SPAN, 0, 0);
  }

  /** Start a new chain. */
  start(): void {
    this.first = this.last = this.count = 0;
  }

  /** End the chain (its last link 0); returns its first block, out[0] = last, out[1] = count. */
  finish(out: Int32Array): number {
    if (this.count > 0) this.r.i32[(this.last >>> 2) + this.r.linkDelta] = 0;
    out[0] = this.last;
    out[1] = this.count;
    return this.first;
  }

  /** The first of this slot's spans of `cls` with blocks to give, -1 if none. */
  spanWithBlocks(cls: number): number {
    return this.r.i32[this.listW + cls];
  }

  /** List span `pg` (just adopted, with blocks to give) as this slot's; returns `pg`. */
  list(pg: number, cls: number): number {
    listPush(this.r, this.listW + cls, pg);
    return pg;
  }

  /** A new span of `cls` from the page allocator, listed; -1 when the heap has no room. */
  newSpan(cls: number): number {
    const r = this.r;
    const pg = newRun(r, r.spanPages[cls], cls, this.slot, this.lockId);
    if (pg >= 0) listPush(r, this.listW + cls, pg);
    return pg;
  }

  /** Move up to `want` blocks from span `pg` to the chain: its free list first, then fresh blocks. */
  carve(pg: number, cls: number, want: number): void {
    const r = this.r;
    const i32 = r.i32;
    const ld = r.linkDelta;
    const w = r.rec(pg);
    let nfree = i32[w + SPAN.NFREE];
    if (nfree > 0) {
      let p = i32[w + SPAN.FREE] >>> 0;
      while (want > 0 && nfree > 0) {
        const next = i32[(p >>> 2) + ld] >>> 0;
        this.append(p, cls);
        p = next;
        nfree--;
        want--;
      }
      i32[w + SPAN.FREE] = p;
      i32[w + SPAN.NFREE] = nfree;
    }
    let bump = i32[w + SPAN.BUMP];
    const blocks = r.blocks[cls];
    if (want > 0 && bump < blocks) {
      const stride = r.stride[cls];
      let p = blockAddr(r, pg, cls, bump);
      const stop = Math.min(blocks, bump + want);
      for (; bump < stop; bump++, p += stride) this.append(p, cls);
      fault('refill.carved');
      // BUMP after the tags: a block below BUMP always has a valid tag.
      i32[w + SPAN.BUMP] = bump;
    }
    if (nfree === 0 && bump === blocks) listRemove(r, this.listW + cls, pg);
  }

  /** Put block `p` of class `cls` at the end of the chain, tagged as this slot's cache. */
  append(p: number, cls: number): void {
    const i32 = this.r.i32;
    if (this.r.hdr !== 0) i32[(p >>> 2) - 2] = this.cacheTag | cls;
    if (this.count === 0) this.first = p;
    else i32[(this.last >>> 2) + this.r.linkDelta] = p;
    this.last = p;
    this.count++;
  }

  /** Block `p` of class `cls` back onto the free list of its span `pg` (this slot's). */
  toSpan(pg: number, cls: number, p: number): void {
    const r = this.r;
    const i32 = r.i32;
    const w = r.rec(pg);
    if (r.hdr !== 0) i32[(p >>> 2) - 2] = this.spanTag | cls;
    i32[(p >>> 2) + r.linkDelta] = i32[w + SPAN.FREE];
    i32[w + SPAN.FREE] = p;
    const nfree = ++i32[w + SPAN.NFREE];
    const headW = this.listW + cls;
    if (!isListed(r, pg)) listPush(r, headW, pg);
    // An empty span goes back to the arena unless it is this class's only span (hysteresis).
    if (nfree === i32[w + SPAN.BUMP] && (i32[headW] !== pg || i32[w + SPAN.NEXT] >= 0)) {
      listRemove(r, headW, pg);
      freeRun(r, pg, this.lockId);
    }
  }

  /** Release every span of `cls` of this slot that holds no block out (its only one too). */
  releaseEmpty(cls: number): void {
    const r = this.r;
    const i32 = r.i32;
    for (let pg = i32[this.listW + cls]; pg >= 0; ) {
      const w = r.rec(pg);
      const next = i32[w + SPAN.NEXT];
      if (i32[w + SPAN.NFREE] === i32[w + SPAN.BUMP]) {
        listRemove(r, this.listW + cls, pg);
        freeRun(r, pg, this.lockId);
      }
      pg = next;
    }
  }
}

