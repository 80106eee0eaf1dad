// Orchestrator of the test-stress port, in a Worker of its own (see harness.ts): ITER rounds of
// THREADS fresh workers; after each round this thread frees half of the transfer array (all of it
// after the last), checking the stamps, so objects outlive the workers that made them. Every third
// worker ends without detach (watch reclaims it). At the end: nothing in use, the heap valid.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createHeap } from 'hakmem';
import { checkItems, makeRandom } from './stress-items.mjs';
import { attempt, until } from './shared.mjs';

const { threads, scale, iter, plantStamp } = workerData;
const phase = (name, extra = {}) => parentPort.postMessage({ type: 'phase', name, ...extra });
const heap = createHeap({ size: 16 << 20, maxSize: 512 << 20, maxWorkers: threads + 1 });
const transfer = new SharedArrayBuffer(4 * 1000);
const tr = new Int32Array(transfer);
const r = makeRandom(0x7feb352d);
const facts = { bad: [], nonZero: 0, allocs: 0, frees: 0, exhausted: 0, workerErrors: [], undetached: 0, rounds: 0 };
const script = new URL('./stress-worker.mjs', import.meta.url);

for (let n = 0; n < iter; n++) {
  phase('round', { n });
  const results = await Promise.all(
    Array.from({ length: threads }, (_, tid) => {
      const detach = (n * threads + tid) % 3 !== 2;
      if (!detach) facts.undetached++;
      const w = heap.watch(new Worker(script, { workerData: { handle: heap.handle, transfer, tid, scale, detach } }));
      return new Promise((ok) => {
        let res = null;
        w.on('message', (m) => (res = m));
        w.once('error', (e) => facts.workerErrors.push(String(e?.stack ?? e)));
        w.once('exit', () => ok(res));
      });
    }),
  );
  for (const x of results) {
    if (!x) continue;
    facts.bad.push(...x.bad);
    facts.nonZero += x.nonZero;
    facts.allocs += x.allocs;
    facts.frees += x.frees;
    facts.exhausted += x.exhausted;
  }
  if (plantStamp && n === 0) {
    // test of the test: one word of a transferred object overwritten
    const k = tr.findIndex((v) => v !== 0);
    if (k >= 0) heap.u32[(tr[k] >>> 2) + 1] ^= 1;
  }
  for (let i = 0; i < tr.length; i++) {
    if (r() % 100 <= 50 || n + 1 === iter) {
      const p = Atomics.exchange(tr, i, 0) >>> 0;
      if (p === 0) continue;
      const err = checkItems(heap.u32, p);
      if (err) facts.bad.push(err);
      heap.free(p);
    }
  }
  facts.rounds++;
}
phase('settling');
facts.reclaimsDone = await until(() => heap.reclaimed.length + heap.reclaimErrors.length >= facts.undetached, 10_000);
facts.reclaimed = heap.reclaimed.length;
facts.reclaimErrors = heap.reclaimErrors.map((e) => `${e.code}: ${e.message}`).slice(0, 5);
const v = attempt(() => heap.validate());
facts.validate = v.error ?? 'ok';
const s = attempt(() => heap.stats());
facts.inUse = s.ok?.bytes.inUse ?? s.error;
facts.growth = s.ok?.growth.events ?? s.error;
facts.otherSlots = heap.attachedSlots().filter((x) => x !== heap.slot);
await heap.close();
parentPort.postMessage({ type: 'result', facts });
