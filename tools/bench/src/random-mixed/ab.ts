/**
 * `--ab DIR`: random-mixed, this tree against another checkout's build, as paired runs (the order
 * alternating; the median of the pairs' ratios). A change to the hot path costs or gains a few
 * percent, inside one run's noise on a shared machine: with this, such a figure in a README or a
 * note comes from a command anyone can rerun (check out the two commits, `pnpm build` in each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Paired, runPairs, summarize } from '../report/paired.js';
import { runJsChild } from './js.js';
import { cpuFor, pinnableCpus } from '../report/pin.js';
import type { MixedParams } from './params.js';

export interface AbOptions {
  /** the other checkout's root (its tools/bench must be built) */
  dir: string;
  runner: string;
  pairs: number;
  params: MixedParams;
  progress: (line: string) => void;
}

export interface AbReport extends Paired {
  benchmark: 'ab';
  dir: string;
  runner: string;
  params: MixedParams;
  /** the CPUs the pairs were pinned over (0: not pinned: no taskset, or the other tree's child cannot pin) */
  pinnedCpus: number;
}

/** The other tree's random-mixed child, or an error that says how to get it. */
export function otherChild(dir: string): string {
  const child = resolve(dir, 'tools/bench/dist/random-mixed/child.js');
  if (!existsSync(child)) throw new Error(`--ab: ${child} not found: run \`pnpm build\` in ${resolve(dir)} first`);
  return child;
}

export function runAb(o: AbOptions): AbReport {
  if (!Number.isInteger(o.pairs) || o.pairs < 1) throw new Error(`--ab-pairs must be at least 1, got ${o.pairs}`);
  const child = otherChild(o.dir);
  // a pair's two runs time on the same CPU, if the other tree's child can pin (../report/pin.ts)
  const pins = readFileSync(child, 'utf8').includes("'--cpu'");
  const pairs = runPairs(
    o.pairs,
    (k) => runJsChild(o.runner, o.params, { cpu: pins ? cpuFor(k) : undefined }).opsPerSec,
    (k) => runJsChild(o.runner, o.params, { child, cpu: pins ? cpuFor(k) : undefined }).opsPerSec,
    (k, p) => o.progress(`[ab pair ${k + 1}/${o.pairs}] ${o.runner}: this tree / ${o.dir} = ${p.ratio.toFixed(3)}`),
  );
  return { benchmark: 'ab', dir: o.dir, runner: o.runner, params: o.params, pinnedCpus: pins ? pinnableCpus() : 0, ...summarize(pairs) };
}

export function renderAb(r: AbReport): string {
  const p = r.params;
  const m = (xs: number[]) => (xs.slice().sort((a, b) => a - b)[xs.length >> 1] / 1e6).toFixed(1);
  return [
    `ab: random-mixed (cycles=${p.cycles} ws=${p.ws} seed=${p.seed} min=${p.min} max=${p.max}), runner ${r.runner}, ` +
      `${r.pairs.length} paired runs, the order alternating, ` +
      (r.pinnedCpus ? `each pair's timed threads on one CPU (pair k on CPU k mod ${r.pinnedCpus})` : 'timed threads not pinned'),
    `  this tree: ${m(r.pairs.map((x) => x.a))} M ops/s (median), ${r.dir}: ${m(r.pairs.map((x) => x.b))} M ops/s`,
    `  this tree / other = ${r.ratio.toFixed(3)}x (${r.ratio >= 1 ? '+' : '-'}${Math.abs(100 * (r.ratio - 1)).toFixed(1)} %), ` +
      `pairs ${r.min.toFixed(3)}..${r.max.toFixed(3)}`,
  ].join('\n');
}
