/**
 * `--learner-cost`: what the learner (on by default) costs against `learning: false`, per row, as
 * paired runs (the order alternating; the median of the pairs' on / off and their spread): a short
 * program timed from `createHeap()` in a fresh process (`fresh`), random-mixed's hakmem row
 * (`random-mixed`), larson's hakmem handoff rows (`larson`: mimalloc-bench's set and hakmem's), and
 * scaling's two workers on one heap (`scaling`). Beside each: the learner's CPU and its start's,
 * the process's CPU where the child reports it, and refills with the learner on and off.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLarsonJs } from '../larson/js.js';
import { generationIters, larsonSets, type LarsonParams } from '../larson/params.js';
import type { MixedParams } from '../random-mixed/params.js';
import { runJsChild } from '../random-mixed/js.js';
import { intervalText, runPairs, summarize } from '../report/paired.js';
import { cpuFor, pinnableCpus } from '../report/pin.js';
import { median, medianInterval } from '../report/stats.js';
import { runScalingJs } from '../scaling/js.js';
import type { FreshResult } from './fresh-child.js';

export const COST_ROWS = ['fresh', 'random-mixed', 'larson', 'scaling'] as const;

/** One run of a row: its ops/s and what the learner and the refill path did. */
export interface CostRun {
  opsPerSec: number;
  refills: number;
  /** operations of the timed run (larson: allocations; random-mixed: main-loop cycles) */
  ops: number;
  /** the learner's thread CPU, ms, and of which its start (null: none ran, or not measurable) */
  learnerCpuMs: number | null;
  startCpuMs: number | null;
  /** the process's CPU, ms, where the child reports it */
  processCpuMs: number | null;
  /** the CPU of the timed run alone, s, where the child reports it (larson): the run's ops per CPU second */
  runCpuSeconds?: number;
  mode?: string;
}

export interface CostRow {
  row: string;
  label: string;
  on: CostRun[];
  off: CostRun[];
  /** median of the pairs' on / off ops/s, its 95 % confidence interval, and their spread */
  ratio: number;
  ci: [number, number] | null;
  min: number;
  max: number;
  /**
   * the same for ops per CPU second of the timed run, where the child reports its CPU (larson):
   * on a shared VM, time another guest takes from this one is in the wall clock, not in the CPU
   */
  cpu?: { ratio: number; ci: [number, number] | null; min: number; max: number };
}

export interface CostOptions {
  rows: string[];
  pairs: number;
  params: MixedParams;
  /** larson's sleep, s */
  sleep: number;
  /**
   * larson: a fixed number of allocations instead of the sleep (whole generations per range, at
   * least one): the same work on and off, so the ratio is not that of two different amounts of work
   */
  larsonAllocs?: number;
  /** larson: only this set (`--set`) and this many threads (`--threads`) */
  larsonSet?: string;
  threads?: number;
  progress: (line: string) => void;
}

/** Always the built child (from src, vitest: ../../dist/learning/fresh-child.js): a fresh process of plain node. */
const FRESH = fileURLToPath(import.meta.url).endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/learning/fresh-child.js', import.meta.url))
  : fileURLToPath(new URL('./fresh-child.js', import.meta.url));

