/**
 * larson over every allocator, per parameter set, in one run: native glibc and mimalloc at the
 * same parameters measured beside the rest, so that the ratios mean something on a noisy machine.
 * Every run is replayed afterwards (./reference.ts): the final size of every slot must match, and
 * the replay counts the frees of an earlier generation's block and the cross-worker frees.
 */
import { compileNative, findGcc, findPreloadLib } from '../native/toolchain.js';
import { median } from '../report/stats.js';
import { LARSON_ALLOCATORS, LARSON_NAMES, type LarsonAllocator, type LarsonReference } from './allocators.js';
import type { Variant } from './child.js';
import { runLarsonJs } from './js.js';
import { runNativeLarson } from './native.js';
import type { LarsonParams, LarsonSet } from './params.js';
import { type Assignment, type LarsonCounts, replayLarson } from './reference.js';
import { medianMemory, memoryLegend, type PeakMemory, peakMemory, rssOverEmpty } from '../memory/peak.js';
import { jsMemory } from '../random-mixed/bench.js';
import type { MeasuredMemory } from '../random-mixed/runner.js';
import { nativeEmptyKiB } from '../random-mixed/native.js';

export interface LarsonBenchOptions {
  sets: LarsonSet[];
  repeat: number;
  only?: string[];
  /** only the JavaScript rows of this variant (--variant); native rows always run */
  variant?: 'handoff' | 'respawn';
  progress?: (line: string) => void;
}

export interface LarsonRun {
  opsPerSec: number;
  seconds: number;
  /** CPU seconds of the whole process over the timed region (every thread it has) */
  cpuSeconds?: number;
  allocs: number;
  /** this run's peak memory against the replay's peak live bytes */
  memory?: PeakMemory;
}

export interface LarsonRow {
  set: string;
  name: string;
  label: string;
  kind: 'js' | 'native';
  /** 'handoff' | 'respawn' for JS; 'threads' for native (a new pthread per generation) */
  variant: Variant | 'threads';
  about: string;
  params: LarsonParams;
  /** how this row's parameters differ from its set's, in words ('' when they do not) */
  deviation: string;
  /** JS: bytes of the heap / buffer */
  heapBytes?: number;
  /** handoff: workers in the ring */
  workers?: number;
  runs: LarsonRun[];
  opsPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  /** ops/s over the reference's median in the same set (same thread count), this run */
  ratios: Partial<Record<LarsonReference, number>>;
  /** allocations per CPU second of the whole process (median over the runs), and its ratios as above */
  opsPerCpuSec?: number;
  cpuRatios?: Partial<Record<LarsonReference, number>>;
  /** the replay of the last run */
  counts: LarsonCounts;
  /** 'ok', or what differed from the replay / failed, over all runs */
  fidelity: string;
  /** JS: the allocator after the main thread freed everything ('ok' or the failure), over all runs */
  check?: string;
  /** generations (threads / Workers that did work) of the last run */
  generations: number;
  /** JS: Workers started in the last run */
  workersStarted?: number;
  impl?: string;
  preload?: string;
  learning?: LearningFacts;
  /** hakmem: slow paths and caches, medians over the runs */
  slow?: SlowFacts;
  /** peak memory (the median run's by bytes) against peak live bytes */
  memory?: PeakMemory;
}

/** hakmem: refills and drains of the run (every worker) per million allocations, bytes cached when it stopped */
export interface SlowFacts {
  refillsPerMAllocs: number;
  drainsPerMAllocs: number;
  cachedAtStop: number;
}

/** What the learner did and cost in a hakmem run (runners/hakmem.ts learningFacts). */
export interface LearningFacts {
  events: number;
  dropped: number;
  dropRate: number;
  decisions: number;
  learnerCpuMs: number | null;
  learnerStartupCpuMs: number | null;
  processCpuMs: number;
}

export interface LarsonSkipped {
  set?: string;
  name: string;
  reason: string;
}

export interface LarsonReport {
  benchmark: 'larson';
  sets: LarsonSet[];
  repeat: number;
  rows: LarsonRow[];
  skipped: LarsonSkipped[];
  notes: string[];
  gcc?: string;
}

