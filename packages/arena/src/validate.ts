/**
 * validate(): walk the whole heap and check every invariant; throw a HeapError naming the first
 * broken one. One check per family of invariants, in this order: the control block, the pages
 * (bitmap, records, counter), each run (its pages, then a large block's header or a span's counts,
 * free list and tags), the slots' span lists, the abandoned lists, the caches, the inboxes. It
 * reads every list it checks, so it must run while no other worker is inside a cold path (one
 * worker, or all others quiet).
 */
import { HeapError, HeapErrorCode } from './errors.js';
import {
  abandonedListWord, CTRL, inboxWord, LARGE_CLASS, NO_OWNER, NOT_LISTED, SLOT_FREE, slotBound, slotHead, slotPartial, slotRoom, SPAN,
} from './layout.js';
import { largeTag } from './large.js';
import type { Region } from './region.js';
import { slotState, slotWord } from './slots.js';
import { blockAddr, largeBlock } from './spans.js';
import { allocBase, ABANDONED_SLOT, ST_CACHE, ST_REMOTE, ST_SPAN, tag, tagSlot, tagState } from './tags.js';
import { freeTagOk } from './diagnose.js';
import { forEachRun, type RunInfo } from './walk.js';
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

/** What the checks share: the region as it is now, the options, and what they found so far. */
interface Audit {
  r: Region;
  i32: Int32Array;
  committed: number;
  /** slots whose lists may be half done (ValidateOptions.gone) */
  gone: Set<number>;
  rep: ValidateReport;
  /** blocks per tag: free blocks other than free-in-span (in a gone owner's span, every block not allocated) */
  tagged: Map<number, number>;
  /** spans marked listed; each list walked strikes its spans off, and none may be left */
  listed: Set<number>;
}

/** Audit the region and check every invariant; throws a HAKMEM_INVARIANT HeapError naming the first broken one. */
export function validateRegion(r: Region, o: ValidateOptions = {}): ValidateReport {
  r.sync();
  const gone = new Set(o.gone ?? []);
  const v: Audit = {
    r, i32: r.i32, committed: r.committedPages(), gone, tagged: new Map(), listed: new Set(),
    rep: { runs: 0, spans: 0, largeRuns: 0, blocksLive: 0, blocksCached: 0, blocksInSpans: 0, blocksInInboxes: 0 },
  };
  checkControl(v);
  checkPages(v);
  forEachRun(r, (run) => checkRun(v, run));
  checkSpanLists(v);
  checkAbandonedLists(v);
  const slots = (o.slots ?? Array.from({ length: r.layout.numSlots }, (_, s) => s)).filter((s) => !gone.has(s));
  checkCaches(v, slots);
  checkInboxes(v);
  return v.rep;
}

/** The control block: committed pages within the maximum, the data inside the buffer. */
function checkControl({ r, committed }: Audit): void {
  const l = r.layout;
  if (committed < 0 || committed > l.maxPages) fail(`committed pages ${committed} outside [0, ${l.maxPages}]`);
  if (r.end() > r.buffer.byteLength) fail(`data end ${r.end()} beyond the buffer (${r.buffer.byteLength})`);
}

/** Pages: the bitmap and the run records agree, and the used-page counter counts them. */
function checkPages({ r, i32, committed }: Audit): void {
  let usedPages = 0;
  for (let pg = 0; pg < committed; pg++) {
    const head = Atomics.load(i32, r.rec(pg) + SPAN.HEAD) - 1;
    if (pageInUse(r, pg) !== head >= 0) fail(`page ${pg}: bitmap says ${pageInUse(r, pg) ? 'used' : 'free'}, record head ${head}`);
    if (head >= 0) usedPages++;
  }
  for (let pg = committed; pg < r.layout.maxPages; pg++) {
    if (pageInUse(r, pg)) fail(`page ${pg} beyond the committed ${committed} is marked used`);
  }
  if (usedPages !== Atomics.load(i32, r.ctrl + CTRL.USED_PAGES)) {
    fail(`${usedPages} pages in runs, the counter says ${Atomics.load(i32, r.ctrl + CTRL.USED_PAGES)}`);
  }
}

