/**
 * What a JavaScript runner of random-mixed provides, and the protocol that drives it.
 *
 * Each runner module has its OWN loop function (never shared between allocators, so its call
 * sites stay monomorphic), with the RNG state and every loop variable in locals of that one
 * function. The protocol calls it a handful of times (warm-up, prefault, main loop), outside any
 * hot loop. The bench runs every allocator in its own child process (./child.ts), so JIT state of
 * one allocator never touches another's.
 */
import { performance } from 'node:perf_hooks';
import { type MixedCounts, type MixedParams, phaseCounts, prefaultCycles, prefaultSeed } from './params.js';
import type { MemoryKind } from '../memory/peak.js';
import { peakRssBytes, resetPeakRss, rssBytes } from '../memory/rss.js';
import { type MemoryProbe, mergePeaks, readWords, type Sampler, startSampler } from '../memory/sampler.js';
import { pinMainThread, pinning } from '../report/pin.js';

export type { MemoryProbe };

export interface MixedRunner<I> {
  /** A fresh allocator with `ws` empty slots beside it. */
  create(p: MixedParams): I;
  /** THE loop: `n` iterations of the pattern from `seed` on the instance's slots; returns failed allocs. */
  loop(inst: I, seed: number, n: number): number;
  /** Free every live slot; returns how many were freed. */
  drain(inst: I): number;
  /** Live slots now (called outside the timed region). */
  live(inst: I): number;
  /** Hash over (idx, first byte of the block) of every live slot (test mode only). */
  fingerprint(inst: I): number;
  /**
   * Test mode only: put a counting wrapper in front of the allocator object, so the counts are
   * of real alloc/free calls. Runners whose alloc and free are inline code (the limit,
   * `new Uint8Array`) have none; their counts come from the slot table (see phaseCounts).
   */
  instrument?(inst: I): CallCounts;
  /** After the drain: allocator-specific facts for the JSON (e.g. hakmem's validate/inUse). */
  check?(inst: I): Record<string, unknown>;
  /** Where the allocator's own memory figure is (none: the row's figure is the process's RSS). */
  memory?(inst: I): MemoryProbe;
  /**
   * A throwaway warm-up instance is done with: let go of what outlives it (hakmem: close the heap,
   * which stops its learner's Worker). Without it each warm-up heap's learner would run on beside
   * the measured one, threads a program with one heap does not have.
   */
  dispose?(inst: I): void;
  /**
   * The measured instance, before its prefault: wait until what the allocator starts in the
   * background is up (hakmem: its learner's Worker has taken its role). Its start-up is a one-time
   * cost like the JIT's warm-up, which this steady-state protocol leaves out for every allocator;
   * hakmem's start from createHeap() is measured on its own (a fresh process, a short program).
   */
  settle?(inst: I): void;
}

/** A measurement's peak memory: the probe's peaks by word, and the process's RSS over its start. */
export interface MeasuredMemory {
  kind: MemoryKind;
  main: string;
  peaks: Record<string, number>;
  /** peak RSS (reset before the measured instance) minus the RSS then; undefined off Linux */
  rssDelta?: number;
  /** samples the sampler Worker took (0: none ran) */
  samples: number;
}

export interface CallCounts {
  allocs: number;
  frees: number;
}

export interface MixedOptions {
  /** untimed warm-up on a throwaway instance first (default true) */
  warmup?: boolean;
  /** fingerprints after prefault and main loop, and live counts taken outside the drain */
  verify?: boolean;
  /** count real alloc/free calls through the runner's wrapper (test mode) */
  countCalls?: boolean;
  /** sample the allocator's memory words from a Worker during the timed region (default true) */
  sampler?: boolean;
  /** pin the timed thread to this CPU just before the clock starts (../report/pin.ts) */
  cpu?: number;
}

export interface MixedMeasurement {
  cycles: number;
  seconds: number;
  /** CPU seconds of the whole process (every thread: its learner, the sampler, GC) over the timed region */
  cpuSeconds: number;
  opsPerSec: number;
  /** iterations of the untimed warm-up main loop (its prefault ran a tenth of that) */
  warmupCycles: number;
  counts: MixedCounts;
  /** real alloc/free calls over prefault + main + drain (countCalls and an instrumented runner only) */
  calls?: CallCounts;
  check?: Record<string, unknown>;
  memory: MeasuredMemory;
  /** where the threads could run when the clock started, when the timed thread was pinned (`cpu`); null if pinning failed */
  pinned?: { main: string | null; others: string[] } | null;
}

