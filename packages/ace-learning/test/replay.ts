/**
 * Decision replay: a fixed, seeded stream of refill events (phases, pauses, drains, several
 * workers, events of no class) pushed through the ring to a learner under several configurations,
 * and a fingerprint of everything it decided: after every step, each word of the policy table and
 * of its state region, its event, decision and restart counts. A refactor of the learner must
 * leave the fingerprint as it is (replay.test.ts); a change of behaviour changes it.
 */
import { pushEvent } from '../src/producer.js';
import { initRing, ringWords } from '../src/ring.js';
import { classesAt, classWords, initLearnerState, LEARNER_CLASS, learnerStateWords } from '../src/state.js';
import type { Learner, LearnerConfig } from '../src/learner.js';

type Options = Omit<LearnerConfig, 'i32' | 'ring' | 'policy' | 'state'>;

/** The configurations replayed: caps, floors, other arms, decideEvery, a reward model of its own. */
export const REPLAYED: Options[] = [
  { classSizes: [16, 64, 1024, 4096], defaults: [64, 64, 16, 4] },
  { classSizes: [64, 2048], defaults: [64, 16], maxCounts: [128, 32] },
  { classSizes: [64, 64, 256], defaults: [64, 12, 32], minCounts: [64, 8, 4], decideEvery: 4 },
  { classSizes: [32, 512], defaults: [8, 8], arms: [1, 3, 9, 27, 81], maxRefillBytes: 8192, reward: { refillUs: 5 } },
  { classSizes: [16], defaults: [64], decideEvery: 1 },
];

/** FNV-1a of the learner's words and counts after each step of `events` events of `seed`. */
export function replay(make: (c: LearnerConfig) => Learner, o: Options, seed: number, events = 20_000): { hash: number; counts: number[]; events: number; decisions: number; restarts: number } {
  let x = seed >>> 0;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
  const nc = o.classSizes.length;
  const arms = o.arms ?? [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
  const ring = 0;
  const policy = ringWords(256);
  const state = policy + nc;
  const i32 = new Int32Array(new SharedArrayBuffer(4 * (state + learnerStateWords(nc, arms.length))));
  initRing(i32, ring, 256, { classes: nc + 2, workers: 512 });
  initLearnerState(i32, state, nc, arms);
  if (seed % 2 === 0) for (let k = 0; k < nc; k++) i32[policy + k] = 8 << k; // a table a learner before it left
  const l = make({ ...o, i32, ring, policy, state });
  const marks = new Set(o.classSizes.map((_, k) => state + classesAt(arms.length) + k * classWords(arms.length) + LEARNER_CLASS.LEARNS));
  const rate = o.classSizes.map(() => 0);
  const last = new Map<number, number>();
  let hash = 0x811c9dc5;
  const mix = (v: number) => {
    hash = Math.imul(hash ^ (v & 0xffff), 16777619);
    hash = Math.imul(hash ^ (v >>> 16), 16777619);
  };
  for (let i = 0; i < events; i++) {
    if (i % 5000 === 0) for (let k = 0; k < nc; k++) rate[k] = 0.0001 * 10 ** (rnd() * 4); // a new phase
    const cls = rnd() < 0.01 ? nc + 1 : Math.floor(rnd() * nc);
    const worker = Math.floor(rnd() * 3) + (rnd() < 0.01 ? 300 : 0);
    const count = last.get(worker * 256 + cls) ?? o.defaults[cls] ?? 1;
    const pause = rnd() < 0.01 ? 1e6 * rnd() : 0;
    const sinceUs = rnd() < 0.005 ? -1 : Math.max(1, Math.round((count / (rate[cls] ?? 1)) * (0.5 + rnd()) + pause));
    const streak = rnd() < 0.2 ? 0 : 1 + Math.floor(rnd() * 5);
    pushEvent(i32, ring, cls, worker, count, Math.floor(rnd() * 4), streak, sinceUs, 0);
    if (i % 7 === 6 || i === events - 1) {
      l.step();
      // every word, the LEARNS marks as the 0 they were when this was recorded (written at creation: no decision)
      for (let w = policy; w < i32.length; w++) mix(marks.has(w) ? 0 : i32[w]);
      mix(l.events);
      mix(l.decisions);
      mix(l.restarts);
    }
    if (cls < nc) last.set(worker * 256 + cls, l.countOf(cls));
  }
  return { hash: hash >>> 0, counts: o.classSizes.map((_, k) => l.countOf(k)), events: l.events, decisions: l.decisions, restarts: l.restarts };
}
