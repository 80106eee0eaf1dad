// A worker of the fault tests: cross-worker traffic (mixed small sizes, large blocks, bursts of one
// size that make drains, frees of other workers' blocks through the shared queue) recorded in its
// ledger and the bitmap. Roles:
//   victim:   dies at its fault step (the k-th hit), else runs until told to stop;
//   survivor: starts when the victim has, keeps working until `after` ops past the victim's death;
//   parker:   works `ops` ops, reports 'parked' and spins (to be terminated at a safe point);
//   fuzz:     works until stopped (the orchestrator terminates it at random moments).
// The fault hook is set before the first import of hakmem: the packages read it once at load.
import { parentPort, workerData } from 'node:worker_threads';
import { BURST, CTL, ENTRIES, REGION_WORDS, mark, unmark, xorshift } from './shared.mjs';

const w = workerData;
const ctl = new Int32Array(w.ctl);
const f = w.fault ?? null;
let hits = 0;
let holding = false;

function holdUntilWaiter() {
  // Hold what we hold (the arena lock) until another worker is seen waiting for it (bounded).
  const base = Atomics.load(ctl, CTL.WAITERS);
  Atomics.store(ctl, CTL.HELD, 1);
  const end = Date.now() + 15_000; // bounded; a loaded machine can take seconds to bring a survivor to the lock
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (Atomics.load(ctl, CTL.WAITERS) === base && Date.now() < end) Atomics.wait(nap, 0, 0, 1);
  Atomics.store(ctl, CTL.HELD, 0);
  return Atomics.load(ctl, CTL.WAITERS) !== base;
}

globalThis.__hakmemFault = (step) => {
  if (step === 'lock.waiting') Atomics.add(ctl, CTL.WAITERS, 1);
  if (w.holdLock && !holding && step === 'lock.held' && Atomics.load(ctl, CTL.GO) === 1 && Atomics.load(ctl, CTL.DIED) === 0) {
    holding = true; // once: hold the lock until the victim waits for it
    holdUntilWaiter();
  }
  if (f === null || step !== f.step || ++hits !== f.k) return;
  if (f.waitForWaiter && holdUntilWaiter()) Atomics.store(ctl, CTL.SAW_WAITER, 1);
  Atomics.store(ctl, CTL.DIED, 1);
  Atomics.store(ctl, CTL.GO, 1);
  Atomics.notify(ctl, CTL.GO);
  process.exit(0); // ends this thread here: no finally block runs, a death at this instruction
};

const { attachHeap } = await import('hakmem');
const { snapshot } = await import('@hakmem/pool-diagnostics');
let h = attachHeap(w.handle);
parentPort.postMessage({ type: 'attached', slot: h.slot });

const led = new Int32Array(w.ledger);
const bm = new Int32Array(w.bitmap);
const q = new BigInt64Array(w.queue);
const base = w.region * REGION_WORDS;
const limbo = CTL.LIMBO + w.region;
const rand = xorshift(w.seed);
const counts = { ops: 0, allocs: 0, frees: 0, crossFrees: 0, exhausted: 0, large: 0, bursts: 0, stats: 0, diags: 0, reattached: 0 };

function badBlock(p) {
  if (Atomics.add(ctl, CTL.BAD, 1) === 0) Atomics.store(ctl, CTL.BAD_AT, p);
}

/** alloc, then the bitmap, then the ledger entry e; false when the heap is exhausted */
function take(e, size) {
  Atomics.store(ctl, limbo, 1);
  const p = h.alloc(size);
  if (p === 0) {
    Atomics.store(ctl, limbo, 0);
    counts.exhausted++;
    return false;
  }
  if (!mark(bm, p, size)) badBlock(p);
  if (w.plantTwice && counts.allocs === 0 && !mark(bm, p, size)) badBlock(p); // test of the test: recorded twice
  Atomics.store(led, base + 2 * e + 1, size);
  Atomics.store(led, base + 2 * e, p);
  Atomics.store(ctl, limbo, 0);
  counts.allocs++;
  if (size > 65536) counts.large++;
  return true;
}

/** the ledger entry e: out of the ledger, out of the bitmap, freed */
function give(e) {
  const p = Atomics.load(led, base + 2 * e) >>> 0;
  const size = Atomics.load(led, base + 2 * e + 1);
  Atomics.store(ctl, limbo, 1);
  Atomics.store(led, base + 2 * e, 0);
  unmark(bm, p, size);
  h.free(p);
  Atomics.store(ctl, limbo, 0);
  counts.frees++;
}

