/**
 * One thread of the clang build, in a Worker: attach to the heap, instantiate the module on the
 * shared memory with this thread's malloc and free (hakmem's `mallocImports`), set its own
 * stack, run worker_run (warm-up, prefault, the start line, the timed loop and drain: all in C),
 * detach.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap, mallocImports, type Heap } from 'hakmem';
import type { MixedParams } from '../random-mixed/params.js';
import { traced } from './trace.js';
import type { RmExports } from './layout.js';

export interface WasmWorkerInit {
  index: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  handle: Heap['handle'];
  stackTop: number;
  params: MixedParams;
  verify: boolean;
  /** tests: hash every malloc size and free the module asks for, in order (./trace.ts) */
  trace: boolean;
}

const d = workerData as WasmWorkerInit;
const heap = attachHeap(d.handle);
const now = () => performance.now();
const base = mallocImports(heap);
const t = d.trace ? traced(base) : undefined;
const { exports } = (await WebAssembly.instantiate(d.module, { env: { memory: d.memory, ...(t ? t.imports : base), now } })) as unknown as { exports: RmExports };
exports.__stack_pointer.value = d.stackTop; // a stack of its own: a shared one is silently overwritten
const p = d.params;
exports.worker_run(d.index, p.cycles, p.ws, p.seed, p.min, p.max, d.verify ? 1 : 0);
heap.detach();
parentPort?.postMessage({ index: d.index, ...(t ? { trace: t.result() } : {}) });
