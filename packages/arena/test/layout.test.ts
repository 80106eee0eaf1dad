import { describe, expect, it } from 'vitest';
import { computeLayout, PAGE_SIZE, slotWordsFor } from '../src/layout.js';
import { classGeometry } from '../src/classes.js';
import { region, SIZES } from './helpers.js';

describe('layout', () => {
  it('regions are in order, aligned, do not overlap, and the data region is page aligned', () => {
    for (const base of [0, 8, 4096, 1 << 20]) {
      const l = computeLayout({ base, initialBytes: 8 << 20, maxBytes: 64 << 20, numClasses: 47, numSlots: 65 });
      const order = [l.base, l.classTable, l.slots, l.inbox, l.orphan, l.spans, l.bitmap, l.data];
      for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1]);
      for (const o of [l.slots, l.inbox, l.orphan]) expect(o % 64).toBe(0);
      expect(l.data % PAGE_SIZE).toBe(0);
      expect(l.slotWords % 16).toBe(0);
      expect(l.slotWords).toBe(slotWordsFor(47));
      expect(l.data + l.maxPages * PAGE_SIZE).toBeLessThanOrEqual(base + (64 << 20));
      expect(l.bitmap - l.spans).toBeGreaterThanOrEqual(l.maxPages * 32);
    }
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
