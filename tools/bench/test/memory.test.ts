/**
 * Peak memory beside the time: the arithmetic of the "memory vs live" column, the peak live bytes
 * each benchmark computes from its own pattern (against brute force), hakmem's memory words
 * against heap.stats(), and the sampler catching a peak that is gone by the time it stops.
 */
import { createHeap } from 'hakmem';
import { describe, expect, it } from 'vitest';
import { formatMiB, formatVsLive, medianMemory, memoryVsLive, peakMemory, rssOverEmpty } from '../src/memory/peak.js';
import { readWords, startSampler } from '../src/memory/sampler.js';
import { referencePattern } from '../src/random-mixed/pattern.js';
import { hakmemProbe } from '../src/random-mixed/runners/common.js';
import { replayLarson, warmup } from '../src/larson/reference.js';
import { lran2, lran2Init } from '../src/larson/lran2.js';
import { LRAN2_WORDS } from '../src/larson/lran2.js';
import { shiftingPeakLive } from '../src/learning/shifting.js';

describe('memory column arithmetic', () => {
  it('memory vs live, RSS over the empty program, medians, formats', () => {
    expect(memoryVsLive(3 << 20, 2 << 20)).toBe(1.5);
    expect(memoryVsLive(1, 0)).toBeNaN();
    expect(rssOverEmpty(5000, 1300)).toBe(3700 * 1024);
    expect(rssOverEmpty(1000, 1300)).toBe(0);
    const m = peakMemory('reserved', 3 << 20, 2 << 20, { committed: 64 << 20 });
    expect(m).toEqual({ kind: 'reserved', bytes: 3 << 20, liveBytes: 2 << 20, vsLive: 1.5, committed: 64 << 20 });
    expect(formatVsLive(m)).toBe('1.50x');
    expect(formatVsLive(undefined)).toBe('-');
    expect(formatMiB(3 << 20)).toBe('3.00');
    expect(formatMiB(150 * 2 ** 20)).toBe('150');
    expect(formatMiB(undefined)).toBe('-');
    const a = peakMemory('rss', 10, 10);
    const b = peakMemory('rss', 30, 10);
    const c = peakMemory('rss', 20, 10);
    expect(medianMemory([a, undefined, b, c])).toBe(c);
    expect(medianMemory([undefined])).toBeUndefined();
  });
});

