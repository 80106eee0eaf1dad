/**
 * Abandoned spans: spans whose owner left (detach) or died (reclaim) with blocks still out. Such a
 * span has no owner (OWNER -1) and waits on the abandoned list of its class (abandonSpan); blocks
 * freed into it meanwhile go to the abandoned-span inbox of the class (inbox.ts). Both come back
 * into use through refills: a refill short of spans adopts an abandoned span with blocks to give
 * (adopt), and a refill or trim takes the abandoned-span inbox, adopting the blocks' spans
 * (takeInbox), so memory left behind by departed workers is carved and released again. The
 * abandoned lists are guarded by the arena lock.
 */
import type { Carver } from './carve.js';
import { fault } from './fault.js';
import { takeAll, type Router } from './inbox.js';
import { abandonedListWord, inboxWord, NO_OWNER, NOT_LISTED, SPAN } from './layout.js';
import { lockArena, unlockArena } from './lock.js';
import type { Region } from './region.js';
import { listPush, listRemove, spanOf } from './spans.js';

/** Leave span `pg` of class `cls` without an owner, first on its class's abandoned list. */
export function abandonSpan(r: Region, pg: number, cls: number, lockId: number): void {
  lockArena(r, lockId);
  Atomics.store(r.i32, r.rec(pg) + SPAN.OWNER, NO_OWNER);
  listPush(r, abandonedListWord(r.layout, cls), pg);
  unlockArena(r);
}

/** One slot's adoption of abandoned spans, into its Carver's lists and chain. */
export class Adopter {
  /** `lockId`: who takes the arena lock for this slot's work (see SlotBackend). */
  constructor(
    readonly r: Region,
    readonly slot: number,
    private readonly lockId: number,
    private readonly carver: Carver,
    private readonly router: Router,
  ) {}

  /**
   * Adopt an abandoned span of `cls` with blocks to give and list it as this slot's; -1 if none.
   * A full one adopted on the way stays unlisted: its blocks come back through this slot's inbox.
   */
  adopt(cls: number): number {
    const r = this.r;
    for (let pg = this.adoptFirst(cls); pg >= 0; pg = this.adoptFirst(cls)) {
      const w = r.rec(pg);
      if (r.i32[w + SPAN.NFREE] > 0 || r.i32[w + SPAN.BUMP] < r.blocks[cls]) return this.carver.list(pg, cls);
    }
    return -1;
  }

  /**
   * The blocks of the abandoned-span inbox of `cls` (freed into abandoned spans): this slot adopts
   * their spans (so the blocks return to a span when drained, and a span can be released again),
   * and puts blocks in the carver's chain until it holds `want`, the rest back in their spans.
   */
  takeInbox(cls: number, want: number): void {
    const r = this.r;
    const w = inboxWord(r.layout, NO_OWNER, cls);
    if (Atomics.load(r.i32, w) === 0) return;
    let gaveBack = false;
    takeAll(r, w, `abandoned-span inbox of class ${cls}`, (p) => {
      const pg = spanOf(r, p);
      if (Atomics.load(r.i32, r.rec(pg) + SPAN.OWNER) === NO_OWNER) this.adoptSpan(pg, cls);
      if (this.carver.count < want) this.carver.append(p, cls);
      else {
        this.router.giveBack(p, cls);
        gaveBack = true;
      }
    });
    if (gaveBack) this.router.flushRemote(cls);
  }

  /** Take the first abandoned span of `cls` off its list and make it this slot's; -1 if none. */
  private adoptFirst(cls: number): number {
    const r = this.r;
    const headW = abandonedListWord(r.layout, cls);
    if (Atomics.load(r.i32, headW) < 0) return -1;
    lockArena(r, this.lockId);
    const pg = Atomics.load(r.i32, headW);
    if (pg >= 0) this.unlink(pg, cls);
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
    const ok = Atomics.load(i32, w + SPAN.HEAD) === pg + 1 && (Atomics.load(i32, w + SPAN.INFO) & 0xff) === cls &&
      Atomics.load(i32, w + SPAN.OWNER) === NO_OWNER && i32[w + SPAN.PREV] !== NOT_LISTED;
    if (ok) this.unlink(pg, cls);
    unlockArena(r);
    return ok;
  }

  /** Take abandoned span `pg` off its class's list and make it this slot's (arena lock held). */
  private unlink(pg: number, cls: number): void {
    fault('adopt.unlinking');
    listRemove(this.r, abandonedListWord(this.r.layout, cls), pg);
    Atomics.store(this.r.i32, this.r.rec(pg) + SPAN.OWNER, this.slot);
  }
}