/** A run: its pages are its own (runs tile the used pages); then a large block's or a span's checks. */
function checkRun(v: Audit, run: RunInfo): void {
  const { r, i32, committed } = v;
  v.rep.runs++;
  const { pg, pages } = run;
  if (pages < 1 || pg + pages > committed) fail(`run at page ${pg}: ${pages} pages overrun the committed ${committed}`);
  for (let k = 1; k < pages; k++) {
    if (Atomics.load(i32, r.rec(pg + k) + SPAN.HEAD) !== pg + 1) fail(`run at page ${pg}: page ${pg + k} belongs elsewhere`);
  }
  if (run.cls === LARGE_CLASS) checkLargeBlock(v, run);
  else checkSpan(v, run);
}

/** A large block: live, its header (headered heaps) the large tag and its run's page count. */
function checkLargeBlock({ r, i32, rep }: Audit, { pg, pages }: RunInfo): void {
  rep.largeRuns++;
  rep.blocksLive++;
  if (r.hdr === 0) return;
  const p = largeBlock(r, pg);
  if (i32[(p >>> 2) - 2] !== largeTag(r)) fail(`large block ${p}: header 0x${(i32[(p >>> 2) - 2] >>> 0).toString(16)}`);
  if (i32[(p >>> 2) - 1] !== pages) fail(`large block ${p}: header says ${i32[(p >>> 2) - 1]} pages, run has ${pages}`);
}

/**
 * A span: its geometry and counts, its free list, and its blocks' tags. A gone owner's span may be
 * half updated: only its tags are counted (each is one word, whole), for the totals.
 */
function checkSpan(v: Audit, run: RunInfo): void {
  const { r, i32, rep } = v;
  const { pg, pages, cls, nfree, bump, owner } = run;
  const l = r.layout;
  rep.spans++;
  if (cls >= l.numClasses) fail(`span at page ${pg}: class ${cls} of ${l.numClasses}`);
  if (pages !== r.spanPages[cls]) fail(`span at page ${pg}: ${pages} pages, class ${cls} spans have ${r.spanPages[cls]}`);
  if (bump < 0 || bump > r.blocks[cls]) fail(`span at page ${pg}: ${bump} blocks carved of ${r.blocks[cls]}`);
  if (nfree < 0 || nfree > bump) fail(`span at page ${pg}: ${nfree} free of ${bump} carved`);
  if (owner !== NO_OWNER && (owner < 0 || owner >= l.numSlots)) fail(`span at page ${pg}: owner ${owner}`);
  if (owner !== NO_OWNER && v.gone.has(owner)) {
    for (let k = 0; r.hdr !== 0 && k < bump; k++) {
      const t = i32[(blockAddr(r, pg, cls, k) >>> 2) - 2];
      if (t === (allocBase(r.salt) | cls)) rep.blocksLive++;
      else countTag(v, t);
    }
    return;
  }
  if (i32[r.rec(pg) + SPAN.PREV] !== NOT_LISTED) v.listed.add(pg);
  checkSpanFreeList(v, run);
  if (r.hdr !== 0) checkSpanTags(v, run);
}

/** One more block carrying tag `t`. */
function countTag(v: Audit, t: number): void {
  v.tagged.set(t, (v.tagged.get(t) ?? 0) + 1);
}

/** A span's free list: NFREE carved blocks of the span, tagged free-in-span, and no more. */
function checkSpanFreeList({ r, i32, rep }: Audit, { pg, cls, nfree, bump }: RunInfo): void {
  let p = i32[r.rec(pg) + SPAN.FREE] >>> 0;
  for (let k = 0; k < nfree; k++) {
    checkBlock(r, p, pg, cls, bump, `span ${pg} free list`);
    if (r.hdr !== 0 && i32[(p >>> 2) - 2] !== tag(r.salt, ST_SPAN, 0, cls)) fail(`block ${p} in span ${pg}'s free list is not tagged free-in-span`);
    p = i32[(p >>> 2) + r.linkDelta] >>> 0;
  }
  if (p !== 0) fail(`span at page ${pg}: free list longer than its count ${nfree}`);
  rep.blocksInSpans += nfree;
}

