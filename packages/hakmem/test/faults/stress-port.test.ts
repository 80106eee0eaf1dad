/**
 * A port of mimalloc's test/test-stress.c to Workers (issue 11): THREADS workers per round, ITER
 * rounds of fresh workers, objects passed between them through a shared transfer array with
 * Atomics.exchange and outliving the workers that made them, calloc checked zero, every word of
 * every object stamped and checked on free, some workers ending without detach (watch reclaims).
 * Small by default; HAKMEM_SOAK=1 runs it bigger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario, SOAK, stopAll } from './harness.js';

interface Facts {
  bad: string[];
  nonZero: number;
  allocs: number;
  frees: number;
  exhausted: number;
  workerErrors: string[];
  undetached: number;
  rounds: number;
  reclaimsDone: boolean;
  reclaimed: number;
  reclaimErrors: string[];
  validate: string;
  inUse: number | string;
  growth: number | string;
  otherSlots: number[];
}

const size = SOAK ? { threads: 8, scale: 50, iter: 10 } : { threads: 4, scale: 8, iter: 3 };
const budget = SOAK ? 900_000 : 40_000;

afterEach(stopAll);

describe('test-stress port', () => {
  it(`${size.threads} threads, scale ${size.scale}, ${size.iter} rounds: stamps intact, calloc zero, nothing left in use`, async () => {
    const f = await runScenario<Facts>('stress-scenario.mjs', size, budget);
    const ctx = JSON.stringify(f);
    expect(f.rounds).toBe(size.iter);
    expect(f.workerErrors, ctx).toEqual([]);
    expect(f.bad, ctx).toEqual([]);
    expect(f.nonZero, ctx).toBe(0);
    expect(f.exhausted, ctx).toBe(0);
    expect(f.allocs).toBeGreaterThan(1000 * size.scale);
    expect(f.undetached).toBeGreaterThan(0);
    expect(f.reclaimErrors, ctx).toEqual([]);
    expect(f.reclaimed, ctx).toBe(f.undetached);
    expect(f.validate, ctx).toBe('ok');
    expect(f.inUse, ctx).toBe(0);
    expect(f.otherSlots, ctx).toEqual([]);
  }, budget + 10_000);

  it('a stamp broken on purpose is seen (test of the test)', async () => {
    const f = await runScenario<Facts>('stress-scenario.mjs', { threads: 2, scale: 5, iter: 1, plantStamp: true }, budget);
    expect(f.bad.length).toBeGreaterThan(0);
  }, budget + 10_000);
});
