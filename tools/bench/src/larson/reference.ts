/**
 * The reference larson: the whole benchmark replayed in one thread with a null allocator, from
 * the seed and the number of iterations each range did. Every run is checked against it after the
 * fact (the final size of every slot must match), and it counts what the runs cannot count without
 * slowing their hot loop down: how many frees hit a block of an earlier generation (larson's
 * cross-thread frees: each generation is a new thread) and how many hit a block another worker
 * allocated, for a given assignment of generations to workers.
 */
import { FNV_BASIS, mix } from '../random-mixed/params.js';
import { LRAN2_WORDS, lran2, lran2Init } from './lran2.js';
import { generationIters, type LarsonParams, slotCount } from './params.js';

/**
 * Who runs generation k of range r:
 * - 'threads': a new thread (native) or a new Worker (respawn) per generation;
 * - 'handoff': `workers` long-lived workers, generation k of range r on worker (r - k) mod workers.
 */
export type Assignment = { kind: 'threads' } | { kind: 'handoff'; workers: number };

/** Worker of generation k of range r under handoff (0-based; the main thread is not one of them). */
export const handoffWorker = (r: number, k: number, workers: number): number => (((r - k) % workers) + workers) % workers;

/** A generation's id: unique per (range, generation); 0 is the main thread's warm-up. */
export const generationId = (p: LarsonParams, r: number, k: number): number => 1 + r + p.threads * k;

export interface LarsonCounts {
  /** allocations (= frees) by the threads / workers: the benchmark's result counts these */
  allocs: number;
  /** frees of a block allocated by an earlier generation or the warm-up (larson's cross-thread frees) */
  olderFrees: number;
  /** frees of a block another thread / worker allocated (the main thread counts as one) */
  crossFrees: number;
  /** generations that did at least one iteration (larson's cThreads) */
  generations: number;
  /** warm-up: threads * chunks allocs, then 4 * threads * chunks frees and allocs */
  warmupAllocs: number;
  warmupFrees: number;
  /** FNV over (slot, size) of every slot at the end */
  checksum: number;
  /**
   * Peak live bytes (sum of the slots' sizes): the larger of the warm-up's peak and the sum over
   * ranges of each range's own peak. Ranges run at once, so their exact common peak depends on
   * timing; the sum of their peaks bounds it from above (ranges are stationary: it is close).
   */
  peakLiveBytes: number;
}

/** The per-range seeds and generator states right after the warm-up (what the threads start from). */
export interface WarmupResult {
  sizes: Int32Array;
  /** LRAN2_WORDS words per range */
  rng: Int32Array;
  /** the most bytes live at once during the warm-up (after each alloc) */
  peakLiveBytes: number;
}

/**
 * The main thread's warm-up on sizes only: allocate, shuffle, 4 * n free-and-replace; then one
 * seed per thread. `hooks` lets a real run do the allocations in the same order.
 */
export function warmup(
  p: LarsonParams,
  hooks?: { alloc(slot: number, size: number): void; swap(a: number, b: number): void; replace(slot: number, size: number): void },
): WarmupResult {
  const n = slotCount(p);
  const g = new Int32Array(LRAN2_WORDS);
  lran2Init(g, 0, p.seed);
  const span = p.max - p.min;
  const size = () => (span === 0 ? p.min : p.min + (lran2(g, 0) % span));
  const sizes = new Int32Array(n);
  let live = 0;
  for (let c = 0; c < n; c++) {
    sizes[c] = size();
    live += sizes[c];
    hooks?.alloc(c, sizes[c]);
  }
  let peak = live;
  for (let c = n; c > 0; c--) {
    const victim = lran2(g, 0) % c;
    const t = sizes[victim];
    sizes[victim] = sizes[c - 1];
    sizes[c - 1] = t;
    hooks?.swap(victim, c - 1);
  }
  for (let c = 0; c < 4 * n; c++) {
    const victim = lran2(g, 0) % n;
    live -= sizes[victim];
    sizes[victim] = size();
    live += sizes[victim];
    if (live > peak) peak = live;
    hooks?.replace(victim, sizes[victim]);
  }
  const rng = new Int32Array(p.threads * LRAN2_WORDS);
  for (let i = 0; i < p.threads; i++) lran2Init(rng, i * LRAN2_WORDS, lran2(g, 0));
  return { sizes, rng, peakLiveBytes: peak };
}

/** Replay: `iters[r]` iterations on range r (a run reports them), generations assigned as given. */
export function replayLarson(p: LarsonParams, iters: readonly number[], a: Assignment): LarsonCounts {
  if (iters.length !== p.threads) throw new Error(`replay: ${iters.length} ranges for ${p.threads} threads`);
  const { sizes, rng, peakLiveBytes: warmPeak } = warmup(p);
  const n = slotCount(p);
  const allocGen = new Int32Array(n); // 0: the warm-up
  const allocWorker = new Int32Array(n).fill(-1); // -1: the main thread
  const span = p.max - p.min;
  const per = generationIters(p);
  const chunks = p.chunks;
  let allocs = 0;
  let older = 0;
  let cross = 0;
  let generations = 0;
  let rangePeaks = 0;
  for (let r = 0; r < p.threads; r++) {
    const at = r * LRAN2_WORDS;
    let live = 0;
    for (let c = r * chunks; c < (r + 1) * chunks; c++) live += sizes[c];
    let peak = live;
    const v = rng.subarray(at, at + 97);
    let x = rng[at + 97];
    let y = rng[at + 98];
    const base = r * chunks;
    for (let k = 0, done = 0; done < iters[r]; k++) {
      generations++;
      const gen = generationId(p, r, k);
      const worker = a.kind === 'threads' ? gen : handoffWorker(r, k, a.workers);
      const end = Math.min(iters[r], done + per);
      for (; done < end; done++) {
        let j = y % 97;
        y = v[j];
        x = (1366 * x + 150889) % 714025;
        v[j] = x;
        const victim = base + (y % chunks);
        if (allocGen[victim] !== gen) older++;
        if (allocWorker[victim] !== worker) cross++;
        let size = p.min;
        if (span !== 0) {
          j = y % 97;
          y = v[j];
          x = (1366 * x + 150889) % 714025;
          v[j] = x;
          size = p.min + (y % span);
        }
        live += size - sizes[victim];
        if (live > peak) peak = live;
        sizes[victim] = size;
        allocGen[victim] = gen;
        allocWorker[victim] = worker;
        allocs++;
      }
    }
    rangePeaks += peak;
  }
  return {
    allocs,
    olderFrees: older,
    crossFrees: cross,
    generations,
    warmupAllocs: 5 * n,
    warmupFrees: 4 * n,
    checksum: sizesChecksum(sizes),
    peakLiveBytes: Math.max(warmPeak, rangePeaks),
  };
}

/** FNV over (slot, size) of every slot: what the runs and the C port report at the end. */
export function sizesChecksum(sizes: Int32Array): number {
  let h = FNV_BASIS;
  for (let c = 0; c < sizes.length; c++) h = mix(mix(h, c), sizes[c]);
  return h;
}
