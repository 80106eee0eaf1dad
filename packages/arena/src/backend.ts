/**
 * One worker's side of the arena: the facade the refill engine calls on a miss (takeBatch), when a
 * cache overflows (returnBatch) and to give memory back (trim, collect), and the cache's fallback
 * calls for large blocks. The work is done by three parts over the slot:
 *   carve.ts      Carver: the slot's own spans, blocks carved out of them and given back to them;
 *   inbox.ts      Router: blocks of other workers' spans sorted by owner onto their inboxes, and
 *                 this slot's inbox taken back;
 *   abandoned.ts  Adopter: spans whose owner left, and the blocks freed into them, adopted.
 * Every public method runs inside the slot's cold gate (cold.ts; `inGate`), so a reclaim sees it
 * whole; begin()/end() hold the gate across a caller's steps around them (the refill engine's
 * counting). Pointers read from the shared words are made unsigned (`>>> 0`): a heap may lie
 * above 2 GiB.
 */
import { Adopter } from './abandoned.js';
import { Carver } from './carve.js';
import { ColdGate, whileStopped } from './cold.js';
import { HeapError, HeapErrorCode } from './errors.js';
import { fault } from './fault.js';
import { Router } from './inbox.js';
import { allocLarge, freeLarge } from './large.js';
import { CTRL, COLLECT_REQUEST, DEBUG_CONTRACTS, MISC_COUNTER, SLOT, SLOT_ATTACHED, slotHead } from './layout.js';
import type { Region } from './region.js';
import { slotState, slotWord } from './slots.js';
import { cacheBase } from './tags.js';

/** One worker's backend over its slot: takes and returns batches of blocks (the RefillBackend of pool-refill), large blocks, inboxes. */
export class SlotBackend {
  /** word index of the slot's first word */
  readonly slotW: number;
  /** word index of the slot's first quad (the cache's list heads) */
  readonly headsW: number;
  /** the tag of a block in this slot's cache, class 0 (`| cls` for a class) */
  readonly cacheTag: number;
  readonly gate: ColdGate;
  private readonly carver: Carver;
  private readonly router: Router;
  private readonly adopter: Adopter;
  /** count refills that had to wait (DEBUG_CONTRACTS) */
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
    lockId = slot,
  ) {
    this.slotW = slotWord(r, slot, 0);
    this.headsW = slotWord(r, slot, slotHead(0));
    this.cacheTag = cacheBase(r.salt, slot);
    this.gate = new ColdGate(r, slot);
    this.carver = new Carver(r, slot, lockId);
    this.router = new Router(r, slot, this.carver);
    this.adopter = new Adopter(r, slot, lockId, this.carver, this.router);
    this.contracts = (Atomics.load(r.i32, r.ctrl + CTRL.DEBUG) & DEBUG_CONTRACTS) !== 0;
  }

  /**
   * Run `step` inside this slot's cold gate. If it throws inside begin(), the caller will not call
   * end(): its hold ends here too (a gate left held would let this worker pass every later stop).
   */
  private inGate<T>(step: () => T): T {
    this.gate.enter();
    try {
      return step();
    } catch (e) {
      for (; this.held > 0; this.held--) this.gate.exit();
      throw e;
    } finally {
      this.gate.exit();
    }
  }

  /**
   * Hold this slot's cold gate across several steps (the refill engine's take, install and count;
   * its give-back and count): a reader that stops the heap waits for all of them, so it never sees
   * blocks moved but not yet counted. Pairs with end(); the other methods nest inside (and end it
   * if they throw).
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
   * Up to `n` blocks of class `cls`, linked and tagged as this worker's cache. Returns the first
   * block (0 when the heap has none left); out[0] = last block, out[1] = how many.
   */
  takeBatch(cls: number, n: number, out: Int32Array): number {
    // inside begin(): a wait, if any, happened there
    const waits = this.held > 0 ? this.heldWaits : this.r.waits;
    return this.inGate(() => {
      try {
        return this.take(cls, n, out);
      } finally {
        // Contract validation: a refill that had to wait (the heap stopped, the arena lock held)
        if (this.contracts && this.r.waits !== waits) this.r.i32[this.slotW + SLOT.MISC + MISC_COUNTER.V_REFILL_WAITED]++;
      }
    });
  }

  /** Where a refill's blocks come from, in order. */
  private take(cls: number, n: number, out: Int32Array): number {
    const carver = this.carver;
    carver.start();
    this.router.takeInbox(cls); // remote frees of this slot's blocks, back to their spans
    fault('refill.collected');
    this.adopter.takeInbox(cls, n); // blocks freed into abandoned spans, which it adopts
    while (carver.count < n) {
      let pg = carver.spanWithBlocks(cls);
      if (pg < 0) pg = this.adopter.adopt(cls);
      if (pg < 0) pg = carver.newSpan(cls);
      if (pg < 0) break;
      carver.carve(pg, cls, n - carver.count);
    }
    return carver.finish(out);
  }

  /** Give back `n` linked blocks of class `cls` starting at `head`. */
  returnBatch(cls: number, head: number, _tail: number, n: number): void {
    this.inGate(() => this.router.giveBackChain(cls, head, n));
  }

  /**
   * Release every span of this worker that holds no block out, after taking in its inbox and the
   * abandoned-span inbox (whose spans it adopts, so memory left by departed workers comes back).
   */
  trim(): void {
    this.inGate(() => this.trimAll());
  }

  /** trim's work (inside this slot's gate, or for another slot with the heap stopped). */
  private trimAll(): void {
    for (let cls = 0; cls < this.r.layout.numClasses; cls++) {
      this.router.takeInbox(cls);
      this.adopter.takeInbox(cls, 0);
      this.carver.releaseEmpty(cls);
    }
  }

  /**
   * Heap-wide collect, before an allocation is declared impossible (mimalloc's mi_collect): with
   * the heap stopped, every worker's inboxes go back to their spans and every span with no block
   * out is released, abandoned ones included; and every worker is asked (CTRL.DIAG_EPOCH's high
   * half, which the refill engine watches) to give its cache back at its next refill or drain.
   * Caches cannot be taken from outside: their lists are their owners' hot path. Returns false if
   * the heap could not be stopped (nothing was done).
   */
  collect(): boolean {
    const r = this.r;
    try {
      whileStopped(r, this.slot, () => {
        Atomics.add(r.i32, r.ctrl + CTRL.DIAG_EPOCH, COLLECT_REQUEST);
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
    return this.inGate(() => allocLarge(this.r, size, this.slot, align));
  }

  /** Free the large block at `p` (the caller has classified it as one). */
  freeLarge(p: number): void {
    this.inGate(() => freeLarge(this.r, p, this.slot));
  }

  /** Take this worker's inbox for `cls`: remote frees of its blocks go back to their spans. */
  collectInbox(cls: number): void {
    this.inGate(() => this.router.takeInbox(cls));
  }
}
