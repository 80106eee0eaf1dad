/**
 * What `pnpm bench` writes besides its tables: one JSON file with every figure (the command, the
 * machine, each benchmark's report with its parameters and rows) and one SVG chart per benchmark
 * (./chart.ts), from the same reports.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LarsonReport } from '../larson/bench.js';
import type { LearningReport } from '../learning/bench.js';
import type { ShiftResult } from '../learning/shifting.js';
import type { MixedReport } from '../random-mixed/bench.js';
import type { ScalingReport } from '../scaling/bench.js';
import type { WasmReport } from '../wasm/bench.js';
import { type ChartSpec, renderChart } from './chart.js';
import type { Machine } from './machine.js';
import { median } from './stats.js';

export type AnyReport = MixedReport | LarsonReport | ScalingReport | LearningReport | WasmReport;

export const RESULTS_SCHEMA = 'hakmem-bench-results/1';

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  /** the command line, as pnpm bench got it */
  command: string;
  machine: Machine;
  quick: boolean;
  /** benchmark name -> its report (parameters, rows with ops/s, ratios and memory, notes) */
  benchmarks: Record<string, AnyReport>;
}

export function buildResults(command: string, machine: Machine, quick: boolean, reports: readonly AnyReport[]): Results {
  const benchmarks: Record<string, AnyReport> = {};
  for (const r of reports) benchmarks[r.benchmark] = r;
  return { schema: RESULTS_SCHEMA, command, machine, quick, benchmarks };
}

const machineText = (m: Machine) =>
  `${m.cpu}, ${m.cores} cores, node ${m.node}, load average ${m.loadavg.join(' ')} (a shared machine), ${m.date.slice(0, 16).replace('T', ' ')} UTC`;

/** The chart of one benchmark's report. */
export function chartSpec(r: AnyReport, m: Machine, command: string): ChartSpec {
  const sub = [machineText(m), command];
  if (r.benchmark === 'random-mixed') {
    const p = r.params;
    return {
      title: `random-mixed: cycles ${p.cycles.toLocaleString('en-US')}, ws ${p.ws}, sizes ${p.min}..${p.max} (median of ${r.repeat})`,
      subtitle: sub,
      ratioNames: ['ops/s vs limit', 'ops/s vs glibc', 'ops/s vs mimalloc'],
      groups: [{
        title: '',
        rows: r.rows.map((row) => ({
          label: row.label + (row.deviation.includes('cycles/') ? ` (${row.deviation.split(':')[0]})` : ''),
          ratios: { 'ops/s vs limit': row.ratios.limit, 'ops/s vs glibc': row.ratios.glibc, 'ops/s vs mimalloc': row.ratios.mimalloc },
          memVsLive: row.memory?.vsLive,
          memKind: row.memory?.kind,
        })),
      }],
    };
  }
  if (r.benchmark === 'larson') {
    return {
      title: `larson: allocations/s (median of ${r.repeat})`,
      subtitle: sub,
      ratioNames: ['ops/s vs limit', 'ops/s vs glibc', 'ops/s vs mimalloc'],
      groups: r.sets.map((set) => ({
        title: `${set.id}'s set, run as ${[set.params.sleep, set.params.min, set.params.max, set.params.chunks, set.params.rounds, set.params.seed, set.params.threads].join(' ')}`,
        rows: r.rows
          .filter((row) => row.set === set.id && row.params.threads === set.params.threads)
          .map((row) => ({
            label: `${row.label} (${row.variant})`,
            ratios: { 'ops/s vs limit': row.ratios.limit, 'ops/s vs glibc': row.ratios.glibc, 'ops/s vs mimalloc': row.ratios.mimalloc },
            memVsLive: row.memory?.vsLive,
            memKind: row.memory?.kind,
          })),
      })),
    };
  }
  if (r.benchmark === 'scaling') {
    const limitAt = (w: number) => r.rows.find((x) => x.name === 'limit' && x.workers === w);
    return {
      title: `scaling: random-mixed in 1 and 2 workers (cycles ${r.params.cycles.toLocaleString('en-US')} each; median of ${r.repeat})`,
      subtitle: sub,
      ratioNames: ['ops/s vs 1 worker', 'ops/s vs limit'],
      groups: [{
        title: '',
        rows: r.rows.map((row) => {
          const lim = limitAt(row.workers);
          return {
            label: `${row.label} x${row.workers}`,
            ratios: { 'ops/s vs 1 worker': row.vsOne, 'ops/s vs limit': lim ? row.opsPerSec / lim.opsPerSec : undefined },
            memVsLive: row.memory?.vsLive,
            memKind: row.memory?.kind,
          };
        }),
      }],
    };
  }
  if (r.benchmark === 'wasm') {
    return {
      title: `wasm: random-mixed compiled to wasm32, 1 and 2 threads (cycles ${r.params.cycles.toLocaleString('en-US')} each; median of ${r.repeat}, ratios paired)`,
      subtitle: sub,
      ratioNames: ['ops/s vs emscripten dlmalloc', 'ops/s vs hakmem from JS', 'ops/s vs 1 thread'],
      groups: [{
        title: '',
        rows: r.rows.map((row) => ({
          label: `${row.label} x${row.workers}`,
          ratios: { 'ops/s vs emscripten dlmalloc': row.vsDlmalloc, 'ops/s vs hakmem from JS': row.vsHakmemJs, 'ops/s vs 1 thread': row.vsOne },
          memVsLive: row.memory?.vsLive,
          memKind: row.memory?.kind,
        })),
      }],
    };
  }
  const mm = (rs: ShiftResult[], f: (x: ShiftResult) => number) => median(rs.map(f));
  const fixedOps = mm(r.fixed, (x) => x.opsPerSec);
  const fixedRefills = mm(r.fixed, (x) => x.refillsPerMop);
  const row = (label: string, rs: ShiftResult[]) => ({
    label,
    ratios: { 'ops/s vs fixed': mm(rs, (x) => x.opsPerSec) / fixedOps, 'refills vs fixed': mm(rs, (x) => x.refillsPerMop) / fixedRefills },
    memVsLive: mm(rs, (x) => x.peakReserved) / mm(rs, (x) => x.peakLiveBytes),
    memKind: 'reserved',
  });
  return {
    title: `learning: the shifting workload, ${r.cycles} cycles (median of ${r.repeat})`,
    subtitle: sub,
    ratioNames: ['ops/s vs fixed', 'refills vs fixed'],
    groups: [{ title: '', rows: [row('fixed defaults', r.fixed), row('learner on', r.learning)] }],
  };
}

/** Draw the charts of a results JSON again, beside it (after a change to the charts' code); the files written. */
export function replot(file: string): string[] {
  const res = JSON.parse(readFileSync(file, 'utf8')) as Results;
  if (res.schema !== RESULTS_SCHEMA) throw new Error(`${file}: not a ${RESULTS_SCHEMA} file`);
  return Object.values(res.benchmarks).map((r) => {
    const svg = join(dirname(file), `${r.benchmark}.svg`);
    writeFileSync(svg, renderChart(chartSpec(r, res.machine, res.command)));
    return svg;
  });
}

/** Write latest.json and <benchmark>.svg into `dir`; the files written. */
export function writeResults(dir: string, res: Results): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const json = join(dir, 'latest.json');
  writeFileSync(json, `${JSON.stringify(res, null, 2)}\n`);
  files.push(json);
  for (const r of Object.values(res.benchmarks)) {
    const svg = join(dir, `${r.benchmark}.svg`);
    writeFileSync(svg, renderChart(chartSpec(r, res.machine, res.command)));
    files.push(svg);
  }
  return files;
}
