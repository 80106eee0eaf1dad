/** A demo worker: random allocs and frees; a freed slot of the shared table may hold another worker's block. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from './create.js';
import type { Heap } from './heap.js';

const { handle, table, stop, id } = workerData as { handle: Parameters<typeof attachHeap>[0]; table: SharedArrayBuffer; stop: SharedArrayBuffer; id: number };
const h = attachHeap(handle) as Heap; // the demo heap has headers
const t = new Int32Array(table);
const halt = new Int32Array(stop);
let x = 0x9e3779b9 ^ (id * 7919);
while (Atomics.load(halt, 0) === 0) {
  for (let i = 0; i < 10_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // bursts of one size now and then, random sizes otherwise: something for the learner
    const size = (x & 0xff) < 40 ? 48 : 16 + ((x >>> 8) & 2047);
    const p = h.alloc(size);
    if (p === 0) continue;
    const old = Atomics.exchange(t, (x >>> 0) % t.length, p);
    if (old !== 0) h.free(old >>> 0); // an Int32Array gives a pointer back signed: unsigned again
  }
}
h.detach();
parentPort?.postMessage('done');
