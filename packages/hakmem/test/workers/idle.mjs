// Attach, allocate blocks of every class and hand them all to the main thread (which frees them:
// remote frees that end in this worker's inboxes), then sit idle, attached, until told to make one
// small allocation (a refill: where a pending collect request is honoured), then detach.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, flag } = workerData;
const f = new Int32Array(flag);
const h = attachHeap(handle);
const ps = [];
for (let size = 16; size <= 65536; size = Math.ceil((size * 1.25) / 8) * 8) for (let k = 0; k < 40; k++) ps.push(h.alloc(size));
parentPort.postMessage({ type: 'idle', slot: h.slot, blocks: ps.filter((p) => p !== 0) });
while (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 50);
const q = Array.from({ length: 300 }, () => h.alloc(24)); // past what its list holds: a refill
for (const p of q) h.free(p);
parentPort.postMessage({ type: 'woke' });
while (Atomics.load(f, 0) === 1) Atomics.wait(f, 0, 1, 50);
h.detach();
parentPort.postMessage({ type: 'done' });
