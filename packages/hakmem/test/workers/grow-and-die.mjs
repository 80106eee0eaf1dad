// Attach to a growable heap, allocate until it has grown well past what the creator has seen,
// free a share of the blocks (into this worker's cache and its owners' inboxes), then die without
// detach: the creator's reclaim must work on views of the grown buffer.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const h = attachHeap(workerData.handle);
const ps = [];
while (h.buffer.byteLength < workerData.until) ps.push(h.alloc(16 + (ps.length % 2000)));
for (let k = 0; k < ps.length; k += 2) h.free(ps[k]);
parentPort.postMessage({ allocated: ps.length });
process.exit(0);
