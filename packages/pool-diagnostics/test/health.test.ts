import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeapError, HeapErrorCode } from '@hakmem/arena/stats';
import { checkHealth, watchHealth } from '../src/index.js';
import { snap, workerClass, workerRow } from './fixtures.js';

const kinds = (ws: { kind: string }[]) => ws.map((w) => w.kind);

describe('checkHealth: drop rate', () => {
  it('warns above 1 % of events dropped, not at or below it', () => {
    expect(kinds(checkHealth(snap({ pushed: 990, dropped: 10 })))).not.toContain('drop-rate'); // exactly 1 %
    expect(kinds(checkHealth(snap({ pushed: 989, dropped: 11 })))).toContain('drop-rate');
    expect(kinds(checkHealth(snap({ pushed: 0, dropped: 0 })))).toEqual([]);
  });

  it('rates over the interval since the previous snapshot, not over the heap\'s life', () => {
    const before = snap({ pushed: 1000, dropped: 500 });
    expect(kinds(checkHealth(snap({ pushed: 2000, dropped: 500 }), before))).not.toContain('drop-rate');
    const ws = checkHealth(snap({ pushed: 1100, dropped: 520 }), before); // 20 of 120: 16.67 %
    expect(ws.map((w) => w.message)).toEqual([expect.stringMatching(/^16\.67 % of refill events dropped since the last check/)]);
  });

  it('takes another limit', () => {
    expect(kinds(checkHealth(snap({ pushed: 95, dropped: 5 }), undefined, { dropRate: 0.1 }))).toEqual([]);
    expect(kinds(checkHealth(snap({ pushed: 95, dropped: 5 }), undefined, { dropRate: 0.01 }))).toEqual(['drop-rate']);
  });

  it('says nothing of drops while the learner waits for refills worth learning from (nobody reads the ring yet)', () => {
    const s = snap({ pushed: 989, dropped: 11 });
    expect(kinds(checkHealth({ ...s, learner: { ...s.learner!, mode: 'waiting' } }))).toEqual([]);
    expect(kinds(checkHealth({ ...s, learner: { ...s.learner!, mode: 'inline' } }))).toEqual(['drop-rate']);
  });

  it('says nothing of the queue without learning', () => {
    expect(checkHealth(snap({ learning: false }))).toEqual([]);
  });
});

describe('checkHealth: caches above their bound', () => {
  const above = (slot = 0, state: 'attached' | 'dead' = 'attached') => workerRow(slot, [workerClass(2, { cached: 40, bound: 4 })], { state });

  it('warns for a cache that stays above its bound over two checks, not one that just went above', () => {
    const now = snap({ workers: [above()] });
    expect(kinds(checkHealth(now, snap({ workers: [workerRow(0, [workerClass(2, { cached: 3, bound: 4 })])] })))).toEqual([]);
    const ws = checkHealth(now, snap({ workers: [above()] }));
    expect(ws).toEqual([expect.objectContaining({ kind: 'cache-above-bound', slot: 0, cls: 2 })]);
    expect(ws[0].message).toMatch(/caches 40 blocks of class 2 \(48 B\), above its bound 4, for two checks/);
  });

  it('without a previous snapshot, warns for any cache above its bound', () => {
    expect(kinds(checkHealth(snap({ workers: [above()] })))).toEqual(['cache-above-bound']);
  });

  it('leaves out dead workers (their caches are reclaimed, not used)', () => {
    expect(checkHealth(snap({ workers: [above(3, 'dead')] }), snap({ workers: [above(3, 'dead')] }))).toEqual([]);
  });

  it('a cache at its bound is healthy', () => {
    const w = () => workerRow(0, [workerClass(1, { cached: 256, bound: 256 })]);
    expect(checkHealth(snap({ workers: [w()] }), snap({ workers: [w()] }))).toEqual([]);
  });
});

describe('checkHealth: other warnings', () => {
  it('exhaustion: refills that found the heap exhausted since the last check', () => {
    const ws = checkHealth(snap({ workers: [workerRow(1, [], { exhausted: 7 })] }), snap({ workers: [workerRow(1, [], { exhausted: 2 })] }));
    expect(ws).toEqual([expect.objectContaining({ kind: 'exhausted', slot: 1, message: 'worker slot 1: 5 refills found the heap exhausted' })]);
  });

  it('a learner that did not wake while events wait is stalled; one that woke is not', () => {
    expect(kinds(checkHealth(snap({ pushed: 50, pending: 9, heartbeat: 4 }), snap({ pushed: 40, pending: 3, heartbeat: 4 })))).toEqual(['learner-stalled']);
    expect(checkHealth(snap({ pushed: 50, pending: 9, heartbeat: 5 }), snap({ pushed: 40, pending: 3, heartbeat: 4 }))).toEqual([]);
    expect(checkHealth(snap({ pushed: 50, pending: 0, heartbeat: 4 }), snap({ pushed: 40, pending: 3, heartbeat: 4 }))).toEqual([]);
  });

  it('contract violations: only with validation on, and only new ones', () => {
    const on = (ringFull: number, refillWaited: number) => snap({ contracts: { enabled: true, ringFull, refillWaited } });
    expect(checkHealth(on(3, 1))).toEqual([
      { kind: 'contract', message: 'contract violations so far: 3 pushes found the ring full, 1 refills waited' },
    ]);
    expect(checkHealth(on(3, 2), on(3, 1)).map((w) => w.message)).toEqual(['contract violations since the last check: 1 refills waited']);
    expect(checkHealth(on(3, 1), on(3, 1))).toEqual([]);
    expect(checkHealth(snap({ contracts: { enabled: false, ringFull: 9 } }))).toEqual([]);
  });
});

describe('watchHealth', () => {
  afterEach(() => vi.useRealTimers());
  const busy = () => new HeapError(HeapErrorCode.BUSY, 'could not stop the heap: worker slot 3 stayed inside a cold path');

  it('takes its snapshots from a function; one that fails is a warning, not an exception from the timer', () => {
    vi.useFakeTimers();
    const got: string[] = [];
    const notASnapshot = () => ({}) as ReturnType<typeof snap>;
    const takes = [() => snap({ pushed: 989, dropped: 11 }), () => { throw busy(); }, notASnapshot, () => snap({ pushed: 1989, dropped: 22 })];
    let i = 0;
    const watch = watchHealth(() => takes[i++ % takes.length]!(), { intervalMs: 10, onWarning: (w) => got.push(w.kind) });
    vi.advanceTimersByTime(40);
    watch.stop();
    vi.advanceTimersByTime(40);
    expect(got).toEqual(['drop-rate', 'snapshot-failed', 'snapshot-failed', 'drop-rate']);
    expect(watch.last()?.queue?.pushed).toBe(1989);
  });

  it('ends by itself once the heap is closed', () => {
    vi.useFakeTimers();
    let calls = 0;
    const got: string[] = [];
    watchHealth(() => {
      calls++;
      throw new HeapError(HeapErrorCode.CLOSED, 'the heap is closed');
    }, { intervalMs: 10, onWarning: (w) => got.push(w.kind) });
    vi.advanceTimersByTime(100);
    expect(calls).toBe(1);
    expect(got).toEqual([]);
  });
});
