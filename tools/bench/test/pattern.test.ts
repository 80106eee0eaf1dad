/**
 * Fidelity of the pattern itself: the JS generator against a textbook transcription of
 * BENCHMARKS.md, and against the C port's --pattern mode (a null allocator: no malloc).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FNV_BASIS, type MixedParams, MIXED_DEFAULTS, mix } from '../src/random-mixed/params.js';
import { referencePattern } from '../src/random-mixed/pattern.js';
import { runNativeMixed } from '../src/random-mixed/native.js';
import { findPreloadLib } from '../src/native/toolchain.js';
import { nativeBinary, needsGcc, noticeNoGcc } from './helpers.js';

const SETS: MixedParams[] = [
  { ...MIXED_DEFAULTS, cycles: 200_000 },
  { cycles: 50_000, ws: 1000, seed: 42, min: 16, max: 1039 }, // ws not a power of two: r % ws
  { cycles: 50_000, ws: 512, seed: 4_000_000_000, min: 100, max: 700 }, // clamping; seed + 0xDEADBEEF wraps
  { cycles: 30_000, ws: 3, seed: 7, min: 16, max: 1039 }, // tiny working set
  { cycles: 9, ws: 8192, seed: 1, min: 16, max: 1039 }, // cycles / 10 = 0
];

/** BENCHMARKS.md word for word, on a uint32 state with `% ws` and no shortcuts. */
function textbook(p: MixedParams) {
  const slots: (null | { size: number; byte: number })[] = new Array(p.ws).fill(null);
  let h = FNV_BASIS;
  const counts = { prefault: { allocs: 0, frees: 0 }, main: { allocs: 0, frees: 0 }, drain: 0 };
  const run = (seed: number, n: number, c: { allocs: number; frees: number }) => {
    let state = seed >>> 0;
    for (let i = 0; i < n; i++) {
      state = (state ^ (state << 13)) >>> 0;
      state = (state ^ (state >>> 17)) >>> 0;
      state = (state ^ (state << 5)) >>> 0;
      const r = state;
      const idx = r % p.ws;
      h = mix(h, idx);
      if (slots[idx] !== null) {
        slots[idx] = null;
        h = mix(h, 0xffffffff);
        c.frees++;
      } else {
        const size = Math.min(p.max, Math.max(p.min, 16 + (r & 0x3ff)));
        slots[idx] = { size, byte: r & 0xff };
        h = mix(h, size);
        c.allocs++;
      }
    }
  };
  const fp = () => slots.reduce((acc, s, i) => (s ? mix(mix(acc, i), s.byte) : acc), FNV_BASIS);
  run((p.seed + 0xdeadbeef) % 2 ** 32, Math.floor(p.cycles / 10), counts.prefault);
  const fp0 = fp();
  run(p.seed, p.cycles, counts.main);
  const fp1 = fp();
  slots.forEach((s, i) => {
    if (s) {
      h = mix(mix(h, i), 0xfffffffe);
      counts.drain++;
    }
  });
  return { counts, fp0, fp1, checksum: h };
}

noticeNoGcc('the C half of the pattern tests');

describe('random-mixed pattern', () => {
  it.each(SETS)('the JS generator follows BENCHMARKS.md to the op (%o)', (p) => {
    const ref = referencePattern(p);
    const tb = textbook(p);
    expect(ref.checksum).toBe(tb.checksum);
    expect(ref.prefault).toMatchObject({ ...tb.counts.prefault, fingerprint: tb.fp0 });
    expect(ref.main).toMatchObject({ ...tb.counts.main, fingerprint: tb.fp1 });
    expect(ref.drain.frees).toBe(tb.counts.drain);
    // every iteration is one op; whatever was allocated is freed by the end
    expect(ref.main.allocs + ref.main.frees).toBe(p.cycles);
    expect(ref.prefault.allocs + ref.main.allocs).toBe(ref.prefault.frees + ref.main.frees + ref.drain.frees);
  });

  it('with ws a power of two >= 1024, a slot always gets the same size (the quirk kept on purpose)', () => {
    const seen = new Map<number, number>();
    let x = 1234567 | 0;
    for (let i = 0; i < 100_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const idx = x & 8191;
      const size = 16 + (x & 0x3ff);
      expect(seen.get(idx) ?? size).toBe(size);
      seen.set(idx, size);
    }
  });

  describe('the C port (native/random_mixed.c)', () => {
    beforeEach(needsGcc);
    it.each(SETS)('--pattern prints the same ops as the JS generator (%o)', (p) => {
      const bin = nativeBinary() as string;
      const c = runNativeMixed(bin, p, { mode: 'pattern' });
      const ref = referencePattern(p);
      expect(c.checksum).toBe(ref.checksum);
      expect(c.prefault).toEqual(ref.prefault);
      expect(c.main).toEqual(ref.main);
      expect(c.drain).toEqual(ref.drain);
    });

    it.each(SETS.slice(0, 3))('with real malloc it does the reference ops and keeps every byte (%o)', (p) => {
      const bin = nativeBinary() as string;
      const ref = referencePattern(p);
      const libs = [undefined, findPreloadLib('mimalloc'), findPreloadLib('jemalloc')].filter((l, i) => i === 0 || l);
      for (const preload of libs) {
        const c = runNativeMixed(bin, p, { mode: 'verify', preload });
        expect(c.prefault).toEqual(ref.prefault);
        expect(c.main).toEqual(ref.main);
        expect(c.drain).toEqual(ref.drain);
        expect(c.opsPerSec).toBeGreaterThan(0);
      }
    });
  });
});
