import { describe, expect, it } from 'vitest';
import { installChain, takeChain } from '../src/chain.js';
import { HeaderlessCache } from '../src/cache.js';
import { ALLOC_TAG, FREE_TAG, HEADS, toyCache } from './toy-backend.js';

const SIZES = [16, 32, 64, 128];

describe('ThreadCache (Box 1)', () => {
  it('refills on a miss with the hook, then pops without it', () => {
    const { c, b } = toyCache(SIZES, [8, 8, 8, 8], 4);
    const p1 = c.alloc(10);
    expect(b.refills).toBe(1);
    expect(c.cached(0)).toBe(3);
    const more = [c.alloc(16), c.alloc(1), c.alloc(0)];
    expect(b.refills).toBe(1);
    expect(new Set([p1, ...more]).size).toBe(4);
    for (const p of [p1, ...more]) {
      expect(p % 8).toBe(0);
      expect(b.i32[(p >>> 2) - 2]).toBe(ALLOC_TAG | 0);
    }
    c.alloc(16);
    expect(b.refills).toBe(2);
  });

  it('hands out pointers at and above 2^31 as unsigned numbers (a 4 GiB buffer) and takes them back', () => {
    const { c, b } = toyCache(SIZES, [8, 8, 8, 8], 4, 2 ** 32);
    b.next = 2 ** 31 - 3 * 24; // three blocks below 2^31, the rest above
    const ps = Array.from({ length: 12 }, () => c.alloc(16)); // hits and misses (refills of 4)
    for (const p of ps) {
      expect(p).toBe(p >>> 0);
      expect(b.i32[(p >>> 2) - 2]).toBe(ALLOC_TAG | 0);
    }
    expect(ps.filter((p) => p >= 2 ** 31).length).toBe(9);
    for (const p of ps) c.free(p);
    expect(c.alloc(16)).toBe(ps[11]); // LIFO, unsigned
    expect(b.drains.length).toBeGreaterThan(0);
  });

  it('maps sizes to classes and tags blocks with their class', () => {
    const { c, b } = toyCache(SIZES, [8, 8, 8, 8]);
    const p = c.alloc(100);
    expect(b.i32[(p >>> 2) - 2]).toBe(ALLOC_TAG | 3);
    c.free(p);
    expect(b.i32[(p >>> 2) - 2]).toBe(FREE_TAG | 3);
    expect(c.alloc(65)).toBe(p); // LIFO: the block just freed comes back first
  });

  it('pushes on free and drains past the bound, keeping half', () => {
    const { c, b } = toyCache(SIZES, [8, 8, 8, 8], 4);
    const ps = Array.from({ length: 20 }, () => c.alloc(16));
    const cachedBefore = c.cached(0);
    let frees = 0;
    for (const p of ps) {
      c.free(p);
      frees++;
      expect(c.cached(0)).toBeLessThanOrEqual(8);
      if (c.cached(0) + (b.drains.reduce((a, d) => a + d.n, 0)) !== cachedBefore + frees) {
        throw new Error('a block went missing');
      }
    }
    expect(b.drains.length).toBeGreaterThan(0);
    for (const d of b.drains) expect(d.n).toBe(5); // 9 cached > 8: give back 9 - 4
  });

  it('sends sizes it does not serve, and bad sizes, to allocSlow', () => {
    const { c, slow } = toyCache(SIZES, [8, 8, 8, 8]);
    for (const s of [129, -1, 1.5, Number.NaN, 2 ** 32, Infinity]) expect(c.alloc(s)).toBe(-1);
    expect(slow.slice(0, 2)).toEqual([129, -1]);
    expect(slow.length).toBe(6);
  });

  it('refuses any pointer whose header is not "allocated" (freeSlow), writing nothing', () => {
    const { c, b, slow } = toyCache(SIZES, [8, 8, 8, 8]);
    const p = c.alloc(16);
    c.free(p);
    const snapshot = Buffer.from(b.i32.slice().buffer);
    for (const q of [p, p + 8, p + 1, p + 4, p + 0.5, 0, -8, 1 << 30, Number.NaN]) c.free(q);
    expect(slow).toEqual([p, p + 8, p + 1, p + 4, p + 0.5, 0, -8, 1 << 30, Number.NaN]);
    expect(Buffer.from(b.i32.slice().buffer).equals(snapshot)).toBe(true);
  });

  it('starts unconnected: no refill, nothing beyond the lists', () => {
    const c = new HeaderlessCache({ i32: new Int32Array(new SharedArrayBuffer(4096)), heads: HEADS, classSizes: SIZES, bounds: [4, 4, 4, 4] });
    expect(c.alloc(16)).toBe(0);
    expect(c.alloc(1 << 20)).toBe(0);
  });

  it('returns 0 when the refill finds nothing, and keeps working after', () => {
    const { c } = toyCache([4096 - 8], [2], 1, 65536 + 2 * 4096);
    expect(c.alloc(100)).not.toBe(0);
    expect(c.alloc(100)).not.toBe(0);
    expect(c.alloc(100)).toBe(0);
    expect(c.alloc(100)).toBe(0);
  });

  it('setBound moves the room with the bound', () => {
    const { c } = toyCache(SIZES, [8, 8, 8, 8], 4);
    c.free(c.alloc(16));
    expect(c.cached(0)).toBe(4);
    c.setBound(0, 20);
    expect(c.cached(0)).toBe(4);
    expect(c.boundOf(0)).toBe(20);
    expect(() => c.setBound(0, 0)).toThrow(RangeError);
  });
});

