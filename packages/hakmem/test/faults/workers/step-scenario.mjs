// Orchestrator of one "death at a named step" run, in a Worker of its own so that a wedge (even
// one that blocks this thread inside a reclaim) cannot hang the test runner: the test terminates
// this Worker when its time is up, and the last 'phase' message says where it stuck.
// It creates the heap (the creator, watching every worker), runs a victim that dies at step S
// (k-th hit) beside survivors, and reports facts; the test asserts on them.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createHeap } from 'hakmem';
import { markDead } from '@hakmem/arena';
import { account, attempt, CTL, makeShared, until } from './shared.mjs';

const o = workerData;
const facts = { step: o.step, k: o.k, timeline: [] };
const t0 = Date.now();
// each phase carries the facts so far: a wedge that blocks this thread still leaves them with the test
const phase = (name, extra = {}) => {
  facts.timeline.push(`${name}@${Date.now() - t0}ms`);
  parentPort.postMessage({ type: 'phase', name, facts: structuredClone(facts), ...extra });
};
const common = { maxWorkers: 8, learning: o.ring ? { ringCapacity: 16 } : false };
// o.memory: the heap in a shared WebAssembly.Memory (4 MiB now, grown with memory.grow up to 64 MiB more)
const memory = o.memory ? new WebAssembly.Memory({ initial: 64, maximum: 1025, shared: true }) : undefined;
const heap = memory
  ? createHeap({ memory, reservedBelow: 65536, maxSize: 64 << 20, ...common })
  : createHeap({ size: 4 << 20, maxSize: 64 << 20, ...common });
const shared = makeShared(memory ? 65536 + (64 << 20) : heap.buffer, 8);
const ctl = new Int32Array(shared.ctl);
const traffic = new URL('./traffic.mjs', import.meta.url);
let region = 0;
const all = [];

function spawn(data, watched = true) {
  const w = new Worker(traffic, { workerData: { handle: heap.handle, ...shared, region: region++, seed: 17 + 7919 * region, ...data } });
  if (watched) heap.watch(w);
  const t = { w, messages: [], exited: false, code: null, error: null };
  w.on('message', (m) => t.messages.push(m));
  w.on('error', (e) => (t.error = String(e?.stack ?? e)));
  w.on('exit', (c) => ((t.exited = true), (t.code = c)));
  all.push(t);
  return t;
}
const got = (t, type) => t.messages.find((m) => m.type === type);

let unwatchedSlot;
if (o.seed) {
  // a worker that holds blocks and is terminated at a safe point: its spans are abandoned (adopt)
  phase('seeding');
  const s = spawn({ role: 'parker', ops: 3000 });
  if (!(await until(() => got(s, 'parked') || s.exited, 10_000))) throw new Error('the seeder never parked');
  await s.w.terminate();
  facts.seeded = await until(() => heap.reclaimed.length >= 1 || heap.reclaimErrors.length > 0, 10_000);
}
if (o.unwatched) {
  // a worker terminated without watch: its slot stays attached until someone reclaims it
  phase('parking an unwatched worker');
  const s = spawn({ role: 'parker', ops: 1500 }, false);
  if (!(await until(() => got(s, 'parked') || s.exited, 10_000))) throw new Error('the unwatched worker never parked');
  unwatchedSlot = got(s, 'parked').slot;
  await s.w.terminate();
}
const reclaimedBefore = heap.reclaimed.length;

phase('running');
// validateDead: nobody watches the victim, so the heap is validated with it dead and not yet reclaimed
const victim = spawn({ role: 'victim', fault: { step: o.step, k: o.k, waitForWaiter: o.waitForWaiter }, reclaimSlot: unwatchedSlot, ...o.victim }, !o.validateDead);
const survivors = Array.from({ length: o.survivors ?? 2 }, (_, i) =>
  spawn({ role: 'survivor', after: o.after ?? 500, holdLock: i === 0 && o.holdLock, ...o.survivor }),
);

