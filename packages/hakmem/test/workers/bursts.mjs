// A worker that attaches to the heap it is given, allocates and frees bursts of each size in
// workerData.sizes (refills, then drains), and reports its refills and the events it pushed
// (learning-start.test.ts: an attached engine reports only the classes the learner may change).
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const heap = attachHeap(workerData.handle);
const out = {};
for (const size of workerData.sizes) {
  const before = heap.stats().worker;
  const ps = new Int32Array(workerData.blocks);
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < ps.length; i++) ps[i] = heap.alloc(size);
    for (let i = 0; i < ps.length; i++) heap.free(ps[i]);
  }
  const after = heap.stats().worker;
  const cls = heap.classOf(size);
  out[size] = { refills: after.refills[cls] - before.refills[cls], events: after.events - before.events };
}
heap.detach();
parentPort.postMessage(out);
