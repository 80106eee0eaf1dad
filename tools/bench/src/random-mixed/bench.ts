/**
 * random-mixed over every allocator, in one run: references (the JS limit, native glibc and
 * mimalloc) measured beside the rest, so that the ratios mean something on a noisy machine.
 */
import { WARMUP_ROUNDS } from './runner.js';
import { compileNative, findGcc, findPreloadLib } from '../native/toolchain.js';
import { median } from '../report/stats.js';
import { MIXED_ALLOCATORS, type MixedAllocator, type Reference } from './allocators.js';
import { runJsChild } from './js.js';
import { cpuFor, pinnableCpus } from '../report/pin.js';
import { nativeEmptyKiB, runNativeMixed } from './native.js';
import type { MeasuredMemory } from './runner.js';
import { medianMemory, memoryLegend, type PeakMemory, peakMemory, rssOverEmpty } from '../memory/peak.js';
import { type MixedCounts, type MixedParams, prefaultCycles } from './params.js';
import { measureOverhead, type Overhead, overheadNote } from './overhead.js';
import { type PatternSummary, referencePattern } from './pattern.js';
import { type Paired, runPairs, summarize } from '../report/paired.js';

export interface MixedBenchOptions {
  params: MixedParams;
  /** measurements per allocator; the table shows the median */
  repeat: number;
  /** --only: allocator names (all when absent) */
  only?: string[];
  /** slow allocators (O(n) free) run cycles / slowDivisor */
  slowDivisor: number;
  /** extra paired runs of hakmem and hakmem-counters for the metrics-overhead figure (default 20) */
  overheadPairs?: number;
  /** paired runs of hakmem with and without the memory sampler Worker (default 0: none) */
  samplerPairs?: number;
  progress?: (line: string) => void;
}

export interface MixedRun {
  opsPerSec: number;
  seconds: number;
  /** JS rows: CPU seconds of the whole child process over the timed region */
  cpuSeconds?: number;
  /** this run's peak memory against the pattern's peak live bytes */
  memory?: PeakMemory;
}

export interface MixedRow {
  name: string;
  label: string;
  kind: 'js' | 'native';
  about: string;
  /** the parameters this row ran with */
  params: MixedParams;
  /** how they differ from the run's parameters, in words; '' when they do not */
  deviation: string;
  runs: MixedRun[];
  /** median / min / max ops/s over the runs */
  opsPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  /** ops/s divided by each reference's median ops/s in this run */
  ratios: Partial<Record<Reference, number>>;
  /** what the last run did, op for op */
  counts: MixedCounts;
  /** 'ok' when the counts equal the reference pattern's, else what differs */
  fidelity: string;
  /** allocator-specific facts after the drain (hakmem: validate, inUse): the first failed run's, else the last run's */
  check?: Record<string, unknown>;
  /** native: the malloc the binary saw, and the shared object preloaded for it */
  impl?: string;
  preload?: string;
  /** JS: iterations of the untimed warm-up main loop */
  warmupCycles?: number;
  /** peak memory (the median run's by bytes) against peak live bytes */
  memory?: PeakMemory;
}

export interface Skipped {
  name: string;
  reason: string;
}

export interface MixedReport {
  benchmark: 'random-mixed';
  params: MixedParams;
  repeat: number;
  slowDivisor: number;
  rows: MixedRow[];
  skipped: Skipped[];
  notes: string[];
  /** counters on (and with low-water marks) against the default heap, from paired runs */
  overhead: Overhead[];
  /** hakmem with the memory sampler / without, paired (--sampler-pairs) */
  sampler?: Paired;
  gcc?: string;
}

