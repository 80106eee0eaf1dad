import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CTRL, PAGE_SIZE } from '../src/layout.js';
import { claimPages as claim, pageInUse, releasePages } from '../src/pages.js';

const allocPages = (r: Parameters<typeof claim>[0], n: number, _me: number) => claim(r, n);
const freePages = (r: Parameters<typeof claim>[0], pg: number, n: number, _me: number) => releasePages(r, pg, n);
import { region } from './helpers.js';

describe('page allocator', () => {
  it('first fit, reuse of freed runs, and -1 when full', () => {
    const r = region(1 << 20);
    const total = r.committedPages();
    const a = allocPages(r, 3, 0);
    const b = allocPages(r, 5, 0);
    expect([a, b]).toEqual([0, 3]);
    freePages(r, a, 3, 0);
    expect(allocPages(r, 4, 0)).toBe(8); // does not fit in the 3-page hole
    expect(allocPages(r, 2, 0)).toBe(0); // first fit goes back to the hole
    expect(allocPages(r, 1, 0)).toBe(2);
    expect(allocPages(r, total, 0)).toBe(-1);
    const rest = total - 12;
    expect(allocPages(r, rest, 0)).toBe(12);
    expect(allocPages(r, 1, 0)).toBe(-1);
    expect(Atomics.load(r.i32, r.ctrl + CTRL.USED_PAGES)).toBe(total);
    for (let pg = 0; pg < total; pg++) expect(pageInUse(r, pg)).toBe(true);
  });

  it('runs across bitmap words', () => {
    const r = region(2 << 20);
    expect(allocPages(r, 30, 0)).toBe(0);
    expect(allocPages(r, 70, 0)).toBe(30);
    freePages(r, 0, 30, 0);
    expect(allocPages(r, 31, 0)).toBe(100);
    expect(allocPages(r, 30, 0)).toBe(0);
  });

  it('first fit against a model: the lowest run that fits, -1 only when none does (any holes)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ alloc: fc.boolean(), n: fc.integer({ min: 1, max: 70 }), pick: fc.nat() }), { maxLength: 300 }), (ops) => {
        const r = region(1 << 20);
        const total = r.committedPages();
        const used = new Uint8Array(total);
        const runs: Array<[number, number]> = [];
        const lowestFit = (n: number) => {
          for (let s = 0, run = 0; s < total; s++) {
            run = used[s] ? 0 : run + 1;
            if (run === n) return s - n + 1;
          }
          return -1;
        };
        for (const op of ops) {
          if (op.alloc || runs.length === 0) {
            const pg = allocPages(r, op.n, 0);
            expect(pg).toBe(lowestFit(op.n));
            if (pg >= 0) {
              used.fill(1, pg, pg + op.n);
              runs.push([pg, op.n]);
            }
          } else {
            const [pg, n] = runs.splice(op.pick % runs.length, 1)[0];
            freePages(r, pg, n, 0);
            used.fill(0, pg, pg + n);
          }
        }
        for (let pg = 0; pg < total; pg++) expect(pageInUse(r, pg)).toBe(used[pg] === 1);
      }),
      { numRuns: 200 },
    );
  });

  it('grows a growable buffer to fit, up to its maximum', () => {
    const r = region(1 << 20, { maxBytes: 4 << 20 });
    const before = r.committedPages();
    const gen = r.gen;
    // a caller's view, as the cache and engine keep one (Region.onViews)
    let view: Int32Array | null = null;
    r.onViews.push((i32) => (view = i32));
    const a = allocPages(r, before + 10, 0);
    expect(a).toBe(0);
    expect(r.committedPages()).toBeGreaterThan(before);
    expect(r.buffer.byteLength).toBeGreaterThan(1 << 20);
    expect(r.gen).toBe(gen + 1);
    // the caller's views were rebuilt, and they reach the last word of the run just claimed
    const lastWord = ((r.data + (a + before + 10) * PAGE_SIZE) >>> 2) - 1;
    expect(view).toBe(r.i32);
    expect(r.i32.length).toBeGreaterThan(lastWord);
    r.i32[lastWord] = 0x5a5a5a5a;
    expect(new Int32Array(r.buffer)[lastWord]).toBe(0x5a5a5a5a);
    expect(allocPages(r, r.layout.maxPages, 0)).toBe(-1);
    expect(r.buffer.byteLength).toBeLessThanOrEqual(4 << 20);
  });
});
