/**
 * larson's fidelity, never its timings: lran2 against a transcription of Gloger's generator and
 * the C port; the replay (src/larson/reference.ts) against a textbook larson written here from
 * BENCHMARKS.md / larson.cpp; the C port and every JavaScript runner (both variants) against the
 * replay, counting real allocs, frees, frees of an earlier generation's block and cross-worker frees
 * from tags written into the blocks themselves.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { compileNative, findPreloadLib } from '../src/native/toolchain.js';
import { runLarsonJs } from '../src/larson/js.js';
import { newLran2, lran2 } from '../src/larson/lran2.js';
import { nativeLran2, runNativeLarson } from '../src/larson/native.js';
import { type LarsonParams, larsonSets } from '../src/larson/params.js';
import { type Assignment, replayLarson, sizesChecksum } from '../src/larson/reference.js';
import { gcc, needsGcc, noticeNoGcc } from './helpers.js';

/** Gloger's lran2 as larson.cpp has it, on plain numbers (C long): the spec, not our code. */
function textbookLran2(seed: number) {
  const d = { x: 0, y: 0, v: new Array<number>(97) };
  let x = (150889 - seed) % 714025;
  if (x < 0) x = -x;
  for (let j = 0; j < 97; j++) {
    x = (1366 * x + 150889) % 714025;
    d.v[j] = x;
  }
  d.x = (1366 * x + 150889) % 714025;
  d.y = d.x;
  return () => {
    const j = d.y % 97;
    d.y = d.v[j];
    d.x = (1366 * d.x + 150889) % 714025;
    d.v[j] = d.x;
    return d.y;
  };
}

/**
 * larson, word for word from the description, with every block an object that remembers who
 * allocated it: warm-up on the main thread, one seed per thread, `gens` generations per range
 * (generation k of range r on `who(r, k)`), every free classified.
 */
function textbookLarson(p: LarsonParams, gens: number, who: (r: number, k: number) => string) {
  type Block = { size: number; by: string; gen: string };
  const main = textbookLran2(p.seed);
  const rand = (g: () => number) => (p.max === p.min ? p.min : p.min + (g() % (p.max - p.min)));
  const n = p.threads * p.chunks;
  const blocks: Block[] = [];
  for (let c = 0; c < n; c++) blocks.push({ size: rand(main), by: 'main', gen: 'warm-up' });
  for (let c = n; c > 0; c--) {
    const v = main() % c;
    [blocks[v], blocks[c - 1]] = [blocks[c - 1], blocks[v]];
  }
  for (let c = 0; c < 4 * n; c++) {
    const v = main() % n;
    blocks[v] = { size: rand(main), by: 'main', gen: 'warm-up' };
  }
  const rngs = Array.from({ length: p.threads }, () => textbookLran2(main()));
  const counts = { allocs: 0, frees: 0, older: 0, cross: 0 };
  for (let r = 0; r < p.threads; r++) {
    for (let k = 0; k < gens; k++) {
      const me = who(r, k);
      const gen = `${r}/${k}`;
      for (let i = 0; i < p.rounds * p.chunks; i++) {
        const v = r * p.chunks + (rngs[r]() % p.chunks);
        counts.frees++;
        if (blocks[v].gen !== gen) counts.older++;
        if (blocks[v].by !== me) counts.cross++;
        blocks[v] = { size: rand(rngs[r]), by: me, gen };
        counts.allocs++;
      }
    }
  }
  return { counts, checksum: sizesChecksum(Int32Array.from(blocks, (b) => b.size)) };
}

const SMALL: LarsonParams[] = [
  // rounds 1 (hakmem's shape): many blocks outlive a generation
  { sleep: 0, min: 16, max: 300, chunks: 60, rounds: 1, seed: 12345, threads: 2 },
  // rounds 20 (mimalloc-bench's shape): every block dies within its next generation
  { sleep: 0, min: 12, max: 100, chunks: 40, rounds: 20, seed: 4141, threads: 2 },
  // one thread (handoff: two workers alternate), sizes all equal (no size draw)
  { sleep: 0, min: 64, max: 64, chunks: 50, rounds: 2, seed: 900_000, threads: 1 },
  // four threads
  { sleep: 0, min: 2048, max: 32768, chunks: 30, rounds: 1, seed: 7, threads: 4 },
];
const GENS = 4;

const assignmentOf = (variant: 'handoff' | 'respawn', p: LarsonParams): Assignment =>
  variant === 'handoff' ? { kind: 'handoff', workers: Math.max(2, p.threads) } : { kind: 'threads' };

noticeNoGcc('the C half of the larson tests');

describe('lran2', () => {
  it.each([4141, 12345, 0, 1, 150889, 714025, 999_999, 2 ** 31 - 1])('follows Gloger\'s generator (seed %i)', (seed) => {
    const ours = newLran2(seed);
    const tb = textbookLran2(seed);
    for (let i = 0; i < 5000; i++) expect(lran2(ours, 0)).toBe(tb());
  });

  it('equals the C port for the same seed', (ctx) => {
    needsGcc(ctx);
    const bin = compileNative(gcc!, 'larson', ['-pthread']);
    for (const seed of [4141, 12345, 0, 999_999]) {
      const g = newLran2(seed);
      expect(nativeLran2(bin, seed, 2000)).toEqual(Array.from({ length: 2000 }, () => lran2(g, 0)));
    }
  });
});