interface Task {
  a: MixedAllocator;
  params: MixedParams;
  deviation: string;
  preload?: string;
  /** one run, its timed thread pinned to `cpu` when given (../report/pin.ts) */
  run(cpu?: number): { run: MixedRun; counts: MixedCounts; check?: Record<string, unknown>; impl?: string; warmupCycles?: number };
  /** the empty program's peak RSS (native rows), KiB */
  emptyKiB?: number;
  results: ReturnType<Task['run']>[];
  failed?: string;
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

export function runMixedBench(o: MixedBenchOptions): MixedReport {
  const p = o.params;
  const say = o.progress ?? (() => {});
  const skipped: Skipped[] = [];
  const notes: string[] = [];
  const unknown = (o.only ?? []).filter((n) => !MIXED_ALLOCATORS.some((a) => a.name === n));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown allocator ${unknown.join(', ')} (known: ${MIXED_ALLOCATORS.map((a) => a.name).join(', ')})`);
  }
  const selected = MIXED_ALLOCATORS.filter((a) => !o.only || o.only.includes(a.name));

  // Native: gcc, the binary, the preload libraries.
  let bin: string | undefined;
  let gccVersion: string | undefined;
  if (selected.some((a) => a.kind === 'native')) {
    const gcc = findGcc();
    if (!gcc) {
      for (const a of selected) if (a.kind === 'native') skipped.push({ name: a.name, reason: 'skipped: gcc not found (apt-get install gcc)' });
    } else {
      gccVersion = gcc.version;
      try {
        bin = compileNative(gcc, 'random_mixed');
      } catch (e) {
        for (const a of selected) if (a.kind === 'native') skipped.push({ name: a.name, reason: `skipped: ${(e as Error).message}` });
      }
    }
  }

  const refs = new Map<number, PatternSummary>();
  const reference = (params: MixedParams) => {
    let r = refs.get(params.cycles);
    if (!r) refs.set(params.cycles, (r = referencePattern(params)));
    return r;
  };

  const tasks: Task[] = [];
  for (const a of selected) {
    if (a.kind === 'js') {
      const params = a.slow ? { ...p, cycles: Math.max(1, Math.floor(p.cycles / o.slowDivisor)) } : p;
      const parts: string[] = [];
      if (a.slow) parts.push(`cycles/${o.slowDivisor}: O(n) free`);
      tasks.push({
        a, params, deviation: parts.join('; '), results: [],
        run: (cpu) => {
          const r = runJsChild(a.name, params, { cpu });
          const memory = jsMemory(r.memory, reference(params).peakLiveBytes);
          return { run: { opsPerSec: r.opsPerSec, seconds: r.seconds, cpuSeconds: r.cpuSeconds, memory }, counts: r.counts, check: r.check, warmupCycles: r.warmupCycles };
        },
      });
    } else {
      if (!bin || skipped.some((s) => s.name === a.name)) continue;
      let preload: string | undefined;
      if (a.preload) {
        preload = findPreloadLib(a.preload.lib);
        if (!preload) {
          skipped.push({ name: a.name, reason: `skipped: lib${a.preload.lib} not installed (apt-get install ${a.preload.debPackage})` });
          continue;
        }
      }
      const exe = bin;
      const task: Task = {
        a, params: p, deviation: preload ? 'LD_PRELOAD' : '', preload, results: [],
        run: (cpu) => {
          const r = runNativeMixed(exe, p, { preload, cpu });
          const want = a.preload?.lib ?? 'glibc';
          if (r.impl !== want) throw new Error(`the binary's malloc is ${r.impl}, not ${want} (LD_PRELOAD did not take)`);
          // the empty program once per row: the same binary and preload, no benchmark
          task.emptyKiB ??= nativeEmptyKiB(exe, preload);
          const memory = r.maxrssKiB !== undefined
            ? peakMemory('rss', rssOverEmpty(r.maxrssKiB, task.emptyKiB), reference(p).peakLiveBytes)
            : undefined;
          return {
            run: { opsPerSec: r.opsPerSec ?? 0, seconds: r.seconds ?? 0, ...(memory ? { memory } : {}) },
            counts: { prefault: r.prefault, main: r.main, drain: r.drain },
            impl: r.impl,
          };
        },
      };
      tasks.push(task);
    }
  }

  // Round-robin: every allocator once per round, the order rotated each round, so drift on this
  // shared machine hits all of them alike; a round's rows all time on the same CPU.
  for (let round = 0; round < o.repeat; round++) {
    const live = tasks.filter((t) => !t.failed);
    const cpu = cpuFor(round);
    for (let k = 0; k < live.length; k++) {
      const t = live[(k + round) % live.length];
      say(`[round ${round + 1}/${o.repeat}] ${t.a.label} (${fmtInt(t.params.cycles)} cycles)${cpu === undefined ? '' : ` on CPU ${cpu}`} ...`);
      try {
        const r = t.run(cpu);
        t.results.push(r);
        say(`    ${(r.run.opsPerSec / 1e6).toFixed(3)} M ops/s (${r.run.seconds.toFixed(3)} s)`);
      } catch (e) {
        t.failed = (e as Error).message;
        say(`    failed: ${t.failed}`);
      }
    }
  }

  // The memory sampler's cost: hakmem's row with its sampler Worker and without, paired.
  let sampler: Paired | undefined;
  if ((o.samplerPairs ?? 0) > 0 && selected.some((a) => a.name === 'hakmem')) {
    const n = o.samplerPairs!;
    const pairs = runPairs(n, (k) => runJsChild('hakmem', p, { cpu: cpuFor(k) }).opsPerSec, (k) => runJsChild('hakmem', p, { sampler: false, cpu: cpuFor(k) }).opsPerSec, (k, x) =>
      say(`[sampler pair ${k + 1}/${n}] hakmem with / without the memory sampler = ${x.ratio.toFixed(3)}`),
    );
    sampler = summarize(pairs);
    notes.push(
      `memory sampler: hakmem with its sampler Worker / without = ${sampler.ratio.toFixed(3)}x, median of ${n} paired runs ` +
        `(pairs ${sampler.min.toFixed(3)}..${sampler.max.toFixed(3)}); the sampler reads two words with Atomics.load every millisecond.`,
    );
  }

  // The metrics overhead: a difference of about a percent needs pairs, not medians of rows.
  const overhead: Overhead[] = [];
  const byName = (n: string) => tasks.find((t) => t.a.name === n && !t.failed && t.results.length > 0);
  const off = byName('hakmem');
  for (const [name, extra] of [['hakmem-counters', o.overheadPairs ?? 20], ['hakmem-low-water', 0]] as const) {
    const on = byName(name);
    if (!off || !on) continue;
    try {
      const runOf = (n: string, k: number) => (n === 'hakmem' ? off : on).run(cpuFor(k)).run;
      overhead.push(measureOverhead(name, off.results.map((r) => r.run), on.results.map((r) => r.run), extra, runOf, say));
    } catch (e) {
      notes.push(`metrics overhead (${name}): a paired run failed (${(e as Error).message})`);
    }
  }

  const rows: MixedRow[] = [];
  for (const t of tasks) {
    if (t.results.length === 0) {
      skipped.push({ name: t.a.name, reason: `failed: ${t.failed ?? 'no result'}` });
      continue;
    }
    if (t.failed) notes.push(`${t.a.label}: a later run failed (${t.failed}); the figure is over ${t.results.length} run(s)`);
    const ops = t.results.map((r) => r.run.opsPerSec);
    const last = t.results[t.results.length - 1];
    const memory = medianMemory(t.results.map((r) => r.run.memory));
    rows.push({
      name: t.a.name,
      label: t.a.label,
      kind: t.a.kind,
      about: t.a.about,
      params: t.params,
      deviation: t.deviation,
      runs: t.results.map((r) => r.run),
      opsPerSec: median(ops),
      minOpsPerSec: Math.min(...ops),
      maxOpsPerSec: Math.max(...ops),
      ratios: {},
      counts: last.counts,
      fidelity: compareCounts(last.counts, reference(t.params)),
      // a failed check in any run is what the row reports
      ...(last.check ? { check: t.results.map((r) => r.check).find((c) => c && (c.validate !== 'ok' || c.inUse !== 0)) ?? last.check } : {}),
      ...(last.impl ? { impl: last.impl } : {}),
      ...(t.preload ? { preload: t.preload } : {}),
      ...(last.warmupCycles !== undefined ? { warmupCycles: last.warmupCycles } : {}),
      ...(memory ? { memory } : {}),
    });
  }
  for (const ref of ['limit', 'glibc', 'mimalloc'] as const) {
    const r = rows.find((row) => MIXED_ALLOCATORS.find((a) => a.name === row.name)?.reference === ref);
    if (!r) continue;
    for (const row of rows) row.ratios[ref] = row.opsPerSec / r.opsPerSec;
  }

  for (const ov of overhead) {
    notes.push(ov.row === 'hakmem-counters' ? overheadNote(ov, 'counters on', 2) : overheadNote(ov, "counters + low-water marks"));
  }
  notes.push(...cpuNotes(rows));
  notes.push(...standardNotes(o, rows));
  const kinds = rows.flatMap((r) => (r.memory ? [r.memory.kind] : []));
  if (kinds.length > 0) notes.push(memoryLegend(kinds));
  return {
    benchmark: 'random-mixed', params: p, repeat: o.repeat, slowDivisor: o.slowDivisor, rows, skipped, notes, overhead,
    ...(sampler ? { sampler } : {}),
    ...(gccVersion ? { gcc: gccVersion } : {}),
  };
}