function runFresh(learning: boolean, p: MixedParams): CostRun {
  const r = spawnSync(process.execPath, [FRESH, '--learning', learning ? 'on' : 'off', '--params', JSON.stringify(p)], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`fresh child exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const f = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as FreshResult;
  return { opsPerSec: f.opsPerSec, refills: f.refills, ops: p.cycles * 1.1, learnerCpuMs: f.learner?.cpuMs ?? null, startCpuMs: f.learner?.startupCpuMs ?? null, processCpuMs: f.processCpuMs, mode: f.learner?.mode };
}

type CheckFacts = { refills?: number; learning?: { learnerCpuMs?: number | null; learnerStartupCpuMs?: number | null; processCpuMs?: number; mode?: string } | null };

/** Pair `k`'s two runs time on the same CPU (random-mixed's learner never starts: ../report/pin.ts). */
function runMixed(learning: boolean, p: MixedParams, k: number): CostRun {
  const r = runJsChild(learning ? 'hakmem' : 'hakmem-fixed', p, { cpu: cpuFor(k) });
  const c = (r.check ?? {}) as CheckFacts;
  return { opsPerSec: r.opsPerSec, refills: c.refills ?? 0, ops: p.cycles * 1.1, learnerCpuMs: c.learning?.learnerCpuMs ?? null, startCpuMs: null, processCpuMs: null };
}

/** Generations per range for about `allocs` allocations in all (at least one). */
export function generationsFor(p: LarsonParams, allocs: number): number {
  return Math.max(1, Math.round(allocs / (p.threads * generationIters(p))));
}

/** Pair `k`'s two runs pin their workers alike: worker i on CPU (k + i) mod n (../report/pin.ts). */
function larsonRun(learning: boolean, set: ReturnType<typeof larsonSets>[number], generations: number, k: number): CostRun {
  const r = runLarsonJs(learning ? 'hakmem' : 'hakmem-fixed', 'handoff', set.params, { generations, cpuBase: cpuFor(k) });
  const f = (r.checkFacts ?? {}) as CheckFacts & { slowPaths?: { refills: number } };
  const l = f.learning;
  return {
    opsPerSec: r.opsPerSec, refills: f.slowPaths?.refills ?? 0, ops: r.allocs, runCpuSeconds: r.cpuSeconds,
    learnerCpuMs: l?.learnerCpuMs ?? null, startCpuMs: l?.learnerStartupCpuMs ?? null, processCpuMs: l?.processCpuMs ?? r.processCpuMs, mode: l?.mode,
  };
}

/** Pair `k`'s two runs pin their workers alike: worker i on CPU (k + i) mod n (../report/pin.ts). */
function runScaling(learning: boolean, p: MixedParams, k: number): CostRun {
  const r = runScalingJs('hakmem', 2, p, { learning, cpuBase: cpuFor(k) });
  const c = (r.check ?? {}) as CheckFacts;
  return { opsPerSec: r.opsPerSec, refills: r.refills ?? c.refills ?? 0, ops: 2 * p.cycles * 1.1, learnerCpuMs: c.learning?.learnerCpuMs ?? null, startCpuMs: null, processCpuMs: r.processCpuMs ?? null };
}

function paired(row: string, label: string, n: number, run: (learning: boolean, k: number) => CostRun, say: (l: string) => void): CostRow {
  const on: CostRun[] = [];
  const off: CostRun[] = [];
  const pairs = runPairs(n, (k) => {
    const r = run(true, k);
    on.push(r);
    return r.opsPerSec;
  }, (k) => {
    const r = run(false, k);
    off.push(r);
    return r.opsPerSec;
  }, (k, p) => say(`[learner-cost ${row} ${k + 1}/${n}] on / off = ${p.ratio.toFixed(3)}`));
  const s = summarize(pairs);
  return { row, label, on, off, ratio: s.ratio, ci: s.ci, min: s.min, max: s.max, ...perCpu(on, off) };
}

/** on / off in ops per CPU second of the timed run, pair by pair (the runs' order is the pairs'). */
export function perCpu(on: CostRun[], off: CostRun[]): Pick<CostRow, 'cpu'> {
  const rate = (r: CostRun) => (r.runCpuSeconds ? r.ops / r.runCpuSeconds : NaN);
  const rs = on.map((r, k) => rate(r) / rate(off[k])).filter(Number.isFinite);
  return rs.length === on.length && rs.length > 0 ? { cpu: { ratio: median(rs), ci: medianInterval(rs), min: Math.min(...rs), max: Math.max(...rs) } } : {};
}

export function runLearnerCost(o: CostOptions): CostRow[] {
  const out: CostRow[] = [];
  const p = o.params;
  for (const row of o.rows) {
    if (row === 'fresh') out.push(paired(row, `createHeap() + random-mixed ${p.cycles / 1e6}M, fresh process, no warm-up`, o.pairs, (l) => runFresh(l, p), o.progress));
    else if (row === 'random-mixed') out.push(paired(row, `random-mixed ${p.cycles / 1e6}M (the bench's protocol)`, o.pairs, (l, k) => runMixed(l, p, k), o.progress));
    else if (row === 'scaling') out.push(paired(row, `scaling, 2 workers on one heap, ${p.cycles / 1e6}M each`, o.pairs, (l, k) => runScaling(l, p, k), o.progress));
    else if (row === 'larson') {
      const sets = larsonSets({ cores: availableParallelism(), sleep: o.sleep, threads: o.threads }).filter((set) => !o.larsonSet || set.id === o.larsonSet);
      for (const set of sets) {
        const g = o.larsonAllocs ? generationsFor(set.params, o.larsonAllocs) : 0;
        const work = g ? `${g} generations a range (${((g * set.params.threads * generationIters(set.params)) / 1e6).toFixed(1)}M allocs)` : `sleep ${set.params.sleep} s`;
        const label = `larson ${set.id} ${set.params.threads}t handoff, ${work}`;
        out.push(paired(`larson-${set.id}-${set.params.threads}`, label, o.pairs, (l, k) => larsonRun(l, set, g, k), o.progress));
      }
    } else throw new Error(`--learner-cost: unknown row ${row} (known: ${COST_ROWS.join(', ')})`);
  }
  return out;
}

const fmt = (x: number | null, d = 1) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const perM = (r: CostRun) => (r.ops > 0 ? (1e6 * r.refills) / r.ops : null);
const med = (rs: CostRun[], f: (r: CostRun) => number | null) => {
  const xs = rs.map(f).filter((x): x is number => x !== null && x >= 0);
  return xs.length ? median(xs) : null;
};

export function renderLearnerCost(rows: CostRow[], pairs: number): string {
  const head = ['row', 'on/off (median)', '95 % CI', 'pairs', 'per CPU s on/off', '95 % CI', 'its pairs', 'learner CPU ms', 'start ms', 'learner % of process', 'process CPU ms on/off', 'refills/M ops on/off', 'learner mode'];
  const lines = rows.map((r) => {
    const lc = med(r.on, (x) => x.learnerCpuMs);
    const pc = med(r.on, (x) => x.processCpuMs);
    const pcOff = med(r.off, (x) => x.processCpuMs);
    const modes = [...new Set(r.on.map((x) => x.mode).filter(Boolean))].join('/');
    return [
      r.label, `${r.ratio.toFixed(3)}x`, intervalText(r.ci), `${r.min.toFixed(2)}..${r.max.toFixed(2)}`,
      r.cpu ? `${r.cpu.ratio.toFixed(3)}x` : '-', intervalText(r.cpu?.ci ?? null), r.cpu ? `${r.cpu.min.toFixed(2)}..${r.cpu.max.toFixed(2)}` : '-', fmt(lc), fmt(med(r.on, (x) => x.startCpuMs)),
      lc !== null && pc ? `${((100 * lc) / pc).toFixed(2)} %` : '-', `${fmt(pc, 0)} / ${fmt(pcOff, 0)}`,
      `${fmt(med(r.on, perM), 0)} / ${fmt(med(r.off, perM), 0)}`, modes || '-',
    ];
  });
  const w = head.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  const row = (cells: string[]) => `| ${cells.map((c, k) => c.padEnd(w[k])).join(' | ')} |`;
  return [
    `learner cost: learning on (the default) / learning: false, ${pairs} paired runs per row, the order alternating (medians)`,
    row(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...lines.map(row),
    'learner CPU: its thread\'s (start included; "-": none ran; inline: its steps on the owner\'s thread); start: of which its Worker\'s start; process CPU: every thread of the child (fresh, scaling: from createHeap on; larson: from the process\'s start);',
    'refills per million operations (larson: of the timed run, per allocation; random-mixed, fresh, scaling: the heap\'s, per main-loop and prefault cycle).',
    '95 % CI: of the median, from the order statistics of the pairs (no assumption about their spread; "-" under 6 pairs): the target (0.98x) is met where its low end is at least 0.98.',
    'per CPU s: the same pairs in operations per CPU second of the timed run (every thread of the child; larson only): time a shared machine gives to others is not in it.',
    pinnableCpus() > 0
      ? `pinned: pair k's two runs alike, random-mixed's timed thread on CPU k mod ${pinnableCpus()}, larson's and scaling's worker i on CPU (k + i) mod ${pinnableCpus()}; the fresh row is not pinned (tools/bench/README.md, "Pinning").`
      : 'not pinned (no taskset, or one CPU).',
  ].join('\n');
}