declare const gc: undefined | (() => void);

/** untimed warm-up rounds before a JavaScript measurement */
export const WARMUP_ROUNDS = 3;

/** Warm-up, prefault, then the timed main loop + drain. */
export function measureMixed<I>(runner: MixedRunner<I>, p: MixedParams, o: MixedOptions = {}): MixedMeasurement {
  const warmupCycles = o.warmup === false ? 0 : Math.floor(p.cycles / 10);
  // The same protocol, a tenth of the size, on throwaway instances: tiers the loop and the
  // allocator's cold paths up. One round was not enough (measured on hakmem: its refill and
  // drain functions still deoptimized and reoptimized during the timed run, 0.70-0.8x of
  // steady state); WARMUP_ROUNDS rounds, the same for every JavaScript allocator.
  for (let k = 0; warmupCycles > 0 && k < WARMUP_ROUNDS; k++) {
    const w = runner.create(p);
    runner.loop(w, prefaultSeed(p.seed), prefaultCycles(warmupCycles));
    runner.loop(w, p.seed, warmupCycles);
    runner.drain(w);
    runner.dispose?.(w);
  }
  if (typeof gc === 'function') gc();

  // the process's peak RSS from here on (the warm-up's peak forgotten)
  const rss0 = rssBytes();
  const rssReset = resetPeakRss();
  const inst = runner.create(p);
  runner.settle?.(inst);
  const probe = runner.memory?.(inst);
  const calls = o.countCalls && runner.instrument ? runner.instrument(inst) : undefined;
  const pn = prefaultCycles(p.cycles);
  const pfailed = runner.loop(inst, prefaultSeed(p.seed), pn);
  const live0 = runner.live(inst);
  const fp0 = o.verify ? runner.fingerprint(inst) : 0;
  const peaks: Record<string, number> = {};
  const readProbe = () => {
    if (probe?.source) mergePeaks(peaks, readWords(probe.source));
    if (probe?.read) mergePeaks(peaks, probe.read());
  };
  readProbe();
  // the sampler's Worker is up before the clock starts; it only reads, with Atomics.load
  const sampler: Sampler | undefined = probe?.source && o.sampler !== false ? startSampler(probe.source) : undefined;
  // pinned last, so that the threads started before (the sampler's among them) keep every CPU
  const pinned = o.cpu === undefined ? undefined : pinMainThread(o.cpu) ? pinning() : null;

  let mfailed: number;
  let live1: number;
  let fp1 = 0;
  let drained: number;
  let t0: number;
  let t1: number;
  let c0: NodeJS.CpuUsage;
  let c1: NodeJS.CpuUsage;
  if (o.verify) {
    c0 = process.cpuUsage();
    t0 = performance.now();
    mfailed = runner.loop(inst, p.seed, p.cycles);
    live1 = runner.live(inst);
    fp1 = runner.fingerprint(inst);
    drained = runner.drain(inst);
    t1 = performance.now();
    c1 = process.cpuUsage(c0);
  } else {
    c0 = process.cpuUsage();
    t0 = performance.now();
    mfailed = runner.loop(inst, p.seed, p.cycles);
    drained = runner.drain(inst);
    t1 = performance.now();
    c1 = process.cpuUsage(c0);
    live1 = drained;
  }
  const seconds = (t1 - t0) / 1000;
  const sampled = sampler?.stop();
  if (sampled) mergePeaks(peaks, sampled.peaks);
  readProbe();
  const rssPeak = peakRssBytes();
  const memory: MeasuredMemory = {
    kind: probe?.kind ?? 'rss',
    main: probe?.main ?? 'rss',
    peaks,
    ...(rssReset && rss0 !== undefined && rssPeak !== undefined ? { rssDelta: Math.max(0, rssPeak - rss0) } : {}),
    samples: sampled?.samples ?? 0,
  };
  return {
    cycles: p.cycles,
    seconds,
    cpuSeconds: (c1.user + c1.system) / 1e6,
    opsPerSec: p.cycles / seconds,
    warmupCycles,
    counts: {
      prefault: phaseCounts(pn, pfailed, 0, live0, fp0),
      main: phaseCounts(p.cycles, mfailed, live0, live1, fp1),
      drain: { frees: drained },
    },
    ...(calls ? { calls: { ...calls } } : {}),
    ...(runner.check ? { check: runner.check(inst) } : {}),
    memory,
    ...(pinned !== undefined ? { pinned } : {}),
  };
}
