/** The shifting workload runs, with the learner on and off, and leaves a valid, empty heap (never timings). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runShifting, SHIFT_DEFAULTS } from '../src/learning/shifting.js';

const cpuReadable = existsSync('/proc/thread-self/stat');

describe('shifting workload', () => {
  it.each([false, true])('learning %s: does its ops, reports refills, cached bytes and (on) the learner', async (learning) => {
    const p = { ...SHIFT_DEFAULTS, cycles: 2 };
    const r = await runShifting(learning, p);
    // per cycle: a burst of 64 B (alloc + free), the light phase, a burst of 2 KiB
    expect(r.ops).toBe(p.cycles * (2 * p.burst + p.light + 2 * (p.burst / 4)));
    expect(r.refills).toBeGreaterThan(0);
    // after each burst is freed the caches hold blocks, and never more than the heap reserved
    expect(r.cachedBytesMean).toBeGreaterThan(0);
    expect(r.cachedBytesMax).toBeLessThanOrEqual(r.peakReserved);
    if (learning) {
      expect(r.events + r.dropped).toBe(r.attempted); // every event pushed or counted dropped
      expect(r.attempted).toBeGreaterThan(r.refills / 64); // a hot class reports at least one refill in 32
      // the learner's CPU time is read from /proc where the kernel provides it, and only there
      // the workload's bursts start the learner (its trigger), inline on this thread: no Worker was
      // started, so no start-up cost; a Worker only once an inline learner loses events
      expect(r.learnerMode).toBe('inline');
      expect(r.learnerStartupCpuMs).toBeNull();
      if (cpuReadable) {
        expect(r.learnerCpuMs).not.toBeNull();
        expect(r.learnerCpuMs!).toBeGreaterThan(0);
      } else {
        expect([r.learnerCpuMs, r.learnerStartupCpuMs]).toEqual([null, null]);
      }
      expect(r.learnerWakes).toBeGreaterThan(0);
      expect(Object.keys(r.finalCounts)).toEqual(['64 B', '2 KiB']);
    } else {
      expect(r.events).toBe(0);
      expect(r.learnerCpuMs).toBeNull();
    }
  });
});