/** A JS child's measured memory as the row's figure: the probe's main word, or the RSS delta without a probe. */
export function jsMemory(m: MeasuredMemory | undefined, liveBytes: number): PeakMemory | undefined {
  if (!m) return undefined;
  const bytes = m.kind === 'rss' ? m.rssDelta : m.peaks[m.main];
  if (bytes === undefined) return undefined;
  return peakMemory(m.kind, bytes, liveBytes, {
    ...(m.peaks.committed !== undefined ? { committed: m.peaks.committed } : {}),
    ...(m.peaks.reserved !== undefined ? { reserved: m.peaks.reserved } : {}),
    ...(m.rssDelta !== undefined ? { rssDelta: m.rssDelta } : {}),
  });
}

/** '' when equal, else the differences in words. Failed allocs (heap exhausted) are reported too. */
export function compareCounts(c: MixedCounts, ref: MixedCounts): string {
  const diffs: string[] = [];
  for (const phase of ['prefault', 'main'] as const) {
    for (const k of ['allocs', 'frees'] as const) {
      if (c[phase][k] !== ref[phase][k]) diffs.push(`${phase} ${k} ${c[phase][k]} != ${ref[phase][k]}`);
    }
    if (c[phase].failed > 0) diffs.push(`${phase}: ${c[phase].failed} allocs failed`);
  }
  if (c.drain.frees !== ref.drain.frees) diffs.push(`drain frees ${c.drain.frees} != ${ref.drain.frees}`);
  return diffs.length === 0 ? 'ok' : diffs.join('; ');
}

