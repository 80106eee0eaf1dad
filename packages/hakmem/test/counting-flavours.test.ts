/**
 * The counting flavours (`counters: true`, `'low-water'`) are their own alloc on top of the
 * default cache, and the refill engine, the arena and diagnostics read their quad's words. Property:
 * on any sequence of allocs, frees, bursts past the bound and flushes, a heap with counters hands
 * out the same blocks as a heap without, refills and drains at the same points, caches as many
 * blocks (by the cache, by stats() and by validate()), and its hits are exactly the allocations
 * its lists served.
 */
import { snapshot } from '@hakmem/pool-diagnostics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHeap, type Heap } from '../src/index.js';

/** three classes; 48 B has bound 256, so bursts of a few hundred drain */
const SIZES = [16, 48, 1000];
const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('alloc' as const), size: fc.constantFrom(...SIZES) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('free' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('burst' as const), size: fc.constantFrom(...SIZES), n: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flush' as const) }) },
);
type Op = { k: 'alloc' | 'free' | 'burst' | 'flush'; size?: number; at?: number; n?: number };

const cachedOf = (h: Heap, cls: number) => (h as unknown as { cached(c: number): number }).cached(cls);

function run(heaps: Heap[], ops: Op[]): { served: number[] } {
  const live: number[] = [];
  const nc = heaps[0].stats().classes.length;
  // allocations of each class (a refill serves one, the list the rest)
  const served = new Array<number>(nc).fill(0);
  const alloc = (size: number) => {
    const ps = heaps.map((h) => h.alloc(size));
    expect(new Set(ps).size, `alloc(${size}) handed out ${ps.join(', ')}`).toBe(1);
    if (ps[0] !== 0) {
      live.push(ps[0]);
      served[heaps[0].classOf(size)]++;
    }
    return ps[0];
  };
  const free = (p: number) => {
    for (const h of heaps) h.free(p);
  };
  for (const o of ops) {
    if (o.k === 'alloc') alloc(o.size!);
    else if (o.k === 'free' && live.length > 0) free(live.splice(o.at! % live.length, 1)[0]);
    else if (o.k === 'burst') {
      const ps: number[] = [];
      for (let i = 0; i < o.n!; i++) ps.push(alloc(o.size!));
      for (const p of ps) if (p !== 0) free(live.splice(live.indexOf(p), 1)[0]);
    } else if (o.k === 'flush') for (const h of heaps) h.flush();
    for (let cls = 0; cls < nc; cls++) {
      const want = cachedOf(heaps[0], cls);
      for (const h of heaps) expect(cachedOf(h, cls)).toBe(want);
    }
  }
  return { served };
}

describe('the counting flavours', () => {
  it('a heap with counters behaves as one without: the same blocks, refills, drains and cache; hits exact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const heaps = [false, true, 'low-water' as const].map((counters) => createHeap({ size: 8 << 20, counters, learning: false }));
        try {
          const { served } = run(heaps, ops as Op[]);
          const shots = heaps.map((h) => snapshot(h.handle).workers[0].classes);
          // validate() throws at a broken invariant (a list longer or shorter than its words say)
          const reports = heaps.map((h) => h.validate());
          // stats() reads every slot's words for its cached and in-use bytes
          const stats = heaps.map((h) => h.stats().classes.map((c) => [c.cached, c.inUse]));
          for (const st of stats) expect(st).toEqual(stats[0]);
          for (const [k] of heaps.entries()) {
            expect(reports[k], `heap ${k}`).toEqual(reports[0]);
            for (const c of shots[k]) {
              const base = shots[0].find((x) => x.cls === c.cls)!;
              const same = ({ misses, drains, blocksRefilled, blocksDrained, cached }: typeof c) => ({ misses, drains, blocksRefilled, blocksDrained, cached });
              expect(same(c), `heap ${k} class ${c.cls}`).toEqual(same(base));
              if (k > 0) expect(c.hits, `heap ${k} class ${c.cls} hits`).toBe(served[c.cls] - c.misses);
            }
          }
        } finally {
          await Promise.all(heaps.map((h) => h.close()));
        }
      }),
      { numRuns: 60 },
    );
  });
});