interface Result {
  run: LarsonRun;
  iters: number[];
  checksum: number;
  generations: number;
  problems: string[];
  check?: string;
  heapBytes?: number;
  workers?: number;
  workersStarted?: number;
  impl?: string;
  learning?: LearningFacts | null;
  slow?: SlowFacts | null;
  /** JS: the child's memory peaks; native: the run's and the empty program's peak RSS, KiB */
  measured?: MeasuredMemory;
  maxrssKiB?: number;
  emptyKiB?: number;
}

interface Task {
  set: LarsonSet;
  a: LarsonAllocator;
  params: LarsonParams;
  deviation: string;
  assignment: Assignment;
  preload?: string;
  run(): Result;
  results: Result[];
  counts?: LarsonCounts;
  problems: string[];
  failed?: string;
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

function slowFacts(facts: Record<string, unknown> | undefined, allocs: number): SlowFacts | null {
  const s = facts?.slowPaths as { refills: number; drains: number } | undefined;
  if (!s || allocs <= 0) return null;
  return { refillsPerMAllocs: (s.refills / allocs) * 1e6, drainsPerMAllocs: (s.drains / allocs) * 1e6, cachedAtStop: Number(facts?.cachedAtStop ?? 0) };
}

function medianSlow(xs: SlowFacts[]): SlowFacts {
  return {
    refillsPerMAllocs: median(xs.map((x) => x.refillsPerMAllocs)),
    drainsPerMAllocs: median(xs.map((x) => x.drainsPerMAllocs)),
    cachedAtStop: median(xs.map((x) => x.cachedAtStop)),
  };
}

/** hakmem with the learner against fixed counts, same set, threads and variant: what learning changed. */
function learningNotes(rows: LarsonRow[]): string[] {
  const out: string[] = [];
  for (const on of rows) {
    if (on.name !== 'hakmem' || !on.slow) continue;
    const off = rows.find((r) => r.name === 'hakmem-fixed' && r.set === on.set && r.variant === on.variant && r.params.threads === on.params.threads);
    if (!off?.slow) continue;
    const pct = (a: number, b: number) => (b === 0 ? '-' : `${a >= b ? '+' : '-'}${Math.abs((100 * (a - b)) / b).toFixed(0)} %`);
    const kib = (b: number) => `${fmtInt(Math.round(b / 1024))} KiB`;
    out.push(
      `learning on vs fixed counts, ${on.variant} (${on.set}'s set, threads ${on.params.threads}): ops/s ${(on.opsPerSec / off.opsPerSec).toFixed(3)}x; ` +
        `refills per million allocations ${on.slow.refillsPerMAllocs.toFixed(0)} vs ${off.slow.refillsPerMAllocs.toFixed(0)} (${pct(on.slow.refillsPerMAllocs, off.slow.refillsPerMAllocs)}), ` +
        `drains ${on.slow.drainsPerMAllocs.toFixed(0)} vs ${off.slow.drainsPerMAllocs.toFixed(0)}; ` +
        `cached in the workers when the stop flag ended them ${kib(on.slow.cachedAtStop)} vs ${kib(off.slow.cachedAtStop)} (${pct(on.slow.cachedAtStop, off.slow.cachedAtStop)}); medians.`,
    );
  }
  return out;
}
/** The rows --only and --variant leave (native rows have no JS variant: --variant keeps them). */
export function selectLarsonAllocators(only?: readonly string[], variant?: 'handoff' | 'respawn'): LarsonAllocator[] {
  return LARSON_ALLOCATORS.filter((a) => (!only || only.includes(a.name)) && (!variant || a.kind === 'native' || a.variant === variant));
}

const variantOf = (a: LarsonAllocator): Variant | 'threads' => (a.kind === 'js' ? a.variant : 'threads');

export function runLarsonBench(o: LarsonBenchOptions): LarsonReport {
  const say = o.progress ?? (() => {});
  const skipped: LarsonSkipped[] = [];
  const notes: string[] = [];
  const unknown = (o.only ?? []).filter((n) => !LARSON_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown larson allocator ${unknown.join(', ')} (known: ${LARSON_NAMES.join(', ')})`);
  const selected = selectLarsonAllocators(o.only, o.variant);

  let bin: string | undefined;
  let gccVersion: string | undefined;
  if (selected.some((a) => a.kind === 'native')) {
    const gcc = findGcc();
    if (!gcc) {
      for (const a of selected) if (a.kind === 'native') skipped.push({ name: a.name, reason: 'skipped: gcc not found (apt-get install gcc)' });
    } else {
      gccVersion = gcc.version;
      try {
        bin = compileNative(gcc, 'larson', ['-pthread']);
      } catch (e) {
        for (const a of selected) if (a.kind === 'native') skipped.push({ name: a.name, reason: `skipped: ${(e as Error).message}` });
      }
    }
  }
  const preloads = new Map<string, string | undefined>();
  for (const a of selected) {
    if (a.kind !== 'native' || !a.preload || !bin) continue;
    const lib = findPreloadLib(a.preload.lib);
    preloads.set(a.name, lib);
    if (!lib) skipped.push({ name: a.name, reason: `skipped: lib${a.preload.lib} not installed (apt-get install ${a.preload.debPackage})` });
  }

  const tasks: Task[] = [];
  for (const set of o.sets) {
    for (const a of selected) {
      if (a.kind === 'js') {
        const params = a.chunksDivisor ? { ...set.params, chunks: Math.max(1, Math.floor(set.params.chunks / a.chunksDivisor)) } : set.params;
        const deviation = a.chunksDivisor ? `chunks/${a.chunksDivisor}: O(n) free` : '';
        const assignment: Assignment = a.variant === 'handoff' ? { kind: 'handoff', workers: Math.max(2, params.threads) } : { kind: 'threads' };
        const t: Task = {
          set, a, params, deviation, assignment, results: [], problems: [],
          run: () => {
            const r = runLarsonJs(a.name, a.variant, params);
            const problems: string[] = [];
            if (r.failed > 0) problems.push(`${fmtInt(r.failed)} allocs failed (heap of ${fmtInt(r.heapBytes)} bytes)`);
            if (r.refused > 0) problems.push(`${fmtInt(r.refused)} frees refused by the allocator`);
            if (!r.allDetached) problems.push('a worker ended without detach()');
            return {
              run: { opsPerSec: r.opsPerSec, seconds: r.seconds, cpuSeconds: r.cpuSeconds, allocs: r.allocs },
              iters: r.iters, checksum: r.checksum, generations: r.generations, problems,
              check: r.allDetached ? r.check : `${r.check}; not every worker detached`,
              heapBytes: r.heapBytes, workers: r.workers, workersStarted: r.workersStarted,
              learning: (r.checkFacts?.learning as LearningFacts | null | undefined) ?? null,
              slow: slowFacts(r.checkFacts, r.allocs),
              measured: r.memory,
            };
          },
        };
        tasks.push(t);
      } else {
        if (!bin || skipped.some((s) => s.name === a.name)) continue;
        const preload = a.preload ? preloads.get(a.name) : undefined;
        const exe = bin;
        const params = set.params;
        let emptyKiB: number | undefined;
        tasks.push({
          set, a, params, deviation: preload ? 'LD_PRELOAD' : '',
          assignment: { kind: 'threads' }, preload, results: [], problems: [],
          run: () => {
            const r = runNativeLarson(exe, params, { preload });
            const want = a.preload?.lib ?? 'glibc';
            if (r.impl !== want) throw new Error(`the binary's malloc is ${r.impl}, not ${want} (LD_PRELOAD did not take)`);
            return {
              run: { opsPerSec: r.opsPerSec, seconds: r.seconds, cpuSeconds: r.cpuSeconds, allocs: r.allocs },
              iters: r.iters, checksum: r.checksum, generations: r.generations,
              problems: r.failed > 0 ? [`${fmtInt(r.failed)} mallocs returned NULL`] : [],
              impl: r.impl,
              ...(r.maxrssKiB !== undefined ? { maxrssKiB: r.maxrssKiB, emptyKiB: (emptyKiB ??= nativeEmptyKiB(exe, preload)) } : {}),
            };
          },
        });
      }
    }
  }

  // Round-robin: every task once per round, the order rotated each round.
  for (let round = 0; round < o.repeat; round++) {
    const live = tasks.filter((t) => !t.failed);
    for (let k = 0; k < live.length; k++) {
      const t = live[(k + round) % live.length];
      say(`[larson round ${round + 1}/${o.repeat}] ${t.set.id} threads=${t.params.threads}: ${t.a.label} ${variantOf(t.a)} ...`);
      try {
        const r = t.run();
        // the replay: the run must have done exactly the reference's ops
        const c = replayLarson(t.params, r.iters, t.assignment);
        if (c.checksum !== r.checksum) r.problems.push('the final slot sizes differ from the replay');
        if (c.allocs !== r.run.allocs) r.problems.push(`allocs ${r.run.allocs} != replay ${c.allocs}`);
        t.counts = c;
        const memory = r.measured
          ? jsMemory(r.measured, c.peakLiveBytes)
          : r.maxrssKiB !== undefined && r.emptyKiB !== undefined
            ? peakMemory('rss', rssOverEmpty(r.maxrssKiB, r.emptyKiB), c.peakLiveBytes)
            : undefined;
        if (memory) r.run.memory = memory;
        t.results.push(r);
        t.problems.push(...r.problems.map((x) => `run ${round + 1}: ${x}`));
        say(`    ${(r.run.opsPerSec / 1e6).toFixed(3)} M ops/s (${fmtInt(r.run.allocs)} allocs in ${r.run.seconds.toFixed(3)} s)` +
          `${r.check ? `, check ${r.check}` : ''}${r.problems.length ? `; ${r.problems.join('; ')}` : ''}`);
      } catch (e) {
        t.failed = (e as Error).message;
        say(`    failed: ${t.failed}`);
      }
    }
  }

  const rows: LarsonRow[] = [];
  for (const t of tasks) {
    if (t.results.length === 0 || !t.counts) {
      skipped.push({ set: `${t.set.id} threads=${t.params.threads}`, name: `${t.a.name} ${variantOf(t.a)}`, reason: `failed: ${t.failed ?? 'no result'}` });
      continue;
    }
    if (t.failed) notes.push(`${t.a.label} ${variantOf(t.a)} (${t.set.id}'s set, threads ${t.params.threads}): a later run failed (${t.failed}); the figure is over ${t.results.length} run(s)`);
    const ops = t.results.map((r) => r.run.opsPerSec);
    const last = t.results[t.results.length - 1];
    const badCheck = t.results.map((r) => r.check).find((c) => c !== undefined && c !== 'ok');
    const memory = medianMemory(t.results.map((r) => r.run.memory));
    rows.push({
      set: t.set.id,
      name: t.a.name,
      label: t.a.label,
      kind: t.a.kind,
      variant: variantOf(t.a),
      about: t.a.about,
      params: t.params,
      deviation: t.deviation,
      ...(last.heapBytes !== undefined ? { heapBytes: last.heapBytes } : {}),
      ...(t.a.kind === 'js' && t.a.variant === 'handoff' ? { workers: last.workers } : {}),
      runs: t.results.map((r) => r.run),
      opsPerSec: median(ops),
      minOpsPerSec: Math.min(...ops),
      maxOpsPerSec: Math.max(...ops),
      ratios: {},
      ...(t.results.every((r) => r.run.cpuSeconds) ? { opsPerCpuSec: median(t.results.map((r) => r.run.allocs / r.run.cpuSeconds!)), cpuRatios: {} } : {}),
      counts: t.counts,
      fidelity: t.problems.length === 0 ? 'ok' : t.problems.join('; '),
      ...(last.check !== undefined ? { check: badCheck ?? last.check } : {}),
      generations: last.generations,
      ...(last.workersStarted !== undefined ? { workersStarted: last.workersStarted } : {}),
      ...(last.impl ? { impl: last.impl } : {}),
      ...(t.preload ? { preload: t.preload } : {}),
      ...(last.learning ? { learning: last.learning } : {}),
      ...(last.slow ? { slow: medianSlow(t.results.map((r) => r.slow).filter((x): x is SlowFacts => !!x)) } : {}),
      ...(memory ? { memory } : {}),
    });
  }
  // ratios within a set at the same thread count
  for (const row of rows) {
    for (const ref of ['limit', 'glibc', 'mimalloc'] as const) {
      const r = rows.find((x) => LARSON_ALLOCATORS.find((a) => a.name === x.name)?.reference === ref && x.set === row.set && x.params.threads === row.params.threads);
      if (r) row.ratios[ref] = row.opsPerSec / r.opsPerSec;
      if (r?.opsPerCpuSec && row.opsPerCpuSec && row.cpuRatios) row.cpuRatios[ref] = row.opsPerCpuSec / r.opsPerCpuSec;
    }
  }
  for (const r of rows) {
    const l = r.learning;
    if (!l) continue;
    const share = (ms: number) => `${((100 * ms) / l.processCpuMs).toFixed(2)} %`;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const steady = l.learnerCpuMs !== null && l.learnerStartupCpuMs !== null ? l.learnerCpuMs - l.learnerStartupCpuMs : null;
    const cpu = l.learnerCpuMs === null
      ? 'not measurable here'
      : `${ms(l.learnerCpuMs)} of the process's ${Math.round(l.processCpuMs)} ms (${share(l.learnerCpuMs)})` +
        (steady !== null ? `, of which ${ms(l.learnerStartupCpuMs!)} starting its Worker: ${ms(steady)} (${share(steady)}) learning` : '');
    notes.push(
      `${r.label} ${r.variant} (${r.set}'s set, threads ${r.params.threads}), learning on (the default), last run: ` +
        `${fmtInt(l.events)} refill events, ${fmtInt(l.dropped)} dropped (${(100 * l.dropRate).toFixed(3)} %), ` +
        `${fmtInt(l.decisions)} policy changes; learner CPU ${cpu}.`,
    );
  }
  notes.push(...learningNotes(rows));
  notes.push(...standardNotes(o, rows));
  const kinds = rows.flatMap((r) => (r.memory ? [r.memory.kind] : []));
  if (kinds.length > 0) {
    notes.push(
      `${memoryLegend(kinds)} larson's peak live bytes: the larger of the warm-up's peak and the sum over ranges of each range's ` +
        'peak (from the replay; ranges run at once, so this bounds their common peak from above).',
    );
  }
  return { benchmark: 'larson', sets: o.sets, repeat: o.repeat, rows, skipped, notes, ...(gccVersion ? { gcc: gccVersion } : {}) };
}

