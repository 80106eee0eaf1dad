/** The learner decides exactly as it did before its split into files: see ./replay.ts. */
import { describe, expect, it } from 'vitest';
import { Learner } from '../src/learner.js';
import { REPLAYED, replay } from './replay.js';

/**
 * What the learner decided on the replayed streams (./replay.ts), recorded from the learner as it
 * was before it was split into files (issue 12, commit 5a10fb1), per configuration for seeds 1
 * and 2. A change that alters any decision, any word it publishes or any count fails here.
 */
const RECORDED = [
  [
    { hash: 709864818, counts: [256, 512, 64, 16], events: 19773, decisions: 127, restarts: 9 },
    { hash: 2618823898, counts: [128, 128, 64, 32], events: 19799, decisions: 161, restarts: 10 },
  ],
  [
    { hash: 1028598783, counts: [128, 32], events: 19774, decisions: 44, restarts: 4 },
    { hash: 1438133424, counts: [64, 16], events: 19799, decisions: 59, restarts: 5 },
  ],
  [
    { hash: 3090552305, counts: [128, 512, 128], events: 19773, decisions: 107, restarts: 7 },
    { hash: 4226646032, counts: [64, 128, 128], events: 19799, decisions: 147, restarts: 8 },
  ],
  [
    { hash: 2248739689, counts: [81, 9], events: 19774, decisions: 4, restarts: 4 },
    { hash: 468961015, counts: [81, 9], events: 19799, decisions: 2, restarts: 5 },
  ],
  [
    { hash: 1772391057, counts: [256], events: 19774, decisions: 24, restarts: 2 },
    { hash: 1330869927, counts: [512], events: 19799, decisions: 30, restarts: 3 },
  ],
];

describe('decision replay', () => {
  it.each(REPLAYED.map((o, k) => [k, o] as const))('configuration %i decides exactly as recorded', (k, o) => {
    const got = [1, 2].map((seed) => replay((c) => new Learner(c), o, seed));
    expect(got).toEqual(RECORDED[k]);
    expect(got.every((r) => r.decisions > 0)).toBe(true);
  });
});
