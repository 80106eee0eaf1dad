/**
 * One thread of the C program, inside a Worker (Node's or a browser's): attach to the heap,
 * instantiate the module on the shared memory with this thread's malloc & co., set this thread's
 * own stack, run, detach.
 */
import { attachHeap } from 'hakmem';
import { cImports, readStats, STATS_BYTES } from './imports.mjs';

export async function runThread({ module, memory, handle, stackTop, seed, iters }) {
  const heap = attachHeap(handle);
  const reports = [];
  // this thread's own imports over its own heap object
  const { exports } = await WebAssembly.instantiate(module, { env: { memory, ...cImports(heap, reports) } });
  exports.__stack_pointer.value = stackTop; // a stack of its own: a shared one is silently overwritten
  const st = heap.calloc(STATS_BYTES);
  exports.run(seed >>> 0, iters, st);
  const stats = readStats(memory, st);
  heap.free(st);
  heap.detach();
  return { slot: heap.slot, ...stats, reports };
}