function standardNotes(o: LarsonBenchOptions, rows: LarsonRow[]): string[] {
  const notes: string[] = [];
  notes.push(
    'ops/s = allocations / seconds, as larson prints it (each allocation comes with a free of the victim slot and two ' +
      'bytes written). The clock runs from the start of the first generation until every thread / worker has ' +
      'finished after the stop flag. Native: from right after the threads are created (larson.cpp). JS: from the ' +
      'moment the first generation\'s workers are all up and attached and released together (their start-up is not ' +
      'timed; respawn\'s later Workers start inside the timed region, as larson\'s later threads do). No JIT warm-up: ' +
      'the runs last seconds.',
  );
  notes.push(
    'variants: "threads" = the C port, a new pthread per generation (larson.cpp\'s bleeding); "respawn" = the faithful ' +
      'JS version, a new Worker per generation (the main thread starts it when its predecessor reports); "handoff" = ' +
      'long-lived workers in a ring: at step k worker w runs range (w + k) mod W once the range\'s step k - 1 is done, so ' +
      'each generation boundary hands every range to another worker (W = threads, and 2 workers alternating on the one ' +
      'range when threads = 1). All variants do the same ops for the same number of iterations: the same RNG streams, ' +
      'victims and sizes.',
  );
  notes.push(
    'fidelity: every run is replayed afterwards from the seed and its per-range iteration counts (src/larson/reference.ts); ' +
      'the final size of every slot must equal the replay\'s, and no alloc may fail. "x-gen frees" = frees of a block ' +
      'an earlier generation (or the warm-up) allocated, larson\'s cross-thread frees; "x-worker frees" = frees of a ' +
      'block another thread / worker allocated (the main thread counts as one). Both as a share of all frees, from the replay.',
  );
  const handoff = rows.filter((r) => r.variant === 'handoff');
  if (handoff.some((r) => r.counts.crossFrees < r.counts.olderFrees)) {
    notes.push(
      'handoff cannot make every x-gen free cross-worker: a block that no victim pick touches for a multiple of W ' +
        'generations is freed by the worker that allocated it (with rounds = 1, 1/e of a range\'s blocks survive each ' +
        'generation untouched; with rounds = 100, none). The rows show how many: ' +
        handoff
          .filter((r) => r.counts.crossFrees < r.counts.olderFrees)
          .map((r) => `${r.label} (${r.set}'s set, threads ${r.params.threads}, W ${r.workers}): ${fmtInt(r.counts.olderFrees - r.counts.crossFrees)} of ${fmtInt(r.counts.olderFrees)} x-gen frees came back to their allocator`)
          .join('; ') +
        '. respawn and the C port make every x-gen free a cross-thread one.',
    );
  }
  const resp = rows.filter((r) => r.variant === 'respawn');
  if (resp.length > 0) {
    notes.push(
      `respawn started ${resp.map((r) => `${fmtInt(r.workersStarted ?? 0)} Workers (${r.name}, ${r.set}'s set, threads ${r.params.threads})`).join(', ')} in its last run; ` +
        'a Worker costs tens of milliseconds to start, far more than a generation of hakmem\'s set.',
    );
  }
  if (rows.some((r) => r.name === 'limit')) {
    notes.push(
      '"limit: bare JS freelist" = larson\'s loop with a bare segregated freelist written inline: one set of list ' +
        'heads per range (a generation only touches its range\'s lists, and one worker runs a range at a time, so no ' +
        'lock and no atomic), 16-byte classes to 1 KiB and 1 KiB classes above, a 4-byte class word per block, a ' +
        'shared bump pointer (Atomics.add) on a miss, over one SharedArrayBuffer of 64 MiB + 2 x threads x chunks x ' +
        '(largest class + 4) bytes, capped at 2 GiB - 64 KiB (its lists never give memory to another class or range). ' +
        'Same harness (lran2, slot arrays, stop flag) as every JS row: the ceiling for a JS allocator here ("vs limit").',
    );
  }
  const smo = rows.filter((r) => r.name === 'smo');
  if (smo.length > 0) {
    notes.push(
      '@daneren2005/shared-memory-objects: its MemoryBuffer (a locked fork of thi.ng\'s MemPool, compact/split off as its ' +
        'MemoryHeap sets them) over one SharedArrayBuffer, shared by building a MemoryBuffer with skipInitialization ' +
        'in each worker. Its free walks every live block under one lock, so it runs with chunks / 10 (a tenth of the ' +
        'live blocks; the parameters column says so) and its ratios compare that smaller run. Its lock evaluates ' +
        '`\'WorkerGlobalScope\' in self` on contention, which throws in Node (no `self`); each worker defines `self` and ' +
        '`WorkerGlobalScope` as a browser worker has them, so the lock waits with Atomics.wait as it does in a browser.',
    );
  }
  const hk = rows.filter((r) => r.name === 'hakmem' && r.heapBytes);
  if (hk.length > 0) {
    const sizes = [...new Set(hk.map((r) => `${Math.round(((r.heapBytes as number) / 2 ** 20) * 10) / 10} MiB (${r.set}'s set, threads ${r.params.threads})`))];
    notes.push(
      `hakmem heaps: 64 MiB + 1.5 x threads x chunks x max bytes, capped at the largest heap hakmem allows (2 GiB - 64 KiB): ${sizes.join(', ')}. ` +
        'Untouched shared memory costs no RAM.',
    );
  }
  const pre = rows.filter((r) => r.preload);
  if (pre.length > 0) {
    notes.push(`native rows: ${[...new Set(pre.map((r) => `${r.name} = LD_PRELOAD=${r.preload} (the binary reports ${r.impl})`))].join('; ')}.`);
  }
  if (o.repeat > 1) notes.push(`each figure is the median of ${o.repeat} runs (spread = min..max); runs interleaved round-robin, order rotated every round.`);
  const bad = rows.filter((r) => r.fidelity !== 'ok');
  if (bad.length === 0 && rows.length > 0) notes.push('fidelity: every run matched its replay (final sizes of every slot), no alloc failed, no free was refused.');
  for (const r of bad) notes.push(`FIDELITY PROBLEM, ${r.label} ${r.variant} (${r.set}'s set, threads ${r.params.threads}): ${r.fidelity}`);
  const what: Record<string, string> = {
    limit: 'every block it carved is on exactly one of its lists',
    hakmem: 'every worker detached, watch() reclaimed nothing, validate() passes, stats().bytes.inUse === 0',
    smo: 'its used list is empty',
  };
  const checked = rows.filter((r) => r.check !== undefined);
  const okRows = checked.filter((r) => r.check === 'ok');
  for (const name of [...new Set(okRows.map((r) => r.name))]) {
    const these = okRows.filter((r) => r.name === name);
    notes.push(
      `${these[0].label}: check ok after every run (${these.map((r) => `${r.variant} ${r.set}'s set threads ${r.params.threads}`).join(', ')}): ` +
        `the main thread freed every slot and ${what[name] ?? 'the allocator is clean'}.`,
    );
  }
  for (const r of checked.filter((x) => x.check !== 'ok')) {
    notes.push(`CHECK FAILED, ${r.label} ${r.variant} (${r.set}'s set, threads ${r.params.threads}): ${r.check}`);
  }
  // work per CPU second: what the other jobs of a shared machine disturb less than the wall clock
  for (const set of [...new Set(rows.map((r) => `${r.set}/${r.params.threads}`))]) {
    const these = rows.filter((r) => `${r.set}/${r.params.threads}` === set && r.opsPerCpuSec);
    if (these.length === 0) continue;
    const ratio = (r: LarsonRow) =>
      (['limit', 'glibc', 'mimalloc'] as const).filter((k) => r.cpuRatios?.[k] !== undefined).map((k) => `${r.cpuRatios![k]!.toFixed(2)}x ${k}`).join(', ');
    notes.push(
      `per CPU second (${these[0].set}'s set, threads ${these[0].params.threads}; allocations / CPU seconds of the whole process over the timed ` +
        'region, every thread counted: workers, learner, sampler, GC; medians): ' +
        these.map((r) => `${r.label} ${r.variant} ${(r.opsPerCpuSec! / 1e6).toFixed(2)} M (${ratio(r)})`).join('; ') + '.',
    );
  }
  // the issue's target
  const target = rows.find((r) => r.name === 'hakmem' && r.variant === 'handoff' && r.params.threads === 2);
  const glibc2 = target && rows.find((r) => r.name === 'glibc' && r.set === target.set && r.params.threads === 2);
  if (target?.ratios.glibc !== undefined && glibc2) {
    const m = (x: number) => (x / 1e6).toFixed(1);
    const overlap = o.repeat > 1 && target.minOpsPerSec <= glibc2.maxOpsPerSec && glibc2.minOpsPerSec <= target.maxOpsPerSec;
    notes.push(
      `target (hakmem handoff at 2 workers >= native glibc larson at 2 threads, ${target.set}'s set): ${target.ratios.glibc.toFixed(2)}x, ` +
        `${target.ratios.glibc >= 1 ? 'met' : 'NOT met'} on the medians` +
        (o.repeat > 1
          ? ` (hakmem ${m(target.minOpsPerSec)}..${m(target.maxOpsPerSec)}, glibc ${m(glibc2.minOpsPerSec)}..${m(glibc2.maxOpsPerSec)} M ops/s: ` +
            `${overlap ? 'the spreads overlap, so the two are not distinguishable in this run' : 'the spreads do not overlap'})`
          : '') +
        '.',
    );
  }
  return notes;
}
