/**
 * A short program as a user writes it, in a fresh process, timed from `createHeap()`:
 *   node fresh-child.js --learning on|off --params '{"cycles":..,"ws":..,"seed":..,"min":..,"max":..}'
 * createHeap, random-mixed's prefault and main loop, the drain; no warm-up (the learner's start,
 * the JIT's tier-up and the heap's first refills all fall in the clock, as they do for a user).
 * Prints one JSON line: the time, the process's CPU, refills and what the learner did.
 */
import { performance } from 'node:perf_hooks';
import { checkParams, type MixedParams, prefaultCycles, prefaultSeed } from '../random-mixed/params.js';
import { LEARNING, runner } from '../random-mixed/runners/hakmem.js';

export interface FreshResult {
  learning: boolean;
  seconds: number;
  /** main-loop cycles / seconds (prefault, heap creation and drain in the clock too) */
  opsPerSec: number;
  /** the process's CPU time over the same span, ms (all threads: the learner's included) */
  processCpuMs: number;
  refills: number;
  learner: null | { mode: string; events: number; dropped: number; decisions: number; cpuMs: number | null; startupCpuMs: number | null };
}

async function main(argv: string[]): Promise<void> {
  let learning = true;
  let params: MixedParams | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--learning') learning = argv[++i] !== 'off';
    else if (argv[i] === '--params') params = checkParams(JSON.parse(argv[++i] ?? '{}') as MixedParams);
    else throw new Error(`fresh child: unknown argument ${argv[i]}`);
  }
  if (!params) throw new Error('fresh child: --params is required');
  LEARNING.on = learning;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inst = runner.create(params);
  runner.loop(inst, prefaultSeed(params.seed), prefaultCycles(params.cycles));
  runner.loop(inst, params.seed, params.cycles);
  runner.drain(inst);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const s = inst.heap.stats();
  const l = s.learning;
  const out: FreshResult = {
    learning,
    seconds: (t1 - t0) / 1000,
    opsPerSec: params.cycles / ((t1 - t0) / 1000),
    processCpuMs: (cpu.user + cpu.system) / 1000,
    refills: s.worker.refills.reduce((a, b) => a + b, 0),
    learner: l
      ? { mode: l.learner.mode, events: l.ring.pushed, dropped: l.ring.dropped, decisions: l.learner.decisions, cpuMs: l.learner.cpuMs, startupCpuMs: l.learner.startupCpuMs }
      : null,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  // as a short program ends: without close() (the learner never keeps the process alive)
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
