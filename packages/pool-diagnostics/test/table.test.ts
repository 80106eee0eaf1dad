import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../src/index.js';
import { classRow, snap, workerClass, workerRow } from './fixtures.js';

describe('formatDiagnostics', () => {
  it('prints the heap, settings, queue, learner and contract lines, then the active classes', () => {
    const out = formatDiagnostics(snap({ pushed: 1000, dropped: 10, pending: 4 }));
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'heap: 1.0 MiB committed (max 16.0 MiB), 64.0 KiB reserved, 16.0 KiB in use, 48.0 KiB reserved but free (75.00 %); ' +
        '240 free pages (0.00 % outside the longest free run); 1 large blocks (8.0 KiB); 2 growth events',
    );
    expect(lines[1]).toBe('settings: 4 classes, 8 worker slots (0 attached), counters on, with low-water marks, learning on, contract validation off');
    expect(lines[2]).toBe('queue: 1,000 events pushed, 10 dropped (0.99 %), 996 consumed, 4 pending, capacity 1,024');
    expect(lines[3]).toBe('learner: worker, 1,000 events learned from, 3 policy changes, CPU 12 ms (10 ms starting)');
    // records the ring repaired or rejected, only when there are some
    expect(formatDiagnostics(snap({ pushed: 1000, dropped: 10, pending: 4, lost: 2, garbled: 1 })).split('\n')[2]).toBe(
      'queue: 1,000 events pushed, 10 dropped (0.99 %), 993 consumed, 2 lost (claimed, never published), 1 garbled, 4 pending, capacity 1,024',
    );
    expect(lines[4]).toMatch(/^contracts: validation off/);
    // only class 0 holds memory or saw activity
    expect(out).toMatch(/\n0\s+16\s+default\s+1\s+10\s+0\s+0\s+100\s+95\s+5\s+0\s+90\n/);
    expect(out).not.toMatch(/\n1\s+32\s/);
  });

  it('lists every class on request, and the learned ones with their best arms', () => {
    const out = formatDiagnostics(snap({ classes: [classRow(0, { policyCount: 32 }), classRow(1), classRow(2), classRow(3)] }), { allClasses: true });
    expect(out).toMatch(/\n0\s+16\s+32\s/);
    expect(out).toMatch(/\n3\s+64\s+default\s/);
    // class 0 changed its count twice: arms best first
    expect(out).toMatch(/\n0\s+16\s+32\s+2\s+64: 0\.300, 3\.0; 32: 0\.200, 2\.0; 16: 0\.100, 1\.0/);
  });

  it('a learned class without arm statistics yet says so', () => {
    const s = snap();
    s.learner!.classes[1] = { ...s.learner!.classes[1], changes: 1, arms: s.learner!.classes[1].arms.map((a) => ({ ...a, pulls: 0 })) };
    expect(formatDiagnostics(s)).toMatch(/\n1\s+32\s+32\s+1\s+\(exploring: statistics after 64 events\)/);
  });

  it('says what needs counters, and shows it as "-" without them', () => {
    const out = formatDiagnostics(
      snap({ counters: false, classes: [classRow(0, { spans: 1, misses: 2, allocs: null, frees: null, hits: null, lowWater: null })] }),
    );
    expect(out).toMatch(/\n0\s+16\s+default\s+1\s+0\s+0\s+-\s+-\s+-\s+2\s+0\s+-\n/);
    expect(out).toMatch(/need counters: createHeap\(\{ counters: true \}\) or HAKMEM_COUNTERS=1/);
    expect(out).toMatch(/counters off/);
  });

  it('with counters but no low-water marks, says how to get them', () => {
    const out = formatDiagnostics(snap({ lowWater: false, classes: [classRow(0, { spans: 1, allocs: 5, hits: 4, misses: 1, frees: 5, lowWater: null })] }));
    expect(out).toMatch(/counters on, learning on/);
    expect(out).toMatch(/\n0\s+16\s+default\s+1\s+0\s+0\s+-\s+5\s+4\s+1\s+0\s+5\n/);
    expect(out).toMatch(/\(low-water marks need counters: 'low-water' or HAKMEM_COUNTERS=low-water\)/);
  });

  it('the learner\'s CPU in 0.1 ms units prints as such (no float noise)', () => {
    const s = snap({ pushed: 10 });
    const out = formatDiagnostics({ ...s, learner: { ...s.learner!, mode: 'inline', cpuMs: 473 * 0.1, startupCpuMs: null } });
    expect(out.split('\n')[3]).toBe('learner: inline, 10 events learned from, 3 policy changes, CPU 47.3 ms');
  });

  it('classes the learner cannot change are counted on its line', () => {
    const s = snap({ pushed: 10 });
    const classes = s.learner!.classes.map((k) => ({ ...k, learns: k.cls < 1 }));
    const out = formatDiagnostics({ ...s, learner: { ...s.learner!, classes } });
    expect(out.split('\n')[3]).toBe('learner: worker, 10 events learned from, 3 policy changes, CPU 12 ms (10 ms starting); 3 of 4 classes keep their counts (one count in range: not reported)');
  });

  it('without learning there is no queue or learner line', () => {
    const out = formatDiagnostics(snap({ learning: false }));
    expect(out).not.toMatch(/^queue:/m);
    expect(out).not.toMatch(/^learner:/m);
    expect(out).toMatch(/learning off/);
  });

  it('reports contract violations when validation is on', () => {
    const out = formatDiagnostics(snap({ contracts: { enabled: true, ringFull: 2, policyOutsideRefill: 0, refillWaited: 1 } }));
    expect(out).toMatch(/^contracts: 2 pushes found the ring full, 0 policy reads outside a refill, 1 refills waited$/m);
  });

  it('one table per worker on request, dead ones marked', () => {
    const workers = [
      workerRow(0, [workerClass(0, { cached: 12, bound: 256, allocs: 40, misses: 1 })], { events: 5 }),
      workerRow(2, [], { state: 'dead', thread: 0, exhausted: 1 }),
    ];
    const out = formatDiagnostics(snap({ workers }), { workers: true });
    expect(out).toMatch(/settings: .*\(1 attached, 1 dead or being reclaimed\)/);
    expect(out).toMatch(/\nworker slot 0 \(attached, thread 1\): 5 events, 0 dropped, 0 refills found the heap exhausted\n/);
    expect(out).toMatch(/\n0\s+16\s+12\s+256\s+0\s+40\s+0\s+1\s+0\s+0$/m);
    expect(out).toMatch(/\nworker slot 2 \(dead\): 0 events, 0 dropped, 1 refills found the heap exhausted\n/);
    expect(formatDiagnostics(snap({ workers }))).not.toMatch(/^worker slot/m);
  });

  it('a snapshot survives JSON (what `hakmem diag <file>` reads)', () => {
    const s = snap({ pushed: 7, workers: [workerRow(0, [workerClass(0)])] });
    expect(formatDiagnostics(JSON.parse(JSON.stringify(s)), { workers: true })).toBe(formatDiagnostics(s, { workers: true }));
  });
});
