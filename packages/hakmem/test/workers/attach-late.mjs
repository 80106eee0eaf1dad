// Attaches (while the main thread may hold the heap stopped), frees the block it was given (a hot
// free: onto its own cache list), and says so in the flag word.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, flag, block } = workerData;
const f = new Int32Array(flag);
parentPort.postMessage('attaching');
const h = attachHeap(handle);
h.free(block);
Atomics.store(f, 0, 1);
while (Atomics.load(f, 0) !== 2) Atomics.wait(f, 0, 1, 50);
h.detach();
parentPort.postMessage('done');