facts.victimDied = await until(() => victim.exited, o.deathMs ?? 15_000);
facts.reachedStep = Atomics.load(ctl, CTL.DIED) === 1;
facts.sawWaiter = Atomics.load(ctl, CTL.SAW_WAITER) === 1;
facts.victimSlot = got(victim, 'attached')?.slot ?? null;
facts.victimError = victim.error;
facts.victimNote = got(victim, 'done')?.note ?? null;
if (!facts.reachedStep) {
  // it never reached its step (or the step is 'none': a run without a death): stop everyone
  Atomics.store(ctl, CTL.STOP, 1);
  if (!facts.victimDied) await victim.w.terminate();
}
phase('victim gone', { reachedStep: facts.reachedStep });
if (o.validateDead && facts.victimSlot !== null) {
  markDead(heap.core.r, facts.victimSlot);
  phase('validating with the victim dead, before its reclaim');
  const d = attempt(() => heap.validate());
  facts.validateDead = d.error ?? 'ok';
  const r = attempt(() => heap.reclaim(facts.victimSlot));
  if (r.ok) heap.reclaimed.push(r.ok);
  else if (r.error) heap.reclaimErrors.push(new Error(r.error));
}

if (o.ring) {
  // the learner must keep consuming events after the producer died inside a push
  const consumed = () => heap.stats().learning.ring.consumed;
  const at = attempt(consumed);
  facts.consumedAtDeath = at.ok ?? at.error;
  phase('watching the ring', { consumedAtDeath: facts.consumedAtDeath });
  const want = (at.ok ?? 0) + 4 * 16;
  let last = at.ok;
  facts.ringFlowing = await until(() => {
    const c = attempt(consumed);
    last = c.ok ?? c.error;
    return c.ok !== undefined && c.ok >= want;
  }, o.ringMs ?? 8000);
  facts.consumedLast = last;
  Atomics.store(ctl, CTL.STOP, 1);
}

phase('waiting for the survivors');
facts.survivorsFinished = await until(() => survivors.every((s) => got(s, 'done') || s.exited), o.survivorMs ?? 15_000);
facts.survivors = survivors.map((s) => ({ done: !!got(s, 'done'), error: s.error, counts: got(s, 'done')?.counts }));
if (!facts.survivorsFinished) {
  phase('survivors wedged');
  Atomics.store(ctl, CTL.STOP, 1);
}
facts.allExited = await until(() => all.every((t) => t.exited), facts.survivorsFinished ? 10_000 : 3000);
phase('waiting for the reclaim');
// noReclaim: the victim died with its slot already handed back, so no reclaim comes; the wait is
// only long enough to see a wrong one (the exit handler runs within milliseconds of the exit)
facts.reclaimSettled = await until(
  () => heap.reclaimed.length > reclaimedBefore || heap.reclaimErrors.length > 0 || facts.victimSlot === null || !facts.reachedStep,
  o.noReclaim ? 1000 : facts.survivorsFinished ? 10_000 : 3000,
);
facts.reclaimed = heap.reclaimed.slice(reclaimedBefore).map((r) => r.slot);
facts.reclaimErrors = heap.reclaimErrors.map((e) => `${e.code}: ${e.message}`);
if (unwatchedSlot !== undefined) {
  phase('reclaiming the unwatched worker');
  const r = attempt(() => heap.reclaim(unwatchedSlot));
  facts.unwatchedReclaim = r.error ?? (r.ok ? 'reclaimed' : 'null');
}
phase('validating');
const v = attempt(() => heap.validate());
facts.validate = v.error ?? 'ok';
facts.bad = Atomics.load(ctl, CTL.BAD);
facts.badAt = Atomics.load(ctl, CTL.BAD_AT);
facts.limbo = Atomics.load(ctl, CTL.LIMBO + all.indexOf(victim)); // the victim died with a block in its hands
phase('accounting');
const a = attempt(() => account(heap, shared, o.plantSkip ?? 0));
facts.accounting = a.ok ?? a.error;
const d = attempt(() => heap.diagnostics().workers.filter((x) => x.slot !== heap.slot).map((x) => `${x.slot}:${x.state}`));
facts.otherSlots = d.ok ?? d.error;
facts.validateAfter = (() => {
  const r = attempt(() => heap.validate());
  return r.error ?? 'ok';
})();
if (memory) {
  // the heap still grows the memory to its maximum after a grower died between memory.grow and
  // the commit (the memory longer than the heap): allocate 1 MiB blocks until alloc says no
  phase('growing after the death');
  const g = attempt(() => {
    const ps = [];
    for (let p; (p = heap.alloc(1 << 20)) !== 0; ) ps.push(p);
    const { committed, max } = heap.stats().pages;
    for (const p of ps) heap.free(p);
    return { blocks: ps.length, committed, max, memoryBytes: memory.buffer.byteLength };
  });
  facts.grownAfter = g.ok ?? g.error;
}
phase('closing');
try {
  await heap.close();
} catch {
  // a wedged heap may not detach: the facts say so already
}
parentPort.postMessage({ type: 'result', facts });
