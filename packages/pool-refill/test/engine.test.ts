import { ThreadCache } from '@hakmem/pool-tls';
import { describe, expect, it } from 'vitest';
import type { RefillBackend } from '../src/backend.js';
import { RefillEngine } from '../src/engine.js';
import type { RefillLearner } from '../src/learner.js';
import { defaultBound, defaultRefillCount, defaultRefillCounts } from '../src/policy.js';
import { MISC, PER_CLASS, PER_CLASS_WORDS } from '../src/counters.js';

/** The engine's counter words, where it says they are (@hakmem/pool-diagnostics decodes them for users). */
function counter(engine: RefillEngine, misc: keyof typeof MISC): number {
  const c = engine.counterWords();
  return c.words[c.misc + MISC[misc]] >>> 0;
}
function classCounter(engine: RefillEngine, cls: number, k: keyof typeof PER_CLASS): number {
  const c = engine.counterWords();
  return c.words[c.perClass + PER_CLASS_WORDS * cls + PER_CLASS[k]] >>> 0;
}

const SIZES = [16, 64, 1024, 65536];
const TAG_A = 1 << 16;
const TAG_F = 2 << 16;

/** A scripted backend: fresh blocks from a bump pointer, a budget of blocks, a record of calls. */
class Scripted implements RefillBackend {
  readonly i32 = new Int32Array(new SharedArrayBuffer(8 << 20));
  next = 65536;
  budget = Infinity;
  takes: Array<{ cls: number; n: number }> = [];
  returns: Array<{ cls: number; n: number }> = [];
  trims = 0;
  free: number[][] = SIZES.map(() => []);

  takeBatch(cls: number, n: number, out: Int32Array): number {
    this.takes.push({ cls, n });
    let head = 0;
    let tail = 0;
    let k = 0;
    for (; k < n; k++) {
      let p = this.free[cls].pop() ?? 0;
      if (p === 0) {
        if (this.budget <= 0) break;
        this.budget--;
        p = this.next + 8;
        this.next += SIZES[cls] + 8;
      }
      this.i32[(p >>> 2) - 2] = TAG_F | cls;
      if (k === 0) head = p;
      else this.i32[(tail >>> 2) - 1] = p;
      tail = p;
    }
    out[0] = tail;
    out[1] = k;
    return head;
  }

  returnBatch(cls: number, head: number, _tail: number, n: number): void {
    this.returns.push({ cls, n });
    for (let p = head, k = 0; k < n; k++, p = this.i32[(p >>> 2) - 1]) this.free[cls].push(p);
  }

  trim(): void {
    this.trims++;
  }
}

function setup(counts = defaultRefillCounts(SIZES), learning?: RefillLearner) {
  const be = new Scripted();
  const cache = new ThreadCache({
    i32: be.i32, heads: 16, classSizes: SIZES, bounds: SIZES.map(defaultBound), allocTag: TAG_A, freeTag: TAG_F,
  });
  let t = 0;
  const engine = new RefillEngine(cache, be, { counts, now: () => (t += 10), learning });
  cache.connect(engine, { allocSlow: () => 0, freeSlow: () => {} });
  return { be, cache, engine };
}

