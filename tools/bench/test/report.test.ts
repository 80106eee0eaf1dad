/** The harness around the runners: flags, formats, counts comparison, skipped references. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { compareCounts, cpuNotes, type MixedRow, runMixedBench } from '../src/random-mixed/bench.js';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';
import { referencePattern } from '../src/random-mixed/pattern.js';
import { renderMixedReport } from '../src/random-mixed/print.js';
import { machine } from '../src/report/machine.js';
import { median, medianInterval } from '../src/report/stats.js';
import { formatMops, formatRatio, renderTable } from '../src/report/table.js';
import { runLarsonBench, selectLarsonAllocators } from '../src/larson/bench.js';
import { larsonSets } from '../src/larson/params.js';
import { renderLarsonReport } from '../src/larson/print.js';
import { runScalingBench } from '../src/scaling/bench.js';
import { renderScalingReport } from '../src/scaling/print.js';
import { gcc } from './helpers.js';

describe('flags', () => {
  it('defaults are the seed benchmark', () => {
    const a = parseArgs([]);
    expect(a.params).toEqual(MIXED_DEFAULTS);
    expect(a.repeat).toBe(3);
    expect(a.slowDivisor).toBe(100);
  });

  it('parses every flag, with = or a separate value', () => {
    const a = parseArgs(['--', '--cycles=2_000_000', '--ws', '1000', '--seed', '5', '--min', '32', '--max=512', '--repeat', '5', '--only', 'limit,hakmem', '--json', 'out.json']);
    expect(a.params).toEqual({ cycles: 2_000_000, ws: 1000, seed: 5, min: 32, max: 512 });
    expect(a.repeat).toBe(5);
    expect(a.only).toEqual(['limit', 'hakmem']);
    expect(a.json).toBe('out.json');
  });

  it('--quick is cycles / 10 and one run unless --repeat says otherwise', () => {
    expect(parseArgs(['--quick'])).toMatchObject({ quick: true, repeat: 1, params: { cycles: 1_000_000 } });
    expect(parseArgs(['--quick', '--repeat', '2']).repeat).toBe(2);
  });

  it('rejects nonsense', () => {
    expect(() => parseArgs(['--cycles', 'many'])).toThrow(/integer/);
    expect(() => parseArgs(['--min', '600', '--max', '500'])).toThrow(/min/);
    expect(() => parseArgs(['--ws', '0'])).toThrow(/ws/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown flag/);
  });
});

describe('formats', () => {
  it("the median's 95 % interval: order statistics from the binomial tail (values as published for the sign test)", () => {
    const xs = (n: number) => Array.from({ length: n }, (_, k) => n - k); // n..1: sorting is its job
    expect(medianInterval(xs(5))).toBeNull(); // P(X <= 0) = 1/32 > 2.5 %: no interval at 95 %
    expect(medianInterval(xs(6))).toEqual([1, 6]); // 1/64 <= 2.5 %: the extremes
    expect(medianInterval(xs(10))).toEqual([2, 9]); // P(X <= 1) = 1.07 %, P(X <= 2) = 5.5 %
    expect(medianInterval(xs(20))).toEqual([6, 15]); // P(X <= 5) = 2.07 %, P(X <= 6) = 5.77 %
    expect(medianInterval(xs(41))).toEqual([14, 28]); // P(X <= 13) = 1.4 %, P(X <= 14) = 3.0 %
    expect(medianInterval(xs(2000))?.[0]).toBe(956); // log space: 2^-2000 is 0 in a double
    expect(medianInterval(xs(41), 0.9)).toEqual([15, 27]); // P(X <= 14) = 3.0 % <= 5 %, P(X <= 15) = 5.9 %
  });

  it('median, ops/s, ratios, tables', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(formatMops(92_400_000)).toBe('92.4');
    expect(formatMops(1_870_000)).toBe('1.87');
    expect(formatMops(45_200)).toBe('0.0452');
    expect(formatRatio(0.853)).toBe('0.85x');
    expect(formatRatio(0.00071)).toBe('0.00071x');
    expect(formatRatio(undefined)).toBe('-');
    expect(renderTable([{ title: 'a' }, { title: 'n', align: 'right' }], [['xy', '1'], ['z', '100']])).toBe('a     n\n--  ---\nxy    1\nz   100');
  });

  it('cpuNotes: cycles per CPU second and the ratio to the limit round by round', () => {
    const row = (name: string, label: string, runs: Array<[number, number]>) =>
      ({ name, label, kind: 'js', params: { ...MIXED_DEFAULTS, cycles: 1000 }, runs: runs.map(([opsPerSec, cpuSeconds]) => ({ opsPerSec, seconds: 1, cpuSeconds })) }) as unknown as MixedRow;
    const limit = row('limit', 'limit', [[100, 0.001], [50, 0.002], [80, 0.001]]);
    const hak = row('hakmem', 'hakmem', [[90, 0.002], [50, 0.002], [40, 0.004]]);
    const notes = cpuNotes([limit, hak]);
    // limit: 1000 cycles over 1, 2, 1 ms = 1, 0.5, 1 M per CPU second (median 1); hakmem 0.5, 0.5, 0.25 (median 0.5)
    expect(notes[0]).toContain('limit 1.0 M (1.00x limit); hakmem 0.5 M (0.50x limit)');
    expect(notes[1]).toBe('vs limit round by round (ops/s): hakmem 0.90 1.00 0.50.');
    expect(cpuNotes([hak])).toEqual([]);
  });

  it('compareCounts names every difference', () => {
    const ref = referencePattern({ ...MIXED_DEFAULTS, cycles: 1000 });
    expect(compareCounts(ref, ref)).toBe('ok');
    const off = { ...ref, main: { ...ref.main, allocs: ref.main.allocs - 1, failed: 1 } };
    expect(compareCounts(off, ref)).toMatch(/main allocs .* != .*; main: 1 allocs failed/);
  });
});

describe('a whole (tiny) run', () => {
  const saved = { CC: process.env.CC, BENCH_LIB_DIRS: process.env.BENCH_LIB_DIRS };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const P = { ...MIXED_DEFAULTS, cycles: 20_000 };

  it('prints every row with its parameters, ratios to the references, and the notes', () => {
    const r = runMixedBench({ params: P, repeat: 2, only: ['limit', 'hakmem', 'glibc', 'mimalloc'], slowDivisor: 100 });
    const limit = r.rows.find((row) => row.name === 'limit');
    expect(limit?.ratios.limit).toBe(1);
    expect(limit?.runs).toHaveLength(2);
    for (const row of r.rows) expect(row.fidelity).toBe('ok');
    const text = renderMixedReport(r, machine());
    expect(text).toContain('cycles=20000 ws=8192 seed=1234567 min=16 max=1039'); // header
    expect(text).toMatch(/\nlimit: bare JS freelist +cycles=20k ws=8192 seed=1234567 min=16 max=1039 /); // row
    expect(text).toMatch(/vs limit +vs glibc +vs mimalloc/);
    expect(text).toContain('JS warm-up');
    expect(text).toContain('r & (ws - 1)');
    if (gcc) expect(r.rows.find((row) => row.name === 'glibc')?.ratios.glibc).toBe(1);
  });

  it('gives the slow allocators fewer cycles and says so', () => {
    const r = runMixedBench({ params: P, repeat: 1, only: ['thi.ng'], slowDivisor: 10 });
    expect(r.rows[0].params.cycles).toBe(2000);
    expect(r.rows[0].deviation).toContain('cycles/10');
    expect(renderMixedReport(r, machine())).toMatch(/cycles=2k ws=8192 seed=1234567 min=16 max=1039 \(cycles\/10: O\(n\) free\)/);
  });

  it('skips a missing preload library with a notice', () => {
    process.env.BENCH_LIB_DIRS = mkdtempSync(join(tmpdir(), 'nolibs-'));
    const r = runMixedBench({ params: P, repeat: 1, only: ['mimalloc', 'jemalloc'], slowDivisor: 100 });
    expect(r.rows).toEqual([]);
    if (gcc) {
      expect(r.skipped).toEqual([
        { name: 'mimalloc', reason: 'skipped: libmimalloc not installed (apt-get install libmimalloc-dev)' },
        { name: 'jemalloc', reason: 'skipped: libjemalloc not installed (apt-get install libjemalloc-dev)' },
      ]);
    }
  });

  it('skips native rows with a notice when gcc is missing', () => {
    process.env.CC = '/nonexistent/gcc';
    const r = runMixedBench({ params: P, repeat: 1, only: ['glibc'], slowDivisor: 100 });
    expect(r.skipped).toEqual([{ name: 'glibc', reason: 'skipped: gcc not found (apt-get install gcc)' }]);
  });

  it('rejects unknown --only names', () => {
    expect(() => runMixedBench({ params: P, repeat: 1, only: ['tcmalloc'], slowDivisor: 100 })).toThrow(/unknown allocator tcmalloc/);
  });
});

describe('flags for larson, scaling and --bench', () => {
  it('runs every benchmark by default, or the ones named', () => {
    expect(parseArgs([]).benches).toEqual(['random-mixed', 'larson', 'scaling', 'learning', 'wasm']);
    expect(parseArgs(['--bench', 'larson']).benches).toEqual(['larson']);
    expect(parseArgs(['--bench=scaling,random-mixed']).benches).toEqual(['random-mixed', 'scaling']);
    expect(parseArgs(['--bench', 'all']).benches).toEqual(['random-mixed', 'larson', 'scaling', 'learning', 'wasm']);
    expect(() => parseArgs(['--bench', 'cfrac'])).toThrow(/unknown benchmark cfrac/);
  });

  it('--sleep (fractions) and --threads', () => {
    expect(parseArgs(['--sleep', '0.5', '--threads', '2'])).toMatchObject({ sleep: 0.5, threads: 2 });
    expect(parseArgs([]).sleep).toBeUndefined();
    expect(() => parseArgs(['--sleep', 'long'])).toThrow(/--sleep/);
    expect(() => parseArgs(['--threads', '0'])).toThrow(/--threads/);
  });

  it('--set and --variant narrow larson to one parameter set and one JS variant', () => {
    expect(parseArgs(['--set', 'mimalloc-bench', '--variant=handoff'])).toMatchObject({ larsonSet: 'mimalloc-bench', variant: 'handoff' });
    expect(parseArgs([]).larsonSet).toBeUndefined();
    expect(() => parseArgs(['--set', 'cfrac'])).toThrow(/--set/);
    expect(() => parseArgs(['--variant', 'threads'])).toThrow(/--variant/);
    const rows = (v?: 'handoff' | 'respawn') => selectLarsonAllocators(['hakmem', 'glibc'], v).map((a) => `${a.name} ${a.kind === 'js' ? a.variant : 'threads'}`);
    expect(rows()).toEqual(['hakmem handoff', 'hakmem respawn', 'glibc threads']);
    expect(rows('handoff')).toEqual(['hakmem handoff', 'glibc threads']);
    expect(rows('respawn')).toEqual(['hakmem respawn', 'glibc threads']);
  });
});

describe('a whole (tiny) larson and scaling run', () => {
  it('larson: one table per set, native ratios, the replay and the notes', () => {
    const sets = larsonSets({ cores: 2, sleep: 0.2, threads: 2 }).map((s) => ({ ...s, params: { ...s.params, chunks: 200 } }));
    const r = runLarsonBench({ sets, repeat: 1, only: ['limit', 'hakmem', 'glibc'] });
    const text = renderLarsonReport(r, machine());
    expect(text).toContain("mimalloc-bench's set `5 8 1000 5000 100 4141 <nprocs>`, run as `0.2 8 1000 200 100 4141 2`");
    expect(text).toMatch(/vs limit +vs glibc +vs mimalloc +x-gen frees +x-worker frees/);
    expect(r.rows.find((row) => row.name === 'limit')?.ratios.limit).toBe(1);
    // allocations per CPU second beside the wall clock, with ratios from the same run
    expect(r.rows.find((row) => row.name === 'limit')?.cpuRatios?.limit).toBe(1);
    for (const row of r.rows) expect(row.opsPerCpuSec, `${row.name} ${row.variant}`).toBeGreaterThan(0);
    expect(text.replace(/\s+/g, ' ')).toMatch(/per CPU second \(mimalloc-bench's set, threads 2;.*limit: bare JS freelist handoff [\d.]+ M \(1\.00x limit/);
    expect(text).toMatch(/\nhakmem +handoff +0\.2 8 1000 200 100 4141 2 \(heap [\d.]+ MiB; W=2\)/);
    expect(text).toMatch(/\nhakmem +respawn /);
    for (const row of r.rows) {
      expect(row.fidelity).toBe('ok');
      if (row.kind === 'js') expect(row.check).toBe('ok');
    }
    expect(text).toMatch(/hakmem: check ok after every run \(handoff mimalloc-bench's set threads 2, respawn/);
    // memory beside the time: every row, against the replay's peak live bytes
    expect(text).toMatch(/live MiB +peak MiB +memory vs live/);
    for (const row of r.rows) {
      expect(row.memory, `${row.name} ${row.variant}`).toBeDefined();
      expect(row.memory!.liveBytes).toBe(row.counts.peakLiveBytes);
      expect(row.memory!.kind).toBe(row.name === 'limit' ? 'bump' : row.name === 'hakmem' ? 'reserved' : 'rss');
      if (row.kind === 'js') expect(row.memory!.bytes).toBeGreaterThan(row.memory!.liveBytes); // no allocator holds less than it hands out
    }
    if (gcc) {
      expect(r.rows.find((row) => row.name === 'glibc')?.ratios.glibc).toBe(1);
      expect(text).toMatch(/target \(hakmem handoff at 2 workers >= native glibc larson at 2 threads/);
    }
  });

  it('scaling: 1 and 2 workers per row and the ratio between them', () => {
    const r = runScalingBench({ params: { ...MIXED_DEFAULTS, cycles: 20_000 }, counts: [1, 2], repeat: 1, only: ['limit', 'hakmem'] });
    expect(r.rows.map((row) => [row.name, row.workers])).toEqual([['limit', 1], ['limit', 2], ['hakmem', 1], ['hakmem', 2]]);
    for (const row of r.rows) expect(row.fidelity).toBe('ok');
    expect(r.rows[0].vsOne).toBe(1);
    const text = renderScalingReport(r, machine());
    expect(text).toMatch(/total M ops\/s +per worker +vs 1 worker/);
    expect(text).toContain('target (hakmem, 2 workers >= 1.7x one worker)');
    expect(text).toContain('hakmem x2: check ok');
    // memory: the workers' live sets add up; an allocator holds at least what it hands out
    expect(text).toMatch(/live MiB +peak MiB +memory vs live/);
    const one = r.rows.find((row) => row.name === 'limit' && row.workers === 1)!.memory!;
    const two = r.rows.find((row) => row.name === 'limit' && row.workers === 2)!.memory!;
    expect(two.liveBytes).toBeGreaterThan(one.liveBytes);
    // exact figures only: a sampled peak (hakmem's) can miss a short peak on a loaded machine, and with
    // two workers the live figure adds each worker's own peak, an upper bound
    for (const row of r.rows.filter((x) => x.workers === 1 && x.memory!.kind === 'bump')) {
      expect(row.memory!.bytes).toBeGreaterThanOrEqual(row.memory!.liveBytes);
    }
  });
});
