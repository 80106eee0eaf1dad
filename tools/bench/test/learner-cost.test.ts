/** --learner-cost: learning on / off in pairs per row (never timings: what ran, and the counts). */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { generationsFor, perCpu, renderLearnerCost, runLearnerCost, type CostRun } from '../src/learning/cost.js';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';

describe('--learner-cost', () => {
  it('parses the rows and the pairs, with defaults', () => {
    expect(parseArgs(['--learner-cost']).learnerCost).toEqual({ rows: ['fresh', 'random-mixed', 'larson', 'scaling'], pairs: 9 });
    expect(parseArgs(['--learner-cost', 'fresh,scaling', '--learner-pairs', '3']).learnerCost).toEqual({ rows: ['fresh', 'scaling'], pairs: 3 });
    expect(parseArgs(['--learner-cost', '--quick']).learnerCost?.rows).toHaveLength(4);
    expect(parseArgs([]).learnerCost).toBeUndefined();
    expect(() => parseArgs(['--learner-pairs', '0'])).toThrow(/at least 1/);
    expect(parseArgs(['--learner-cost', 'larson', '--learner-allocs', '4000000']).learnerCost).toEqual({ rows: ['larson'], pairs: 9, larsonAllocs: 4_000_000 });
    expect(() => parseArgs(['--learner-allocs', '0'])).toThrow(/at least 1/);
  });

  it('--learner-allocs: whole generations per range, the ranges sharing the allocations', () => {
    const set = (threads: number, chunks: number, rounds: number) => ({ sleep: 2, min: 8, max: 1000, chunks, rounds, seed: 1, threads });
    expect(generationsFor(set(1, 10000, 1), 4e6)).toBe(400);
    expect(generationsFor(set(4, 10000, 1), 4e6)).toBe(100);
    expect(generationsFor(set(2, 5000, 100), 4e6)).toBe(4);
    expect(generationsFor(set(2, 5000, 100), 1)).toBe(1);
  });

  it('larson with --learner-allocs: the same allocations on and off, counted by the child', () => {
    const rows = runLearnerCost({ rows: ['larson'], pairs: 1, params: MIXED_DEFAULTS, sleep: 0.2, larsonAllocs: 40_000, progress: () => {} });
    const hak = rows.filter((r) => r.row.startsWith('larson-hakmem'));
    expect(hak.length).toBeGreaterThan(0);
    for (const r of hak) {
      const g = generationsFor({ sleep: 0.2, min: 2048, max: 32768, chunks: 10000, rounds: 1, seed: 12345, threads: Number(r.row.split('-').pop()) }, 40_000);
      expect(r.label).toContain(`${g} generations a range`);
      expect([r.on[0].ops, r.off[0].ops]).toEqual([g * Number(r.row.split('-').pop()) * 10000, g * Number(r.row.split('-').pop()) * 10000]);
      // the process's CPU on both sides (the off side has no learning facts to take it from)
      for (const x of [r.on[0], r.off[0]]) expect(x.processCpuMs).toBeGreaterThan(0);
    }
    const table = renderLearnerCost(rows, 1);
    for (const r of hak) expect(table.split('\n').find((l) => l.includes(r.label))).toMatch(/\| \d+ \/ \d+ +\|/);
  });

  it('a short program from createHeap() in a fresh process: no learner starts, the refills are those of learning off', () => {
    const rows = runLearnerCost({ rows: ['fresh'], pairs: 2, params: { ...MIXED_DEFAULTS, cycles: 300_000 }, sleep: 0.2, progress: () => {} });
    expect(rows.map((r) => r.row)).toEqual(['fresh']);
    const [r] = rows;
    expect([r.on.length, r.off.length]).toEqual([2, 2]);
    expect(r.on.map((x) => x.mode)).toEqual(['waiting', 'waiting']);
    expect(r.on.map((x) => x.learnerCpuMs)).toEqual([null, null]);
    expect(r.on.map((x) => x.refills)).toEqual(r.off.map((x) => x.refills));
    expect(r.on[0].refills).toBeGreaterThan(0);
    expect(renderLearnerCost(rows, 2)).toMatch(/\| createHeap\(\) \+ random-mixed 0\.3M, fresh process, no warm-up \| [0-9.]+x /);
  });

  it('an unknown row is an error', () => {
    expect(() => runLearnerCost({ rows: ['nope'], pairs: 1, params: MIXED_DEFAULTS, sleep: 0.2, progress: () => {} })).toThrow(/unknown row nope/);
  });
});

describe('learner cost per CPU second', () => {
  const run = (ops: number, cpu?: number): CostRun => ({ opsPerSec: ops, refills: 0, ops, learnerCpuMs: null, startCpuMs: null, processCpuMs: null, ...(cpu === undefined ? {} : { runCpuSeconds: cpu }) });
  it('pairs on and off runs in order by ops per CPU second of the timed run, and is absent without the CPU', () => {
    // pair 1: the same ops in half the CPU (2x); pair 2: half the ops in the same CPU (0.5x); pair 3: equal
    const on = [run(100, 1), run(50, 1), run(10, 1)];
    const off = [run(100, 2), run(100, 1), run(10, 1)];
    expect(perCpu(on, off)).toEqual({ cpu: { ratio: 1, ci: null, min: 0.5, max: 2 } });
    expect(perCpu([run(100)], [run(100, 1)])).toEqual({});
    const row = { row: 'x', label: 'a row', on, off, ratio: 1, ci: [0.97, 1.01] as [number, number], min: 1, max: 1, ...perCpu(on, off) };
    expect(renderLearnerCost([row], 3)).toMatch(/\| a row \| 1\.000x +\| 0\.970\.\.1\.010 \| 1\.00\.\.1\.00 \| 1\.000x +\| - +\| 0\.50\.\.2\.00 /);
  });
});
