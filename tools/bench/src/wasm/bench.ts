/**
 * The wasm benchmark: random-mixed compiled from one C source (wasm/random_mixed.c) to wasm32,
 * in 1 and 2 threads, with malloc and free from hakmem (imported from JavaScript), from
 * emscripten 3.1.6's dlmalloc and from its emmalloc; beside hakmem called from JavaScript directly
 * (the scaling benchmark's hakmem row) and the native C port (glibc, mimalloc), all measured in
 * the same run, interleaved round-robin. Every thread has its own slots and seed (the scaling
 * benchmark's seeds), does the same untimed warm-up and prefault, then all are released together.
 * Ratios are paired: each row's run in round k over the reference's run in the same round.
 */
import { compileNative, findGcc, findPreloadLib } from '../native/toolchain.js';
import { compareCounts, jsMemory } from '../random-mixed/bench.js';
import { medianMemory, memoryLegend, type PeakMemory, peakMemory, rssOverEmpty } from '../memory/peak.js';
import { nativeEmptyKiB } from '../random-mixed/native.js';
import type { MixedCounts, MixedParams } from '../random-mixed/params.js';
import { type PatternSummary, referencePattern } from '../random-mixed/pattern.js';
import { median } from '../report/stats.js';
import { runScalingJs } from '../scaling/js.js';
import { runNativeConcurrent } from '../scaling/native.js';
import { workerParams } from '../scaling/params.js';
import { type Artifact, artifact, WASM_OUT, type WasmBuildName } from './build.js';
import { runEmcc } from './emcc.js';
import { runWasmHakmem } from './js.js';
import { MAX_WS, WASM_NODE_FLAGS } from './layout.js';

export type WasmRowKind = 'js' | 'wasm-hakmem' | 'emcc' | 'native';

export interface WasmAllocator {
  name: string;
  label: string;
  kind: WasmRowKind;
  build?: WasmBuildName;
  preload?: { lib: 'mimalloc'; debPackage: string };
}

export const WASM_ALLOCATORS: readonly WasmAllocator[] = [
  { name: 'hakmem', label: 'hakmem, called from JS', kind: 'js' },
  { name: 'wasm-hakmem', label: 'wasm32: hakmem via imports', kind: 'wasm-hakmem', build: 'hakmem' },
  { name: 'wasm-dlmalloc', label: 'wasm32: emscripten dlmalloc', kind: 'emcc', build: 'dlmalloc' },
  { name: 'wasm-emmalloc', label: 'wasm32: emscripten emmalloc', kind: 'emcc', build: 'emmalloc' },
  { name: 'glibc', label: 'native glibc malloc', kind: 'native' },
  { name: 'mimalloc', label: 'native mimalloc', kind: 'native', preload: { lib: 'mimalloc', debPackage: 'libmimalloc-dev' } },
];
export const WASM_NAMES = WASM_ALLOCATORS.map((a) => a.name);

export interface WasmRun {
  opsPerSec: number;
  seconds: number;
  perWorker: number[];
  memory?: PeakMemory;
}

export interface WasmRow {
  name: string;
  label: string;
  kind: WasmRowKind;
  workers: number;
  /** where the figure comes from: the compiler, its version and flags, or the runner */
  source: string;
  runs: WasmRun[];
  opsPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  perWorker: number[];
  /** paired: median over rounds of this run / the reference's run of the same round (same worker count) */
  vsDlmalloc?: number;
  vsHakmemJs?: number;
  /** paired: median over rounds of this row's N-worker run / its 1-worker run */
  vsOne?: number;
  fidelity: string;
  check?: string;
  memory?: PeakMemory;
}

export interface WasmReport {
  benchmark: 'wasm';
  params: MixedParams;
  repeat: number;
  counts: number[];
  rows: WasmRow[];
  skipped: { name: string; reason: string }[];
  notes: string[];
}

export interface WasmOptions {
  params: MixedParams;
  counts?: number[];
  repeat: number;
  only?: string[];
  progress?: (line: string) => void;
  /** where the builds are (default wasm/out; tests: an empty directory) */
  wasmOut?: string;
}

interface Outcome {
  run: WasmRun;
  counts: MixedCounts[];
  check?: string;
}

interface Task {
  a: WasmAllocator;
  workers: number;
  source: string;
  run(): Outcome;
  /** by round: undefined where that round's run failed */
  results: (Outcome | undefined)[];
  failed?: string;
}

/** median over the rounds both have of a[k] / b[k] */
export function pairedRatio(a: readonly (Outcome | undefined)[], b: readonly (Outcome | undefined)[]): number | undefined {
  const r: number[] = [];
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k];
    const y = b[k];
    if (x && y) r.push(x.run.opsPerSec / y.run.opsPerSec);
  }
  return r.length > 0 ? median(r) : undefined;
}