/**
 * Two figures the other jobs of a shared machine disturb less than medians of wall-clock runs: each
 * JS row's cycles per CPU second of its whole process (learner, sampler and GC threads counted), and
 * its ratio to the limit round by round (rounds interleave the rows, so a round's runs are close in time).
 */
export function cpuNotes(rows: MixedRow[]): string[] {
  const limit = rows.find((r) => r.name === 'limit');
  const js = rows.filter((r) => r.kind === 'js' && r.runs.length > 0 && r.runs.every((x) => x.cpuSeconds));
  if (!limit || !js.includes(limit)) return [];
  const perCpu = (r: MixedRow) => median(r.runs.map((x) => r.params.cycles / x.cpuSeconds!));
  const base = perCpu(limit);
  const notes = [
    'per CPU second (cycles / CPU seconds of the whole child process over the timed region, every thread counted; medians): ' +
      js.map((r) => `${r.label} ${(perCpu(r) / 1e6).toFixed(1)} M (${(perCpu(r) / base).toFixed(2)}x limit)`).join('; ') + '.',
  ];
  const same = js.filter((r) => r !== limit && r.params.cycles === limit.params.cycles && r.runs.length === limit.runs.length);
  if (same.length > 0 && limit.runs.length > 1) {
    notes.push(
      'vs limit round by round (ops/s): ' +
        same.map((r) => `${r.label} ${r.runs.map((x, k) => (x.opsPerSec / limit.runs[k].opsPerSec).toFixed(2)).join(' ')}`).join('; ') + '.',
    );
  }
  return notes;
}

