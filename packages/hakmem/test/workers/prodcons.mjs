// Producer/consumer: the producer only allocates, the consumer only frees, through an SPSC ring.
// The consumer writes the heap's reserved bytes into `marks` after each twentieth of the blocks:
// samples at fixed points of the traffic, however the threads are scheduled.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, ring, role, total, marks } = workerData;
const r = new Int32Array(ring); // [0] head (written by producer), [1] tail (consumer), [2..] slots
const n = r.length - 2;
const h = attachHeap(handle);
let x = 99991;
if (role === 'producer') {
  for (let i = 0; i < total; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const p = h.alloc(16 + ((x >>> 4) & 2047));
    if (p === 0) throw new Error('heap exhausted: memory is not coming back');
    h.u8[p] = i & 0xff;
    while (Atomics.load(r, 0) - Atomics.load(r, 1) >= n) Atomics.wait(r, 1, Atomics.load(r, 1), 1);
    r[2 + (i % n)] = p;
    Atomics.store(r, 0, i + 1);
    Atomics.notify(r, 0);
  }
} else {
  for (let i = 0; i < total; i++) {
    while (Atomics.load(r, 0) <= i) Atomics.wait(r, 0, i, 1);
    const p = r[2 + (i % n)];
    if (h.u8[p] !== (i & 0xff)) throw new Error(`block ${p} changed under the consumer`);
    h.free(p);
    if (marks && (i + 1) % (total / 20) === 0) new Float64Array(marks)[(i + 1) / (total / 20) - 1] = h.stats().bytes.reserved;
    Atomics.store(r, 1, i + 1);
    Atomics.notify(r, 1);
  }
}
h.detach();
parentPort.postMessage({ type: 'done', role });
