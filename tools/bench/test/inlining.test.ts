/**
 * What TurboFan inlines into the benchmark's loop (random-mixed's child, `node
 * --trace-turbo-inlining`), learning on and off: the refill path (ARCHITECTURE.md, "What V8
 * does"), and neither the policy read nor the drain. Inlined, the read made the loop's graph
 * bigger with learning on than off (1081 against 947 nodes), and its first compile later (the
 * fresh-process row of the learner's cost); a drain inlined in its place (a smaller refill left
 * room in the inlining budget) ran the loop at 0.80x instead of 0.93x the bare freelist
 * (BENCHMARKS.md, "2026-12-03, sixth").
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Always the built child: the loop as the benchmark runs it. */
const CHILD = fileURLToPath(new URL('../dist/random-mixed/child.js', import.meta.url));
const PARAMS = JSON.stringify({ cycles: 2_000_000, ws: 8192, seed: 1234567, min: 16, max: 1039 });

/** The functions TurboFan inlined into the child's `loop`, over all its compiles. */
function inlinedIntoLoop(runner: 'hakmem' | 'hakmem-fixed'): string[] {
  const r = spawnSync(process.execPath, ['--expose-gc', '--trace-turbo-inlining', CHILD, '--runner', runner, '--no-sampler', '--params', PARAMS], {
    encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const names = new Set<string>();
  for (const m of r.stdout.matchAll(/^Inlining \S+ \{\S+ <SharedFunctionInfo ([^>]+)>\} into \S+ \{\S+ <SharedFunctionInfo loop>\}/gm)) names.add(m[1]);
  return [...names].sort();
}

describe("what TurboFan inlines into the benchmark's loop", () => {
  it('the refill path, the same with learning on and off; not the policy read, not the drain', () => {
    const on = inlinedIntoLoop('hakmem');
    const off = inlinedIntoLoop('hakmem-fixed');
    // the loop was compiled with its refills in it: else this test could not fail
    expect(on).toEqual(expect.arrayContaining(['alloc', 'free', 'allocMiss', 'refill']));
    for (const f of ['countFor', 'policyCount', 'readPolicy', 'move', 'drain']) expect(on.includes(f) || off.includes(f), `${f} inlined into the loop`).toBe(false);
    expect(on).toEqual(off);
  });
});