describe('chain installer', () => {
  it('installs in front and takes from the front', () => {
    const { c, b } = toyCache(SIZES, [64, 64, 64, 64], 4);
    const a = c.alloc(16);
    const rest = [c.alloc(16), c.alloc(16), c.alloc(16)];
    expect(c.cached(0)).toBe(0);
    c.free(a); // the list holds one block: the chain goes in front of it
    expect(c.cached(0)).toBe(1);
    // link rest into a chain by hand and install it
    b.i32[(rest[0] >>> 2) - 1] = rest[1];
    b.i32[(rest[1] >>> 2) - 1] = rest[2];
    installChain(c, 0, rest[0], rest[2], 3);
    expect(c.cached(0)).toBe(4);
    const out = new Int32Array(2);
    const h = takeChain(c, 0, 2, out);
    expect(h).toBe(rest[0]);
    expect(out[0]).toBe(rest[1]);
    expect(out[1]).toBe(2);
    expect(c.cached(0)).toBe(2);
    // what is left: the chain's last block, then the block that was there before
    expect(takeChain(c, 0, 10, out)).toBe(rest[2]);
    expect([out[0], out[1]]).toEqual([a, 2]);
    expect(b.i32[(rest[2] >>> 2) - 1]).toBe(a);
    expect(c.cached(0)).toBe(0);
    expect(takeChain(c, 0, 10, out)).toBe(0);
    expect(out[1]).toBe(0);
  });
});

describe('HeaderlessCache', () => {
  it('links through the first word and needs the size on free', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(1 << 16));
    let next = 4096;
    const slow: number[] = [];
    const c: HeaderlessCache = new HeaderlessCache({
      i32, heads: HEADS, classSizes: SIZES, bounds: [4, 4, 4, 4],
      refiller: {
        refill: (cls) => {
          const p = next;
          next += SIZES[cls];
          installChain(c, cls, p, p, 1);
          return p;
        },
        drain: () => {},
      },
      fallback: { allocSlow: () => 0, freeSlow: (p) => void slow.push(p) },
    });
    const p = c.alloc(30);
    expect(p).toBe(4096);
    c.free(p, 30);
    expect(c.alloc(17)).toBe(p);
    c.free(p, 999);
    c.free(p + 3, 30);
    c.free(1 << 20, 30);
    expect(slow).toEqual([p, p + 3, 1 << 20]);
  });
});
