/**
 * One JavaScript larson measurement in a process of its own (the main thread of larson):
 *   node --expose-gc dist/larson/child.js --runner hakmem|smo --variant handoff|respawn
 *        --params '{"sleep":..,"min":..,"max":..,"chunks":..,"rounds":..,"seed":..,"threads":..}'
 *        [--generations G] [--verify] [--cpu-base K]
 * prints one JSON line (a LarsonChildResult) on stdout.
 *
 * The main thread creates the allocator, does the warm-up (every block starts out the main
 * thread's), seeds one lran2 per range, starts the workers and waits until they are all attached;
 * then it starts the clock and releases them together, sleeps `sleep` seconds (its event loop
 * spawning respawn's successors meanwhile), sets the stop flag and waits for every worker to
 * finish its generation: the clock stops there. Then it waits for the workers to exit, frees
 * every slot itself and checks the allocator (hakmem: validate(), stats().bytes.inUse === 0).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { checkLarsonParams, type LarsonParams } from './params.js';
import { sizesChecksum, warmup } from './reference.js';
import { loadLarsonRunner } from './load.js';
import { newTags, taggedOps } from './runner.js';
import {
  C_GO, C_RUNNING, C_STOP, F_FAILED, F_GENERATIONS, F_ITERS, F_V_ALLOCS, F_V_BAD, F_V_CROSS, F_V_FREES, F_V_OLDER,
  LarsonShared, LRAN2_WORDS,
} from './shared.js';
import type { WorkerDone, WorkerInit } from './worker.js';
import type { MeasuredMemory } from '../random-mixed/runner.js';
import { peakRssBytes, resetPeakRss, rssBytes } from '../memory/rss.js';
import { mergePeaks, readWords, startSampler } from '../memory/sampler.js';
import { pinnableCpus } from '../report/pin.js';

export type Variant = 'respawn' | 'handoff';

export interface LarsonChildResult {
  runner: string;
  variant: Variant;
  params: LarsonParams;
  /** fixed mode: generations per range (0: timed run) */
  generationsPerRange: number;
  /** handoff: the workers in the ring; respawn: threads (workers at a time) */
  workers: number;
  heapBytes: number;
  seconds: number;
  /** CPU seconds of the whole process (every thread: workers, learner, sampler, GC) over the timed region */
  cpuSeconds: number;
  /** CPU ms of the whole process from its start to the end of the run (start-up included; learning on or off alike) */
  processCpuMs: number;
  /** allocations by the workers (larson's result counts these) */
  allocs: number;
  opsPerSec: number;
  /** iterations per range (the reference replays them) */
  iters: number[];
  generations: number;
  /** Workers started in all (respawn: one per generation, plus those that found the stop flag) */
  workersStarted: number;
  /** allocations that returned 0 */
  failed: number;
  /** frees the allocator refused (smo's free returns false for a pointer it does not know) */
  refused: number;
  /** FNV over (slot, size) at the end */
  checksum: number;
  /** every worker started detached before it ended */
  allDetached: boolean;
  /** the allocator after the main thread freed every slot: 'ok' or what is wrong */
  check: string;
  checkFacts?: Record<string, unknown>;
  /** the main thread's frees at the end (threads * chunks) */
  finalFrees: number;
  verify?: { allocs: number; frees: number; olderFrees: number; crossFrees: number; badBytes: number; warmupCrossFrees: number };
  /** peaks of the allocator's memory words (warm-up and timed run) and the process's RSS over its start */
  memory: MeasuredMemory;
  /** --cpu-base: the CPUs each worker's thread could run on once pinned (sorted; null: failed) */
  pinned?: (string | null)[];
}

const WORKER = new URL('./worker.js', import.meta.url);