/** the ledger entry e into the queue; whatever the queue slot held is freed here */
function transfer(e) {
  const p = Atomics.load(led, base + 2 * e) >>> 0;
  const size = Atomics.load(led, base + 2 * e + 1);
  Atomics.store(ctl, limbo, 1);
  Atomics.store(led, base + 2 * e, 0);
  const old = Atomics.exchange(q, rand() % q.length, (BigInt(size) << 32n) | BigInt(p));
  if (old !== 0n) {
    const o = Number(old & 0xffffffffn);
    unmark(bm, o, Number(old >> 32n));
    h.free(o);
    counts.crossFrees++;
  }
  Atomics.store(ctl, limbo, 0);
}

function pickSize() {
  const r = rand();
  if (w.bigFirst && counts.allocs === 0) return w.bigFirst;
  if (r % 24 === 0) return 65537 + (rand() % (192 << 10)); // large: pages straight from the arena
  if ((r & 1) === 0) return 32; // one busy class: its caches overflow, drains route foreign blocks
  return 16 + (rand() % ((r & 6) === 0 ? 8192 : 1024));
}

function burst() {
  // many blocks of one size, then all freed: a refill or two, then drains
  const size = 24 + 8 * (rand() % 4);
  let n = 0;
  for (let i = 0; i < BURST; i++) {
    // a replacement inherits its region: a burst the dead worker left half done is freed first
    if (Atomics.load(led, base + 2 * (ENTRIES + i)) !== 0) give(ENTRIES + i);
    if (take(ENTRIES + i, size)) n++;
  }
  for (let i = 0; i < BURST; i++) if (Atomics.load(led, base + 2 * (ENTRIES + i)) !== 0) give(ENTRIES + i);
  counts.bursts++;
  return n;
}

function op() {
  counts.ops++;
  const i = counts.ops;
  if (w.statsEvery && i % w.statsEvery === 0) {
    h.stats();
    counts.stats++;
  }
  if (w.diagEvery && i % w.diagEvery === 0) {
    h.diagnostics();
    counts.diags++;
  }
  if (w.observeEvery && i % w.observeEvery === 0) {
    snapshot(w.handle); // as a reader that holds no slot: an observer's stop
    counts.diags++;
  }
  if (w.reattachEvery && i % w.reattachEvery === 0 && rand() % 2 === 0) {
    h.detach();
    h = attachHeap(w.handle);
    counts.reattached++;
  }
  if (w.flushEvery && i % w.flushEvery === 0) h.flush();
  if (i % 97 === 0) return burst();
  const e = rand() % ENTRIES;
  if (Atomics.load(led, base + 2 * e) === 0) take(e, pickSize());
  else if (rand() % 3 === 0) transfer(e);
  else give(e);
}

const nap = new Int32Array(new SharedArrayBuffer(4));
if (w.role === 'victim') {
  op();
  Atomics.store(ctl, CTL.GO, 1);
  Atomics.notify(ctl, CTL.GO);
  if (w.reclaimSlot !== undefined) {
    for (let i = 0; i < 200; i++) op();
    h.reclaim(w.reclaimSlot); // the victim reclaims a worker that was terminated unwatched
  }
  while (Atomics.load(ctl, CTL.STOP) === 0 && !(w.detachAfter && counts.ops >= w.detachAfter)) op();
  if (w.detachAfter) h.detach(); // the fault may be inside
  parentPort.postMessage({ type: 'done', role: w.role, counts, note: 'the victim never reached its step' });
} else if (w.role === 'survivor') {
  while (Atomics.load(ctl, CTL.GO) === 0 && Atomics.load(ctl, CTL.STOP) === 0) Atomics.wait(ctl, CTL.GO, 0, 5);
  let after = 0;
  while (Atomics.load(ctl, CTL.STOP) === 0 || counts.ops < (w.minOps ?? 0)) {
    op();
    if (Atomics.load(ctl, CTL.DIED) === 1 && ++after >= w.after) break;
  }
  h.detach();
  Atomics.store(ctl, CTL.DONE + w.region, 1);
  parentPort.postMessage({ type: 'done', role: w.role, counts, after });
} else if (w.role === 'parker') {
  while (counts.ops < w.ops) op();
  parentPort.postMessage({ type: 'parked', slot: h.slot, counts });
  for (;;) Atomics.wait(nap, 0, 0, 50); // outside the allocator: terminate() lands here
} else {
  while (Atomics.load(ctl, CTL.STOP) === 0) {
    op();
    if ((counts.ops & 255) === 0) Atomics.store(ctl, CTL.DONE + w.region, counts.ops);
  }
  h.detach();
  parentPort.postMessage({ type: 'done', role: w.role, counts });
}
