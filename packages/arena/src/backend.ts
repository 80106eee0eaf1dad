/**
 * One worker's side of the arena: what the refill engine calls on a miss (takeBatch) and when a
 * cache overflows (returnBatch). Blocks of this worker's spans go back to their span; blocks of
 * other workers' spans are sorted by owner and pushed, one chain per owner, onto the owner's
 * inbox for the class (push-only CAS, the owner takes the whole list with one exchange: no ABA).
 * Blocks of abandoned spans (their owner left) go to the abandoned-span inbox, which any refill
 * takes; abandoned spans themselves are adopted by the next worker short of a span of their class.
 * Every public method runs inside the slot's cold gate (cold.ts), so a reclaim sees it whole;
 * begin()/end() hold the gate across a caller's steps around them (the refill engine's counting).
 * Pointers read from the shared words are made unsigned (`>>> 0`): a heap may lie above 2 GiB.
 */
import { HeapError, HeapErrorCode } from './errors.js';
import { C, COLLECT_REQUEST, DEBUG_CONTRACTS, EV, NO_OWNER, NOT_LISTED, PAGE_SIZE, S, SLOT_ATTACHED, slotHead, slotPartial, SP } from './layout.js';
import type { Region } from './region.js';
import { ColdGate, whileStopped } from './cold.js';
import { slotState } from './slots.js';
import { allocLarge, freeLarge } from './large.js';
import { lockArena, unlockArena } from './lock.js';
import { blockAddr, freeRun, isListed, listPush, listRemove, newRun, spanOf } from './spans.js';
import { cacheBase, ORPHAN_SLOT, ST_REMOTE, ST_SPAN, tag } from './tags.js';
import { fault } from './fault.js';

/** One worker's backend over its slot: takes and returns batches of blocks (the RefillBackend of pool-refill), large blocks, inboxes. */
export class SlotBackend {
  readonly slotW: number;
  readonly headsW: number;
  readonly partialW: number;
  readonly inboxW: number;
  readonly orphanW: number;
  readonly cacheTag: number;
  private readonly spanTag: number;
  private readonly nc: number;
  // the chain being built by takeBatch
  private cHead = 0;
  private cTail = 0;
  private cN = 0;
  // per-owner chains being built by returnBatch; index owner + 1 (0: abandoned spans)
  private readonly rHead: Int32Array;
  private readonly rTail: Int32Array;
  private readonly touched: Int32Array;
  private nTouched = 0;
  readonly gate: ColdGate;
  private readonly contracts: boolean;
  /** begin() calls not yet ended, and the wait count before the outermost one */
  private held = 0;
  private heldWaits = 0;

  /**
   * `lockId`: who takes the arena lock for this slot's work, the slot itself unless a stopper
   * works on another slot's behalf (collect): a lock must name a thread that can die, so that a
   * waiter can take it over if it does.
   */
  constructor(
    readonly r: Region,
    readonly slot: number,
    private readonly lockId = slot,
  ) {
    const l = r.layout;
    this.nc = l.numClasses;
    this.slotW = (l.slots >>> 2) + slot * l.slotWords;
    this.headsW = this.slotW + slotHead(0);
    this.partialW = this.slotW + slotPartial(this.nc);
    this.inboxW = (l.inbox >>> 2) + slot * this.nc;
    this.orphanW = l.orphan >>> 2;
    this.cacheTag = cacheBase(r.salt, slot);
    this.spanTag = tag(r.salt, ST_SPAN, 0, 0);
    this.rHead = new Int32Array(l.numSlots + 1);
    this.rTail = new Int32Array(l.numSlots + 1);
    this.touched = new Int32Array(l.numSlots + 1);
    this.gate = new ColdGate(r, slot);
    this.contracts = (Atomics.load(r.i32, r.ctrl + C.DEBUG) & DEBUG_CONTRACTS) !== 0;
  }

  /**
   * Up to `n` blocks of class `cls`, linked and tagged as this worker's cache. Returns the first
   * block (0 when the heap has none left); out[0] = last block, out[1] = how many.
   */
  takeBatch(cls: number, n: number, out: Int32Array): number {
    // inside begin(): a wait, if any, happened there
    const waits = this.held > 0 ? this.heldWaits : this.r.waits;
    this.gate.enter();
    try {
      return this.take(cls, n, out);
    } catch (e) {
      this.endHolds();
      throw e;
    } finally {
      this.gate.exit();
      // Contract validation: a refill that had to wait (the heap stopped, the arena lock held)
      if (this.contracts && this.r.waits !== waits) this.r.i32[this.slotW + S.MISC + EV.V_REFILL_WAITED]++;
    }
  }

