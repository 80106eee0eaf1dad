/**
 * validate(): walk the whole heap and check every invariant; throw a HeapError naming the first
 * broken one. It reads every list it checks, so it must run while no other worker is inside a
 * cold path (one worker, or all others quiet).
 */
import { HeapError, HeapErrorCode } from './errors.js';
import { C, LARGE_CLASS, NO_OWNER, NOT_LISTED, S, slotBound, slotHead, slotPartial, slotRoom, SP } from './layout.js';
import { largeTag } from './large.js';
import type { Region } from './region.js';
import { blockAddr, largeBlock } from './spans.js';
import { allocBase, ORPHAN_SLOT, ST_CACHE, ST_REMOTE, ST_SPAN, tag, tagSlot, tagState } from './tags.js';
import { freeTagOk } from './diagnose.js';
import { forEachRun } from './walk.js';
import { pageInUse } from './pages.js';

/** `validateRegion`'s options. */
export interface ValidateOptions {
  /** slots whose caches are walked (their owners must be quiet); default: all but the gone ones */
  slots?: readonly number[];
  /**
   * Slots whose thread is gone (dead, fenced, being reclaimed) and not yet reclaimed: a cold path
   * they were in may be half done (a span's free list and count, their span lists, a chain of
   * blocks already tagged remote but not yet in an inbox). Their spans' lists are not checked, and
   * the count of blocks tagged remote is a bound, not an equality. Default: none.
   */
  gone?: readonly number[];
}

/** What `validate()` walked: runs, spans, large runs, and blocks live, cached, in spans and in inboxes. */
export interface ValidateReport {
  runs: number;
  spans: number;
  largeRuns: number;
  blocksLive: number;
  blocksCached: number;
  blocksInSpans: number;
  blocksInInboxes: number;
}

const fail = (what: string): never => {
  throw new HeapError(HeapErrorCode.INVARIANT, `heap invariant broken: ${what}`);
};

