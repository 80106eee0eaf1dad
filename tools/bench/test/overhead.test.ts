/** The metrics-overhead figure: pairs from the rounds plus extra ones, order alternating, median of ratios. */
import { describe, expect, it } from 'vitest';
import { measureOverhead, overheadNote } from '../src/random-mixed/overhead.js';

const run = (opsPerSec: number) => ({ opsPerSec, seconds: 1 });

describe('measureOverhead', () => {
  it('pairs the rounds, runs the extra pairs in alternating order, and takes the median ratio', () => {
    const order: string[] = [];
    // the machine slows down run after run: pairs cancel the drift, a median per row would not
    let speed = 100;
    const fake = (name: string) => {
      order.push(name);
      speed -= 1;
      return run(name === 'hakmem' ? speed : speed * 0.99);
    };
    const o = measureOverhead('hakmem-counters', [run(100), run(90)], [run(99), run(89.1)], 4, fake, () => {});
    expect(order).toEqual(['hakmem', 'hakmem-counters', 'hakmem-counters', 'hakmem', 'hakmem', 'hakmem-counters', 'hakmem-counters', 'hakmem']);
    expect(o.pairs).toHaveLength(6);
    expect(o.pairs.slice(0, 2).map((p) => p.ratio)).toEqual([0.99, 0.99]);
    // drift within a pair: one run later is 1 % slower, either way round
    expect(o.min).toBeLessThan(0.99);
    expect(o.max).toBeGreaterThan(0.99);
    expect(o.ratio).toBeCloseTo(0.99, 2);
  });

  it('says whether the target was met: by the whole 95 % interval of the median, or by the median only', () => {
    const ten = Array.from({ length: 10 }, () => run(100));
    const o = measureOverhead('hakmem-counters', ten, ten.map(() => run(98.5)), 0, () => run(0), () => {});
    expect(overheadNote(o, 'counters on', 2)).toMatch(/= 0\.985x \(-1\.5 %\), median of 10 paired runs in this run \(95 % CI 0\.985\.\.0\.985, .*; target: under 2 % lost, met\./);
    const one = measureOverhead('hakmem-counters', [run(100)], [run(98.5)], 0, () => run(0), () => {});
    expect(overheadNote(one, 'counters on', 2)).toMatch(/\(95 % CI -, .*met by the median, not yet by the 95 % interval/);
    const bad = measureOverhead('hakmem-counters', [run(100)], [run(97)], 0, () => run(0), () => {});
    expect(overheadNote(bad, 'counters on', 2)).toMatch(/NOT met/);
  });
});
