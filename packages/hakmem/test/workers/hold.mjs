// Attach, allocate, hold the slot until everyone is attached (a barrier), then free and detach.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, barrier, expected } = workerData;
const b = new Int32Array(barrier);
let h;
try {
  h = attachHeap(handle);
} catch (e) {
  parentPort.postMessage({ type: 'done', error: e.code });
  process.exit(0);
}
const ps = Array.from({ length: 200 }, (_, i) => h.alloc(16 + i * 8));
Atomics.add(b, 0, 1);
Atomics.notify(b, 0);
parentPort.postMessage({ type: 'attached', slot: h.slot });
while (Atomics.load(b, 1) === 0) Atomics.wait(b, 1, 0, 50);
for (const p of ps) h.free(p);
h.detach();
parentPort.postMessage({ type: 'done', slot: h.slot, expected });
