/**
 * Scaling: random-mixed in 1 worker and in 2 workers at once, each with its own slots and its own
 * seed, started together and timed together. hakmem: both workers on ONE heap (the question is
 * whether the heap's shared parts cost anything). The references, measured in the same run: the
 * bare JS limit (two workers, each its own freelist over its own SharedArrayBuffer: nothing
 * shared at all, so it shows what two cores give here) and native random_mixed in 1 and 2
 * processes at once (glibc, mimalloc).
 */
import { compileNative, findGcc, findPreloadLib } from '../native/toolchain.js';
import { compareCounts, jsMemory } from '../random-mixed/bench.js';
import { medianMemory, memoryLegend, type PeakMemory, peakMemory, rssOverEmpty } from '../memory/peak.js';
import { nativeEmptyKiB } from '../random-mixed/native.js';
import type { MixedCounts, MixedParams } from '../random-mixed/params.js';
import { type PatternSummary, referencePattern } from '../random-mixed/pattern.js';
import { median } from '../report/stats.js';
import { runScalingJs } from './js.js';
import { runNativeConcurrent } from './native.js';
import { workerParams } from './params.js';

export interface ScalingAllocator {
  name: string;
  label: string;
  kind: 'js' | 'native';
  /** what N workers / processes share, in words */
  setup: string;
  preload?: { lib: 'mimalloc' | 'jemalloc'; debPackage: string };
}

export const SCALING_ALLOCATORS: readonly ScalingAllocator[] = [
  { name: 'limit', label: 'limit: bare JS freelist', kind: 'js', setup: 'N workers, each its own freelist over its own SharedArrayBuffer (nothing shared)' },
  { name: 'hakmem', label: 'hakmem', kind: 'js', setup: 'N workers on ONE heap (createHeap in main, attachHeap per worker)' },
  { name: 'glibc', label: 'native glibc malloc', kind: 'native', setup: 'N processes of native/random_mixed.c on one start time' },
  { name: 'mimalloc', label: 'native mimalloc', kind: 'native', setup: 'N processes, LD_PRELOAD', preload: { lib: 'mimalloc', debPackage: 'libmimalloc-dev' } },
];

export const SCALING_NAMES = SCALING_ALLOCATORS.map((a) => a.name);

export interface ScalingOptions {
  params: MixedParams;
  /** worker counts (default [1, 2]) */
  counts: number[];
  repeat: number;
  only?: string[];
  progress?: (line: string) => void;
}

export interface ScalingRun {
  opsPerSec: number;
  seconds: number;
  perWorker: number[];
  /** peak memory of all workers / processes against the sum of their peak live bytes */
  memory?: PeakMemory;
}

export interface ScalingRow {
  name: string;
  label: string;
  kind: 'js' | 'native';
  setup: string;
  workers: number;
  params: MixedParams;
  seeds: number[];
  runs: ScalingRun[];
  /** median / min / max of the total ops/s */
  opsPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  /** the median run's per-worker ops/s */
  perWorker: number[];
  /** total ops/s over the same allocator's 1-worker median */
  vsOne?: number;
  /** every worker's counts against the reference pattern for its seed: 'ok' or the differences */
  fidelity: string;
  /** hakmem: the heap after every worker detached */
  check?: string;
  preload?: string;
  /** the median run's memory by bytes */
  memory?: PeakMemory;
}

export interface ScalingReport {
  benchmark: 'scaling';
  params: MixedParams;
  repeat: number;
  rows: ScalingRow[];
  skipped: { name: string; reason: string }[];
  notes: string[];
}

interface Task {
  a: ScalingAllocator;
  workers: number;
  preload?: string;
  run(): { run: ScalingRun; counts: MixedCounts[]; check?: string };
  results: { run: ScalingRun; counts: MixedCounts[]; check?: string }[];
  failed?: string;
}

