/**
 * Property test against a model: random alloc/calloc/realloc/free sequences over every class
 * size and large sizes. Each live block is filled with its own byte pattern; the model checks that
 * blocks never overlap, stay aligned, keep their bytes (through realloc too), that sizeOf covers the
 * request, that validate() passes, and that freeing everything leaves nothing in use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultClassSizes } from '@hakmem/pool-tls';
import { createHeap, type Heap } from '../src/index.js';

const CLASSES = defaultClassSizes();
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 256 }) },
  { weight: 3, arbitrary: fc.constantFrom(...CLASSES.flatMap((s) => [s - 1, s, s + 1])) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 65536 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65537, max: 600_000 }) },
);
const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('alloc' as const), size }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('calloc' as const), size }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('realloc' as const), size, at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('free' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flush' as const) }) },
);

interface Live {
  p: number;
  size: number;
  seed: number;
}

function fill(h: Heap, b: Live): void {
  const u8 = h.u8;
  for (let i = 0; i < b.size; i++) u8[b.p + i] = (b.seed + i * 31) & 0xff;
}

function check(h: Heap, b: Live, n = b.size): void {
  const u8 = h.u8;
  for (let i = 0; i < n; i++) {
    if (u8[b.p + i] !== ((b.seed + i * 31) & 0xff)) throw new Error(`block ${b.p} byte ${i} changed`);
  }
}

function noOverlap(live: Live[], h: Heap): void {
  const spans = live.map((b) => [b.p, b.p + h.sizeOf(b.p)] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw new Error(`blocks ${spans[i - 1][0]} and ${spans[i][0]} overlap`);
  }
}

function run(h: Heap, ops: fc.Arbitrary<unknown> extends never ? never : Array<{ k: string; size?: number; at?: number }>): void {
  const live: Live[] = [];
  let seed = 1;
  const take = (at: number) => live.splice(at % live.length, 1)[0];
  for (const o of ops) {
    if (o.k === 'alloc' || o.k === 'calloc') {
      const p = o.k === 'alloc' ? h.alloc(o.size!) : h.calloc(o.size!);
      if (p === 0) continue; // exhausted: allowed, the heap must stay intact
      expect(p % 8).toBe(0);
      expect(h.sizeOf(p)).toBeGreaterThanOrEqual(o.size!);
      if (o.k === 'calloc') for (let i = 0; i < o.size!; i++) if (h.u8[p + i] !== 0) throw new Error('calloc not zeroed');
      const b = { p, size: o.size!, seed: seed++ };
      fill(h, b);
      live.push(b);
    } else if (o.k === 'realloc' && live.length > 0) {
      const b = live[o.at! % live.length];
      const q = h.realloc(b.p, o.size!);
      if (q === 0) {
        check(h, b); // failed realloc leaves the block as it was
        continue;
      }
      const kept = Math.min(b.size, o.size!);
      b.p = q;
      check(h, b, kept);
      expect(h.sizeOf(q)).toBeGreaterThanOrEqual(o.size!);
      b.size = o.size!;
      fill(h, b);
    } else if (o.k === 'free' && live.length > 0) {
      const b = take(o.at!);
      check(h, b);
      h.free(b.p);
    } else if (o.k === 'flush') {
      h.flush();
    }
  }
  noOverlap(live, h);
  for (const b of live) check(h, b);
  h.validate();
  for (const b of live.splice(0)) h.free(b.p);
  h.validate();
  const s = h.stats();
  expect(s.bytes.inUse).toBe(0);
  expect(s.classes.every((c) => c.inUse === 0)).toBe(true);
  expect(s.large.blocks).toBe(0);
}

describe('model: random sequences over all class sizes and large sizes', () => {
  it('live blocks never overlap, keep their bytes, validate() passes, nothing left in use', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), (ops) => {
        const h = createHeap({ size: 4 << 20, maxWorkers: 2, learning: false });
        run(h, ops as never);
        // nothing is live now: a flush gives every cached block back, and with them every span,
        // so no page stays reserved
        h.flush();
        const s = h.stats();
        expect(s.classes.reduce((n, c) => n + c.cached, 0)).toBe(0);
        expect(s.bytes.reserved).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('holds on a growable heap that has to grow', () => {
    // two large blocks that together exceed the initial megabyte open every sequence: it must grow
    const big = { k: 'alloc' as const, size: 600_000 };
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 300 }), (ops) => {
        const h = createHeap({ size: 1 << 20, maxSize: 16 << 20, maxWorkers: 1, learning: false });
        const initial = h.stats().bytes.committed;
        expect(initial).toBeLessThan(2 * 600_000);
        run(h, [big, big, ...ops] as never);
        expect(h.stats().growth.events).toBeGreaterThan(0);
        expect(h.stats().bytes.committed).toBeGreaterThan(initial);
      }),
      { numRuns: 40 },
    );
  });
});
