/**
 * What a JavaScript allocator provides to larson, on both sides of the worker boundary.
 *
 * The main thread creates the allocator, does the warm-up through `mainOps` (untimed), hands
 * `share` (structured-clonable) to every worker, and at the end frees what is left and checks.
 * A worker attaches with `attach` and runs generations with `generation`: THE loop, one function
 * per runner module (monomorphic call sites), with x, y and the loop variables in locals.
 *
 * The stop flag is read in the loop with a plain read of the shared Int32Array, as larson.cpp reads
 * its `volatile int stopflag`: Atomics.load there cost the bare harness 10-20 % (measured: 69-80 vs
 * 89-90 M iterations/s; the C port's relaxed atomic load runs at 90), a cost C does not pay. V8
 * does not hoist typed-array loads over the loop's stores, and the worker checks the flag with
 * Atomics.load after every generation anyway, so a late sighting costs at most one generation.
 */
import type { Worker } from 'node:worker_threads';
import type { LarsonParams } from './params.js';
import type { MemoryProbe } from '../memory/sampler.js';
import { C_STOP, type LarsonShared } from './shared.js';

/**
 * What every runner's loop state holds besides its allocator. The loop reads and writes larson's
 * shared words through one typed array, `w`, by word index: the stop flag, the range's lran2 state
 * (v[97], x, y: used in place, no copy per generation) and the two slot arrays. Each extra typed
 * array costs the loop a map check and a reload of its base and length per iteration (V8 cannot
 * keep them across the allocator's calls); see tools/bench/README.md, larson.
 */
export interface LoopState {
  u8: Uint8Array;
  /** larson's shared words (LarsonShared.words) */
  w: Int32Array;
  /** the stop flag's word (C_STOP) */
  stop: number;
  /** word index of range 0's lran2 state; range r's is r * rngStride further */
  rng0: number;
  rngStride: number;
  /** word index of blkp[0] and of blksize[0] (larson.cpp's two slot arrays, shared by all workers) */
  slots: number;
  sizes: number;
  /** slots per range (chunks), min size, max - min */
  asize: number;
  min: number;
  span: number;
  /** allocations that returned 0 in the last generation */
  failed: number;
  /** frees the allocator refused (smo: free returned false) in the last generation */
  refused: number;
}

/** alloc/free as the main thread's warm-up and clean-up use them (untimed, not hot). */
export interface MainOps {
  alloc(size: number): number;
  free(p: number): void;
  i32: Int32Array;
  u8: Uint8Array;
}

/** Verify mode: every block carries (worker, generation) at p+4 and p+8; frees are classified. */
export interface Tags {
  worker: number;
  gen: number;
  allocs: number;
  frees: number;
  /** frees of a block of another generation (or of the warm-up) */
  older: number;
  /** frees of a block another worker (or the main thread) allocated */
  cross: number;
  /** frees of a generation's block whose two bytes ('a', 'b') were not intact */
  bad: number;
}

export const newTags = (worker: number): Tags => ({ worker, gen: 0, allocs: 0, frees: 0, older: 0, cross: 0, bad: 0 });

export interface MainSide<M> {
  main: M;
  /** structured-clonable: what a worker attaches with */
  share: unknown;
  /** bytes of the heap / buffer (the parameters column says it) */
  heapBytes: number;
}

export interface LarsonRunner<M, S extends LoopState> {
  createMain(p: LarsonParams, o: { workers: number }): MainSide<M>;
  mainOps(main: M): MainOps;
  /** the main thread learns of a worker (hakmem: heap.watch) */
  watch?(main: M, worker: Worker): void;
  attach(share: unknown, shared: LarsonShared, p: LarsonParams): S | Promise<S>;
  /** THE loop: up to n iterations of range r (slots [r * asize, (r + 1) * asize)); returns the iterations done */
  generation(s: S, r: number, n: number): number;
  /** verify mode: route the loop's alloc/free through a tagging wrapper */
  instrument(s: S, tags: Tags): void;
  /** give the worker's share of the allocator back (hakmem: detach) */
  detach(s: S): void;
  /** bytes the worker's own caches hold when its last generation ends (hakmem), before detach */
  cachedBytes?(s: S): number;
  /** main, just before the clock starts: a baseline for the facts finish() reports (hakmem: refill counters) */
  mark?(main: M): void;
  /** main, after every worker ended and every slot was freed: 'ok' or what is wrong, and facts */
  finish(main: M): { check: string; facts?: Record<string, unknown> };
  /** where the allocator's memory figure is (../memory/peak.ts), sampled while the workers run */
  memory?(main: M): MemoryProbe;
}

/** The shared part of a worker's loop state. */
export function loopState(shared: LarsonShared, p: LarsonParams, u8: Uint8Array): LoopState {
  return {
    u8,
    w: shared.words,
    stop: C_STOP,
    rng0: shared.rngIndex(0),
    rngStride: shared.rngIndex(1) - shared.rngIndex(0),
    slots: shared.arrayAt,
    sizes: shared.sizesAt,
    asize: p.chunks,
    min: p.min,
    span: p.max - p.min,
    failed: 0,
    refused: 0,
  };
}

/**
 * A tagging wrapper around alloc/free (verify mode only): writes (worker, generation) at p+4 and
 * p+8 of every block (sizes are at least 12 in verify mode; larson writes p[0] and p[1]), and
 * classifies every free by the tags it finds.
 */
export function taggedOps<F extends (p: number) => unknown>(
  alloc: (size: number) => number,
  free: F,
  i32: () => Int32Array,
  u8: () => Uint8Array,
  tags: Tags,
): { alloc(size: number): number; free(p: number): ReturnType<F> } {
  return {
    alloc(size: number): number {
      const p = alloc(size);
      if (p !== 0) {
        const w = i32();
        w[(p + 4) >> 2] = tags.worker;
        w[(p + 8) >> 2] = tags.gen;
        tags.allocs++;
      }
      return p;
    },
    free(p: number) {
      if (p !== 0) {
        const w = i32();
        const b = u8();
        const tw = w[(p + 4) >> 2];
        const tg = w[(p + 8) >> 2];
        tags.frees++;
        if (tg !== tags.gen) tags.older++;
        if (tw !== tags.worker) tags.cross++;
        if (tg !== 0 && (b[p] !== 97 || b[p + 1] !== 98)) tags.bad++;
      }
      return free(p) as ReturnType<F>;
    },
  };
}
