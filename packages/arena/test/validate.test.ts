/** validate() must catch each kind of damage, naming it (a check that cannot fail is worth nothing). */
import { describe, expect, it } from 'vitest';
import { CTRL, slotBound, slotHead, slotRoom, SPAN } from '../src/layout.js';
import type { Region } from '../src/region.js';
import { tag, ST_ALLOC, ST_SPAN } from '../src/tags.js';
import { validateRegion } from '../src/validate.js';
import { backend, give, region, take } from './helpers.js';

/** A heap with live blocks, blocks back in spans, and 3 blocks in slot 0's cache list of class 2. */
function scene() {
  const r = region();
  const b = backend(r);
  const live = take(b, 2, 30);
  for (const p of live) r.i32[(p >>> 2) - 2] = tag(r.salt, ST_ALLOC, 0, 2);
  give(b, 2, live.splice(0, 10));
  const cached = take(b, 2, 3);
  const sw = b.slotW;
  const nc = r.layout.numClasses;
  r.i32[sw + slotHead(2)] = cached[0];
  r.i32[sw + slotBound(nc, 2)] = 10;
  r.i32[sw + slotRoom(2)] = 7;
  return { r, b, live, cached, sw, nc };
}

const broken = (r: Region, what: RegExp) =>
  expect(() => validateRegion(r)).toThrow(expect.objectContaining({ code: 'HAKMEM_INVARIANT', message: expect.stringMatching(what) }));

describe('validate', () => {
  it('passes on a sound heap and counts what it saw', () => {
    const { r } = scene();
    expect(validateRegion(r)).toMatchObject({ spans: 1, blocksLive: 20, blocksCached: 3, blocksInSpans: 7 });
  });

  it('a bitmap bit without a run', () => {
    const { r } = scene();
    Atomics.or(r.i32, r.bitmapW + 3, 1);
    broken(r, /bitmap says used/);
  });

  it('a used-pages counter that disagrees', () => {
    const { r } = scene();
    Atomics.add(r.i32, r.ctrl + CTRL.USED_PAGES, 1);
    broken(r, /pages in runs/);
  });

  it('a span free list count that disagrees', () => {
    const { r } = scene();
    r.i32[r.rec(0) + SPAN.NFREE]--;
    broken(r, /free list longer than its count|tagged free-in-span/);
  });

  it('a cycle in a span free list', () => {
    const { r } = scene();
    const first = r.i32[r.rec(0) + SPAN.FREE];
    r.i32[(first >>> 2) - 1] = first;
    broken(r, /free list longer|not tagged/);
  });

  it('a live block that is also in a free list', () => {
    const { r, live } = scene();
    const first = r.i32[r.rec(0) + SPAN.FREE];
    r.i32[(first >>> 2) - 1] = live[0];
    broken(r, /not tagged free-in-span/);
  });

  it('a cache count that disagrees with its list', () => {
    const { r, sw, nc } = scene();
    r.i32[sw + slotRoom(2)]++;
    broken(r, /blocks listed, bound - room says/);
  });

  it('a cached block tagged as something else', () => {
    const { r, cached } = scene();
    r.i32[(cached[1] >>> 2) - 2] = tag(r.salt, ST_SPAN, 0, 2);
    broken(r, /tagged|free-in-span/);
  });

  it('a header with the wrong class', () => {
    const { r, live } = scene();
    r.i32[(live[3] >>> 2) - 2] = tag(r.salt, ST_ALLOC, 0, 5);
    broken(r, /header/);
  });

  it('a block pointer that is not a carved block', () => {
    const { r, cached } = scene();
    r.i32[(cached[0] >>> 2) - 1] = cached[1] + 8;
    broken(r, /not a carved block|class/);
  });

  it('a span on its owner list with a wrong prev link', () => {
    const { r } = scene();
    r.i32[r.rec(0) + SPAN.PREV] = 5;
    broken(r, /prev link/);
  });
});
