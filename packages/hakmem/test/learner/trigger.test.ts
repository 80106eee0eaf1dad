/**
 * StartTrigger: the learner starts only once one check interval has seen START_EVENTS refill events
 * (pushed or dropped), inline first; it moves to a Worker only when the inline learner loses
 * START_EVENTS events to a full ring within an interval. No Workers, no timers: the checks are
 * called by hand.
 */
import { describe, expect, it } from 'vitest';
import { initLearnerState, initRing, learnerStateWords, pushEvent, ringWords } from '@hakmem/ace-learning';
import { learnerSnapshot } from '@hakmem/pool-diagnostics';
import { CHECK_MS, MAX_CHECK_MS, MIN_EVENTS, START_EVENTS, StartTrigger } from '../../src/learner/trigger.js';

function ring(capacity = 1024) {
  const state = ringWords(capacity);
  const i32 = new Int32Array(new SharedArrayBuffer(4 * (state + learnerStateWords(2))));
  initRing(i32, 0, capacity, { classes: 2, workers: 4 });
  initLearnerState(i32, state, 2);
  const push = (n: number) => {
    for (let k = 0; k < n; k++) pushEvent(i32, 0, k & 1, 0, 64, 0, 1, 20, 0);
  };
  return { i32, state, push };
}

describe('StartTrigger', () => {
  it('waits while no event comes, its checks backing off to MAX_CHECK_MS; the stats say waiting, then stopped after cancel()', () => {
    const r = ring();
    const t = new StartTrigger(r.i32, 0, r.state);
    expect(learnerSnapshot(r.i32, r.state).mode).toBe('waiting');
    expect(t.delayMs).toBe(CHECK_MS);
    const delays: number[] = [];
    for (let k = 0; k < 8; k++) {
      expect(t.step('waiting')).toBe('wait');
      delays.push(t.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000].map((d) => Math.min(d, MAX_CHECK_MS)));
    t.cancel();
    expect(learnerSnapshot(r.i32, r.state).mode).toBe('stopped');
  });

  it('a few refills an interval are nothing to learn from: it keeps waiting however long it runs', () => {
    const r = ring();
    const t = new StartTrigger(r.i32, 0, r.state);
    for (let k = 0; k < 50; k++) {
      r.push(MIN_EVENTS - 1);
      expect(t.step('waiting')).toBe('wait');
      expect(t.delayMs).toBe(CHECK_MS); // events come: checks stay frequent
    }
  });

  it('START_EVENTS over a row of busy intervals start it; a quiet interval starts the count again', () => {
    const r = ring();
    const t = new StartTrigger(r.i32, 0, r.state);
    const per = START_EVENTS / 4;
    for (let k = 0; k < 3; k++) {
      r.push(per);
      expect(t.step('waiting')).toBe('wait');
    }
    r.push(MIN_EVENTS - 1); // quiet
    expect(t.step('waiting')).toBe('wait');
    for (let k = 0; k < 3; k++) {
      r.push(per);
      expect(t.step('waiting')).toBe('wait');
    }
    r.push(per);
    expect(t.step('waiting')).toBe('inline');
  });

  it('events from before its creation do not count; START_EVENTS in one interval start the learner inline', () => {
    const r = ring();
    r.push(500);
    const t = new StartTrigger(r.i32, 0, r.state);
    expect(t.step('waiting')).toBe('wait');
    r.push(START_EVENTS);
    expect(t.step('waiting')).toBe('inline');
  });

  it('drops count as events (a full ring still says refills happen)', () => {
    const r = ring(16);
    const t = new StartTrigger(r.i32, 0, r.state);
    r.push(START_EVENTS); // 16 pushed, the rest dropped
    expect(t.step('waiting')).toBe('inline');
  });

  it('inline: a Worker once START_EVENTS events are lost to a full ring in one interval, not for fewer', () => {
    const r = ring(16);
    const t = new StartTrigger(r.i32, 0, r.state);
    r.push(START_EVENTS + 16); // the ring full before the learner started: not its doing
    expect(t.step('waiting')).toBe('inline');
    expect(t.step('inline')).toBe('wait');
    r.push(START_EVENTS - 1); // the ring is still full: all of these drop
    expect(t.step('inline')).toBe('wait');
    r.push(START_EVENTS);
    expect(t.step('inline')).toBe('worker');
  });
});