/** Walk the region and check every invariant; throws a HAKMEM_INVARIANT HeapError naming the first broken one. */
export function validateRegion(r: Region, o: ValidateOptions = {}): ValidateReport {
  r.sync();
  const i32 = r.i32;
  const l = r.layout;
  const nc = l.numClasses;
  const committed = r.committedPages();
  const gone = new Set(o.gone ?? []);
  const isGone = (owner: number) => owner !== NO_OWNER && gone.has(owner);
  const rep: ValidateReport = {
    runs: 0, spans: 0, largeRuns: 0, blocksLive: 0, blocksCached: 0, blocksInSpans: 0, blocksInInboxes: 0,
  };
  if (committed < 0 || committed > l.maxPages) fail(`committed pages ${committed} outside [0, ${l.maxPages}]`);
  if (r.end() > r.buffer.byteLength) fail(`data end ${r.end()} beyond the buffer (${r.buffer.byteLength})`);

  // 1. Pages: bitmap and run records agree; runs tile the used pages.
  let usedPages = 0;
  for (let pg = 0; pg < committed; pg++) {
    const head = Atomics.load(i32, r.rec(pg) + SP.HEAD) - 1;
    if (pageInUse(r, pg) !== head >= 0) fail(`page ${pg}: bitmap says ${pageInUse(r, pg) ? 'used' : 'free'}, record head ${head}`);
    if (head >= 0) usedPages++;
  }
  for (let pg = committed; pg < l.maxPages; pg++) {
    if (pageInUse(r, pg)) fail(`page ${pg} beyond the committed ${committed} is marked used`);
  }
  if (usedPages !== Atomics.load(i32, r.ctrl + C.USED_PAGES)) {
    fail(`${usedPages} pages in runs, the counter says ${Atomics.load(i32, r.ctrl + C.USED_PAGES)}`);
  }

  // 2. Runs: well formed; spans' free lists and block tags agree.
  const stateCount = new Map<number, number>(); // tag -> blocks carrying it
  const count = (w: number) => stateCount.set(w, (stateCount.get(w) ?? 0) + 1);
  const listedSpans = new Set<number>();
  forEachRun(r, (run) => {
    rep.runs++;
    const { pg, pages, cls } = run;
    if (pages < 1 || pg + pages > committed) fail(`run at page ${pg}: ${pages} pages overrun the committed ${committed}`);
    for (let k = 1; k < pages; k++) {
      if (Atomics.load(i32, r.rec(pg + k) + SP.HEAD) !== pg + 1) fail(`run at page ${pg}: page ${pg + k} belongs elsewhere`);
    }
    if (cls === LARGE_CLASS) {
      rep.largeRuns++;
      rep.blocksLive++;
      if (r.hdr !== 0) {
        const p = largeBlock(r, pg);
        if (i32[(p >>> 2) - 2] !== largeTag(r)) fail(`large block ${p}: header 0x${(i32[(p >>> 2) - 2] >>> 0).toString(16)}`);
        if (i32[(p >>> 2) - 1] !== pages) fail(`large block ${p}: header says ${i32[(p >>> 2) - 1]} pages, run has ${pages}`);
      }
      return;
    }
    rep.spans++;
    if (cls >= nc) fail(`span at page ${pg}: class ${cls} of ${nc}`);
    if (pages !== r.spanPages[cls]) fail(`span at page ${pg}: ${pages} pages, class ${cls} spans have ${r.spanPages[cls]}`);
    const { nfree, bump, owner } = run;
    if (bump < 0 || bump > r.blocks[cls]) fail(`span at page ${pg}: ${bump} blocks carved of ${r.blocks[cls]}`);
    if (nfree < 0 || nfree > bump) fail(`span at page ${pg}: ${nfree} free of ${bump} carved`);
    if (owner !== NO_OWNER && (owner < 0 || owner >= l.numSlots)) fail(`span at page ${pg}: owner ${owner}`);
    const w = r.rec(pg);
    if (isGone(owner)) {
      // half-done changes possible: count the tags only (each is one word, whole), for the totals
      for (let k = 0; r.hdr !== 0 && k < bump; k++) {
        const t = i32[(blockAddr(r, pg, cls, k) >>> 2) - 2];
        if (t === (allocBase(r.salt) | cls)) rep.blocksLive++;
        else count(t);
      }
      return;
    }
    if (i32[w + SP.PREV] !== NOT_LISTED) listedSpans.add(pg);
    // the span free list
    let p = i32[w + SP.FREE] >>> 0;
    for (let k = 0; k < nfree; k++) {
      checkBlock(r, p, pg, cls, bump, `span ${pg} free list`);
      if (r.hdr !== 0 && i32[(p >>> 2) - 2] !== tag(r.salt, ST_SPAN, 0, cls)) fail(`block ${p} in span ${pg}'s free list is not tagged free-in-span`);
      p = i32[(p >>> 2) + r.linkDelta] >>> 0;
    }
    if (p !== 0) fail(`span at page ${pg}: free list longer than its count ${nfree}`);
    rep.blocksInSpans += nfree;
    if (r.hdr === 0) return;
    // every carved block carries a tag of this heap and class, in a state a block can be in
    const spanTag = tag(r.salt, ST_SPAN, 0, cls);
    let spanTagged = 0;
    for (let k = 0; k < bump; k++) {
      const b = blockAddr(r, pg, cls, k);
      // every bit of the word: the hot path compares it whole
      const t = i32[(b >>> 2) - 2];
      if (t === (allocBase(r.salt) | cls)) rep.blocksLive++;
      else if (freeTagOk(r, t, cls)) {
        if (t === spanTag) spanTagged++;
        else count(t);
      } else fail(`block ${b} (span ${pg}, class ${cls}): header 0x${(t >>> 0).toString(16)}`);
    }
    if (spanTagged !== nfree) fail(`span at page ${pg}: ${spanTagged} blocks tagged free-in-span, its free list holds ${nfree}`);
  });

  // 3. Per-slot partial lists, caches and inboxes.
  const slots = (o.slots ?? Array.from({ length: l.numSlots }, (_, s) => s)).filter((s) => !gone.has(s));
  for (let s = 0; s < l.numSlots; s++) {
    if (gone.has(s)) continue;
    const sw = (l.slots >>> 2) + s * l.slotWords;
    for (let cls = 0; cls < nc; cls++) {
      const headW = sw + slotPartial(nc) + cls;
      let prev = -1;
      let steps = 0;
      for (let pg = i32[headW]; pg >= 0; pg = i32[r.rec(pg) + SP.NEXT]) {
        if (++steps > committed) fail(`slot ${s} class ${cls}: span list has a cycle`);
        if (!listedSpans.delete(pg)) fail(`slot ${s} class ${cls}: listed span ${pg} is not a span marked listed`);
        const w = r.rec(pg);
        if ((Atomics.load(i32, w + SP.INFO) & 0xff) !== cls) fail(`slot ${s} class ${cls}: span ${pg} is of class ${Atomics.load(i32, w + SP.INFO) & 0xff}`);
        if (Atomics.load(i32, w + SP.OWNER) !== s) fail(`slot ${s}: its span list holds span ${pg} owned by ${Atomics.load(i32, w + SP.OWNER)}`);
        if (i32[w + SP.PREV] !== prev) fail(`span ${pg}: prev link ${i32[w + SP.PREV]}, expected ${prev}`);
        prev = pg;
      }
    }
  }
  // abandoned spans' list (under the arena lock; quiet here)
  for (let cls = 0; cls < nc; cls++) {
    let steps = 0;
    for (let pg = i32[(l.orphan >>> 2) + nc + cls]; pg >= 0; pg = i32[r.rec(pg) + SP.NEXT]) {
      if (++steps > committed) fail(`abandoned list of class ${cls} has a cycle`);
      if (!listedSpans.delete(pg)) fail(`abandoned span ${pg} is not marked listed`);
    }
  }
  if (listedSpans.size > 0) fail(`spans marked listed but on no list: ${[...listedSpans].slice(0, 5).join(', ')}`);

  const walkList = (first: number, max: number, cls: number, want: number | null, what: string): number => {
    let n = 0;
    // pointers unsigned: the range check and the messages below compare and print them
    for (let p = first >>> 0; p !== 0; p = i32[(p >>> 2) + r.linkDelta] >>> 0) {
      if (++n > max) fail(`${what}: longer than ${max} (a cycle?)`);
      const pg = p >= r.data && p < r.end() ? r.headOf(r.pageOf(p)) : -1;
      if (pg < 0) fail(`${what}: block ${p} is not in a used run`);
      const spanCls = Atomics.load(i32, r.rec(pg) + SP.INFO) & 0xff;
      if (spanCls !== cls) fail(`${what}: block ${p} is of class ${spanCls}`);
      checkBlock(r, p, pg, cls, i32[r.rec(pg) + SP.BUMP], what);
      if (want !== null && i32[(p >>> 2) - 2] !== (want | cls)) fail(`${what}: block ${p} tagged 0x${(i32[(p >>> 2) - 2] >>> 0).toString(16)}`);
    }
    return n;
  };
  const maxBlocks = committed * 4096;
  for (const s of slots) {
    const sw = (l.slots >>> 2) + s * l.slotWords;
    for (let cls = 0; cls < nc; cls++) {
      const want = r.hdr !== 0 ? tag(r.salt, ST_CACHE, s, 0) : null;
      const n = walkList(i32[sw + slotHead(cls)], maxBlocks, cls, want, `slot ${s} cache of class ${cls}`);
      const counted = i32[sw + slotBound(nc, cls)] - i32[sw + slotRoom(cls)];
      if (n !== counted) fail(`slot ${s} class ${cls}: ${n} blocks listed, bound - room says ${counted}`);
      rep.blocksCached += n;
      if (r.hdr !== 0 && n !== (stateCount.get(want! | cls) ?? 0)) {
        fail(`slot ${s} class ${cls}: ${stateCount.get(want! | cls) ?? 0} blocks tagged as its cache, ${n} in its list`);
      }
    }
  }
  let remoteTagged = 0;
  for (const [t, n] of stateCount) if (tagState(t) === ST_REMOTE) remoteTagged += n;
  for (let s = -1; s < l.numSlots; s++) {
    for (let cls = 0; cls < nc; cls++) {
      const w = s < 0 ? (l.orphan >>> 2) + cls : (l.inbox >>> 2) + s * nc + cls;
      const what = s < 0 ? `abandoned-span inbox of class ${cls}` : `slot ${s} inbox of class ${cls}`;
      const first = Atomics.load(i32, w);
      if (r.hdr !== 0) {
        for (let p = first >>> 0, k = 0; p !== 0 && k <= maxBlocks; p = i32[(p >>> 2) + r.linkDelta] >>> 0, k++) {
          const t = i32[(p >>> 2) - 2];
          if (tagState(t) !== ST_REMOTE) fail(`${what}: block ${p} not tagged remote`);
          if (tagSlot(t) !== (s < 0 ? ORPHAN_SLOT : s)) fail(`${what}: block ${p} addressed to slot ${tagSlot(t)}`);
        }
      }
      rep.blocksInInboxes += walkList(first, maxBlocks, cls, null, what);
    }
  }
  // a gone worker may have died between tagging a chain remote and pushing it (reclaim routes it)
  const remoteOk = gone.size > 0 ? remoteTagged >= rep.blocksInInboxes : remoteTagged === rep.blocksInInboxes;
  if (r.hdr !== 0 && !remoteOk) fail(`${remoteTagged} blocks tagged remote, inboxes hold ${rep.blocksInInboxes}`);
  return rep;
}

function checkBlock(r: Region, p: number, pg: number, cls: number, bump: number, what: string): void {
  const off = p - r.pageAddr(pg) - r.lead[cls];
  const idx = off / r.stride[cls];
  if (off < 0 || !Number.isInteger(idx) || idx >= bump) fail(`${what}: ${p} is not a carved block of span ${pg}`);
}

/** Slots whose state is not free (attached, dead or being reclaimed). */
export function attachedSlots(r: Region): number[] {
  const l = r.layout;
  const out: number[] = [];
  for (let s = 0; s < l.numSlots; s++) {
    if (Atomics.load(r.i32, (l.slots >>> 2) + s * l.slotWords + S.STATE) !== 0) out.push(s);
  }
  return out;
}