export function runScalingBench(o: ScalingOptions): ScalingReport {
  const p = o.params;
  const say = o.progress ?? (() => {});
  const skipped: { name: string; reason: string }[] = [];
  const refs = new Map<number, PatternSummary>();
  const reference = (seed: number) => {
    let r = refs.get(seed);
    if (!r) refs.set(seed, (r = referencePattern({ ...p, seed })));
    return r;
  };
  // the workers' live sets are disjoint: their peaks add up (an upper bound of the common peak)
  const liveOf = (n: number) => Array.from({ length: n }, (_, i) => reference(workerParams(p, i).seed).peakLiveBytes).reduce((a, b) => a + b, 0);
  const emptyKiB = new Map<string, number>();
  const notes: string[] = [];
  const unknown = (o.only ?? []).filter((n) => !SCALING_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown scaling row ${unknown.join(', ')} (known: ${SCALING_NAMES.join(', ')})`);
  const selected = SCALING_ALLOCATORS.filter((a) => !o.only || o.only.includes(a.name));
  let bin: string | undefined;
  if (selected.some((a) => a.kind === 'native')) {
    const gcc = findGcc();
    if (!gcc) for (const a of selected) if (a.kind === 'native') skipped.push({ name: a.name, reason: 'skipped: gcc not found (apt-get install gcc)' });
    if (gcc) bin = compileNative(gcc, 'random_mixed');
  }
  const tasks: Task[] = [];
  for (const a of selected) {
    let preload: string | undefined;
    if (a.kind === 'native') {
      if (!bin) continue;
      if (a.preload) {
        preload = findPreloadLib(a.preload.lib);
        if (!preload) {
          skipped.push({ name: a.name, reason: `skipped: lib${a.preload.lib} not installed (apt-get install ${a.preload.debPackage})` });
          continue;
        }
      }
    }
    for (const n of o.counts) {
      const exe = bin;
      tasks.push({
        a, workers: n, preload, results: [],
        run: () => {
          if (a.kind === 'js') {
            const r = runScalingJs(a.name as 'hakmem' | 'limit', n, p);
            const check = r.check ? (r.check.validate === 'ok' && r.check.inUse === 0 ? 'ok' : `validate() ${r.check.validate}, stats().bytes.inUse = ${r.check.inUse}`) : undefined;
            const memory = jsMemory(r.memory, liveOf(n));
            return {
              run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perWorker.map((w) => w.opsPerSec), ...(memory ? { memory } : {}) },
              counts: r.perWorker.map((w) => w.counts),
              ...(check ? { check } : {}),
            };
          }
          const ps = Array.from({ length: n }, (_, i) => workerParams(p, i));
          const r = runNativeConcurrent(exe as string, ps, { preload });
          const want = a.preload?.lib ?? 'glibc';
          for (const x of r.perProcess) if (x.impl !== want) throw new Error(`the binary's malloc is ${x.impl}, not ${want}`);
          // every process's peak RSS less the empty program's, summed
          const key = preload ?? '';
          if (!emptyKiB.has(key)) emptyKiB.set(key, nativeEmptyKiB(exe as string, preload));
          const rss = r.perProcess.every((x) => x.maxrssKiB !== undefined)
            ? r.perProcess.reduce((a, x) => a + rssOverEmpty(x.maxrssKiB!, emptyKiB.get(key)!), 0)
            : undefined;
          const memory = rss !== undefined ? peakMemory('rss', rss, liveOf(n)) : undefined;
          return {
            run: { opsPerSec: r.opsPerSec, seconds: r.seconds, perWorker: r.perProcess.map((x) => x.opsPerSec ?? 0), ...(memory ? { memory } : {}) },
            counts: r.perProcess.map((x) => ({ prefault: x.prefault, main: x.main, drain: x.drain })),
          };
        },
      });
    }
  }

  for (let round = 0; round < o.repeat; round++) {
    const live = tasks.filter((t) => !t.failed);
    for (let k = 0; k < live.length; k++) {
      const t = live[(k + round) % live.length];
      say(`[scaling round ${round + 1}/${o.repeat}] ${t.a.label} x${t.workers} ...`);
      try {
        const r = t.run();
        t.results.push(r);
        say(`    ${(r.run.opsPerSec / 1e6).toFixed(1)} M ops/s total (${r.run.perWorker.map((x) => (x / 1e6).toFixed(1)).join(' + ')})`);
      } catch (e) {
        t.failed = (e as Error).message;
        say(`    failed: ${t.failed}`);
      }
    }
  }

  const rows: ScalingRow[] = [];
  for (const t of tasks) {
    if (t.results.length === 0) {
      skipped.push({ name: `${t.a.name} x${t.workers}`, reason: `failed: ${t.failed ?? 'no result'}` });
      continue;
    }
    if (t.failed) notes.push(`${t.a.label} x${t.workers}: a later run failed (${t.failed}); the figure is over ${t.results.length} run(s)`);
    const seeds = Array.from({ length: t.workers }, (_, i) => workerParams(p, i).seed);
    const problems: string[] = [];
    t.results.forEach((r, k) =>
      r.counts.forEach((c, i) => {
        const d = compareCounts(c, reference(seeds[i]));
        if (d !== 'ok') problems.push(`run ${k + 1} worker ${i}: ${d}`);
      }),
    );
    const ops = t.results.map((r) => r.run.opsPerSec);
    const med = median(ops);
    const mid = t.results.reduce((best, r) => (Math.abs(r.run.opsPerSec - med) < Math.abs(best.run.opsPerSec - med) ? r : best));
    const bad = t.results.map((r) => r.check).find((c) => c !== undefined && c !== 'ok');
    const last = t.results[t.results.length - 1];
    const memory = medianMemory(t.results.map((r) => r.run.memory));
    rows.push({
      name: t.a.name,
      label: t.a.label,
      kind: t.a.kind,
      setup: t.a.setup,
      workers: t.workers,
      params: p,
      seeds,
      runs: t.results.map((r) => r.run),
      opsPerSec: med,
      minOpsPerSec: Math.min(...ops),
      maxOpsPerSec: Math.max(...ops),
      perWorker: mid.run.perWorker,
      fidelity: problems.length === 0 ? 'ok' : problems.join('; '),
      ...(last.check !== undefined ? { check: bad ?? last.check } : {}),
      ...(t.preload ? { preload: t.preload } : {}),
      ...(memory ? { memory } : {}),
    });
  }
  for (const row of rows) {
    const one = rows.find((r) => r.name === row.name && r.workers === 1);
    if (one) row.vsOne = row.opsPerSec / one.opsPerSec;
  }

  notes.push(
    `every worker / process runs random-mixed (cycles ${p.cycles.toLocaleString('en-US')}, ws ${p.ws}, sizes ${p.min}..${p.max}) on its own ` +
      `slots with its own seed (worker 0: ${p.seed}; worker i: seed xor i * 0x9E3779B9), untimed warm-up (JS) and prefault, ` +
      'then all are released together; total ops/s = workers x cycles / (release .. the last one\'s end of drain). ' +
      'The 1-worker JS rows run in a Worker too, so 1 and 2 differ only in the count.',
  );
  notes.push(
    'what each row is: "limit" = the bare JS freelist of random-mixed, one private freelist per worker over its own ' +
      'SharedArrayBuffer (nothing shared: the reference for what two cores give here); "hakmem" = both workers on one ' +
      'heap, each on its own slot and cache, sharing the arena; "native" = that many processes of the C port lined up ' +
      'on one CLOCK_REALTIME start (separate address spaces: nothing shared either).',
  );
  const hk2 = rows.find((r) => r.name === 'hakmem' && r.workers === 2);
  const lim2 = rows.find((r) => r.name === 'limit' && r.workers === 2);
  if (hk2?.vsOne !== undefined) {
    notes.push(
      `target (hakmem, 2 workers >= 1.7x one worker): ${hk2.vsOne.toFixed(2)}x, ${hk2.vsOne >= 1.7 ? 'met' : 'NOT met'}` +
        (lim2?.vsOne !== undefined ? ` (the bare limit gets ${lim2.vsOne.toFixed(2)}x from two cores in this run)` : '') + '.',
    );
  }
  if (o.repeat > 1) notes.push(`each figure is the median of ${o.repeat} runs (spread = min..max), interleaved round-robin; "per worker" is the median run's.`);
  const bad = rows.filter((r) => r.fidelity !== 'ok');
  if (bad.length === 0 && rows.length > 0) notes.push('fidelity: every worker and process did exactly the reference pattern\'s allocs and frees for its seed, no alloc failed.');
  for (const r of bad) notes.push(`FIDELITY PROBLEM, ${r.label} x${r.workers}: ${r.fidelity}`);
  for (const r of rows) if (r.check !== undefined) notes.push(`${r.label} x${r.workers}: ${r.check === 'ok' ? 'check ok' : `CHECK FAILED: ${r.check}`} (after every worker detached: validate(), stats().bytes.inUse === 0)`);
  const kinds = rows.flatMap((r) => (r.memory ? [r.memory.kind] : []));
  if (kinds.length > 0) notes.push(`${memoryLegend(kinds)} Scaling: all workers / processes together, against the sum of their peak live bytes.`);
  return { benchmark: 'scaling', params: p, repeat: o.repeat, rows, skipped, notes };
}
