/**
 * What TurboFan inlines into a caller's loop over a heap (`node --trace-turbo-inlining`): the
 * refill path is inlined (ARCHITECTURE.md, "What V8 does"), the policy read is not, with learning
 * on or off. Inlined, the read made the loop's graph bigger with learning on than off (1081 against
 * 947 nodes), and its first compile later: the fresh-process row of the learner's cost
 * (BENCHMARKS.md, "2026-12-03, sixth").
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('./fixtures/inlining-probe.mjs', import.meta.url));

/** The functions TurboFan inlined into the probe's `loop`, over all its compiles. */
function inlinedIntoLoop(learning: 'on' | 'off'): Set<string> {
  const r = spawnSync(process.execPath, ['--trace-turbo-inlining', PROBE, learning], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const names = new Set<string>();
  for (const m of r.stdout.matchAll(/^Inlining \S+ \{\S+ <SharedFunctionInfo ([^>]+)>\} into \S+ \{\S+ <SharedFunctionInfo loop>\}/gm)) names.add(m[1]);
  return names;
}

describe("what TurboFan inlines into a caller's loop", () => {
  it.each(['on', 'off'] as const)('learning %s: the refill path, not the policy read', (learning) => {
    const names = inlinedIntoLoop(learning);
    // the probe's loop was compiled with its refills in it: else this test could not fail
    expect([...names]).toEqual(expect.arrayContaining(['alloc', 'free', 'allocMiss', 'refill']));
    for (const f of ['countFor', 'policyCount', 'readPolicy']) expect(names.has(f), `${f} inlined into the loop`).toBe(false);
  });
});