  private take(cls: number, n: number, out: Int32Array): number {
    this.cHead = this.cTail = this.cN = 0;
    this.takeInbox(cls);
    fault('refill.collected');
    this.takeOrphans(cls, n);
    while (this.cN < n) {
      let pg = this.r.i32[this.partialW + cls];
      if (pg < 0 && (pg = this.newSpan(cls)) < 0) break;
      this.carve(pg, cls, n - this.cN);
    }
    if (this.cN > 0) this.r.i32[(this.cTail >>> 2) + this.r.linkDelta] = 0;
    out[0] = this.cTail;
    out[1] = this.cN;
    return this.cHead;
  }

  /**
   * Hold this slot's cold gate across several steps (the refill engine's take, install and count;
   * its give-back and count): a reader that stops the heap waits for all of them, so it never sees
   * blocks moved but not yet counted. Pairs with end(); takeBatch and returnBatch nest inside (and
   * end it if they throw).
   */
  begin(): void {
    const waits = this.r.waits;
    this.gate.enter();
    if (this.held++ === 0) this.heldWaits = waits;
  }

  end(): void {
    this.held--;
    this.gate.exit();
  }

  /**
   * takeBatch or returnBatch threw inside begin(): the caller will not call end(), so its section
   * ends here (a gate left held would let this worker pass every later stop).
   */
  private endHolds(): void {
    for (; this.held > 0; this.held--) this.gate.exit();
  }

  /** Give back `n` linked blocks of class `cls` starting at `head`. */
  returnBatch(cls: number, head: number, _tail: number, n: number): void {
    this.gate.enter();
    try {
      this.giveBackChain(cls, head, n);
    } catch (e) {
      this.endHolds();
      throw e;
    } finally {
      this.gate.exit();
    }
  }

