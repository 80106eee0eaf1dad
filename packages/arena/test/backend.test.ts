import { describe, expect, it } from 'vitest';
import { whileStopped, OBSERVER_BASE } from '../src/cold.js';
import { CTRL, SLOT, SPAN } from '../src/layout.js';
import { slotWord } from '../src/slots.js';
import { validateRegion } from '../src/validate.js';
import { backend, give, region, take } from './helpers.js';

describe('SlotBackend', () => {
  it('carves fresh blocks, reuses returned ones first, and gives an empty span back to the arena', () => {
    const r = region();
    const b = backend(r);
    const xs = take(b, 0, 10);
    expect(new Set(xs).size).toBe(10);
    for (const p of xs) expect(p % 8).toBe(0);
    give(b, 0, xs.slice(0, 4));
    expect(take(b, 0, 4).sort()).toEqual(xs.slice(0, 4).sort()); // the span's free list first
    // fill a whole second span of class 6 (1024 B), then return it all: only one span stays
    const blocks = r.blocks[6];
    const a = take(b, 6, blocks);
    const c = take(b, 6, blocks);
    const usedBefore = Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES);
    give(b, 6, a);
    give(b, 6, c);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(usedBefore - r.spanPages[6]);
    b.trim();
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(usedBefore - 2 * r.spanPages[6]);
  });

  it("sends blocks of another slot's spans to that slot's inbox, and the owner takes them back", () => {
    const r = region(2 << 20, { slots: 3 });
    const owner = backend(r, 1);
    const other = backend(r, 2);
    const xs = take(owner, 3, 20);
    give(other, 3, xs); // "other" frees them: they go to slot 1's inbox for class 3
    expect(Atomics.load(r.i32, (r.layout.inbox >>> 2) + 1 * r.layout.numClasses + 3)).not.toBe(0);
    expect(validateRegion(r, { slots: [] }).blocksInInboxes).toBe(20);
    owner.collectInbox(3);
    const rep = validateRegion(r, { slots: [] });
    expect(rep.blocksInInboxes).toBe(0);
    expect(rep.blocksInSpans).toBe(20);
    owner.trim();
    expect(validateRegion(r).spans).toBe(0);
  });

  it('returns 0 with nothing left, and keeps the heap valid', () => {
    const r = region(1 << 20);
    const b = backend(r);
    const got: number[] = [];
    for (;;) {
      const xs = take(b, 7, 8);
      if (xs.length === 0) break;
      got.push(...xs);
    }
    const out = new Int32Array(2);
    expect(b.takeBatch(7, 8, out)).toBe(0);
    expect(out[1]).toBe(0);
    give(b, 7, got);
    validateRegion(r, { slots: [] });
    expect(Atomics.load(r.i32, r.rec(0) + SPAN.HEAD)).toBe(1); // one span kept for the class
  });

  it('begin/end hold the cold gate across the nested calls; a call that throws inside ends the hold', () => {
    const r = region();
    const b = backend(r);
    const cold = () => Atomics.load(r.i32, slotWord(r, 0, SLOT.COLD));
    b.begin();
    const xs = take(b, 0, 4);
    expect(cold()).toBe(1); // takeBatch's own exit does not open the gate
    give(b, 0, xs);
    expect(cold()).toBe(1);
    b.end();
    expect(cold()).toBe(0);
    // a damaged heap makes takeBatch throw: the caller will not call end(), the gate must open
    (b as unknown as { take(): never }).take = () => {
      throw new Error('damaged');
    };
    b.begin();
    expect(() => take(b, 0, 1)).toThrow('damaged');
    expect(cold()).toBe(0);
    expect(whileStopped(r, OBSERVER_BASE, () => 'stopped', 100)).toBe('stopped');
  });
});
