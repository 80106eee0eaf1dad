// Orchestrator of the kill-anywhere fuzz, in a Worker of its own (see harness.ts). N workers do
// cross-worker traffic with large blocks and growth, stats (stops), diagnostics reads, detach and
// re-attach; this thread terminates one at a random moment, replaces it (the new worker inherits
// its ledger region: the blocks the dead one held), lets watch() reclaim, and validates every few
// kills while the others run. At the end everything the records hold is freed and what the heap
// still counts in use must be at most one block per kill that landed with a block in limbo.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createHeap } from 'hakmem';
import { account, attempt, CTL, makeShared, sleep, until, xorshift } from './shared.mjs';

const o = workerData;
const heap = createHeap({ size: 4 << 20, maxSize: 64 << 20, maxWorkers: 2 * o.workers + 2, learning: { ringCapacity: 64 } });
const shared = makeShared(heap.buffer, o.workers);
const ctl = new Int32Array(shared.ctl);
const traffic = new URL('./traffic.mjs', import.meta.url);
const rand = xorshift(o.seed);
let spawned = 0;
const live = new Map(); // region -> worker record

function spawn(region) {
  const w = heap.watch(
    new Worker(traffic, {
      workerData: {
        handle: heap.handle, ...shared, region, seed: 101 + 7919 * ++spawned, role: 'fuzz',
        statsEvery: 1500, diagEvery: 4000, reattachEvery: 2500, flushEvery: 900, plantTwice: o.plantTwice && spawned === 1,
      },
    }),
  );
  const t = { w, region, attached: false, done: false, exited: false, error: null };
  w.on('message', (m) => {
    if (m.type === 'attached') t.attached = true;
    if (m.type === 'done') t.done = true;
  });
  w.on('error', (e) => (t.error = String(e?.stack ?? e)));
  w.on('exit', () => (t.exited = true));
  live.set(region, t);
  return t;
}

const phase = (name, extra = {}) => parentPort.postMessage({ type: 'phase', name, facts: structuredClone(facts), ...extra });
const facts = { seed: o.seed, kills: 0, limboKills: 0, killsDuringAttach: 0, slowestTerminateMs: 0, validations: 0, validateErrors: [], workerErrors: [] };
for (let i = 0; i < o.workers; i++) spawn(i);
await until(() => Atomics.load(ctl, CTL.DONE) > 0, 10_000);
// o.ms at least, and on a loaded machine on until MIN_KILLS kills have been made (for at most 20 s more)
const MIN_KILLS = o.ms > 0 ? 8 : 0; // ms 0: the tests of the test, no kills
const end = Date.now() + o.ms;
const cap = end + 20_000;
while ((Date.now() < end || facts.kills < MIN_KILLS) && Date.now() < cap && facts.validateErrors.length === 0) {
  await sleep(10 + (rand() % 120));
  // the victim: a worker that is at work (a fresh one still loading would die before its attach)
  const working = () => [...live.values()].filter((x) => x.attached && !x.exited);
  if (!(await until(() => working().length > 0, 10_000))) {
    facts.validateErrors.push(`after ${facts.kills} kills: no worker attached within 10 s`);
    break;
  }
  const ready = working();
  const t = ready[rand() % ready.length];
  const region = t.region;
  phase('terminating a worker', { kills: facts.kills, region });
  const t0 = performance.now();
  await t.w.terminate();
  // seconds here mean this thread's event loop was held up (the exit event is handled on it)
  facts.slowestTerminateMs = Math.max(facts.slowestTerminateMs, Math.round(performance.now() - t0));
  phase('terminated (its reclaim runs on this thread)', { kills: facts.kills, region });
  facts.kills++;
  if (t.error) facts.workerErrors.push(t.error);
  if (Atomics.load(ctl, CTL.LIMBO + region) !== 0) facts.limboKills++;
  Atomics.store(ctl, CTL.LIMBO + region, 0);
  const n = spawn(region);
  if (rand() % 5 === 0) {
    // kill the replacement early too: while it imports, attaches or takes its first blocks
    await sleep(rand() % 40);
    phase('terminating a fresh worker', { kills: facts.kills, region });
    await n.w.terminate();
    facts.kills++;
    facts.killsDuringAttach++;
    if (Atomics.load(ctl, CTL.LIMBO + region) !== 0) facts.limboKills++;
    Atomics.store(ctl, CTL.LIMBO + region, 0);
    spawn(region);
  }
  if (facts.kills % 3 === 0) {
    phase('validating while the others run', { kills: facts.kills });
    await sleep(0); // let the exit events run their reclaims first
    const v = attempt(() => heap.validate());
    facts.validations++;
    if (v.error) facts.validateErrors.push(`after ${facts.kills} kills: ${v.error}`);
  }
}
phase('stopping', { kills: facts.kills });
Atomics.store(ctl, CTL.STOP, 1);
facts.finished = await until(() => [...live.values()].every((t) => t.done || t.exited), 15_000);
for (const t of live.values()) if (t.error) facts.workerErrors.push(t.error);
if (!facts.finished) phase('workers wedged', { facts });
facts.exited = await until(() => [...live.values()].every((t) => t.exited), facts.finished ? 10_000 : 2000);
phase('waiting for the reclaims');
facts.slotsBack = await until(() => attempt(() => heap.attachedSlots()).ok?.length === 1, facts.finished ? 10_000 : 2000);
facts.reclaimed = heap.reclaimed.length;
facts.reclaimErrors = heap.reclaimErrors.map((e) => `${e.code}: ${e.message}`).slice(0, 5);
phase('validating');
const v = attempt(() => heap.validate());
facts.validate = v.error ?? 'ok';
facts.bad = Atomics.load(ctl, CTL.BAD);
facts.badAt = Atomics.load(ctl, CTL.BAD_AT);
const g = attempt(() => heap.stats().growth.events);
facts.growth = g.ok ?? g.error;
phase('accounting');
const a = attempt(() => account(heap, shared, o.plantSkip ? facts.limboKills + 1 : 0));
facts.accounting = a.ok ?? a.error;
const d = attempt(() => heap.diagnostics().workers.filter((x) => x.slot !== heap.slot).map((x) => `${x.slot}:${x.state}`));
facts.otherSlots = d.ok ?? d.error;
const v2 = attempt(() => heap.validate());
facts.validateAfter = v2.error ?? 'ok';
try {
  await heap.close();
} catch {
  // the facts say what is wrong
}
parentPort.postMessage({ type: 'result', facts });