describe('the replay', () => {
  it.each(SMALL)('equals a textbook larson, both assignments (%o)', (p) => {
    const iters = Array.from({ length: p.threads }, () => GENS * p.rounds * p.chunks);
    const threads = textbookLarson(p, GENS, (r, k) => `t${r}/${k}`);
    const W = Math.max(2, p.threads);
    const ring = textbookLarson(p, GENS, (r, k) => `w${(((r - k) % W) + W) % W}`);
    const a = replayLarson(p, iters, { kind: 'threads' });
    const b = replayLarson(p, iters, { kind: 'handoff', workers: W });
    expect(a).toMatchObject({ allocs: threads.counts.allocs, olderFrees: threads.counts.older, crossFrees: threads.counts.cross, checksum: threads.checksum });
    expect(b).toMatchObject({ allocs: ring.counts.allocs, olderFrees: ring.counts.older, crossFrees: ring.counts.cross, checksum: ring.checksum });
    // a new thread per generation: every free of an earlier generation's block crosses threads
    expect(a.crossFrees).toBe(a.olderFrees);
    expect(a.generations).toBe(p.threads * GENS);
  });

  it('replays runs stopped mid-generation', () => {
    const p = SMALL[0];
    const full = replayLarson(p, [GENS * p.chunks, GENS * p.chunks], { kind: 'threads' });
    const cut = replayLarson(p, [GENS * p.chunks - 7, 2 * p.chunks + 3], { kind: 'threads' });
    expect(cut.allocs).toBe(full.allocs - 7 - 2 * p.chunks + 3);
    expect(cut.generations).toBe(GENS + 3);
    expect(cut.checksum).not.toBe(full.checksum);
  });
});

describe('the C port (native/larson.c)', () => {
  beforeEach(needsGcc);
  it.each(SMALL)('does the replay\'s ops and keeps every byte, with every malloc installed (%o)', (p) => {
    const bin = compileNative(gcc!, 'larson', ['-pthread']);
    const ref = replayLarson(p, Array(p.threads).fill(GENS * p.rounds * p.chunks), { kind: 'threads' });
    const libs = [undefined, findPreloadLib('mimalloc'), findPreloadLib('jemalloc')].filter((l, i) => i === 0 || l);
    for (const preload of libs) {
      const c = runNativeLarson(bin, p, { preload, generations: GENS, verify: true });
      expect(c.iters).toEqual(Array(p.threads).fill(GENS * p.rounds * p.chunks));
      expect(c.allocs).toBe(ref.allocs);
      expect(c.generations).toBe(ref.generations);
      expect(c.checksum).toBe(ref.checksum);
      expect(c.failed).toBe(0);
      expect(c.verify).toEqual({
        frees: ref.allocs,
        olderFrees: ref.olderFrees,
        crossFrees: ref.crossFrees,
        badBytes: 0,
        warmupFrees: ref.warmupFrees,
        warmupCrossFrees: 0,
        finalFrees: p.threads * p.chunks,
      });
    }
  });

  it('a timed run matches the replay of what it did', () => {
    const bin = compileNative(gcc!, 'larson', ['-pthread']);
    const p = { ...SMALL[0], sleep: 0.2 };
    const c = runNativeLarson(bin, p);
    expect(c.mode).toBe('bench');
    expect(c.allocs).toBeGreaterThan(0);
    expect(c.cpuSeconds).toBeGreaterThan(0);
    expect(replayLarson(p, c.iters, { kind: 'threads' }).checksum).toBe(c.checksum);
  });
});