/**
 * Every carved block of a span carries a tag of this heap and class, in a state a block can be in
 * (every bit of the word: the hot path compares it whole); as many free-in-span as its free list.
 */
function checkSpanTags(v: Audit, { pg, cls, nfree, bump }: RunInfo): void {
  const { r, i32, rep } = v;
  const spanTag = tag(r.salt, ST_SPAN, 0, cls);
  let spanTagged = 0;
  for (let k = 0; k < bump; k++) {
    const b = blockAddr(r, pg, cls, k);
    const t = i32[(b >>> 2) - 2];
    if (t === (allocBase(r.salt) | cls)) rep.blocksLive++;
    else if (freeTagOk(r, t, cls)) {
      if (t === spanTag) spanTagged++;
      else countTag(v, t);
    } else fail(`block ${b} (span ${pg}, class ${cls}): header 0x${(t >>> 0).toString(16)}`);
  }
  if (spanTagged !== nfree) fail(`span at page ${pg}: ${spanTagged} blocks tagged free-in-span, its free list holds ${nfree}`);
}

/** Each slot's lists of spans with blocks to give (gone slots' aside): its own spans of the class, linked both ways, marked listed. */
function checkSpanLists({ r, i32, committed, gone, listed }: Audit): void {
  const l = r.layout;
  const nc = l.numClasses;
  for (let s = 0; s < l.numSlots; s++) {
    if (gone.has(s)) continue;
    for (let cls = 0; cls < nc; cls++) {
      let prev = -1;
      let steps = 0;
      for (let pg = i32[slotWord(r, s, slotPartial(nc) + cls)]; pg >= 0; pg = i32[r.rec(pg) + SPAN.NEXT]) {
        if (++steps > committed) fail(`slot ${s} class ${cls}: span list has a cycle`);
        if (!listed.delete(pg)) fail(`slot ${s} class ${cls}: listed span ${pg} is not a span marked listed`);
        const w = r.rec(pg);
        if ((Atomics.load(i32, w + SPAN.INFO) & 0xff) !== cls) fail(`slot ${s} class ${cls}: span ${pg} is of class ${Atomics.load(i32, w + SPAN.INFO) & 0xff}`);
        if (Atomics.load(i32, w + SPAN.OWNER) !== s) fail(`slot ${s}: its span list holds span ${pg} owned by ${Atomics.load(i32, w + SPAN.OWNER)}`);
        if (i32[w + SPAN.PREV] !== prev) fail(`span ${pg}: prev link ${i32[w + SPAN.PREV]}, expected ${prev}`);
        prev = pg;
      }
    }
  }
}

/** The abandoned spans' lists (under the arena lock; quiet here): spans marked listed; then no listed span is left over. */
function checkAbandonedLists({ r, i32, committed, listed }: Audit): void {
  for (let cls = 0; cls < r.layout.numClasses; cls++) {
    let steps = 0;
    for (let pg = i32[abandonedListWord(r.layout, cls)]; pg >= 0; pg = i32[r.rec(pg) + SPAN.NEXT]) {
      if (++steps > committed) fail(`abandoned list of class ${cls} has a cycle`);
      if (!listed.delete(pg)) fail(`abandoned span ${pg} is not marked listed`);
    }
  }
  if (listed.size > 0) fail(`spans marked listed but on no list: ${[...listed].slice(0, 5).join(', ')}`);
}

/** The most blocks a list may hold before it is taken for a cycle. */
const maxListed = (v: Audit): number => v.committed * 4096;

/**
 * Audit a list of blocks of class `cls`: each a carved block of a used span of the class, tagged
 * `want | cls` unless `want` is null. Returns its length.
 */
function walkList(v: Audit, first: number, cls: number, want: number | null, what: string): number {
  const { r, i32 } = v;
  const max = maxListed(v);
  let n = 0;
  // pointers unsigned: the range check and the messages below compare and print them
  for (let p = first >>> 0; p !== 0; p = i32[(p >>> 2) + r.linkDelta] >>> 0) {
    if (++n > max) fail(`${what}: longer than ${max} (a cycle?)`);
    const pg = p >= r.data && p < r.end() ? r.headOf(r.pageOf(p)) : -1;
    if (pg < 0) fail(`${what}: block ${p} is not in a used run`);
    const spanCls = Atomics.load(i32, r.rec(pg) + SPAN.INFO) & 0xff;
    if (spanCls !== cls) fail(`${what}: block ${p} is of class ${spanCls}`);
    checkBlock(r, p, pg, cls, i32[r.rec(pg) + SPAN.BUMP], what);
    if (want !== null && i32[(p >>> 2) - 2] !== (want | cls)) fail(`${what}: block ${p} tagged 0x${(i32[(p >>> 2) - 2] >>> 0).toString(16)}`);
  }
  return n;
}

