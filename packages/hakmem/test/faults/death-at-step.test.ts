/**
 * A worker dies at each named fault step (issue 11, "Trust"): during cross-worker traffic on a
 * growable heap, a victim ends its thread at the k-th hit of step S while survivors keep allocating
 * and freeing; the creator watches everyone. Then: the survivors finish (no wedge), the victim's
 * slot is reclaimed without error, validate() passes, no block was handed out twice (bitmap), and
 * everything the ledgers hold, freed, leaves nothing in use but the block the victim held in its
 * hands when it died, if any. Each run happens in an orchestrator Worker (harness.ts), so a wedge
 * fails the test instead of hanging the runner.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario, stopAll } from './harness.js';

interface Facts {
  step: string;
  reachedStep: boolean;
  victimDied: boolean;
  victimError: string | null;
  victimNote: string | null;
  sawWaiter: boolean;
  survivorsFinished: boolean;
  survivors: Array<{ done: boolean; error: string | null }>;
  reclaimErrors: string[];
  reclaimed: number[];
  victimSlot: number | null;
  unwatchedReclaim?: string;
  validate: string;
  validateDead?: string;
  validateAfter: string;
  bad: number;
  badAt: number;
  limbo: number;
  accounting: { dups: string[]; freeErrors: string[]; leakedBlocks: number; inUse: number } | string;
  otherSlots: string[] | string;
  ringFlowing?: boolean;
  grownAfter?: { blocks: number; committed: number; max: number; memoryBytes: number } | string;
  consumedAtDeath?: number | string;
  consumedLast?: number | string;
}

type Case = [step: string, k: number, options: Record<string, unknown>, item: string];
const detaching = { victim: { detachAfter: 600 } };
const cases: Case[] = [
  ['lock.waiting', 1, { holdLock: true }, 'a waiter dies'],
  // #2 (lock set, holder not yet written) has no step any more: the lock word names its holder in the one compareExchange that takes it
  ['lock.held', 5, { waitForWaiter: true }, '#1: dies holding the lock while a survivor waits for it'],
  ['pages.claimed', 3, {}, 'bits set, used pages not counted'],
  ['pages.grown', 1, { victim: { bigFirst: 6 << 20 } }, 'buffer grown, committed pages not stored'],
  ['grow.memory-grown', 1, { memory: true, victim: { bigFirst: 6 << 20 } }, 'WebAssembly.Memory grown, committed pages not stored'],
  ['run.claimed', 3, {}, 'pages claimed, run records not written'],
  ['run.cleared', 3, {}, 'run records cleared, pages not freed'],
  ['large.untagged', 2, {}, '#3: large block header cleared, run not freed'],
  ['refill.collected', 8, {}, 'inbox collected into a refill'],
  ['refill.carved', 8, {}, 'blocks tagged as cache, span bump not stored'],
  ['drain.routing', 3, {}, 'drain half routed'],
  ['drain.pushing', 3, {}, 'drain sorted, chain not pushed'],
  ['adopt.unlinking', 1, { seed: true }, 'abandoned span half unlinked'],
  ['gate.entered', 15, {}, 'inside the cold gate'],
  ['stop.taken', 2, { victim: { statsEvery: 100 } }, 'holds the stop (stats)'],
  ['stop.taken', 1, { victim: { diagEvery: 100 } }, 'heap.diagnostics() holds the stop (as its slot: over when the slot is declared dead)'],
  ['observer.stopped', 1, { victim: { observeEvery: 100 } }, '#6: a diagnostics reader that holds no slot dies with the world stopped'],
  ['detach.stopped', 1, detaching, 'inside detach, the world stopped'],
  ['detach.resetting', 1, detaching, '#4: inside detach, before the slot reset'],
  ['detach.freeing', 1, detaching, 'detach done and the stop released, the slot not yet handed back (it must still name its thread)'],
  ['slot.freed', 1, { ...detaching, noReclaim: true }, '#4: slot marked free, not yet unnamed (nothing to reclaim)'],
  ['attach.claimed', 1, {}, 'slot claimed, thread id not written'],
  ['reclaim.claimed', 1, { unwatched: true }, 'a worker reclaiming another dies: slot left RECLAIMING'],
  ['reclaim.rebuilt', 1, { unwatched: true }, 'a worker reclaiming another dies after the rebuild'],
  ['ring.claimed', 3, { ring: true, after: 1e9 }, '#5: a producer dies between claiming a ring slot and publishing it'],
  // validate() while the victim is dead and not yet reclaimed, the others at work: what it left
  // half done (a chain tagged remote, a span's list, a run under the lock) is not a broken heap
  ['drain.pushing', 3, { validateDead: true }, 'validate before the reclaim: a chain tagged remote, not pushed'],
  ['refill.carved', 8, { validateDead: true }, 'validate before the reclaim: blocks tagged as cache, bump not stored'],
  ['run.claimed', 3, { validateDead: true }, 'validate before the reclaim: dies holding the lock, run records not written'],
];

afterEach(stopAll);

function expectHealthy(f: Facts) {
  const ctx = JSON.stringify(f);
  expect(f.reachedStep, `the victim never reached ${f.step}: ${f.victimNote ?? f.victimError}`).toBe(true);
  expect(f.survivorsFinished, `survivors wedged after a death at ${f.step}: ${ctx}`).toBe(true);
  for (const s of f.survivors) expect(s.error, ctx).toBeNull();
  expect(f.reclaimErrors, ctx).toEqual([]);
  if (f.victimSlot !== null && f.step !== 'slot.freed' && f.step !== 'none') expect(f.reclaimed, ctx).toContain(f.victimSlot);
  if (f.validateDead !== undefined) expect(f.validateDead, ctx).toBe('ok');
  if (f.unwatchedReclaim !== undefined) expect(f.unwatchedReclaim, ctx).not.toMatch(/HAKMEM|Error/);
  expect(f.validate, ctx).toBe('ok');
  expect(f.bad, `a block was handed out twice (first at ${f.badAt})`).toBe(0);
  expect(typeof f.accounting, `accounting failed: ${ctx}`).toBe('object');
  const a = f.accounting as Exclude<Facts['accounting'], string>;
  expect(a.dups, ctx).toEqual([]);
  expect(a.freeErrors, ctx).toEqual([]);
  expect(a.leakedBlocks, `blocks lost beyond the one in the victim's hands: ${ctx}`).toBeLessThanOrEqual(f.limbo);
  expect(f.otherSlots, `slots left behind: ${ctx}`).toEqual([]);
  expect(f.validateAfter, ctx).toBe('ok');
}

describe('a worker dies at a named step while others work', () => {
  it.each(cases)('dies at %s (hit %i): %j (%s)', async (step, k, options) => {
    const f = await runScenario<Facts>('step-scenario.mjs', { step, k, ...options }, 40_000);
    if (options.waitForWaiter) expect(f.sawWaiter, 'no survivor was waiting for the lock when the victim died').toBe(true);
    if (options.ring) {
      expect(f.ringFlowing, `the ring stalled: consumed ${f.consumedAtDeath} at the death, ${f.consumedLast} later`).toBe(true);
    }
    // a slot already handed back is not reclaimed: its exit only unnames it
    if (options.noReclaim) expect(f.reclaimed, JSON.stringify(f)).toEqual([]);
    if (options.memory) {
      // after a death between memory.grow and the commit, the heap still grows to its maximum
      expect(f.grownAfter, JSON.stringify(f)).toMatchObject({ committed: expect.any(Number), memoryBytes: 1025 * 65536 });
      const g = f.grownAfter as Exclude<Facts['grownAfter'], string | undefined>;
      expect(g.committed, JSON.stringify(g)).toBe(g.max);
    }
    expectHealthy(f);
  }, 50_000);
});

// The same traffic without a death (the victim detaches cleanly): the bound is 0 blocks.
describe('the checks can fail (tests of the test)', () => {
  const clean = (o: { survivor?: Record<string, unknown>; plantSkip?: number }) =>
    runScenario<Facts>('step-scenario.mjs', { step: 'none', k: 1, ...detaching, ...o, survivor: { minOps: 300, ...o.survivor } }, 40_000);
  it('without a death the same traffic passes every check', async () => {
    const f = await clean({});
    expect(f.reachedStep).toBe(false);
    expectHealthy({ ...f, reachedStep: true });
  }, 50_000);

  it('a block recorded twice in the bitmap is seen', async () => {
    expect((await clean({ survivor: { plantTwice: true } })).bad).toBeGreaterThan(0);
  }, 50_000);

  it('one block left unfreed is seen', async () => {
    const f = await clean({ plantSkip: 1 });
    expect(f.limbo).toBe(0);
    expect(f.accounting).toMatchObject({ leakedBlocks: 1 });
  }, 50_000);
});
