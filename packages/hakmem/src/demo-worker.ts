/** A demo worker: random allocs and frees; a freed slot of the shared table may hold another worker's block. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from './create.js';
import type { Heap } from './heap.js';

const { handle, table, stop, id } = workerData as { handle: Parameters<typeof attachHeap>[0]; table: SharedArrayBuffer; stop: SharedArrayBuffer; id: number };
const h = attachHeap(handle) as Heap; // the demo heap has headers
const t = new Int32Array(table);
const halt = new Int32Array(stop);
let rng = 0x9e3779b9 ^ (id * 7919); // xorshift32 state
while (Atomics.load(halt, 0) === 0) {
  for (let i = 0; i < 10_000; i++) {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    // bursts of one size now and then, random sizes otherwise: something for the learner
    const size = (rng & 0xff) < 40 ? 48 : 16 + ((rng >>> 8) & 2047);
    const p = h.alloc(size);
    if (p === 0) continue;
    const old = Atomics.exchange(t, (rng >>> 0) % t.length, p);
    if (old !== 0) h.free(old >>> 0); // an Int32Array gives a pointer back signed: unsigned again
  }
}
h.detach();
parentPort?.postMessage('done');
