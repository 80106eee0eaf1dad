import { describe, expect, it } from 'vitest';
import { CTRL, SLOT, SLOT_FREE, slotBound, slotHead, slotRoom, SPAN } from '../src/layout.js';
import { claimPages } from '../src/pages.js';
import { reclaimSlot } from '../src/reclaim.js';
import { markDead, slotState, slotWord } from '../src/slots.js';
import { tag, ST_ALLOC } from '../src/tags.js';
import { validateRegion } from '../src/validate.js';
import { backend, region, take } from './helpers.js';

describe('reclaim of a dead slot', () => {
  it('repairs a worker that died holding the arena lock, mid-claim, with blocks in its hands', () => {
    const r = region(4 << 20, { slots: 3 });
    const dead = backend(r, 1);
    const live = take(dead, 2, 40); // in "its cache" by their tags, in no list: a torn refill
    for (const p of live.slice(0, 10)) r.i32[(p >>> 2) - 2] = tag(r.salt, ST_ALLOC, 0, 2); // 10 handed out
    // it died inside the page allocator: lock held, pages claimed in the bitmap, no run records yet
    const claimed = claimPages(r, 5);
    Atomics.store(r.i32, r.ctrl + CTRL.ARENA_LOCK, 2); // held by slot 1
    // and a run half written: an interior page points at a head that never got its record
    Atomics.store(r.i32, r.rec(claimed + 2) + SPAN.HEAD, claimed + 1 + 1);
    Atomics.store(r.i32, slotWord(r, 1, SLOT.COLD), 1);
    expect(() => validateRegion(r, { slots: [] })).toThrow(/bitmap|page|counter/);
    expect(markDead(r, 1)).toBe(true);
    const rep = reclaimSlot(r, 0, 1)!;
    expect(rep).toMatchObject({ slot: 1, torn: true, blocks: 30, spansAbandoned: 1, exact: true });
    expect(Atomics.load(r.i32, r.ctrl + CTRL.ARENA_LOCK)).toBe(0);
    expect(slotState(r, 1)).toBe(SLOT_FREE);
    const v = validateRegion(r);
    expect(v).toMatchObject({ blocksLive: 10, blocksInSpans: 30, spans: 1 });
    // the claimed pages are usable again
    expect(claimPages(r, 5)).toBe(claimed);
    // a second reclaim of the same slot finds nothing to do
    expect(reclaimSlot(r, 0, 1)).toBeNull();
  });

  it('abandoned spans are adopted by the next worker short of a span of their class', () => {
    const r = region(2 << 20, { slots: 3 });
    const dead = backend(r, 1);
    const got = take(dead, 4, 20);
    for (const p of got) r.i32[(p >>> 2) - 2] = tag(r.salt, ST_ALLOC, 0, 4);
    markDead(r, 1);
    reclaimSlot(r, 0, 1);
    const abandonedHead = (r.layout.abandoned >>> 2) + r.layout.numClasses + 4;
    const span = Atomics.load(r.i32, abandonedHead);
    expect(span).toBeGreaterThanOrEqual(0);
    expect(Atomics.load(r.i32, r.rec(span) + SPAN.OWNER)).toBe(-1);
    const b = backend(r, 2);
    const more = take(b, 4, 5); // adopts the abandoned span: carves after its 20 live blocks
    expect(Atomics.load(r.i32, r.rec(span) + SPAN.OWNER)).toBe(2);
    expect(Atomics.load(r.i32, abandonedHead)).toBe(-1);
    expect(r.headOf(r.pageOf(more[0]))).toBe(span);
    validateRegion(r, { slots: [] });
  });

  it('a headerless heap follows the dead worker\'s lists', () => {
    const r = region(2 << 20, { slots: 3, headerless: true });
    const dead = backend(r, 1);
    const sw = slotWord(r, 1, 0);
    const nc = r.layout.numClasses;
    // a consistent cache of 6 blocks in its lists (as pool-tls leaves them)
    const got = take(dead, 1, 6);
    r.i32[sw + slotHead(1)] = got[0];
    r.i32[sw + slotBound(nc, 1)] = 10;
    r.i32[sw + slotRoom(1)] = 4; // room: 6 cached
    markDead(r, 1);
    const rep = reclaimSlot(r, 0, 1)!;
    expect(rep).toMatchObject({ torn: false, exact: true, blocks: 6, spansReleased: 1 });
    expect(validateRegion(r)).toMatchObject({ spans: 0 });
  });
});
