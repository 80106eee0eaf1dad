/**
 * The ring's repair with real Workers (on the built dist/): a producer Worker dies at the fault
 * point `ring.claimed` (its slot claimed, never published), other producer Workers keep pushing,
 * and the consumer keeps consuming every event they queued, exactly once.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { consume, initLearnerState, initRing, learnerStateWords, RING, ringWords, LEARNER, type RefillEvent } from '../dist/index.js';
import { learnerWords, ringCounters } from './words.js';

const PRODUCER = pathToFileURL(fileURLToPath(new URL('../dist/producer.js', import.meta.url))).href;
const INDEX = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

/** The learner in a Worker of its own (as hakmem hosts it, without the naps): steps until STOP. */
const LEARNER_SRC = `
const { workerData: d } = require('node:worker_threads');
(async () => {
  const { Learner } = await import(d.url);
  const i32 = new Int32Array(d.cfg.buffer);
  const learner = new Learner({ ...d.cfg, i32 });
  while (Atomics.load(i32, d.stop) === 0) {
    if (learner.step() === 0) Atomics.wait(i32, d.tail, Atomics.load(i32, d.tail), 2);
  }
})();
`;

/** A producer: `die` stops the thread at its first claim; otherwise it queues `n` events, napping 1 ms when the ring is full. */
const SCRIPT = `
const { workerData: d } = require('node:worker_threads');
if (d.die) globalThis.__hakmemFault = (s) => { if (s === 'ring.claimed') process.exit(0); };
(async () => {
  const { pushEvent } = await import(d.url);
  const i32 = new Int32Array(d.buffer);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let k = 0; k < d.n; ) {
    if (pushEvent(i32, 0, k % 5, d.id, d.id * 1e6 + k, k, 1, 10, 0)) k++;
    else Atomics.wait(nap, 0, 0, 1);
  }
})();
`;

const live: Worker[] = [];
function producer(buffer: SharedArrayBuffer, id: number, n: number, die = false): Promise<number> {
  const w = new Worker(SCRIPT, { eval: true, workerData: { buffer, id, n, die, url: PRODUCER } });
  live.push(w);
  return new Promise((ok, no) => {
    w.once('error', no);
    w.once('exit', ok);
  });
}

describe('the ring with real Workers', () => {
  it('a producer Worker that dies at ring.claimed: the others keep pushing, the consumer keeps consuming', async () => {
    const cap = 16;
    const buffer = new SharedArrayBuffer(4 * ringWords(cap));
    const i32 = new Int32Array(buffer);
    initRing(i32, 0, cap, { classes: 5, workers: 4 });
    const seen = new Map<number, number>();
    const e: RefillEvent = { cls: 0, worker: 0, count: 0, left: 0, streak: 0, sinceUs: 0, cached: 0 };
    const take = () => consume(i32, 0, 1 << 20, (r) => seen.set(r.count, (seen.get(r.count) ?? 0) + 1), e);

    await producer(buffer, 1, 1); // one event, as in the reproduction
    expect(take()).toBe(1);
    await producer(buffer, 3, 1, true); // dies with position 1 claimed
    expect(ringCounters(i32, 0).pending).toBe(1);

    const N = 3000;
    let done = false;
    void Promise.all([producer(buffer, 2, N), producer(buffer, 0, N)]).then(() => {
      done = true;
    });
    // a deadline (not a timing assertion): a stalled ring stops the test, the checks below then fail
    let idle = 0;
    while ((!done || ringCounters(i32, 0).pending > 0) && idle < 5000) {
      idle = take() > 0 ? 0 : idle + 1;
      await new Promise((ok) => setTimeout(ok, 1));
    }
    for (const w of live) await w.terminate();

    const q = ringCounters(i32, 0);
    expect(seen.size).toBe(1 + 2 * N); // every queued event of the living producers ...
    expect([...seen.values()].every((c) => c === 1)).toBe(true); // ... once
    for (const id of [0, 2]) for (let k = 0; k < N; k++) expect(seen.has(id * 1e6 + k)).toBe(true);
    expect([q.lost, q.late, q.garbled, q.consumed]).toEqual([1, 0, 0, 1 + 2 * N]);
    expect(q.pushed).toBe(q.consumed + q.lost);
  });

  it('the same with the learner in its own Worker as the consumer: it gets past the dead record and learns from the rest', async () => {
    const cap = 16;
    const policy = ringWords(cap);
    const state = policy + 5;
    const buffer = new SharedArrayBuffer(4 * (state + learnerStateWords(5)));
    const i32 = new Int32Array(buffer);
    initRing(i32, 0, cap, { classes: 5, workers: 4 });
    initLearnerState(i32, state, 5);
    await producer(buffer, 3, 1, true); // dies with position 0 claimed
    const cfg = { buffer, ring: 0, policy, state, classSizes: [16, 32, 64, 128, 256], defaults: [64, 64, 64, 32, 16] };
    const l = new Worker(LEARNER_SRC, { eval: true, workerData: { cfg, url: INDEX, stop: state + LEARNER.STOP, tail: RING.TAIL } });
    const exited = new Promise((ok) => l.once('exit', ok));
    try {
      const N = 1000;
      await Promise.all([producer(buffer, 2, N), producer(buffer, 0, N)]);
      for (let t = 0; t < 2000 && ringCounters(i32, 0).pending > 0; t++) await new Promise((ok) => setTimeout(ok, 5));
      const q = ringCounters(i32, 0);
      expect([q.lost, q.garbled, q.consumed, q.pending]).toEqual([1, 0, 2 * N, 0]);
      expect(learnerWords(i32, state).events).toBe(2 * N);
    } finally {
      Atomics.store(i32, state + LEARNER.STOP, 1);
      await exited;
    }
  });
});
