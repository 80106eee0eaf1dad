import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CTRL, CLASS_COUNTER_WORDS, computeLayout, CONTROL_WORDS, CLASS_ROW_WORDS, MAX_EXTRA, MISC_WORDS, PAGE_SIZE, QUAD_WORDS, SLOT, slotCounters, slotWordsFor,
  SPAN_WORDS, TOTAL_WORDS, writeLayout,
} from '../src/layout.js';
import { classGeometry } from '../src/classes.js';
import { region, SIZES } from './helpers.js';

describe('layout', () => {
  /** Every region of a layout as [name, start, end) in bytes, with the size it must hold, computed here from the counts. */
  function regions(l: ReturnType<typeof computeLayout>): Array<[string, number, number, number]> {
    const nc = l.numClasses;
    const out: Array<[string, number, number, number]> = [
      ['control', l.base, l.classTable, CONTROL_WORDS * 4],
      ['class table', l.classTable, l.slots, nc * CLASS_ROW_WORDS * 4],
      ['slots', l.slots, l.inbox, l.numSlots * l.slotWords * 4],
      ['inboxes', l.inbox, l.abandoned, l.numSlots * nc * 4],
      ['abandoned lists', l.abandoned, l.totals, 2 * nc * 4],
      ['totals', l.totals, l.extraAt[0] ?? l.spans, TOTAL_WORDS * nc * 4],
    ];
    l.extraAt.forEach((at, k) => out.push([`extra ${k}`, at, l.extraAt[k + 1] ?? l.spans, l.extraWords[k] * 4]));
    out.push(['spans', l.spans, l.bitmap, l.maxPages * SPAN_WORDS * 4]);
    out.push(['bitmap', l.bitmap, l.data, Math.ceil(l.maxPages / 32) * 4]);
    out.push(['data', l.data, l.maxEnd, l.maxPages * PAGE_SIZE]);
    return out;
  }

  const params = fc.record({
    base: fc.integer({ min: 0, max: 1 << 17 }).map((n) => n * 8),
    initialBytes: fc.integer({ min: 1 << 20, max: 8 << 20 }),
    extraMiB: fc.integer({ min: 0, max: 64 }),
    numClasses: fc.integer({ min: 1, max: 64 }),
    numSlots: fc.integer({ min: 1, max: 255 }),
    extraWords: fc.array(fc.integer({ min: 1, max: 70_000 }), { maxLength: MAX_EXTRA }),
  });

  it("every region's [start, end) holds what it must, inside the layout, aligned, disjoint from the others", () => {
    fc.assert(
      fc.property(params, (p) => {
        const maxBytes = p.initialBytes + p.extraMiB * (1 << 20);
        const l = computeLayout({ ...p, maxBytes, extraTags: p.extraWords.map((_, k) => k + 1) });
        expect(l.slotWords).toBe(slotWordsFor(p.numClasses));
        expect(l.extraAt).toHaveLength(p.extraWords.length);
        expect(l.extraWords).toEqual(p.extraWords);
        // a slot holds its quads, bounds, partial heads and counters; a cache quad does not straddle a line
        expect(slotCounters(p.numClasses, p.numClasses - 1) + CLASS_COUNTER_WORDS).toBeLessThanOrEqual(l.slotWords);
        expect((l.slotWords * 4) % 64).toBe(0);
        expect(((SLOT.HEADS * 4) % 64) % (QUAD_WORDS * 4)).toBe(0);
        if (l.initialPages < 1) {
          // no room for data: Region.create refuses such a heap (HAKMEM_BAD_OPTION "leave no room for data")
          expect(l.data + PAGE_SIZE).toBeGreaterThan(p.base + p.initialBytes);
          return;
        }
        const rs = regions(l);
        let end = l.base;
        for (const [name, start, next, need] of rs) {
          // in order, each one starting where the previous one's words end or later
          expect(start, name).toBeGreaterThanOrEqual(end);
          // room for what it must hold before the next region starts
          expect(next - start, name).toBeGreaterThanOrEqual(need);
          // words for Atomics; cross-worker tables on their own cache lines; data on a page
          expect(start % 4, name).toBe(0);
          if (name !== 'control' && name !== 'class table' && name !== 'bitmap' && name !== 'data') expect(start % 64, name).toBe(0);
          end = start + need;
        }
        // inside the layout: from the base to the end it may grow to
        expect(rs[0][1]).toBe(l.base);
        expect(l.data % PAGE_SIZE).toBe(0);
        expect(l.data + l.maxPages * PAGE_SIZE).toBeLessThanOrEqual(l.maxEnd);
        expect(l.maxEnd).toBe(p.base + maxBytes);
        // and the data reaches as far as whole pages allow
        expect(l.data + (l.maxPages + 1) * PAGE_SIZE).toBeGreaterThan(l.maxEnd);
        expect(l.initialPages).toBe(Math.max(0, Math.floor((p.base + p.initialBytes - l.data) / PAGE_SIZE)));
      }),
      { numRuns: 300 },
    );
  });

  it('the control block: every word index distinct and inside it, the cross-worker words from their own cache line', () => {
    const words: Array<[string, number]> = [];
    for (const [k, v] of Object.entries(CTRL)) {
      const n = k === 'EXT_AT' || k === 'EXT_WORDS' || k === 'EXT_TAG' ? MAX_EXTRA : k === 'TOTAL_MISC' ? MISC_WORDS : 1;
      for (let i = 0; i < n; i++) words.push([`${k}+${i}`, v + i]);
    }
    const seen = new Map<number, string>();
    for (const [name, w] of words) {
      expect(seen.get(w), `${name} shares word ${w}`).toBeUndefined();
      seen.set(w, name);
      expect(w).toBeLessThan(CONTROL_WORDS);
    }
    // the words written once at creation (writeLayout) all come before the first cross-worker word,
    // which opens a cache line
    expect((CTRL.COMMITTED_PAGES * 4) % 64).toBe(0);
    const i32 = new Int32Array(CONTROL_WORDS).fill(0x7f7f7f7f);
    const l = computeLayout({ base: 0, initialBytes: 8 << 20, maxBytes: 8 << 20, numClasses: 47, numSlots: 9, extraWords: [8, 8, 8, 8] });
    writeLayout(i32, l, 12345, 1);
    const written = [...i32.keys()].filter((w) => i32[w] !== 0x7f7f7f7f);
    expect(written.length).toBeGreaterThan(20);
    expect(Math.max(...written)).toBeLessThan(CTRL.COMMITTED_PAGES);
  });

  it('a region is attached from its buffer alone', async () => {
    const r = region();
    const { Region } = await import('../src/region.js');
    const a = Region.attach(r.buffer, 0);
    expect(a.layout).toEqual({ ...r.layout, initialPages: r.committedPages() });
    expect(a.salt).toBe(r.salt);
    expect(Array.from(a.stride)).toEqual(Array.from(r.stride));
  });

  it('class geometry: spans of at least 8 blocks waste under 1/8 at their tail', () => {
    for (const s of [...SIZES, 65536, 40960, 5120]) {
      const g = classGeometry(s, 8);
      expect(g.blocks).toBeGreaterThanOrEqual(8);
      expect(g.spanPages * PAGE_SIZE - g.blocks * g.stride).toBeLessThan((g.spanPages * PAGE_SIZE) / 8);
    }
  });

  it.each([
    [8, 8],
    [8, 16],
    [0, 8],
    [0, 16],
  ])('class geometry (header %i, align %i): blocks aligned, inside their span, header included', (hdr, align) => {
    for (const s of [...SIZES, 4088, 4096, 65536, 40960, 5120, 120, 248]) {
      const g = classGeometry(s, hdr, align);
      expect(g.stride % align).toBe(0);
      expect(g.stride).toBeGreaterThanOrEqual(s + hdr);
      expect(g.lead % align).toBe(0);
      expect(g.lead).toBeGreaterThanOrEqual(hdr);
      // the first header and the last block's end lie in the span
      expect(g.lead + (g.blocks - 1) * g.stride + s).toBeLessThanOrEqual(g.spanPages * PAGE_SIZE);
      if (hdr === 8 && align === 8) expect(g.stride).toBe(s + 8); // align 8: the old, dense strides
    }
  });
});
