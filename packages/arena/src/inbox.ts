/**
 * Remote-free inboxes: how a block freed by a worker that does not own its span gets home. A
 * drain sorts such blocks by their span's owner into one chain per owner (`Outbox`), then pushes
 * each chain whole onto the owner's inbox for the class (`pushChain`: one compareExchange); the
 * owner takes its whole inbox with one exchange (`takeAll`). Push-many, take-all: no ABA. Blocks
 * of abandoned spans (no owner) go to the abandoned-span inbox of their class instead, which any
 * refill takes (abandoned.ts). `Router` is one slot's side: every block it gives back goes to its
 * span if the slot owns the span, else to the owner's inbox.
 */
import type { Carver } from './carve.js';
import { HeapError, HeapErrorCode } from './errors.js';
import { fault } from './fault.js';
import { inboxWord, NO_OWNER, PAGE_SIZE, SPAN } from './layout.js';
import type { Region } from './region.js';
import { spanOf } from './spans.js';
import { ABANDONED_SLOT, ST_REMOTE, tag } from './tags.js';

/** No list can hold more blocks than the heap has room for: more means a cycle or a bad link. */
export const maxBlocks = (r: Region): number => (r.committedPages() * PAGE_SIZE) / 8;

/** A list walked past maxBlocks: a cycle or an overwritten link. */
export const damagedList = (what: string): HeapError =>
  new HeapError(HeapErrorCode.CORRUPT, `the ${what} is longer than the heap could hold: a cycle or an overwritten link`);

/** Lock-free push of a whole chain onto a list word (the consumer only ever takes all of it). */
export function pushChain(r: Region, w: number, head: number, tail: number): void {
  const i32 = r.i32;
  const tl = (tail >>> 2) + r.linkDelta;
  for (;;) {
    const old = Atomics.load(i32, w);
    i32[tl] = old;
    if (Atomics.compareExchange(i32, w, old, head) === old) return;
  }
}

/**
 * Take the whole list on word `w` (an inbox) and call `visit` with each block, unsigned, its link
 * read before (visit may relink it). Throws HAKMEM_CORRUPT, naming `what`, for a list longer than
 * the heap could hold. Callers load the word first and skip an empty inbox (cheaper than the
 * exchange).
 */
export function takeAll(r: Region, w: number, what: string, visit: (p: number) => void): void {
  let p = Atomics.exchange(r.i32, w, 0) >>> 0;
  for (let left = maxBlocks(r); p !== 0; left--) {
    if (left === 0) throw damagedList(what);
    const next = r.i32[(p >>> 2) + r.linkDelta] >>> 0;
    visit(p);
    p = next;
  }
}

/** Where an owner's chain is kept in an Outbox: 0 for NO_OWNER (the abandoned-span inbox), slot s at s + 1. */
const chainOf = (owner: number): number => owner + 1;
/** The owner whose chain is kept at `chain`. */
const ownerOf = (chain: number): number => chain - 1;

/**
 * Blocks of one class on their way to other owners' inboxes: one chain per owner, built block by
 * block (each tagged REMOTE for its owner), then each pushed whole by flushRemote. Used by a
 * slot's drain and by a reclaim.
 */
export class Outbox {
  private readonly first: Int32Array;
  private readonly last: Int32Array;
  /** the chains started since the last flush */
  private readonly started: Int32Array;
  private nStarted = 0;

  constructor(readonly r: Region) {
    const owners = r.layout.numSlots + 1; // every slot and NO_OWNER
    this.first = new Int32Array(owners);
    this.last = new Int32Array(owners);
    this.started = new Int32Array(owners);
  }

  /** Add block `p` of class `cls` to the chain for `owner` (a slot, or NO_OWNER). */
  addRemote(owner: number, p: number, cls: number): void {
    const r = this.r;
    const chain = chainOf(owner);
    if (r.hdr !== 0) r.i32[(p >>> 2) - 2] = tag(r.salt, ST_REMOTE, owner === NO_OWNER ? ABANDONED_SLOT : owner, cls);
    if (this.first[chain] === 0) {
      this.started[this.nStarted++] = chain;
      this.first[chain] = p;
    } else {
      r.i32[(this.last[chain] >>> 2) + r.linkDelta] = p;
    }
    this.last[chain] = p;
  }

  /** Push every chain built since the last flush (all of class `cls`) onto its owner's inbox. */
  flushRemote(cls: number): void {
    const r = this.r;
    for (let k = 0; k < this.nStarted; k++) {
      const chain = this.started[k];
      fault('drain.pushing');
      pushChain(r, inboxWord(r.layout, ownerOf(chain), cls), this.first[chain], this.last[chain]);
      this.first[chain] = 0;
    }
    this.nStarted = 0;
  }
}

/**
 * One slot's routing of the blocks it gives back (a drain, its own inbox, the abandoned-span
 * inbox): to their span when the slot owns it (Carver.toSpan), else to the owner's inbox.
 */
export class Router extends Outbox {
  constructor(
    r: Region,
    readonly slot: number,
    private readonly carver: Carver,
  ) {
    super(r);
  }

  /** Give back `n` linked blocks of class `cls` starting at `head` (returnBatch). */
  giveBackChain(cls: number, head: number, n: number): void {
    const r = this.r;
    let p = head >>> 0;
    for (let k = 0; k < n; k++) {
      const next = r.i32[(p >>> 2) + r.linkDelta] >>> 0;
      this.giveBack(p, cls);
      p = next;
      if (k === n >>> 1) fault('drain.routing');
    }
    this.flushRemote(cls);
  }

  /** Block `p` of class `cls` to its span, if this slot owns it, else onto the chain for its owner. */
  giveBack(p: number, cls: number): void {
    const r = this.r;
    const pg = spanOf(r, p);
    const owner = Atomics.load(r.i32, r.rec(pg) + SPAN.OWNER);
    if (owner === this.slot) this.carver.toSpan(pg, cls, p);
    else this.addRemote(owner, p, cls);
  }

  /** Take this slot's inbox for `cls`: remote frees of its blocks go back to their spans. */
  takeInbox(cls: number): void {
    const w = inboxWord(this.r.layout, this.slot, cls);
    if (Atomics.load(this.r.i32, w) === 0) return;
    takeAll(this.r, w, `inbox of slot ${this.slot}, class ${cls}`, (p) => this.giveBack(p, cls));
    this.flushRemote(cls);
  }
}
