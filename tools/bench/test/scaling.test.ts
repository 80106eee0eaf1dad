/**
 * The scaling runner's fidelity (never its timings): every worker, JS or native, does exactly the
 * reference pattern of random-mixed for its own seed, and hakmem's shared heap ends up empty.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { compileNative } from '../src/native/toolchain.js';
import { MIXED_DEFAULTS, type MixedParams } from '../src/random-mixed/params.js';
import { referencePattern } from '../src/random-mixed/pattern.js';
import { runScalingJs } from '../src/scaling/js.js';
import { runNativeConcurrent } from '../src/scaling/native.js';
import { workerParams, workerSeed } from '../src/scaling/params.js';
import { gcc, needsGcc, noticeNoGcc } from './helpers.js';

const P: MixedParams = { ...MIXED_DEFAULTS, cycles: 30_000 };

noticeNoGcc('the native scaling test');

describe('worker seeds', () => {
  it('worker 0 runs random-mixed\'s seed; the others a different, non-zero one', () => {
    expect(workerSeed(1234567, 0)).toBe(1234567);
    const seeds = [0, 1, 2, 3].map((i) => workerSeed(1234567, i));
    expect(new Set(seeds).size).toBe(4);
    for (const s of seeds) expect(s).toBeGreaterThan(0);
    expect(workerSeed(0x9e3779b9, 1)).toBe(1); // xor to 0 would freeze xorshift32
  });
});

describe.each(['hakmem', 'limit'] as const)('%s in workers', (runner) => {
  it.each([1, 2])('each of %i workers does the reference ops for its seed', (n) => {
    const r = runScalingJs(runner, n, P, { verify: true });
    expect(r.workers).toBe(n);
    expect(r.perWorker).toHaveLength(n);
    r.perWorker.forEach((w, i) => {
      const ref = referencePattern(workerParams(P, i));
      expect(w.seed).toBe(workerParams(P, i).seed);
      expect(w.counts.prefault).toEqual(ref.prefault);
      expect(w.counts.main).toEqual(ref.main);
      expect(w.counts.drain).toEqual(ref.drain);
    });
    expect(r.opsPerSec).toBeGreaterThan(0);
    if (runner === 'hakmem') expect(r.check).toMatchObject({ validate: 'ok', inUse: 0 });
    else expect(r.check).toBeUndefined();
  });
});

describe('native random_mixed in 2 processes', () => {
  beforeEach(needsGcc);
  it('each process does the reference ops for its seed, on one start line', () => {
    const bin = compileNative(gcc!, 'random_mixed');
    const ps = [0, 1].map((i) => workerParams(P, i));
    const r = runNativeConcurrent(bin, ps, { leadMs: 200 });
    r.perProcess.forEach((x, i) => {
      const ref = referencePattern(ps[i]);
      expect(x.seed).toBe(ps[i].seed);
      expect(x.prefault).toEqual({ ...ref.prefault, fingerprint: 0 });
      expect(x.main).toEqual({ ...ref.main, fingerprint: 0 });
      expect(x.drain).toEqual(ref.drain);
      expect(x.wallEnd).toBeGreaterThanOrEqual(x.wallStart ?? Number.NaN);
    });
    expect(r.seconds).toBeGreaterThan(0);
  });
});
