import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Learner } from '../src/learner.js';
import { learnableClasses } from '../src/range.js';
import { DEFAULT_ARMS, initLearnerState, LEARNER, LEARNER_CLASS, classesAt, classWords, learnerStateWords } from '../src/state.js';
import { region, simulate } from './sim.js';

/** A class's arm range: what the learner may set. */
const config = fc.record({
  classes: fc.array(fc.record({
    size: fc.integer({ min: 8, max: 65536 }),
    rate: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
    maxCount: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
    minCount: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  }), { minLength: 1, maxLength: 6 }),
  maxRefillBytes: fc.option(fc.integer({ min: 1024, max: 1 << 20 }), { nil: undefined }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describe('a class range (range.ts)', () => {
  it('hakmem-like ranges: raisable small classes are learned, a class capped at its default is not', () => {
    // counts as pool-refill's defaults: 32 KiB a refill, 4..64 blocks; at most twice that up to 2 KiB
    const sizes = [64, 1024, 2048, 3072, 4096, 32768];
    const defaults = [64, 32, 16, 10, 8, 4];
    const maxCounts = [128, 64, 32, 10, 8, 4];
    expect(Array.from(learnableClasses({ classSizes: sizes, maxCounts, minCounts: defaults }, DEFAULT_ARMS))).toEqual([1, 1, 1, 0, 0, 0]);
    // without a floor the learner may lower every class
    expect(Array.from(learnableClasses({ classSizes: sizes, maxCounts }, DEFAULT_ARMS))).toEqual([1, 1, 1, 1, 1, 1]);
    // a byte cap can leave a class one arm: 1 block of 64 KiB in 64 KiB
    expect(Array.from(learnableClasses({ classSizes: [65536], maxRefillBytes: 65536 }, DEFAULT_ARMS))).toEqual([0]);
    for (const bad of [null, {}, { classSizes: 4n }, { classSizes: 'abc' }, ...[NaN, -64, 0, 64.5, 64n, '64', 2 ** 53 + 2].map((n) => ({ classSizes: [16, n] }))]) {
      expect(() => learnableClasses(bad as never, DEFAULT_ARMS)).toThrow(expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }));
    }
    expect(() => learnableClasses({ classSizes: [64] }, NaN as never)).toThrow(expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }));
  });

  it('a class not learnable is never moved, whatever its refills say; the others keep their ranges (property)', () => {
    fc.assert(fc.property(config, ({ classes, maxRefillBytes, seed }) => {
      const classSizes = classes.map((c) => c.size);
      const defaults = classes.map((c) => c.minCount ?? 16);
      const maxCounts = classes.some((c) => c.maxCount !== undefined) ? classes.map((c) => c.maxCount ?? 1 << 20) : undefined;
      const minCounts = classes.some((c) => c.minCount !== undefined) ? classes.map((c) => c.minCount ?? 1) : undefined;
      const cfg = { classSizes, maxCounts, minCounts, maxRefillBytes };
      const learns = learnableClasses(cfg, DEFAULT_ARMS);
      const r = region(classSizes);
      const l = new Learner({ ...r, ...cfg, defaults });
      simulate(r, classes, defaults, 3000, () => l.step(), seed, 0.5);
      classes.forEach((_, cls) => {
        const held = Atomics.load(r.i32, r.policy + cls);
        if (learns[cls] === 0) expect(held, `class ${cls} is not learnable`).toBe(0);
        else if (held > 0) {
          // within the class's range: under its caps, at or above the arm nearest its floor
          expect(held).toBeLessThanOrEqual(maxCounts?.[cls] ?? Infinity);
          expect(held * classSizes[cls] <= (maxRefillBytes ?? 256 << 10) || held === DEFAULT_ARMS[0]).toBe(true);
        }
      });
    }), { numRuns: 60 });
  });

  it('the state region keeps the marks for the engines: initLearnerState writes LEARNS per class', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4 * (8 + learnerStateWords(5))));
    const marks = () => [0, 1, 2, 3, 4].map((cls) => i32[8 + classesAt(DEFAULT_ARMS.length) + cls * classWords(DEFAULT_ARMS.length) + LEARNER_CLASS.LEARNS]);
    initLearnerState(i32, 8, 5, DEFAULT_ARMS, [1, 0, 1, 0, 0]);
    expect(marks()).toEqual([1, 0, 1, 0, 0]);
    expect(i32[8 + LEARNER.NUM_CLASSES]).toBe(5);
    // without marks every class is learned (the learner's state as before LEARNS)
    initLearnerState(i32, 8, 5);
    expect(marks()).toEqual([1, 1, 1, 1, 1]);
    expect(() => initLearnerState(i32, 8, 5, DEFAULT_ARMS, [1, 0])).toThrow(expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }));
  });
});
