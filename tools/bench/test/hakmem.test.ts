/** hakmem's runners leave the heap empty after the drain: validate() passes, nothing in use. */
import { describe, expect, it } from 'vitest';
import { MIXED_DEFAULTS, type MixedParams, prefaultCycles, prefaultSeed } from '../src/random-mixed/params.js';
import { measureMixed, type MixedRunner } from '../src/random-mixed/runner.js';
import { runner as headered } from '../src/random-mixed/runners/hakmem.js';
import { runner as headerless } from '../src/random-mixed/runners/hakmem-headerless.js';

const P: MixedParams = { ...MIXED_DEFAULTS, cycles: 100_000 };

/** what this test needs of either runner's instance */
type Inst = { heap: { validate(): unknown; stats(): { bytes: { inUse: number } } } };

describe.each([
  ['hakmem', headered as unknown as MixedRunner<Inst>],
  ['hakmem headerless', headerless as unknown as MixedRunner<Inst>],
])('%s runner', (_, runner) => {
  it('leaves the heap empty and valid after prefault, main loop and drain', () => {
    const inst = runner.create(P);
    expect(runner.loop(inst, prefaultSeed(P.seed), prefaultCycles(P.cycles))).toBe(0);
    expect(runner.loop(inst, P.seed, P.cycles)).toBe(0);
    expect(runner.drain(inst)).toBeGreaterThan(0);
    expect(runner.live(inst)).toBe(0);
    expect(() => inst.heap.validate()).not.toThrow();
    expect(inst.heap.stats().bytes.inUse).toBe(0);
  });

  it('reports the same through the measured protocol (warm-up included)', () => {
    const m = measureMixed(runner, { ...P, cycles: 20_000 });
    expect(m.check).toMatchObject({ validate: 'ok', inUse: 0 });
    expect(m.check?.refills).toBeGreaterThan(0);
  });
});
