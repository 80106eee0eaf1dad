/**
 * One measurement of the clang build (wasm/out/hakmem.wasm) in a process of its own:
 *   node dist/wasm/child.js --workers N --params '{...}' [--verify] [--wasm FILE]
 * prints one JSON line (a WasmChildResult).
 *
 * The main thread instantiates the module once (its data and start line), places a hakmem heap of
 * HEAP_BYTES above the module's data and N stacks (./layout.ts), starts N Workers (./worker.ts),
 * and calls the module's coordinate(N): the same C code that emscripten's main calls, which waits
 * until every thread is ready, releases them together and returns when the last one has drained.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createHeap } from 'hakmem';
import { checkParams, type MixedCounts, type MixedParams } from '../random-mixed/params.js';
import { hakmemProbe, heapCheck } from '../random-mixed/runners/common.js';
import type { MeasuredMemory } from '../random-mixed/runner.js';
import { mergePeaks, readWords, startSampler } from '../memory/sampler.js';
import { workerParams } from '../scaling/params.js';
import { HAKMEM_MAX_MEMORY, WASM_OUT } from './build.js';
import { countsOf, CTL_BEGIN, CTL_READY, MAX_THREADS, MAX_WS, PAGE, placement, readResult, type RmExports, stackTop } from './layout.js';
import type { Trace } from './trace.js';
import type { WasmWorkerInit } from './worker.js';

export interface WasmChildResult {
  workers: number;
  params: MixedParams;
  /** from the release to the last thread's end of drain (coordinate's clock) */
  seconds: number;
  opsPerSec: number;
  perWorker: { index: number; seed: number; seconds: number; opsPerSec: number; counts: MixedCounts; trace?: Trace }[];
  /** after every worker detached: validate() and stats().bytes.inUse */
  check: { validate: string; inUse: number };
  memory: MeasuredMemory;
  layout: { heapBase: number; heapAt: number; memoryBytes: number };
}

const WORKER = new URL('./worker.js', import.meta.url);

async function main(argv: string[]): Promise<void> {
  let n = 1;
  let params: MixedParams | undefined;
  let verify = false;
  let trace = false;
  let wasm = `${WASM_OUT}/hakmem.wasm`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--workers') n = Number(argv[++i]);
    else if (a === '--params') params = checkParams(JSON.parse(argv[++i] ?? '{}') as MixedParams);
    else if (a === '--verify') verify = true;
    else if (a === '--trace') trace = true;
    else if (a === '--wasm') wasm = argv[++i] ?? wasm;
    else throw new Error(`wasm child: unknown argument ${a}`);
  }
  if (!params) throw new Error('wasm child: --params is required');
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`wasm child: --workers ${n} (1..${MAX_THREADS})`);
  if (params.ws > MAX_WS || params.cycles > 0xffffffff) throw new Error(`wasm child: ws <= ${MAX_WS} and cycles < 2^32 only`);
  const p = params;
  const module = await WebAssembly.compile(readFileSync(wasm));
  // grown once __heap_base is known (below), up to the linker's --max-memory
  const memory = new WebAssembly.Memory({ initial: 64, maximum: HAKMEM_MAX_MEMORY / PAGE, shared: true });
  // this thread's instance initialises the data segments and runs coordinate(); it never allocates
  const none = () => {
    throw new Error('the main thread\'s instance allocates nothing');
  };
  const { exports } = (await WebAssembly.instantiate(module, {
    env: { memory, malloc: none, free: none, now: () => performance.now() },
  })) as unknown as { exports: RmExports };
  const pl = placement(exports.__heap_base.value as number);
  memory.grow(pl.pages - memory.buffer.byteLength / PAGE);
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  // in the memory itself (not its buffer): mallocImports then gives the module wasm malloc and free
  const heap = createHeap({ memory, byteOffset: pl.heapAt, reservedBelow: pl.heapAt, maxSize: pl.heapBytes, maxWorkers: n + 1 });
  const probe = hakmemProbe(heap);
  const ctl = new Int32Array(buffer, exports.ctl_at(), 4);

  const traces: Trace[] = [];
  let failure: Error | undefined;
  let exited = 0;
  let onExit: () => void = () => {};
  const exitP = new Promise<void>((res) => (onExit = res));
  for (let i = 0; i < n; i++) {
    const init: WasmWorkerInit = { index: i, module, memory, handle: heap.handle, stackTop: stackTop(pl, i), params: workerParams(p, i), verify, trace };
    const w = new Worker(WORKER, { workerData: init });
    heap.watch(w);
    w.on('message', (m: { index: number; trace?: Trace }) => {
      if (m.trace) traces[m.index] = m.trace;
    });
    w.on('error', (e) => (failure ??= e instanceof Error ? e : new Error(String(e))));
    w.on('exit', () => {
      if (++exited === n) onExit();
    });
  }
  // warm-up and prefault run on the workers' own clocks; wait without blocking this event loop
  Atomics.store(ctl, CTL_BEGIN, 1);
  Atomics.notify(ctl, CTL_BEGIN);
  for (let r = Atomics.load(ctl, CTL_READY); r < n && !failure; r = Atomics.load(ctl, CTL_READY)) {
    await Promise.race([Atomics.waitAsync(ctl, CTL_READY, r, 200).value, exitP]);
  }
  if (failure) throw failure;

  const peaks: Record<string, number> = {};
  mergePeaks(peaks, readWords(probe.source!));
  const sampler = startSampler(probe.source!);
  const span = new Float64Array(buffer, exports.coordinate(n), 2);
  const sampled = sampler.stop();
  mergePeaks(peaks, sampled.peaks);
  mergePeaks(peaks, readWords(probe.source!));
  await exitP;
  if (failure) throw failure;
  const seconds = (span[1] - span[0]) / 1000;
  const perWorker = Array.from({ length: n }, (_, i) => {
    const r = readResult(buffer, exports.result_at(i));
    const s = (r.t1 - r.t0) / 1000;
    return { index: i, seed: workerParams(p, i).seed, seconds: s, opsPerSec: p.cycles / s, counts: countsOf(r, p.cycles), ...(traces[i] ? { trace: traces[i] } : {}) };
  });
  const out: WasmChildResult = {
    workers: n,
    params: p,
    seconds,
    opsPerSec: (n * p.cycles) / seconds,
    perWorker,
    check: heapCheck(heap),
    memory: { kind: probe.kind, main: probe.main, peaks, samples: sampled.samples },
    layout: { heapBase: pl.heapBase, heapAt: pl.heapAt, memoryBytes: buffer.byteLength },
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