export function runWasmBench(o: WasmOptions): WasmReport {
  const p = o.params;
  const counts = o.counts ?? [1, 2];
  const say = o.progress ?? (() => {});
  const skipped: { name: string; reason: string }[] = [];
  const notes: string[] = [];
  const unknown = (o.only ?? []).filter((n) => !WASM_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown wasm row ${unknown.join(', ')} (known: ${WASM_NAMES.join(', ')})`);
  const selected = WASM_ALLOCATORS.filter((a) => !o.only || o.only.includes(a.name));
  const refs = new Map<number, PatternSummary>();
  const reference = (seed: number) => {
    let r = refs.get(seed);
    if (!r) refs.set(seed, (r = referencePattern({ ...p, seed })));
    return r;
  };
  const liveOf = (n: number) => Array.from({ length: n }, (_, i) => reference(workerParams(p, i).seed).peakLiveBytes).reduce((a, b) => a + b, 0);

  const arts = new Map<WasmBuildName, Artifact>();
  let bin: string | undefined;
  let gccVersion = '';
  if (selected.some((a) => a.kind === 'native')) {
    const gcc = findGcc();
    if (gcc) {
      bin = compileNative(gcc, 'random_mixed');
      gccVersion = gcc.version;
    }
  }
  const emptyKiB = new Map<string, number>();
  const tasks: Task[] = [];
  for (const a of selected) {
    let source: string;
    let preload: string | undefined;
    let path: string | undefined;
    if (a.build) {
      if (p.ws > MAX_WS || p.cycles > 0xffffffff) {
        skipped.push({ name: a.name, reason: `skipped: the wasm build has room for ws <= ${MAX_WS} and cycles < 2^32` });
        continue;
      }
      let art = arts.get(a.build);
      if (!art) {
        try {
          art = artifact(a.build, say, o.wasmOut ?? WASM_OUT);
        } catch (e) {
          art = { name: a.build, notice: `skipped: the build failed: ${(e as Error).message}` };
        }
        arts.set(a.build, art);
      }
      if (!art.path) {
        skipped.push({ name: a.name, reason: art.notice });
        continue;
      }
      path = art.path;
      source = `${art.notice}: ${art.record ? `${art.record.command} [${art.record.version}]` : 'build record missing'}; run with node ${WASM_NODE_FLAGS.join(' ')}`;
      if (a.kind === 'emcc' && counts.some((n) => n > 2)) throw new Error('the emscripten builds have a pool of 2 pthreads: --workers at most 2');
    } else if (a.kind === 'native') {
      if (!bin) {
        skipped.push({ name: a.name, reason: 'skipped: gcc not found (apt-get install gcc)' });
        continue;
      }
      if (a.preload) {
        preload = findPreloadLib(a.preload.lib);
        if (!preload) {
          skipped.push({ name: a.name, reason: `skipped: lib${a.preload.lib} not installed (apt-get install ${a.preload.debPackage})` });
          continue;
        }
      }
      source = `native/random_mixed.c, gcc -O2 [${gccVersion}]${preload ? `, LD_PRELOAD=${preload}` : ''}, N processes on one start time`;
    } else source = 'src/random-mixed/runners/hakmem.ts in N Workers on one heap of 64 MiB (the scaling benchmark\'s hakmem row)';

    for (const n of counts) {
      const run = (): Outcome => {
        const live = liveOf(n);
        if (a.kind === 'js') {
          const r = runScalingJs('hakmem', n, p);
          const check = r.check ? (r.check.validate === 'ok' && r.check.inUse === 0 ? 'ok' : `validate() ${r.check.validate}, stats().bytes.inUse = ${r.check.inUse}`) : undefined;
          const memory = jsMemory(r.memory, live);
          return { run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perWorker.map((w) => w.opsPerSec), ...(memory ? { memory } : {}) }, counts: r.perWorker.map((w) => w.counts), ...(check ? { check } : {}) };
        }
        if (a.kind === 'wasm-hakmem') {
          const r = runWasmHakmem(path!, n, p);
          const check = r.check.validate === 'ok' && r.check.inUse === 0 ? 'ok' : `validate() ${r.check.validate}, stats().bytes.inUse = ${r.check.inUse}`;
          const memory = jsMemory(r.memory, live);
          return { run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perWorker.map((w) => w.opsPerSec), ...(memory ? { memory } : {}) }, counts: r.perWorker.map((w) => w.counts), check };
        }
        if (a.kind === 'emcc') {
          const r = runEmcc(path!, n, p);
          return { run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perWorker.map((w) => w.opsPerSec), memory: peakMemory('sbrk', r.brkBytes, live) }, counts: r.perWorker.map((w) => w.counts) };
        }
        const r = runNativeConcurrent(bin!, Array.from({ length: n }, (_, i) => workerParams(p, i)), { preload });
        const want = a.preload?.lib ?? 'glibc';
        for (const x of r.perProcess) if (x.impl !== want) throw new Error(`the binary's malloc is ${x.impl}, not ${want}`);
        const key = preload ?? '';
        if (!emptyKiB.has(key)) emptyKiB.set(key, nativeEmptyKiB(bin!, preload));
        const rss = r.perProcess.every((x) => x.maxrssKiB !== undefined) ? r.perProcess.reduce((s, x) => s + rssOverEmpty(x.maxrssKiB!, emptyKiB.get(key)!), 0) : undefined;
        return {
          run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perProcess.map((x) => x.opsPerSec ?? 0), ...(rss !== undefined ? { memory: peakMemory('rss', rss, live) } : {}) },
          counts: r.perProcess.map((x) => ({ prefault: x.prefault, main: x.main, drain: x.drain })),
        };
      };
      tasks.push({ a, workers: n, source: source.replace(/\bN (Workers|processes)/, `${n} $1`), run, results: [] });
    }
  }

  for (let round = 0; round < o.repeat; round++) {
    const live = tasks.filter((t) => !t.failed);
    for (let k = 0; k < live.length; k++) {
      const t = live[(k + round) % live.length];
      say(`[wasm round ${round + 1}/${o.repeat}] ${t.a.label} x${t.workers} ...`);
      try {
        const r = t.run();
        t.results[round] = r;
        say(`    ${(r.run.opsPerSec / 1e6).toFixed(1)} M ops/s total (${r.run.perWorker.map((x) => (x / 1e6).toFixed(1)).join(' + ')})`);
      } catch (e) {
        t.failed = (e as Error).message;
        say(`    failed: ${t.failed}`);
      }
    }
  }

  const rows: WasmRow[] = [];
  const byTask = new Map<WasmRow, Task>();
  for (const t of tasks) {
    const done = t.results.filter((r): r is Outcome => r !== undefined);
    if (done.length === 0) {
      skipped.push({ name: `${t.a.name} x${t.workers}`, reason: `failed: ${t.failed ?? 'no result'}` });
      continue;
    }
    if (t.failed) notes.push(`${t.a.label} x${t.workers}: a run failed (${t.failed}); the figure is over ${done.length} run(s)`);
    const problems: string[] = [];
    done.forEach((r, k) =>
      r.counts.forEach((c, i) => {
        const d = compareCounts(c, reference(workerParams(p, i).seed));
        if (d !== 'ok') problems.push(`run ${k + 1} worker ${i}: ${d}`);
      }),
    );
    const ops = done.map((r) => r.run.opsPerSec);
    const med = median(ops);
    const mid = done.reduce((best, r) => (Math.abs(r.run.opsPerSec - med) < Math.abs(best.run.opsPerSec - med) ? r : best));
    const checks = done.map((r) => r.check).filter((c): c is string => c !== undefined);
    const memory = medianMemory(done.map((r) => r.run.memory));
    const row: WasmRow = {
      name: t.a.name, label: t.a.label, kind: t.a.kind, workers: t.workers, source: t.source,
      runs: done.map((r) => r.run), opsPerSec: med, minOpsPerSec: Math.min(...ops), maxOpsPerSec: Math.max(...ops), perWorker: mid.run.perWorker,
      fidelity: problems.length === 0 ? 'ok' : problems.join('; '),
      ...(checks.length > 0 ? { check: checks.find((c) => c !== 'ok') ?? 'ok' } : {}),
      ...(memory ? { memory } : {}),
    };
    rows.push(row);
    byTask.set(row, t);
  }
  const taskOf = (name: string, n: number) => tasks.find((t) => t.a.name === name && t.workers === n);
  for (const row of rows) {
    const t = byTask.get(row)!;
    const dl = taskOf('wasm-dlmalloc', row.workers);
    const js = taskOf('hakmem', row.workers);
    const one = taskOf(row.name, 1);
    if (dl) row.vsDlmalloc = pairedRatio(t.results, dl.results);
    if (js) row.vsHakmemJs = pairedRatio(t.results, js.results);
    if (one) row.vsOne = pairedRatio(t.results, one.results);
  }
  notes.push(...wasmNotes(p, rows, o.repeat));
  return { benchmark: 'wasm', params: p, repeat: o.repeat, counts, rows, skipped, notes };
}