describe('RefillEngine (Box 2)', () => {
  it('a learner is injected: the policy is read at each refill, events go to its pushEvent', () => {
    const POLICY = 8; // words 8..11 of the scripted buffer: a count per class
    const events: number[][] = [];
    const learner: RefillLearner = {
      policy: POLICY, ring: 100, worker: 3,
      readPolicy: (i32, at, cls) => Atomics.load(i32, at + cls),
      pushEvent: (_i32, ring, cls, worker, count) => (events.push([ring, cls, worker, count]), true),
    };
    const { be, cache, engine } = setup(defaultRefillCounts(SIZES), learner);
    Atomics.store(be.i32, POLICY + 1, 5);
    cache.alloc(64);
    expect(be.takes).toEqual([{ cls: 1, n: 5 }]);
    expect(events).toEqual([[100, 1, 3, 5]]);
    expect(counter(engine, 'EVENTS')).toBe(1);
  });

  it('a learner without ring and pushEvent only sets counts: no event is made or counted', () => {
    const learner: RefillLearner = { policy: 8, worker: 0, readPolicy: (i32, at, cls) => Atomics.load(i32, at + cls) };
    const { be, cache, engine } = setup(defaultRefillCounts(SIZES), learner);
    Atomics.store(be.i32, 8 + 2, 3);
    cache.alloc(1000);
    expect(be.takes).toEqual([{ cls: 2, n: 3 }]);
    expect([counter(engine, 'EVENTS'), counter(engine, 'DROPPED')]).toEqual([0, 0]);
  });

  it('a class the learner never changes (reports 0) is not reported: no event, none counted, its history kept', () => {
    const events: number[] = [];
    const learner: RefillLearner = {
      policy: 8, ring: 100, worker: 0, readPolicy: () => 0, reports: [1, 0, 1, 0],
      pushEvent: (_i32, _ring, cls) => (events.push(cls), true),
    };
    const { cache, engine } = setup(defaultRefillCounts(SIZES), learner);
    // every refill 10 ms apart (setup's clock): each one of a reported class is an event
    for (let round = 0; round < 3; round++) {
      for (const size of SIZES) {
        const n = defaultRefillCount(size);
        for (let k = 0; k < n; k++) expect(cache.alloc(size)).not.toBe(0); // one refill of each class a round
      }
    }
    expect(events).toEqual([0, 2, 0, 2, 0, 2]);
    expect([counter(engine, 'EVENTS'), counter(engine, 'DROPPED')]).toEqual([6, 0]);
    expect(Array.from(engine.missStreak)).toEqual([3, 3, 3, 3]);
    expect(Array.from(engine.reports)).toEqual([1, 0, 1, 0]);
  });

  it('refuses a reports table of the wrong length', () => {
    const be = new Scripted();
    const cache = new ThreadCache({ i32: be.i32, heads: 16, classSizes: SIZES, bounds: SIZES.map(defaultBound), allocTag: TAG_A, freeTag: TAG_F });
    const learning: RefillLearner = { policy: 8, ring: 100, worker: 0, readPolicy: () => 0, pushEvent: () => true, reports: [1, 0] };
    expect(() => new RefillEngine(cache, be, { counts: defaultRefillCounts(SIZES), learning })).toThrow(/one entry per class \(4\)/);
    for (const reports of [null, 4n, 'abcd', 4]) {
      const bad = { ...learning, reports } as unknown as RefillLearner;
      expect(() => new RefillEngine(cache, be, { counts: defaultRefillCounts(SIZES), learning: bad })).toThrow(expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }));
    }
  });

  it('refill events are sampled per class: every refill 10 ms apart or more, one in 8 closer, one in 32 under 0.1 ms', () => {
    const run = (stepMs: number, refills: number) => {
      const events: number[] = [];
      const learner: RefillLearner = {
        policy: 8, ring: 100, worker: 0, readPolicy: () => 0,
        pushEvent: (_i32, _ring, cls, _w, _count, _left, streak) => (events.push(cls === 2 ? streak : -1), true),
      };
      const be = new Scripted();
      const cache = new ThreadCache({ i32: be.i32, heads: 16, classSizes: SIZES, bounds: SIZES.map(defaultBound), allocTag: TAG_A, freeTag: TAG_F });
      let t = 0;
      const engine = new RefillEngine(cache, be, { counts: defaultRefillCounts(SIZES), now: () => (t += stepMs), learning: learner });
      cache.connect(engine, { allocSlow: () => 0, freeSlow: () => {} });
      for (let i = 0; i < 32 * refills; i++) expect(cache.alloc(1000)).not.toBe(0); // 32 blocks a refill, never freed
      expect(be.takes.length).toBe(refills);
      // the history moves once per refill, reported or not; a refill that finds nothing moves nothing
      expect([engine.missStreak[2], engine.lastRefillAt[2]]).toEqual([refills, refills * stepMs]);
      be.budget = 0;
      expect(cache.alloc(1000)).toBe(0);
      expect([engine.missStreak[2], engine.lastRefillAt[2], events.length]).toEqual([refills, refills * stepMs, counter(engine, 'EVENTS')]);
      return events;
    };
    expect(run(10, 64).length).toBe(64);
    // 2 ms apart: the first refill, then one in 8 (each event carries the miss streak of its refill)
    expect(run(2, 64)).toEqual([0, 8, 16, 24, 32, 40, 48, 56]);
    // 1/16 ms apart: the first (no interval yet: one in 8 next), then one in 32
    expect(run(1 / 16, 64)).toEqual([0, 8, 40]);
  });

  it('default policy: larger classes refill fewer blocks', () => {
    // an engine on the default counts: the first alloc of each size refills its class once
    const { be, cache } = setup();
    for (const size of SIZES) cache.alloc(size);
    const taken = be.takes.map((t) => t.n);
    expect(be.takes.map((t) => t.cls)).toEqual([0, 1, 2, 3]);
    expect(taken).toEqual([64, 64, 32, 4]);
    expect(taken).toEqual(SIZES.map(defaultRefillCount));
    for (let i = 1; i < taken.length; i++) expect(taken[i]).toBeLessThanOrEqual(taken[i - 1]);
    SIZES.forEach((_, cls) => expect(cache.cached(cls)).toBe(taken[cls] - 1));
  });

  it('takes the count for the class, installs the chain, and the miss pops its first block', () => {
    const { be, cache, engine } = setup();
    const p = cache.alloc(64);
    expect(be.takes).toEqual([{ cls: 1, n: 64 }]);
    expect(cache.cached(1)).toBe(63);
    expect(be.i32[(p >>> 2) - 2]).toBe(TAG_A | 1);
    expect(classCounter(engine, 1, 'REFILLS')).toBe(1);
  });

  it('reads the policy table at refill time: a count written mid-run applies to the next refill only', () => {
    const counts = defaultRefillCounts(SIZES);
    const { be, cache } = setup(counts);
    cache.alloc(1024); // refill of 32
    counts[2] = 3; // the "policy" changes between refills
    for (let i = 0; i < 31; i++) cache.alloc(1024); // served from the cache: no refill
    expect(be.takes.map((t) => t.n)).toEqual([32]);
    cache.alloc(1024);
    expect(be.takes.map((t) => t.n)).toEqual([32, 3]);
  });

  it('captures the state before each refill and keeps the miss streak until a drain', () => {
    const { cache, engine } = setup();
    const ps = [cache.alloc(65536)]; // refill 1 of 4 blocks
    expect(engine.last).toMatchObject({ cls: 3, count: 4, blocksLeft: 0, missStreak: 0, sinceLastMs: -1 });
    for (let i = 0; i < 8; i++) ps.push(cache.alloc(65536)); // refills 2 and 3
    expect(engine.last).toMatchObject({ cls: 3, missStreak: 2, sinceLastMs: 10 });
    expect(engine.missStreak[3]).toBe(3);
    for (let i = 0; i < 11; i++) ps.push(cache.alloc(65536)); // 20 blocks, 5 refills
    for (const p of ps) cache.free(p); // bound 16: the 17th free drains
    expect(classCounter(engine, 3, 'DRAINS')).toBe(1);
    expect(engine.missStreak[3]).toBe(0);
  });

  it('drains down to half the bound', () => {
    const { be, cache } = setup();
    const ps = Array.from({ length: 300 }, () => cache.alloc(16));
    for (const p of ps) cache.free(p);
    expect(be.returns.length).toBeGreaterThan(0);
    const bound = defaultBound(16);
    for (const r of be.returns) expect(r.n).toBe(bound + 1 - (bound >>> 1));
    expect(cache.cached(0)).toBeLessThanOrEqual(bound);
  });

  it('on exhaustion flushes every cache, trims, retries once, then reports 0', () => {
    const { be, cache, engine } = setup();
    be.budget = 64 + 16;
    const small = cache.alloc(16); // 64 blocks of class 0
    cache.alloc(1024); // 16 blocks of class 2
    // class 1 has no budget left, but flushing class 0's 63 cached blocks does not help class 1
    expect(cache.alloc(64)).toBe(0);
    expect(be.trims).toBe(1);
    expect(counter(engine, 'EXHAUSTED')).toBe(1);
    expect(cache.cached(0)).toBe(0);
    expect(be.free[0].length).toBe(63);
    // blocks given back serve their class again
    cache.free(small);
    expect(cache.alloc(16)).not.toBe(0);
  });

  it('refuses a counts table of the wrong length', () => {
    const { be, cache } = setup();
    expect(() => new RefillEngine(cache, be, { counts: new Int32Array(2) })).toThrow(RangeError);
  });
});
