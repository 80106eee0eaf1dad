/**
 * The learning benchmark: the shifting workload (./shifting.ts) with fixed default refill counts
 * and with the learner on, each run in a child process of its own, interleaved; medians. Issue 4's
 * targets: refills per million ops at least 30% lower, cached bytes at most 10% higher.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../report/stats.js';
import { SHIFT_DEFAULTS, type ShiftResult } from './shifting.js';

const CHILD = fileURLToPath(new URL(import.meta.url.includes('/src/') ? '../../dist/learning/child.js' : './child.js', import.meta.url));

export interface LearningReport {
  benchmark: 'learning';
  cycles: number;
  repeat: number;
  fixed: ShiftResult[];
  learning: ShiftResult[];
  /** medians: learning / fixed */
  refillsRatio: number;
  cachedRatio: number;
  opsRatio: number;
  targets: { refillsCut: boolean; cachedHeld: boolean };
}

function run(learning: boolean, cycles: number): ShiftResult {
  const r = spawnSync(process.execPath, [CHILD, '--learning', learning ? 'on' : 'off', '--cycles', String(cycles)], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`learning child exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ShiftResult;
}

export function runLearningBench(o: { repeat: number; quick: boolean; progress: (s: string) => void }): LearningReport {
  const cycles = o.quick ? 4 : SHIFT_DEFAULTS.cycles;
  const fixed: ShiftResult[] = [];
  const learning: ShiftResult[] = [];
  for (let k = 0; k < o.repeat; k++) {
    for (const on of k % 2 === 0 ? [false, true] : [true, false]) {
      o.progress(`[learning round ${k + 1}/${o.repeat}] shifting workload, learner ${on ? 'on' : 'off'} ...`);
      (on ? learning : fixed).push(run(on, cycles));
    }
  }
  const m = (rs: ShiftResult[], f: (r: ShiftResult) => number) => median(rs.map(f));
  const refillsRatio = m(learning, (r) => r.refillsPerMop) / m(fixed, (r) => r.refillsPerMop);
  const cachedRatio = m(learning, (r) => r.cachedBytesMean) / m(fixed, (r) => r.cachedBytesMean);
  const opsRatio = m(learning, (r) => r.opsPerSec) / m(fixed, (r) => r.opsPerSec);
  return {
    benchmark: 'learning', cycles, repeat: o.repeat, fixed, learning, refillsRatio, cachedRatio, opsRatio,
    targets: { refillsCut: refillsRatio <= 0.7, cachedHeld: cachedRatio <= 1.1 },
  };
}
