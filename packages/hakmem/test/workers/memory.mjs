// A worker on a heap in a shared WebAssembly.Memory (wasm-memory.test.ts): attaches with the
// handle it was given, then answers commands: read a block through heap.u8/i32, allocate until the
// memory has grown past a length (writing a pattern through heap.i32), free, detach.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const heap = attachHeap(workerData.handle);
const memory = workerData.handle.memory;
const held = [];

const commands = {
  read: ({ p, size }) => ({
    first: heap.i32[p >>> 2],
    last: heap.u8[p + size - 1],
    viewBytes: heap.u8.length,
    memoryBytes: memory.buffer.byteLength,
  }),
  grow: ({ until, size, pattern }) => {
    let p = 0;
    while (memory.buffer.byteLength < until) {
      p = heap.alloc(size);
      if (p === 0) throw new Error(`alloc returned 0 at ${memory.buffer.byteLength} bytes`);
      held.push(p);
    }
    held.pop(); // the last block is the test's to free
    // the last block lies in the new part: write it through this worker's views
    heap.i32[p >>> 2] = pattern;
    heap.u8[p + size - 1] = pattern & 0xff;
    return { p, memoryBytes: memory.buffer.byteLength, viewBytes: heap.u8.length };
  },
  free: ({ p }) => {
    heap.free(p);
    return { freed: p };
  },
  detach: () => {
    for (const p of held.splice(0)) heap.free(p);
    heap.detach();
    return { detached: true };
  },
};

parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ ok: commands[m.cmd](m) });
  } catch (e) {
    parentPort.postMessage({ error: `${e.code ?? ''} ${e.message}` });
  }
});
parentPort.postMessage({ ok: { attached: heap.slot } });