function standardNotes(o: MixedBenchOptions, rows: MixedRow[]): string[] {
  const p = o.params;
  const pow2 = (p.ws & (p.ws - 1)) === 0;
  const notes: string[] = [];
  notes.push(
    `ops/s = cycles / seconds of (main loop + final drain); before it, untimed, a prefault of cycles/10 ` +
      `iterations (seed + 0xDEADBEEF) leaves the slots partly filled (${fmtInt(prefaultCycles(p.cycles))} here).`,
  );
  const js = rows.filter((r) => r.kind === 'js');
  if (js.length > 0) {
    notes.push(
      'JS warm-up: every JS allocator runs in a fresh child process of its own (one loop function per allocator) and first ' +
        `runs the same protocol at a tenth of its cycles (prefault + main loop + drain) ${WARMUP_ROUNDS} times on throwaway ` +
        'instances, untimed, then gc(); only then the measured protocol on a new instance: the figures are steady-state ' +
        'throughput. Native runs get no warm-up (they need none).',
    );
  }
  notes.push(
    `idx = r % ws: with ws a power of two the runners (JS and C alike) compute r & (ws - 1), the same value, because V8's ` +
      `% on a uint32 is a float modulo that halves the bare loop; otherwise they keep %. ws = ${p.ws} ${pow2 ? 'is' : 'is NOT'} ` +
      `a power of two${pow2 ? ', so & is used' : ', so % is used (the JS figures pay the float modulo)'}.`,
  );
  const slow = rows.filter((r) => r.deviation.includes(`cycles/${o.slowDivisor}`));
  if (slow.length > 0) {
    notes.push(
      `${slow.map((r) => r.label).join(' and ')}: free walks a list of live blocks (O(n)), three orders of magnitude slower, so ` +
        `${slow.length > 1 ? 'they run' : 'it runs'} cycles/${o.slowDivisor} = ${fmtInt(slow[0].params.cycles)} cycles ` +
        `(prefault ${fmtInt(prefaultCycles(slow[0].params.cycles))}), same ws, seed and sizes; ` +
        `${slow.length > 1 ? 'their' : 'its'} ratios compare that shorter run with the references' full one.`,
    );
  }
  for (const r of rows) {
    const a = MIXED_ALLOCATORS.find((x) => x.name === r.name);
    if (a?.kind === 'js' && a.config) notes.push(`${r.label}: ${a.config}.`);
  }
  const pre = rows.filter((r) => r.preload);
  if (pre.length > 0) {
    notes.push(`native rows: ${pre.map((r) => `${r.name} = LD_PRELOAD=${r.preload} (the binary reports ${r.impl})`).join('; ')}.`);
  }
  if (o.repeat > 1) {
    notes.push(`each figure is the median of ${o.repeat} runs (spread = min..max); allocators interleaved round-robin, order rotated every round.`);
    const n = pinnableCpus();
    notes.push(
      n > 0
        ? `pinned: the rows of round r time on CPU r mod ${n}, and the two runs of paired run k (metrics overhead, sampler) on CPU k mod ${n} ` +
            "(taskset: a JS child's timed thread from just before the clock, its other threads on every CPU; a native child whole), " +
            "because a shared machine's CPUs are not always equally fast (BENCHMARKS.md, \"2026-12-03, seventh\")."
        : 'not pinned (no taskset, or one CPU): a round\'s rows and a pair\'s runs may time on CPUs of different speed.',
    );
  }
  const bad = rows.filter((r) => r.fidelity !== 'ok');
  if (bad.length === 0 && rows.length > 0) {
    const full = rows.find((r) => r.params.cycles === p.cycles) ?? rows[0];
    notes.push(
      `fidelity: every row did exactly the reference pattern's allocs and frees, no alloc failed ` +
        `(at ${fmtInt(full.params.cycles)} cycles the main loop is ${fmtInt(full.counts.main.allocs)} allocs + ` +
        `${fmtInt(full.counts.main.frees)} frees, the drain ${fmtInt(full.counts.drain.frees)} frees).`,
    );
  } else {
    for (const r of bad) notes.push(`FIDELITY PROBLEM, ${r.label}: ${r.fidelity}`);
  }
  for (const r of rows) {
    if (r.check && (r.check.validate !== 'ok' || r.check.inUse !== 0)) {
      notes.push(`CHECK FAILED, ${r.label} after the drain: ${JSON.stringify(r.check)}`);
    }
  }
  return notes;
}
