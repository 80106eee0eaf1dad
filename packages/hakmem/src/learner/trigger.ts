/**
 * When a learner is worth starting, and where. The heap's owner checks the event ring now and
 * then, on its event loop (every CHECK_MS at first, the delay doubling up to MAX_CHECK_MS while no
 * event comes). Nothing starts until START_EVENTS refill events (pushed or dropped: a full ring
 * still tells that refills happen) have come in a row of intervals each with at least MIN_EVENTS
 * (a quieter interval starts the count again: a few refills at start-up, or now and then, are
 * nothing to learn from; the engine reports one refill in 8 or 32 of a busy class, so an event
 * stands for many refills). A short program, one whose refills are
 * rare, or one that never yields to its event loop, pays nothing for a learner (a Worker's start
 * costs tens of ms of CPU, on a core the program may need, and hundreds of ms of wall time on a
 * loaded machine while the workload it should learn from goes by). Then the learner runs inline on
 * that event loop, with no start cost at all: a program that yields now and then (between phases,
 * requests, frames) lets it take what waits in the ring. It moves to a Worker only when it loses
 * START_EVENTS events to a full ring within one interval: the owner yields too seldom for it.
 * The MODE word says 'waiting' until the start.
 */
import { MODE_WAITING, RING, LEARNER } from '@hakmem/ace-learning';

/** the first check, and the delay while events keep coming (ms) */
export const CHECK_MS = 50;
/** the longest delay between two checks while no event comes (ms) */
export const MAX_CHECK_MS = 1000;
/** refill events, in a row of busy intervals, that start the learner */
export const START_EVENTS = 64;
/** the fewest events of an interval that counts as busy */
export const MIN_EVENTS = 4;

/** What the owner does after a check: nothing (yet), start the learner inline, or in a Worker. */
export type StartStep = 'wait' | 'inline' | 'worker';

/** The owner's watch on a heap's ring: when to start its learner, and where. */
export class StartTrigger {
  /** ms until the next check */
  delayMs = CHECK_MS;
  private seen: number;
  private drops: number;
  /** events of the current row of busy intervals */
  private run = 0;

  constructor(
    private readonly i32: Int32Array,
    private readonly ring: number,
    private readonly state: number,
  ) {
    this.seen = attempts(i32, ring);
    this.drops = dropped(i32, ring);
    Atomics.store(i32, state + LEARNER.MODE, MODE_WAITING);
  }

  /** One check, with the learner not started yet ('waiting') or running inline ('inline'): what to do now. */
  step(now: 'waiting' | 'inline'): StartStep {
    const a = attempts(this.i32, this.ring);
    const d = dropped(this.i32, this.ring);
    const events = (a - this.seen) >>> 0;
    const lost = (d - this.drops) >>> 0;
    this.seen = a;
    this.drops = d;
    this.delayMs = events === 0 ? Math.min(MAX_CHECK_MS, 2 * this.delayMs) : CHECK_MS;
    this.run = events < MIN_EVENTS ? 0 : this.run + events;
    if (now === 'waiting') return this.run >= START_EVENTS ? 'inline' : 'wait';
    return lost >= START_EVENTS ? 'worker' : 'wait';
  }

  /** No learner after all (the heap closes): the MODE word says 'stopped'. */
  cancel(): void {
    Atomics.compareExchange(this.i32, this.state + LEARNER.MODE, MODE_WAITING, 0);
  }
}

function dropped(i32: Int32Array, ring: number): number {
  return (Atomics.load(i32, ring + RING.DROPPED_FULL) + Atomics.load(i32, ring + RING.DROPPED_RACE)) >>> 0;
}

/** Events producers tried to push so far: claimed positions and drops (uint32, wrapping). */
function attempts(i32: Int32Array, ring: number): number {
  return (Atomics.load(i32, ring + RING.TAIL) + dropped(i32, ring)) >>> 0;
}