describe('the harness keeps its loops optimized', () => {
  it("a generation does not deoptimize at its end (the code after the loop had no type feedback)", () => {
    // hakmem's set, 40 generations of 10000 iterations: long enough that TurboFan compiles the
    // loop (on stack) during the first one. Without the worker's empty generations first, 4 to 6
    // of them deoptimize at `w[rng + LRAN2_X] = x` (--trace-deopt); with them, none.
    const child = fileURLToPath(new URL('../dist/larson/child.js', import.meta.url));
    const params = JSON.stringify({ sleep: 2, min: 2048, max: 32768, chunks: 10000, rounds: 1, seed: 12345, threads: 1 });
    const r = spawnSync(process.execPath, ['--expose-gc', '--trace-deopt', child, '--runner', 'limit', '--variant', 'handoff', '--generations', '40', '--params', params], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const deopts = r.stdout.split('\n').filter((l) => l.includes('bailout (kind') && l.includes('<JSFunction generation'));
    expect(deopts.length, deopts.slice(0, 3).join('\n')).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('JavaScript runner limit (inline alloc and free: no tagging wrapper)', () => {
  it.each(SMALL)('does the replay\'s allocs and leaves every block on a list (%o)', (p) => {
    const r = runLarsonJs('limit', 'handoff', p, { generations: GENS });
    const ref = replayLarson(p, r.iters, assignmentOf('handoff', p));
    expect(r.iters).toEqual(Array(p.threads).fill(GENS * p.rounds * p.chunks));
    expect(r.allocs).toBe(ref.allocs);
    expect(r.checksum).toBe(ref.checksum);
    expect(r.failed).toBe(0);
    expect(r.finalFrees).toBe(p.threads * p.chunks);
    expect(r.check).toBe('ok');
  });
});

describe.each(['hakmem', 'smo'])('JavaScript runner %s', (runner) => {
  describe.each(['handoff', 'respawn'] as const)('%s', (variant) => {
    // smo (tsx in every Worker) and respawn (a Worker per generation) are slow to start: fewer sets
    const sets = runner === 'smo' || variant === 'respawn' ? [SMALL[0], SMALL[1]] : SMALL;
    it.each(sets)('does the replay\'s allocs and frees, and counts its cross-worker frees (%o)', (p) => {
      const r = runLarsonJs(runner, variant, p, { generations: GENS, verify: true });
      const a = assignmentOf(variant, p);
      const ref = replayLarson(p, r.iters, a);
      expect(r.iters).toEqual(Array(p.threads).fill(GENS * p.rounds * p.chunks));
      expect(r.allocs).toBe(ref.allocs);
      expect(r.checksum).toBe(ref.checksum);
      expect(r.generations).toBe(ref.generations);
      expect(r.failed).toBe(0);
      expect(r.refused).toBe(0);
      // real alloc/free calls through the tagging wrapper, each free classified by its block's tags
      expect(r.verify).toEqual({
        allocs: ref.allocs,
        frees: ref.allocs,
        olderFrees: ref.olderFrees,
        crossFrees: ref.crossFrees,
        badBytes: 0,
        warmupCrossFrees: 0,
      });
      if (variant === 'respawn') {
        expect(r.verify?.crossFrees).toBe(r.verify?.olderFrees);
        expect(r.workersStarted).toBe(p.threads * GENS);
      } else {
        expect(r.workersStarted).toBe(Math.max(2, p.threads));
        // rounds 20: no block outlives its next generation, so every free of an earlier
        // generation's block is a cross-worker free in handoff too
        if (p.rounds >= 20) expect(r.verify?.crossFrees).toBe(r.verify?.olderFrees);
        else expect(r.verify!.crossFrees).toBeLessThanOrEqual(r.verify!.olderFrees);
      }
      expect(r.finalFrees).toBe(p.threads * p.chunks);
      expect(r.allDetached).toBe(true);
      expect(r.check).toBe('ok');
    });

    it('a timed run matches the replay of what it did, and leaves the allocator clean', () => {
      const p = { ...SMALL[0], sleep: 0.3 };
      const r = runLarsonJs(runner, variant, p);
      expect(r.allocs).toBeGreaterThan(0);
      expect(r.seconds).toBeGreaterThan(0);
      // the workers ran for most of the timed region: the process spent CPU time in it
      expect(r.cpuSeconds).toBeGreaterThan(0);
      expect(replayLarson(p, r.iters, assignmentOf(variant, p)).checksum).toBe(r.checksum);
      expect(r.failed).toBe(0);
      expect(r.allDetached).toBe(true);
      expect(r.check).toBe('ok');
      if (runner.startsWith('hakmem')) {
        // the run's refills (every worker, warm-up excluded) and what the caches held at the stop
        const slow = r.checkFacts?.slowPaths as { refills: number; drains: number };
        expect(slow.refills).toBeGreaterThan(0);
        expect(slow.refills).toBeLessThanOrEqual(r.allocs);
        // handoff's workers all run until the stop flag (respawn's last successor may start after it, empty)
        if (variant === 'handoff') expect(r.checkFacts?.cachedAtStop).toBeGreaterThan(0);
      }
    });
  });
});

describe('parameter sets', () => {
  it('scales mimalloc-bench\'s set to this machine and says so', () => {
    const sets = larsonSets({ cores: 2 });
    expect(sets.map((s) => [s.id, s.params.threads])).toEqual([['mimalloc-bench', 2], ['hakmem', 1], ['hakmem', 4]]);
    expect(sets[0].params).toMatchObject({ min: 8, max: 1000, chunks: 5000, rounds: 100, seed: 4141, sleep: 2 });
    expect(sets[0].deviation).toContain('sleep 2 s instead of 5');
    expect(sets[1].params).toMatchObject({ min: 2048, max: 32768, chunks: 10000, rounds: 1, seed: 12345, sleep: 2 });
    expect(sets[1].deviation).toBe('');
    expect(sets[2].deviation).toContain('oversubscribed');
  });

  it('--sleep and --threads override every set', () => {
    const sets = larsonSets({ cores: 2, sleep: 1, threads: 3 });
    expect(sets.map((s) => s.params.threads)).toEqual([3, 3]);
    expect(sets.every((s) => s.params.sleep === 1)).toBe(true);
    expect(sets[1].deviation).toContain('threads 3 (--threads)');
  });
});