  private giveBackChain(cls: number, head: number, n: number): void {
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

  /**
   * Release every span of this worker that holds no block out, after taking in its inbox and the
   * abandoned-span inbox (whose spans it adopts, so memory left by departed workers comes back).
   */
  trim(): void {
    this.gate.enter();
    try {
      this.trimAll();
    } finally {
      this.gate.exit();
    }
  }

  /** Release this slot's empty spans (inside its gate, or for another slot with the heap stopped). */
  private trimAll(): void {
    const i32 = this.r.i32;
    for (let cls = 0; cls < this.nc; cls++) {
      this.takeInbox(cls);
      this.takeOrphans(cls, 0);
      for (let pg = i32[this.partialW + cls]; pg >= 0; ) {
        const w = this.r.rec(pg);
        const next = i32[w + SP.NEXT];
        if (i32[w + SP.NFREE] === i32[w + SP.BUMP]) {
          listRemove(this.r, this.partialW + cls, pg);
          freeRun(this.r, pg, this.lockId);
        }
        pg = next;
      }
    }
  }

  /**
   * Heap-wide collect, before an allocation is declared impossible (mimalloc's mi_collect): with
   * the heap stopped, every worker's inboxes go back to their spans and every span with no block
   * out is released, abandoned ones included; and every worker is asked (C.DIAG_EPOCH's high
   * half, which the refill engine watches) to give its cache back at its next refill or drain.
   * Caches cannot be taken from outside: their lists are their owners' hot path. Returns false if
   * the heap could not be stopped (nothing was done).
   */
  collect(): boolean {
    const r = this.r;
    try {
      whileStopped(r, this.slot, () => {
        Atomics.add(r.i32, r.ctrl + C.DIAG_EPOCH, COLLECT_REQUEST);
        for (let s = 0; s < r.layout.numSlots; s++) {
          if (s === this.slot) this.trimAll();
          else if (slotState(r, s) === SLOT_ATTACHED) new SlotBackend(r, s, this.slot).trimAll();
        }
      });
      return true;
    } catch (e) {
      if ((e as HeapError).code === HeapErrorCode.BUSY) return false;
      throw e;
    }
  }

  /** A large block (a run of pages), `align`-aligned; 0 when none fits and the heap cannot grow. */
  allocLarge(size: number, align = 1): number {
    this.gate.enter();
    try {
      return allocLarge(this.r, size, this.slot, align);
    } finally {
      this.gate.exit();
    }
  }

  freeLarge(p: number): void {
    this.gate.enter();
    try {
      freeLarge(this.r, p, this.slot);
    } finally {
      this.gate.exit();
    }
  }

  /** Take this worker's inbox for `cls`: remote frees of its blocks go back to their spans. */
  collectInbox(cls: number): void {
    this.gate.enter();
    try {
      this.takeInbox(cls);
    } finally {
      this.gate.exit();
    }
  }

  private takeInbox(cls: number): void {
    const r = this.r;
    const w = this.inboxW + cls;
    if (Atomics.load(r.i32, w) === 0) return;
    let p = Atomics.exchange(r.i32, w, 0) >>> 0;
    for (let n = maxBlocks(r); p !== 0; n--) {
      if (n === 0) throw damagedList(`inbox of slot ${this.slot}, class ${cls}`);
      const next = r.i32[(p >>> 2) + r.linkDelta] >>> 0;
      this.giveBack(p, cls);
      p = next;
    }
    this.flushRemote(cls);
  }

  /** A span of `cls` with blocks to give, listed: an adopted abandoned one, else a new one. */
  private newSpan(cls: number): number {
    const r = this.r;
    for (let pg = this.adopt(cls); pg >= 0; pg = this.adopt(cls)) {
      const w = r.rec(pg);
      // A full adopted span is kept unlisted: its blocks come back through this slot's inbox.
      if (r.i32[w + SP.NFREE] > 0 || r.i32[w + SP.BUMP] < r.blocks[cls]) {
        listPush(r, this.partialW + cls, pg);
        return pg;
      }
    }
    const pg = newRun(r, r.spanPages[cls], cls, this.slot, this.lockId);
    if (pg >= 0) listPush(r, this.partialW + cls, pg);
    return pg;
  }

  /** Pop an abandoned span of `cls` and make it this slot's; -1 if none. */
  private adopt(cls: number): number {
    const r = this.r;
    const headW = this.orphanW + this.nc + cls;
    if (Atomics.load(r.i32, headW) < 0) return -1;
    lockArena(r, this.lockId);
    const pg = Atomics.load(r.i32, headW);
    if (pg >= 0) this.unlinkAbandoned(pg, cls);
    unlockArena(r);
    return pg;
  }

  /**
   * Adopt span `pg` if it is still an abandoned span of `cls` (the arena lock guards the
   * abandoned lists: another worker may have adopted it, emptied and released it, and its pages
   * may now be a large block or a span of another class). False if it is not.
   */
  private adoptSpan(pg: number, cls: number): boolean {
    const r = this.r;
    lockArena(r, this.lockId);
    const i32 = r.i32;
    const w = r.rec(pg);
    const ok = Atomics.load(i32, w + SP.HEAD) === pg + 1 && (Atomics.load(i32, w + SP.INFO) & 0xff) === cls &&
      Atomics.load(i32, w + SP.OWNER) === NO_OWNER && i32[w + SP.PREV] !== NOT_LISTED;
    if (ok) this.unlinkAbandoned(pg, cls);
    unlockArena(r);
    return ok;
  }

  /** Take abandoned span `pg` off its class's list and make it this slot's (arena lock held). */
  private unlinkAbandoned(pg: number, cls: number): void {
    const r = this.r;
    const i32 = r.i32;
    const w = r.rec(pg);
    fault('adopt.unlinking');
    const next = i32[w + SP.NEXT];
    const prev = i32[w + SP.PREV];
    if (prev >= 0) i32[r.rec(prev) + SP.NEXT] = next;
    else Atomics.store(i32, this.orphanW + this.nc + cls, next);
    if (next >= 0) i32[r.rec(next) + SP.PREV] = prev;
    i32[w + SP.NEXT] = -1;
    i32[w + SP.PREV] = NOT_LISTED;
    Atomics.store(i32, w + SP.OWNER, this.slot);
  }

  /** Move up to `want` blocks from span `pg` to the chain: its free list first, then fresh blocks. */
  private carve(pg: number, cls: number, want: number): void {
    const r = this.r;
    const i32 = r.i32;
    const ld = r.linkDelta;
    const w = r.rec(pg);
    let nfree = i32[w + SP.NFREE];
    if (nfree > 0) {
      let p = i32[w + SP.FREE] >>> 0;
      while (want > 0 && nfree > 0) {
        const next = i32[(p >>> 2) + ld] >>> 0;
        this.append(p, cls);
        p = next;
        nfree--;
        want--;
      }
      i32[w + SP.FREE] = p;
      i32[w + SP.NFREE] = nfree;
    }
    let bump = i32[w + SP.BUMP];
    const blocks = r.blocks[cls];
    if (want > 0 && bump < blocks) {
      const stride = r.stride[cls];
      let p = blockAddr(r, pg, cls, bump);
      const stop = Math.min(blocks, bump + want);
      for (; bump < stop; bump++, p += stride) this.append(p, cls);
      fault('refill.carved');
      // BUMP after the tags: a block below BUMP always has a valid tag.
      i32[w + SP.BUMP] = bump;
    }
    if (nfree === 0 && bump === blocks) listRemove(r, this.partialW + cls, pg);
  }

  private append(p: number, cls: number): void {
    const i32 = this.r.i32;
    if (this.r.hdr !== 0) i32[(p >>> 2) - 2] = this.cacheTag | cls;
    if (this.cN === 0) this.cHead = p;
    else i32[(this.cTail >>> 2) + this.r.linkDelta] = p;
    this.cTail = p;
    this.cN++;
  }

  /**
   * Blocks of abandoned spans (their owner left): this slot adopts their spans (so the blocks
   * return to a span when drained, and a span can be released again), and puts blocks in the
   * chain being built until it holds `want`, the rest back in their spans.
   */
  private takeOrphans(cls: number, want: number): void {
    const r = this.r;
    const w = this.orphanW + cls;
    if (Atomics.load(r.i32, w) === 0) return;
    let p = Atomics.exchange(r.i32, w, 0) >>> 0;
    let gaveBack = false;
    for (let n = maxBlocks(r); p !== 0; n--) {
      if (n === 0) throw damagedList(`abandoned-span inbox of class ${cls}`);
      const next = r.i32[(p >>> 2) + r.linkDelta] >>> 0;
      const pg = spanOf(r, p);
      if (Atomics.load(r.i32, r.rec(pg) + SP.OWNER) === NO_OWNER) this.adoptSpan(pg, cls);
      if (this.cN < want) this.append(p, cls);
      else {
        this.giveBack(p, cls);
        gaveBack = true;
      }
      p = next;
    }
    if (gaveBack) this.flushRemote(cls);
  }

  private giveBack(p: number, cls: number): void {
    const r = this.r;
    const pg = spanOf(r, p);
    const owner = Atomics.load(r.i32, r.rec(pg) + SP.OWNER);
    if (owner === this.slot) this.toSpan(pg, cls, p);
    else this.addRemote(owner, p, cls);
  }

  private toSpan(pg: number, cls: number, p: number): void {
    const r = this.r;
    const i32 = r.i32;
    const w = r.rec(pg);
    if (r.hdr !== 0) i32[(p >>> 2) - 2] = this.spanTag | cls;
    i32[(p >>> 2) + r.linkDelta] = i32[w + SP.FREE];
    i32[w + SP.FREE] = p;
    const nfree = ++i32[w + SP.NFREE];
    const headW = this.partialW + cls;
    if (!isListed(r, pg)) listPush(r, headW, pg);
    // An empty span goes back to the arena unless it is this class's only span (hysteresis).
    if (nfree === i32[w + SP.BUMP] && (i32[headW] !== pg || i32[w + SP.NEXT] >= 0)) {
      listRemove(r, headW, pg);
      freeRun(r, pg, this.lockId);
    }
  }

  private addRemote(owner: number, p: number, cls: number): void {
    const r = this.r;
    const k = owner + 1;
    if (r.hdr !== 0) r.i32[(p >>> 2) - 2] = tag(r.salt, ST_REMOTE, owner === NO_OWNER ? ORPHAN_SLOT : owner, cls);
    if (this.rHead[k] === 0) {
      this.touched[this.nTouched++] = k;
      this.rHead[k] = p;
    } else {
      r.i32[(this.rTail[k] >>> 2) + r.linkDelta] = p;
    }
    this.rTail[k] = p;
  }

  private flushRemote(cls: number): void {
    const r = this.r;
    const l = r.layout;
    for (let t = 0; t < this.nTouched; t++) {
      const k = this.touched[t];
      const w = k === 0 ? this.orphanW + cls : (l.inbox >>> 2) + (k - 1) * this.nc + cls;
      fault('drain.pushing');
      pushChain(r, w, this.rHead[k], this.rTail[k]);
      this.rHead[k] = 0;
    }
    this.nTouched = 0;
  }
}

/** No list can hold more blocks than the heap has room for: more means a cycle or a bad link. */
export const maxBlocks = (r: Region): number => (r.committedPages() * PAGE_SIZE) / 8;

const damagedList = (what: string) =>
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
