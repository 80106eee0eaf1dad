/**
 * A synthetic refill stream: classes that consume blocks at known rates. Each simulated refill of
 * a class reads the count the policy table holds for it (as pool-refill does), and the next
 * refill of that class comes count / rate µs later (with noise). The best count per class is
 * known from the reward model, so a test can check the learner finds it.
 */
import { pushEvent, readPolicy } from '../src/producer.js';
import { initRing, ringWords } from '../src/ring.js';
import { initLearnerState, learnerStateWords } from '../src/state.js';
import { cost, DEFAULT_REWARD, reward } from '../src/reward.js';
import { DEFAULT_ARMS } from '../src/state.js';

export interface SimClass {
  size: number;
  /** blocks consumed per µs */
  rate: number;
}

export function region(classSizes: number[], capacity = 4096) {
  const ring = 0;
  const policy = ringWords(capacity);
  const state = policy + classSizes.length;
  const i32 = new Int32Array(new SharedArrayBuffer(4 * (state + learnerStateWords(classSizes.length))));
  initRing(i32, ring, capacity);
  initLearnerState(i32, state, classSizes.length);
  return { i32, ring, policy, state };
}

/** The arm with the best expected reward (noise-free), within the size cap. */
export function bestCount(c: SimClass, maxBytes = 256 << 10): number {
  let best = 1;
  let bestR = -1;
  for (const n of DEFAULT_ARMS) {
    if (n * c.size > maxBytes && n > 1) continue;
    const r = reward(DEFAULT_REWARD, n, c.size, n / c.rate);
    if (r > bestR) {
      bestR = r;
      best = n;
    }
  }
  return best;
}

/** The expected cost of refilling `count` blocks at a time for class `c` (no noise). */
export function expectedCost(c: SimClass, count: number): number {
  return cost(DEFAULT_REWARD, count, c.size, count / c.rate);
}

/** A deterministic PRNG (tests must not depend on Math.random). */
export function rng(seed: number) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * Push `events` refill events of `classes` (round robin by due time), as one worker; `step` is
 * called after each push (the learner consuming). `defaults` are used until the policy has a value.
 */
export function simulate(
  r: { i32: Int32Array; ring: number; policy: number },
  classes: SimClass[], defaults: number[], events: number, step: () => void, seed = 1, noise = 0.2,
  /** µs the classes pause after the k-th event (another phase runs), default none */
  pause: (k: number) => number = () => 0,
): void {
  const rand = rng(seed);
  const due = classes.map(() => 0);
  const last = classes.map(() => -1);
  for (let k = 0; k < events; k++) {
    let c = 0;
    for (let j = 1; j < classes.length; j++) if (due[j] < due[c]) c = j;
    const t = due[c];
    const p = readPolicy(r.i32, r.policy, c);
    const n = p > 0 ? p : defaults[c];
    const since = last[c] < 0 ? -1 : Math.max(1, Math.round(t - last[c]));
    pushEvent(r.i32, r.ring, c, 0, n, 0, 1, since, n);
    last[c] = t;
    due[c] = t + (n / classes[c].rate) * (1 + noise * (2 * rand() - 1));
    const gap = pause(k);
    if (gap > 0) for (let j = 0; j < due.length; j++) due[j] += gap;
    step();
  }
}
