// Run with --expose-gc. Pushes refill events through the real producer path (refills of a heap
// whose refill count is 1, the learner stopped so the ring fills and then drops), then through
// pushEvent directly, and reports the JS heap after a forced GC.
import { pushEvent } from '@hakmem/ace-learning/producer';
import { ringCounters } from '@hakmem/pool-diagnostics';
import { createHeap } from 'hakmem';

const h = createHeap({ size: 64 << 20, learning: { ringCapacity: 4096 }, refillCounts: Array(47).fill(1) });
await h.core.learner.stop();
const ring = h.core.r.extraW(0);
const i32 = h.core.r.i32;
const used = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
function churn(events) {
  const ps = new Int32Array(50_000);
  let made = 0;
  while (made < events) {
    for (let k = 0; k < ps.length; k++) ps[k] = h.alloc(48); // each alloc: a refill, an event
    for (let k = 0; k < ps.length; k++) h.free(ps[k]);
    made += ps.length;
  }
  for (let k = 0; k < events; k++) pushEvent(i32, ring, 3, 0, 1, 0, 1, 100, 1); // and straight in
  return made * 2;
}
churn(200_000); // warm up: JIT, caches
const base = used();
const e0 = ringCounters(i32, ring);
churn(1_000_000);
const growth1 = used() - base;
const e1 = ringCounters(i32, ring);
churn(5_000_000);
const growth2 = used() - base;
const e2 = ringCounters(i32, ring);
const events1 = e1.pushed + e1.dropped - (e0.pushed + e0.dropped);
const events2 = e2.pushed + e2.dropped - (e1.pushed + e1.dropped);
console.log(JSON.stringify({ events1, events2, growth1, growth2 }));