async function main(argv: string[]): Promise<void> {
  let name = '';
  let variant: Variant = 'handoff';
  let params: LarsonParams | undefined;
  let generations = 0;
  let verify = false;
  let cpuBase: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runner') name = argv[++i] ?? '';
    else if (a === '--variant') {
      const v = argv[++i];
      if (v !== 'respawn' && v !== 'handoff') throw new Error(`larson child: --variant ${v}`);
      variant = v;
    } else if (a === '--params') params = checkLarsonParams(JSON.parse(argv[++i] ?? '{}') as LarsonParams);
    else if (a === '--generations') generations = Number(argv[++i]);
    else if (a === '--verify') verify = true;
    else if (a === '--cpu-base') cpuBase = Number(argv[++i]);
    else throw new Error(`larson child: unknown argument ${a}`);
  }
  if (!params) throw new Error('larson child: --params is required');
  if (cpuBase !== undefined && !(Number.isInteger(cpuBase) && cpuBase >= 0)) throw new Error('larson child: --cpu-base takes a CPU number');
  if (verify && params.min < 12) throw new Error('larson child: --verify needs min >= 12 (tags at p+4 and p+8)');
  if (import.meta.url.endsWith('.ts')) throw new Error('larson child: run the built JS (workers start on dist/larson/worker.js)');
  const p = params;
  const runner = await loadLarsonRunner(name);
  const workers = variant === 'handoff' ? Math.max(2, p.threads) : p.threads;
  const L = LarsonShared.create(p);
  const ctrl = L.ctrl;
  const rss0 = rssBytes();
  const rssReset = resetPeakRss();
  const { main, share, heapBytes } = runner.createMain(p, { workers });
  const probe = runner.memory?.(main);
  const peaks: Record<string, number> = {};
  const readProbe = () => {
    if (probe?.source) mergePeaks(peaks, readWords(probe.source));
    if (probe?.read) mergePeaks(peaks, probe.read());
  };

  // Warm-up on the main thread, through the allocator (tagged as the main thread's in verify mode).
  const mops = runner.mainOps(main);
  const mainTags = newTags(0);
  const ops = verify ? taggedOps(mops.alloc, mops.free, () => mops.i32, () => mops.u8, mainTags) : mops;
  const put = (slot: number, size: number) => {
    const q = ops.alloc(size);
    if (q === 0) throw new Error(`larson: the warm-up's alloc(${size}) failed (heap of ${heapBytes} bytes)`);
    L.array[slot] = q;
    L.blksize[slot] = size;
  };
  const w = warmup(p, {
    alloc: put,
    swap: (a, b) => {
      const t = L.array[a];
      L.array[a] = L.array[b];
      L.array[b] = t;
      const u = L.blksize[a];
      L.blksize[a] = L.blksize[b];
      L.blksize[b] = u;
    },
    replace: (slot, size) => {
      ops.free(L.array[slot]);
      put(slot, size);
    },
  });
  for (let r = 0; r < p.threads; r++) ctrl.set(w.rng.subarray(r * LRAN2_WORDS, (r + 1) * LRAN2_WORDS), L.rngIndex(r));
  if (typeof (globalThis as { gc?: () => void }).gc === 'function') (globalThis as unknown as { gc: () => void }).gc();

  // Workers.
  const live = new Set<Worker>();
  let started = 0;
  let detached = 0;
  let refused = 0;
  /** bytes held in the workers' caches when the stop flag ended them (summed over the last generation) */
  let cachedAtStop = 0;
  let failure: Error | undefined;
  let allExited: () => void = () => {};
  let ready = 0;
  let allReady: () => void = () => {};
  const readyP = new Promise<void>((res) => (allReady = res));
  const exitedP = new Promise<void>((res) => (allExited = res));
  const base = { runner: name, share, sab: L.sab, params: p, variant, workers, generations, verify };
  const spawn = (init: WorkerInit) => {
    Atomics.add(ctrl, C_RUNNING, 1);
    started++;
    const wk = new Worker(WORKER, { workerData: init });
    runner.watch?.(main, wk);
    live.add(wk);
    wk.on('message', (m: { type: 'ready' } | { type: 'detached' } | WorkerDone) => {
      if (m.type === 'ready' && ++ready === initial) allReady();
      if (m.type === 'detached') detached++;
      if (m.type === 'done') {
        const d = m;
        refused += d.refused;
        if (d.stopped) cachedAtStop += d.cached;
        if (d.pinned !== undefined) pinned.push(d.pinned);
        if (variant === 'respawn' && !failure) {
          const k = L.f64[L.f(d.range, F_GENERATIONS)];
          const more = generations > 0 ? k < generations : !d.stopped && Atomics.load(ctrl, C_STOP) === 0;
          if (more) spawn({ ...base, range: d.range, index: 0 });
        }
      }
    });
    wk.on('error', (e) => {
      failure ??= e instanceof Error ? e : new Error(String(e));
      Atomics.store(ctrl, C_STOP, 1);
      Atomics.store(ctrl, C_GO, 1);
      Atomics.notify(ctrl, C_GO);
    });
    wk.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`a worker exited with code ${code}`);
      live.delete(wk);
      if (live.size === 0) allExited();
    });
  };
  const initial = variant === 'handoff' ? workers : p.threads;
  // handoff workers live through the run: worker i pins itself to CPU (base + i) mod n (../report/pin.ts)
  const cpus = cpuBase !== undefined && variant === 'handoff' ? pinnableCpus() : 0;
  const pinned: (string | null)[] = [];
  for (let i = 0; i < initial; i++) spawn({ ...base, range: variant === 'respawn' ? i : -1, index: i, ...(cpus > 0 ? { cpu: (cpuBase! + i) % cpus } : {}) });
  await Promise.race([readyP, exitedP]);
  if (failure) throw failure;

  runner.mark?.(main);
  readProbe();
  const sampler = probe?.source ? startSampler(probe.source) : undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  Atomics.store(ctrl, C_GO, 1);
  Atomics.notify(ctrl, C_GO);
  let t1: number;
  let c1: NodeJS.CpuUsage;
  if (generations > 0) {
    await exitedP;
    t1 = performance.now();
    c1 = process.cpuUsage(c0);
  } else {
    await new Promise((res) => setTimeout(res, p.sleep * 1000));
    Atomics.store(ctrl, C_STOP, 1);
    for (let r = 0; r < p.threads; r++) Atomics.notify(ctrl, L.genIndex(r));
    // no event loop from here: respawn spawns no successor any more
    const deadline = performance.now() + 120_000;
    for (let n = Atomics.load(ctrl, C_RUNNING); n > 0; n = Atomics.load(ctrl, C_RUNNING)) {
      if (performance.now() > deadline) throw new Error(`larson: ${n} worker(s) still running 120 s after the stop flag`);
      Atomics.wait(ctrl, C_RUNNING, n, 1000);
    }
    t1 = performance.now();
    c1 = process.cpuUsage(c0);
    await exitedP;
  }
  if (failure) throw failure;
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

  // The main thread frees what is left and checks the allocator.
  const checksum = sizesChecksum(L.blksize);
  let finalFrees = 0;
  for (let c = 0; c < L.array.length; c++) {
    if (L.array[c] !== 0) {
      mops.free(L.array[c]);
      L.array[c] = 0;
      finalFrees++;
    }
  }
  const fin = runner.finish(main);
  const whole = process.cpuUsage();
  const seconds = (t1 - t0) / 1000;
  const allocs = L.sum(F_ITERS);
  const iters = Array.from({ length: p.threads }, (_, r) => L.f64[L.f(r, F_ITERS)]);
  const out: LarsonChildResult = {
    runner: name,
    variant,
    params: p,
    generationsPerRange: generations,
    workers,
    heapBytes,
    seconds,
    cpuSeconds: (c1.user + c1.system) / 1e6,
    processCpuMs: (whole.user + whole.system) / 1000,
    allocs,
    opsPerSec: allocs / seconds,
    iters,
    generations: L.sum(F_GENERATIONS),
    workersStarted: started,
    failed: L.sum(F_FAILED),
    refused,
    checksum,
    allDetached: detached === started,
    check: fin.check,
    ...(fin.facts ? { checkFacts: { ...fin.facts, cachedAtStop } } : {}),
    finalFrees,
    memory,
    ...(cpus > 0 ? { pinned: pinned.sort() } : {}),
    ...(verify
      ? {
          verify: {
            allocs: L.sum(F_V_ALLOCS),
            frees: L.sum(F_V_FREES),
            olderFrees: L.sum(F_V_OLDER),
            crossFrees: L.sum(F_V_CROSS),
            badBytes: L.sum(F_V_BAD),
            warmupCrossFrees: mainTags.cross,
          },
        }
      : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