function wasmNotes(p: MixedParams, rows: WasmRow[], repeat: number): string[] {
  const notes: string[] = [];
  notes.push(
    `every thread runs random-mixed (cycles ${p.cycles.toLocaleString('en-US')}, ws ${p.ws}, sizes ${p.min}..${p.max}) on its own slots with ` +
      `its own seed (thread 0: ${p.seed}; thread i: seed xor i * 0x9E3779B9, as in scaling), after an untimed warm-up (3 rounds at a tenth, ` +
      'drained) and prefault; all are released together; total ops/s = threads x cycles / (release .. the last thread\'s end of drain).',
  );
  notes.push(
    'the wasm rows run one C source, wasm/random_mixed.c: its worker_run() (warm-up, prefault, start line, timed loop and drain) in every ' +
      'thread and its coordinate() on the main thread. hakmem: built with clang --target=wasm32, no libc, malloc/free imported from ' +
      'hakmem\'s mallocImports: its wasm fast path (the cache\'s pop and push as a tiny WebAssembly module per thread, calling ' +
      'JavaScript on a miss or a drain; hakmem/src/wasm-fast-path.ts), over a hakmem heap of 64 MiB placed in the shared ' +
      'WebAssembly.Memory (createHeap({ memory })) above the module\'s data and the threads\' stacks; each Worker attaches to the heap and instantiates the ' +
      'module on the same memory with its own stack (src/wasm/child.ts, worker.ts). dlmalloc / emmalloc: built with emcc -pthread ' +
      '(shared memory, the thread-safe malloc), run by emscripten\'s own runtime in Node: main() starts the threads with pthread_create on ' +
      'its pre-started pool of 2 Workers (src/wasm/emcc.ts). Every wasm process runs node --no-liftoff: each function compiled ' +
      'optimized before its first call (without it, whether V8\'s background tier-up finished before the timed call decided a run). ' +
      'Where each figure came from is in the "source" of every row in the JSON.',
  );
  const at = (name: string, n: number) => rows.find((r) => r.name === name && r.workers === n);
  const fmt = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(2)}x`);
  const w1 = at('wasm-hakmem', 1);
  const w2 = at('wasm-hakmem', 2);
  if (w1 || w2) {
    const met = (x: number | undefined, t: number) => (x === undefined ? 'not measured' : x >= t ? 'met' : 'NOT met');
    notes.push(
      `targets (issue 13), paired in this run: wasm hakmem vs emscripten dlmalloc >= 3x: ${fmt(w1?.vsDlmalloc)} at 1 thread (${met(w1?.vsDlmalloc, 3)}), ` +
        `${fmt(w2?.vsDlmalloc)} at 2 (${met(w2?.vsDlmalloc, 3)}); vs hakmem called from JS >= 0.8x: ${fmt(w1?.vsHakmemJs)} at 1 (${met(w1?.vsHakmemJs, 0.8)}), ` +
        `${fmt(w2?.vsHakmemJs)} at 2 (${met(w2?.vsHakmemJs, 0.8)}); 1 -> 2 threads >= 1.8x: ${fmt(w2?.vsOne)} (${met(w2?.vsOne, 1.8)})` +
        (at('glibc', 2)?.vsOne !== undefined ? `; what two cores gave in this run: native glibc in 2 processes, sharing nothing, ${fmt(at('glibc', 2)?.vsOne)} of one` : '') + '.',
    );
  }
  notes.push(
    `ratios are paired: a row's run in round k over the reference's run in round k (the rows of a round run back to back, the order rotated each round), the median over ${repeat} round(s); ` +
      'this machine is shared, so only such same-run ratios mean anything.',
  );
  const bad = rows.filter((r) => r.fidelity !== 'ok');
  if (bad.length === 0 && rows.length > 0) notes.push('fidelity: every thread and process did exactly the reference pattern\'s allocs and frees for its seed, no alloc failed.');
  for (const r of bad) notes.push(`FIDELITY PROBLEM, ${r.label} x${r.workers}: ${r.fidelity}`);
  for (const r of rows) if (r.check !== undefined) notes.push(`${r.label} x${r.workers}: ${r.check === 'ok' ? 'check ok' : `CHECK FAILED: ${r.check}`} (after every worker detached: validate(), stats().bytes.inUse === 0)`);
  const kinds = rows.flatMap((r) => (r.memory ? [r.memory.kind] : []));
  if (kinds.length > 0) notes.push(`${memoryLegend(kinds)} All threads / processes together, against the sum of their peak live bytes.`);
  return notes;
}