/** The caches of `slots`: as long as bound - room says, and (headered) as many as the blocks tagged as theirs. */
function checkCaches(v: Audit, slots: readonly number[]): void {
  const { r, i32, rep, tagged } = v;
  const nc = r.layout.numClasses;
  for (const s of slots) {
    for (let cls = 0; cls < nc; cls++) {
      const want = r.hdr !== 0 ? tag(r.salt, ST_CACHE, s, 0) : null;
      const n = walkList(v, i32[slotWord(r, s, slotHead(cls))], cls, want, `slot ${s} cache of class ${cls}`);
      const counted = i32[slotWord(r, s, slotBound(nc, cls))] - i32[slotWord(r, s, slotRoom(cls))];
      if (n !== counted) fail(`slot ${s} class ${cls}: ${n} blocks listed, bound - room says ${counted}`);
      rep.blocksCached += n;
      if (r.hdr !== 0 && n !== (tagged.get(want! | cls) ?? 0)) {
        fail(`slot ${s} class ${cls}: ${tagged.get(want! | cls) ?? 0} blocks tagged as its cache, ${n} in its list`);
      }
    }
  }
}

/**
 * Every inbox (the abandoned-span inbox too): its blocks tagged remote to its slot, and the
 * blocks tagged remote all in inboxes (at least as many, when a gone worker may have died between
 * tagging a chain and pushing it: reclaim routes it).
 */
function checkInboxes(v: Audit): void {
  const { r, i32, rep, tagged, gone } = v;
  const l = r.layout;
  let remoteTagged = 0;
  for (const [t, n] of tagged) if (tagState(t) === ST_REMOTE) remoteTagged += n;
  for (let s = NO_OWNER; s < l.numSlots; s++) {
    for (let cls = 0; cls < l.numClasses; cls++) {
      const what = s === NO_OWNER ? `abandoned-span inbox of class ${cls}` : `slot ${s} inbox of class ${cls}`;
      const first = Atomics.load(i32, inboxWord(l, s, cls));
      if (r.hdr !== 0) {
        for (let p = first >>> 0, k = 0; p !== 0 && k <= maxListed(v); p = i32[(p >>> 2) + r.linkDelta] >>> 0, k++) {
          const t = i32[(p >>> 2) - 2];
          if (tagState(t) !== ST_REMOTE) fail(`${what}: block ${p} not tagged remote`);
          if (tagSlot(t) !== (s === NO_OWNER ? ABANDONED_SLOT : s)) fail(`${what}: block ${p} addressed to slot ${tagSlot(t)}`);
        }
      }
      rep.blocksInInboxes += walkList(v, first, cls, null, what);
    }
  }
  const remoteOk = gone.size > 0 ? remoteTagged >= rep.blocksInInboxes : remoteTagged === rep.blocksInInboxes;
  if (r.hdr !== 0 && !remoteOk) fail(`${remoteTagged} blocks tagged remote, inboxes hold ${rep.blocksInInboxes}`);
}

function checkBlock(r: Region, p: number, pg: number, cls: number, bump: number, what: string): void {
  const off = p - r.pageAddr(pg) - r.lead[cls];
  const idx = off / r.stride[cls];
  if (off < 0 || !Number.isInteger(idx) || idx >= bump) fail(`${what}: ${p} is not a carved block of span ${pg}`);
}

/** Slots whose state is not free (attached, dead or being reclaimed). */
export function attachedSlots(r: Region): number[] {
  const out: number[] = [];
  for (let s = 0; s < r.layout.numSlots; s++) if (slotState(r, s) !== SLOT_FREE) out.push(s);
  return out;
}
