/** hakmem's runners leave the heap empty after the drain: validate() passes, nothing in use. */
import { describe, expect, it } from 'vitest';
import { MIXED_DEFAULTS, type MixedParams, prefaultCycles, prefaultSeed } from '../src/random-mixed/params.js';
import { measureMixed, type MixedRunner, WARMUP_ROUNDS } from '../src/random-mixed/runner.js';
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

describe('the warm-up heaps', () => {
  it('are closed when their round ends (their learners stop); the measured heap stays open, its learner not starting at the prefault (waiting: a synchronous bench never yields to the trigger)', () => {
    type Heap = { stats(): { learning: null | { learner: { mode: string } } }; close(): Promise<void> };
    const real = headered as unknown as MixedRunner<{ heap: Heap }>;
    const made: Array<{ heap: Heap }> = [];
    const spy = { ...real };
    spy.create = (p) => {
      const inst = real.create(p);
      made.push(inst);
      return inst;
    };
    let modeAtPrefault: string | undefined;
    spy.loop = (inst, seed, n) => {
      if (made.length === WARMUP_ROUNDS + 1 && modeAtPrefault === undefined) modeAtPrefault = inst.heap.stats().learning?.learner.mode;
      return real.loop(inst, seed, n);
    };
    measureMixed(spy, { ...P, cycles: 20_000 });
    // the default learner starts only once refills are worth learning from, from the event loop,
    // which a synchronous bench never yields to: nothing is starting while the loop runs
    expect(modeAtPrefault).toBe('waiting');
    expect(made.length).toBe(WARMUP_ROUNDS + 1);
    for (const w of made.slice(0, WARMUP_ROUNDS)) expect(() => w.heap.stats()).toThrow(/closed/i);
    const measured = made[WARMUP_ROUNDS].heap;
    expect(() => measured.stats()).not.toThrow();
    return measured.close();
  });
});
