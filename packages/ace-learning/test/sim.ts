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
  /** workers running the classes, each at the classes' rates, each reporting its own refills */
  workers = 1,
): void {
  const rand = rng(seed);
  // stream s = worker * classes + class; workers start a little apart
  const due = Array.from({ length: workers * classes.length }, (_, s) => Math.floor(s / classes.length) * 0.5);
  const last = due.map(() => -1);
  for (let k = 0; k < events; k++) {
    let s = 0;
    for (let j = 1; j < due.length; j++) if (due[j] < due[s]) s = j;
    const c = s % classes.length;
    const t = due[s];
    const p = readPolicy(r.i32, r.policy, c);
    const n = p > 0 ? p : defaults[c];
    const since = last[s] < 0 ? -1 : Math.max(1, Math.round(t - last[s]));
    pushEvent(r.i32, r.ring, c, Math.floor(s / classes.length), n, 0, 1, since, n);
    last[s] = t;
    due[s] = t + (n / classes[c].rate) * (1 + noise * (2 * rand() - 1));
    const gap = pause(k);
    if (gap > 0) for (let j = 0; j < due.length; j++) due[j] += gap;
    step();
  }
}

/**
 * The yardstick, apart from the learner's reward model: what refilling `count` blocks at a time
 * costs a pool of `workers` caches of class `c`, measured by running them for `us` µs each (the
 * same noise as `simulate`). Each refill fills the cache with `count` blocks that the worker then
 * uses up; the measure counts the refills and integrates the bytes the caches hold idle. Weighed
 * as a user would: a refill costs 2 µs, and 1 % of the time in refills weighs as much as 1 MiB
 * held idle on average.
 */
export function poolCost(c: SimClass, count: number, workers: number, seed = 1, us = 5e6, noise = 0.2): number {
  const rand = rng(seed);
  let refills = 0;
  let byteUs = 0;
  for (let w = 0; w < workers; w++) {
    for (let t = 0; t < us; ) {
      const lasts = (count / c.rate) * (1 + noise * (2 * rand() - 1));
      const span = Math.min(lasts, us - t);
      refills++;
      // count blocks, used down linearly to none over `lasts` µs
      byteUs += count * c.size * (span - (span * span) / (2 * lasts));
      t += lasts;
    }
  }
  const refillShare = (refills * 2) / (workers * us);
  const idleMiB = byteUs / (workers * us) / (1 << 20);
  return refillShare / 0.01 + idleMiB;
}

/** The count (of the learner's arms, within its 256 KiB cap) that `poolCost` measures cheapest. */
export function poolBest(c: SimClass, workers: number, seed = 1, maxBytes = 256 << 10): { count: number; cost: number } {
  let best = { count: 1, cost: Infinity };
  for (const n of DEFAULT_ARMS) {
    if (n * c.size > maxBytes && n > 1) continue;
    const x = poolCost(c, n, workers, seed);
    if (x < best.cost) best = { count: n, cost: x };
  }
  return best;
}
