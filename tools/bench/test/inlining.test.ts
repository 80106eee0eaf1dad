/**
 * What TurboFan inlines into the benchmarks' loops (random-mixed's, and larson's in each worker;
 * `node --trace-turbo-inlining`), learning on and off: the refill path (ARCHITECTURE.md, "What V8
 * does"), and neither the policy read nor the drain. Inlined, the read made the loop's graph
 * bigger with learning on than off, and its first compile later (a short program paid for it); a
 * drain inlined in its place (a smaller refill left room in the inlining budget) slowed the loop
 * itself (BENCHMARKS.md, "2026-12-03, sixth").
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Always the built children: the loops as the benchmarks run them. */
const MIXED = fileURLToPath(new URL('../dist/random-mixed/child.js', import.meta.url));
const LARSON = fileURLToPath(new URL('../dist/larson/child.js', import.meta.url));
const MIXED_PARAMS = JSON.stringify({ cycles: 2_000_000, ws: 8192, seed: 1234567, min: 16, max: 1039 });
const LARSON_PARAMS = JSON.stringify({ sleep: 1, min: 8, max: 1000, chunks: 5000, rounds: 100, seed: 4141, threads: 2 });

/**
 * The benchmark loops: random-mixed's `loop` (one thread: the same set on and off in each of some 20 runs)
 * and larson's `generation` (two workers: their compiles come at different points of their
 * feedback, and the set may lack a call or three of the refill path in one run of five).
 */
const LOOPS = {
  'random-mixed': { fn: 'loop', same: true, args: (runner: string) => [MIXED, '--runner', runner, '--no-sampler', '--params', MIXED_PARAMS] },
  larson: { fn: 'generation', same: false, args: (runner: string) => [LARSON, '--runner', runner, '--variant', 'handoff', '--generations', '4', '--params', LARSON_PARAMS] },
};

/** The functions TurboFan inlined into the loop, over all its compiles (every thread's). */
function inlinedInto(loop: keyof typeof LOOPS, runner: 'hakmem' | 'hakmem-fixed'): string[] {
  const { fn, args } = LOOPS[loop];
  const r = spawnSync(process.execPath, ['--expose-gc', '--trace-turbo-inlining', ...args(runner)], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const names = new Set<string>();
  for (const m of r.stdout.matchAll(/^Inlining \S+ \{\S+ <SharedFunctionInfo ([^>]+)>\} into \S+ \{\S+ <SharedFunctionInfo ([^>]+)>\}/gm)) if (m[2] === fn) names.add(m[1]);
  return [...names].sort();
}

describe("what TurboFan inlines into the benchmarks' loops", () => {
  it.each(Object.keys(LOOPS) as (keyof typeof LOOPS)[])('%s: the refill path, learning on and off; not the policy read, not the drain', (loop) => {
    const on = inlinedInto(loop, 'hakmem');
    const off = inlinedInto(loop, 'hakmem-fixed');
    // the loop was compiled with its refills in it: else this test could not fail
    expect(on).toEqual(expect.arrayContaining(['alloc', 'free', 'allocMiss', 'refill']));
    for (const f of ['countFor', 'policyCount', 'readPolicy', 'move', 'drain']) expect(on.includes(f) || off.includes(f), `${f} inlined into the loop`).toBe(false);
    if (LOOPS[loop].same) expect(on).toEqual(off);
  });
});
