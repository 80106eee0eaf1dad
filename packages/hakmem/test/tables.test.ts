/**
 * The slot's word tables are written by three boxes that must not import each other: the arena
 * names them (MISC_COUNTER, CLASS_COUNTER, QUAD in layout.ts), pool-refill writes its counters by its own names (MISC,
 * PER_CLASS) and pool-tls's cache writes its quad by offset. The umbrella wires them together, so
 * this is where they are checked to agree: by the tables, and by what a real heap writes where.
 */
import { CLASS_COUNTER, CLASS_COUNTER_WORDS, MISC_COUNTER, MISC_WORDS as ARENA_MISC_WORDS, QUAD, QUAD_WORDS, SLOT, slotBound, slotCounters, slotHead, slotHits, slotMaxRoom, slotRoom } from '@hakmem/arena';
import { MISC, MISC_WORDS, PER_CLASS, PER_CLASS_WORDS } from '@hakmem/pool-refill';
import { describe, expect, it } from 'vitest';
import { createHeap, type Heap } from '../src/index.js';

type Internals = { core: { r: { i32: Int32Array; layout: { numClasses: number } }; backend: { slotW: number } } };
const inside = (h: Heap) => (h as unknown as Internals).core;

describe("the arena's slot tables agree with the boxes that write them", () => {
  it("pool-refill's MISC and PER_CLASS are the arena's MISC_COUNTER and CLASS_COUNTER, word for word", () => {
    expect(MISC).toEqual(MISC_COUNTER);
    expect(PER_CLASS).toEqual(CLASS_COUNTER);
    expect(MISC_WORDS).toBe(ARENA_MISC_WORDS);
    expect(PER_CLASS_WORDS).toBe(CLASS_COUNTER_WORDS);
    expect(Object.keys(MISC)).toHaveLength(MISC_WORDS);
    expect(Object.keys(PER_CLASS)).toHaveLength(PER_CLASS_WORDS);
    // the misc block fits in front of the quads
    expect(SLOT.MISC + MISC_WORDS).toBeLessThanOrEqual(SLOT.HEADS);
    expect(Object.keys(QUAD)).toHaveLength(QUAD_WORDS);
  });

  it('a real heap writes each counter and each quad word where the arena names it', () => {
    const h = createHeap({ size: 1 << 20, maxWorkers: 1, learning: false, counters: 'low-water' });
    const { r, backend } = inside(h);
    const nc = r.layout.numClasses;
    const cls = h.stats().classes.findIndex((c) => c.size === 64);
    const word = (off: number) => r.i32[backend.slotW + off];
    const counter = (k: number) => word(slotCounters(nc, cls) + k);
    const misc = (k: number) => word(SLOT.MISC + k);

    // the first alloc refills the list: one refill of `got` blocks, one handed out, the rest cached
    const a = h.alloc(64);
    const got = counter(CLASS_COUNTER.BLOCKS_IN);
    expect(got).toBeGreaterThan(2);
    expect([counter(CLASS_COUNTER.REFILLS), counter(CLASS_COUNTER.DRAINS), counter(CLASS_COUNTER.BLOCKS_OUT)]).toEqual([1, 0, 0]);
    const bound = word(slotBound(nc, cls));
    expect(bound - word(slotRoom(cls))).toBe(got - 1);
    expect(word(slotHits(cls))).toBe(0);
    // the head is the next block the list hands out
    const head = word(slotHead(cls));
    const b = h.alloc(64);
    expect(b).toBe(head);
    expect(word(slotHits(cls))).toBe(1);
    expect(bound - word(slotRoom(cls))).toBe(got - 2);
    h.free(b);
    h.free(a);
    expect(bound - word(slotRoom(cls))).toBe(got);
    // the low-water mark holds the most room the list has had this interval: the whole bound, as
    // it started empty
    expect(word(slotMaxRoom(cls))).toBe(bound);
    expect(h.stats().classes[cls].cached).toBe(got);

    // freeing past the bound drains: a drain and the blocks it gave back
    const ps: number[] = [];
    for (let i = 0; i < 4 * bound; i++) ps.push(h.alloc(64));
    const refills = counter(CLASS_COUNTER.REFILLS);
    expect(refills).toBeGreaterThan(1);
    for (const p of ps) h.free(p);
    expect(counter(CLASS_COUNTER.DRAINS)).toBeGreaterThan(0);
    expect(counter(CLASS_COUNTER.BLOCKS_OUT)).toBeGreaterThan(0);
    expect(counter(CLASS_COUNTER.BLOCKS_IN) - counter(CLASS_COUNTER.BLOCKS_OUT)).toBe(h.stats().classes[cls].cached);

    // exhaustion: a refill that found nothing even after a flush; no events without a learner
    expect(misc(MISC_COUNTER.EXHAUSTED)).toBe(0);
    const all: number[] = [];
    for (let p = h.alloc(64); p !== 0; p = h.alloc(64)) all.push(p);
    expect(misc(MISC_COUNTER.EXHAUSTED)).toBe(1);
    expect([misc(MISC_COUNTER.EVENTS), misc(MISC_COUNTER.DROPPED), misc(MISC_COUNTER.V_RING_FULL), misc(MISC_COUNTER.V_POLICY_OUTSIDE), misc(MISC_COUNTER.V_REFILL_WAITED)]).toEqual([0, 0, 0, 0, 0]);
    for (const p of all) h.free(p);
    h.validate();
  });
});
