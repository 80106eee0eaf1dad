/**
 * Pinning the timed thread (src/report/pin.ts): a child told `--cpu K` times with its main thread
 * on CPU K alone while its other threads (the sampler's, V8's) keep every CPU; a round's rows, a
 * pair's two runs and a native child get the CPU of their round or pair; larson's and scaling's
 * workers each pin their own thread, worker i on CPU (base + i) mod n. Skipped where nothing can
 * be pinned (not Linux, one CPU, no taskset).
 */
import { describe, expect, it } from 'vitest';
import { runLarsonJs } from '../src/larson/js.js';
import { runMixedBench } from '../src/random-mixed/bench.js';
import { runScalingJs } from '../src/scaling/js.js';
import { runJsChild } from '../src/random-mixed/js.js';
import { MIXED_DEFAULTS, type MixedParams } from '../src/random-mixed/params.js';
import { cpuFor, pinnableCpus, pinnedCommand, threadCpus } from '../src/report/pin.js';
import { runPairs } from '../src/report/paired.js';

const P: MixedParams = { ...MIXED_DEFAULTS, cycles: 200_000 };

describe.skipIf(pinnableCpus() === 0)('pinning the timed thread', () => {
  it('a child told --cpu K times on CPU K; its other threads keep every CPU; untold, it pins nothing', () => {
    const every = threadCpus();
    expect(every).not.toBeNull();
    for (const cpu of [0, 1]) {
      const r = runJsChild('hakmem', P, { cpu });
      expect(r.pinned).toEqual({ main: String(cpu), others: [every] });
    }
    expect(runJsChild('hakmem', P).pinned).toBeUndefined();
  });

  it("a round's rows time on the round's CPU, and a pair's two runs on the pair's", () => {
    const lines: string[] = [];
    runMixedBench({ params: P, repeat: 2, only: ['limit', 'hakmem'], slowDivisor: 1, overheadPairs: 0, progress: (l) => lines.push(l) });
    const rounds = lines.filter((l) => l.startsWith('[round')).map((l) => /^\[round (\d)\/2\].* on CPU (\d) \.\.\.$/.exec(l)?.slice(1));
    expect(rounds).toEqual([['1', '0'], ['1', '0'], ['2', '1'], ['2', '1']]);
    const seen: string[] = [];
    runPairs(3, (k) => (seen.push(`a${k}:${cpuFor(k)}`), 1), (k) => (seen.push(`b${k}:${cpuFor(k)}`), 1));
    expect(seen).toEqual(['a0:0', 'b0:0', 'b1:1', 'a1:1', 'a2:0', 'b2:0']);
  });

  it("larson's and scaling's workers pin their own threads, worker i on CPU (base + i) mod n", () => {
    const n = pinnableCpus();
    const lp = { sleep: 1, min: 8, max: 1000, chunks: 500, rounds: 10, seed: 4141, threads: 2 };
    for (const base of [0, 1]) {
      const want = [0, 1].map((i) => String((base + i) % n)).sort();
      expect(runLarsonJs('hakmem', 'handoff', lp, { generations: 2, cpuBase: base }).pinned).toEqual(want);
      const s = runScalingJs('hakmem', 2, P, { cpuBase: base });
      expect(s.perWorker.map((w) => [w.index, w.pinned])).toEqual(expect.arrayContaining([0, 1].map((i) => [i, String((base + i) % n)])));
    }
    expect(runLarsonJs('hakmem', 'handoff', lp, { generations: 2 }).pinned).toBeUndefined();
  });

  it('a native child runs whole under taskset -c', () => {
    expect(pinnedCommand('./random_mixed', ['--cycles', '10'], 1)).toEqual(['taskset', ['-c', '1', './random_mixed', '--cycles', '10']]);
    expect(pinnedCommand('./random_mixed', ['--cycles', '10'], undefined)).toEqual(['./random_mixed', ['--cycles', '10']]);
  });
});