describe('peak live bytes', () => {
  it('random-mixed: the reference pattern equals brute force (sum of every live slot after each op)', () => {
    for (const p of [{ cycles: 3000, ws: 16, seed: 99, min: 16, max: 1039 }, { cycles: 2000, ws: 13, seed: 7, min: 100, max: 300 }]) {
      const size = new Array<number>(p.ws).fill(0);
      let peak = 0;
      const run = (seed: number, n: number) => {
        let x = seed >>> 0;
        for (let i = 0; i < n; i++) {
          x = (x ^ (x << 13)) >>> 0;
          x = (x ^ (x >>> 17)) >>> 0;
          x = (x ^ (x << 5)) >>> 0;
          const idx = x % p.ws;
          if (size[idx] !== 0) size[idx] = 0;
          else size[idx] = Math.min(p.max, Math.max(p.min, 16 + (x & 0x3ff)));
          peak = Math.max(peak, size.reduce((s, v) => s + v, 0));
        }
      };
      run((p.seed + 0xdeadbeef) >>> 0, Math.floor(p.cycles / 10));
      run(p.seed, p.cycles);
      expect(referencePattern(p).peakLiveBytes).toBe(peak);
    }
  });

  it('larson: the replay gives the warm-up peak or the sum of the ranges\' own peaks, as brute force does', () => {
    for (const p of [
      { sleep: 0, min: 8, max: 100, chunks: 7, rounds: 3, seed: 4141, threads: 1 },
      { sleep: 0, min: 8, max: 1000, chunks: 5, rounds: 2, seed: 12345, threads: 2 },
    ]) {
      const iters = [23, 31].slice(0, p.threads);
      const w = warmup(p);
      // brute force: warm-up again with every sum recomputed
      const g = new Int32Array(LRAN2_WORDS);
      lran2Init(g, 0, p.seed);
      const n = p.chunks * p.threads;
      const span = p.max - p.min;
      const sz = new Array<number>(n);
      let warmPeak = 0;
      for (let c = 0; c < n; c++) sz[c] = p.min + (lran2(g, 0) % span);
      for (let c = n; c > 0; c--) {
        const v = lran2(g, 0) % c;
        [sz[v], sz[c - 1]] = [sz[c - 1], sz[v]];
      }
      warmPeak = sz.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 4 * n; c++) {
        const v = lran2(g, 0) % n;
        sz[v] = p.min + (lran2(g, 0) % span);
        warmPeak = Math.max(warmPeak, sz.reduce((a, b) => a + b, 0));
      }
      expect(w.peakLiveBytes).toBe(warmPeak);
      // each range alone: its slots' sum after every iteration, from the per-range generators
      let sumPeaks = 0;
      for (let r = 0; r < p.threads; r++) {
        const rng = w.rng.slice(r * LRAN2_WORDS, (r + 1) * LRAN2_WORDS);
        const mine = Array.from(w.sizes.slice(r * p.chunks, (r + 1) * p.chunks));
        let peak = mine.reduce((a, b) => a + b, 0);
        for (let i = 0; i < iters[r]; i++) {
          const victim = lran2(rng, 0) % p.chunks;
          mine[victim] = p.min + (lran2(rng, 0) % span);
          peak = Math.max(peak, mine.reduce((a, b) => a + b, 0));
        }
        sumPeaks += peak;
      }
      expect(replayLarson(p, iters, { kind: 'threads' }).peakLiveBytes).toBe(Math.max(warmPeak, sumPeaks));
    }
  });

  it('learning: the shifting workload\'s peak is a burst on top of the light phase\'s slots', () => {
    const p = { cycles: 2, burst: 4000, light: 3000, seed: 11 }; // the 2 KiB burst is the peak
    const sizes = new Array<number>(1024).fill(0);
    const liveNow = () => sizes.reduce((a, b) => a + b, 0);
    let peak = 0;
    for (let c = 0; c < p.cycles; c++) {
      peak = Math.max(peak, liveNow() + p.burst * 64);
      let x = (p.seed + c) | 0;
      for (let i = 0; i < p.light; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const idx = x & 1023;
        sizes[idx] = sizes[idx] !== 0 ? 0 : 16 + ((x >>> 12) & 4095);
        peak = Math.max(peak, liveNow());
      }
      peak = Math.max(peak, liveNow() + (p.burst / 4) * 2048);
    }
    expect(shiftingPeakLive(p)).toBe(peak);
  });
});

describe('hakmem memory words and the sampler', () => {
  it('the control words the bench samples are what heap.stats() reports', () => {
    const heap = createHeap({ size: 16 << 20, learning: false });
    const probe = hakmemProbe(heap);
    const ps: number[] = [];
    for (let i = 0; i < 3000; i++) ps.push(heap.alloc(16 + (i % 900)));
    ps.push(heap.alloc(200_000)); // a large block: pages of its own
    const words = readWords(probe.source!);
    const s = heap.stats();
    expect(words.reserved).toBe(s.bytes.reserved);
    expect(words.committed).toBe(s.bytes.committed);
    expect(words.reserved).toBeGreaterThan(200_000);
    for (const p of ps) heap.free(p);
  });

  it('catches a peak that is gone before it stops', () => {
    const buf = new SharedArrayBuffer(64);
    const i32 = new Int32Array(buf);
    Atomics.store(i32, 3, 5);
    const s = startSampler({ buffer: buf, words: [{ name: 'w', index: 3, scale: 4096 }] });
    const pause = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(i32, 3, 700);
    Atomics.wait(pause, 0, 0, 30);
    Atomics.store(i32, 3, 9);
    Atomics.wait(pause, 0, 0, 10);
    const r = s.stop();
    expect(r.samples).toBeGreaterThan(0);
    expect(r.peaks.w).toBe(700 * 4096);
  });
});
