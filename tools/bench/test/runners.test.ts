/**
 * Every JavaScript runner, in its own child process as the bench runs it, does exactly the ops
 * of the reference pattern: the same allocs and frees per phase (counted as real alloc/free calls
 * through a wrapper where the allocator is an object, and from the slot table for all), and the
 * same bytes in the same slots (fingerprints over idx and each block's first byte).
 */
import { describe, expect, it } from 'vitest';
import { MIXED_ALLOCATORS } from '../src/random-mixed/allocators.js';
import { runJsChild } from '../src/random-mixed/js.js';
import { MIXED_DEFAULTS, type MixedParams } from '../src/random-mixed/params.js';
import { referencePattern } from '../src/random-mixed/pattern.js';

const JS = MIXED_ALLOCATORS.filter((a) => a.kind === 'js').map((a) => a.name);
const INSTRUMENTED = new Set(['hakmem', 'hakmem-fixed', 'hakmem-counters', 'hakmem-low-water', 'hakmem-align8', 'hakmem-headerless', 'thi.ng', 'smo']);

const SETS: [string, MixedParams][] = [
  ['defaults, 20k cycles', { ...MIXED_DEFAULTS, cycles: 20_000 }],
  ['ws 1000 (r % ws), sizes clamped to 100..700', { cycles: 12_000, ws: 1000, seed: 99, min: 100, max: 700 }],
];

describe.each(JS)('runner %s', (name) => {
  it.each(SETS)('does the reference ops (%s)', (_, p) => {
    const ref = referencePattern(p);
    const r = runJsChild(name, p, { verify: true, countCalls: true });
    expect(r.runner).toBe(name);
    expect(r.counts.prefault).toEqual(ref.prefault);
    expect(r.counts.main).toEqual(ref.main);
    expect(r.counts.drain).toEqual(ref.drain);
    expect(r.warmupCycles).toBe(Math.floor(p.cycles / 10));
    if (INSTRUMENTED.has(name)) {
      expect(r.calls).toEqual({
        allocs: ref.prefault.allocs + ref.main.allocs,
        frees: ref.prefault.frees + ref.main.frees + ref.drain.frees,
      });
    } else {
      expect(r.calls).toBeUndefined();
    }
    expect(r.opsPerSec).toBeGreaterThan(0);
  });
});

describe('the metrics-overhead rows', () => {
  it('hakmem counters (with or without low-water marks) count every alloc of the measured run; the default row counts none', () => {
    const p = { ...MIXED_DEFAULTS, cycles: 20_000 };
    const ref = referencePattern(p);
    const on = runJsChild('hakmem-counters', p, {});
    expect(on.check).toMatchObject({ validate: 'ok', inUse: 0, countedAllocs: ref.prefault.allocs + ref.main.allocs });
    expect(runJsChild('hakmem-low-water', p, {}).check).toMatchObject({ validate: 'ok', countedAllocs: ref.prefault.allocs + ref.main.allocs });
    expect(runJsChild('hakmem', p, {}).check).toMatchObject({ validate: 'ok', countedAllocs: null });
  });
});
