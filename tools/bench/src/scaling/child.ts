/**
 * One scaling measurement in a process of its own:
 *   node --expose-gc dist/scaling/child.js --runner hakmem|limit --workers N --params '{...}' [--verify] [--no-learning] [--cpu-base K]
 * prints one JSON line (a ScalingChildResult).
 *
 * The main thread starts N workers (hakmem: on one heap, createHeap here and attachHeap there),
 * waits until every one has warmed up and prefaulted, then releases them together and starts the
 * clock; the clock stops when the last one has drained. Total ops/s = N * cycles / that time.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createHeap, type Heap } from 'hakmem';
import { checkParams, type MixedCounts, type MixedParams } from '../random-mixed/params.js';
import { HEAP_BYTES, hakmemProbe, heapCheck } from '../random-mixed/runners/common.js';
import type { MeasuredMemory } from '../random-mixed/runner.js';
import { peakRssBytes, resetPeakRss, rssBytes } from '../memory/rss.js';
import { mergePeaks, readWords, startSampler } from '../memory/sampler.js';
import { pinnableCpus } from '../report/pin.js';
import { S_DONE, S_GO, S_READY, workerParams } from './params.js';
import type { ScalingWorkerInit, ScalingWorkerResult } from './worker.js';

export interface ScalingChildResult {
  runner: 'hakmem' | 'limit';
  workers: number;
  params: MixedParams;
  /** from the release to the last worker's end of drain */
  seconds: number;
  /** workers * cycles / seconds */
  opsPerSec: number;
  perWorker: { index: number; seed: number; seconds: number; opsPerSec: number; counts: MixedCounts; pinned?: string | null }[];
  /** hakmem: after every worker detached, validate() and stats().bytes.inUse */
  check?: { validate: string; inUse: number };
  /** hakmem: refills of every worker (those that detached included) */
  refills?: number;
  /** the process's CPU time from the heap's creation to the end, ms (every thread) */
  processCpuMs: number;
  /** hakmem: its memory words' peaks (sampled); the limit: the sum of the workers' bump pointers */
  memory: MeasuredMemory;
}

const WORKER = new URL('./worker.js', import.meta.url);

async function main(argv: string[]): Promise<void> {
  let name: 'hakmem' | 'limit' = 'hakmem';
  let n = 1;
  let params: MixedParams | undefined;
  let verify = false;
  let learning = true;
  let cpuBase: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runner') {
      const r = argv[++i];
      if (r !== 'hakmem' && r !== 'limit') throw new Error(`scaling child: --runner ${r} (hakmem or limit)`);
      name = r;
    } else if (a === '--workers') n = Number(argv[++i]);
    else if (a === '--params') params = checkParams(JSON.parse(argv[++i] ?? '{}') as MixedParams);
    else if (a === '--verify') verify = true;
    else if (a === '--no-learning') learning = false;
    else if (a === '--cpu-base') cpuBase = Number(argv[++i]);
    else throw new Error(`scaling child: unknown argument ${a}`);
  }
  if (!params) throw new Error('scaling child: --params is required');
  if (cpuBase !== undefined && !(Number.isInteger(cpuBase) && cpuBase >= 0)) throw new Error('scaling child: --cpu-base takes a CPU number');
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`scaling child: --workers ${n}`);
  const p = params;
  const ctrlSab = new SharedArrayBuffer(64);
  const ctrl = new Int32Array(ctrlSab);
  const rss0 = rssBytes();
  const rssReset = resetPeakRss();
  const cpu0 = process.cpuUsage();
  let heap: Heap | undefined;
  if (name === 'hakmem') heap = createHeap({ size: HEAP_BYTES, maxWorkers: n + 1, learning });
  const probe = heap ? hakmemProbe(heap) : undefined;

  const results: ScalingWorkerResult[] = [];
  let failure: Error | undefined;
  let ready = 0;
  let exited = 0;
  let onReady: () => void = () => {};
  let onExit: () => void = () => {};
  const readyP = new Promise<void>((res) => (onReady = res));
  const exitP = new Promise<void>((res) => (onExit = res));
  // worker i pins itself to CPU (base + i) mod n before it reports ready (../report/pin.ts)
  const cpus = cpuBase !== undefined ? pinnableCpus() : 0;
  for (let i = 0; i < n; i++) {
    const init: ScalingWorkerInit = {
      runner: name, params: workerParams(p, i), index: i, ctrl: ctrlSab, handle: heap?.handle, verify, ...(cpus > 0 ? { cpu: (cpuBase! + i) % cpus } : {}),
    };
    const w = new Worker(WORKER, { workerData: init });
    heap?.watch(w);
    w.on('message', (m: ScalingWorkerResult) => results.push(m));
    w.on('error', (e) => {
      failure ??= e instanceof Error ? e : new Error(String(e));
      onReady();
    });
    w.on('exit', () => {
      if (++exited === n) onExit();
    });
  }
  // every worker bumps S_READY after its warm-up and prefault
  const readyWait = async () => {
    for (;;) {
      const r = Atomics.load(ctrl, S_READY);
      if (r >= n || failure) return;
      await Atomics.waitAsync(ctrl, S_READY, r, 1000).value;
    }
  };
  await Promise.race([readyWait(), readyP]);
  if (failure) throw failure;
  ready = n;

  const peaks: Record<string, number> = {};
  if (probe?.source) mergePeaks(peaks, readWords(probe.source));
  const sampler = probe?.source ? startSampler(probe.source) : undefined;
  const t0 = performance.now();
  Atomics.store(ctrl, S_GO, 1);
  Atomics.notify(ctrl, S_GO);
  for (let done = Atomics.load(ctrl, S_DONE); done < ready; done = Atomics.load(ctrl, S_DONE)) Atomics.wait(ctrl, S_DONE, done, 1000);
  const t1 = performance.now();
  const sampled = sampler?.stop();
  if (sampled) mergePeaks(peaks, sampled.peaks);
  if (probe?.source) mergePeaks(peaks, readWords(probe.source));
  await exitP;
  if (failure) throw failure;
  if (results.length !== n) throw new Error(`scaling: ${results.length} of ${n} workers reported`);
  results.sort((a, b) => a.index - b.index);
  const seconds = (t1 - t0) / 1000;
  if (!probe) peaks.bump = results.reduce((a, r) => a + (r.peaks?.bump ?? 0), 0);
  const rssPeak = peakRssBytes();
  const memory: MeasuredMemory = {
    kind: probe ? probe.kind : 'bump',
    main: probe ? probe.main : 'bump',
    peaks,
    ...(rssReset && rss0 !== undefined && rssPeak !== undefined ? { rssDelta: Math.max(0, rssPeak - rss0) } : {}),
    samples: sampled?.samples ?? 0,
  };
  const cpu = process.cpuUsage(cpu0);
  const out: ScalingChildResult = {
    runner: name,
    processCpuMs: (cpu.user + cpu.system) / 1000,
    workers: n,
    params: p,
    seconds,
    opsPerSec: (n * p.cycles) / seconds,
    perWorker: results.map((r) => ({ index: r.index, seed: r.seed, seconds: r.seconds, opsPerSec: p.cycles / r.seconds, counts: r.counts, ...(r.pinned !== undefined ? { pinned: r.pinned } : {}) })),
    ...(heap ? { check: heapCheck(heap), refills: heap.diagnostics().classes.reduce((a, c) => a + c.misses, 0) } : {}),
    memory,
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
