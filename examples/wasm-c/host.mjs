/**
 * The example's main side, the same in Node and in a browser: one shared WebAssembly.Memory,
 * the module's data and stack at its bottom (below __heap_base), one stack per thread above that,
 * and the hakmem heap above the stacks, growing the memory (memory.grow) up to its maximum as the
 * program allocates. `runExample` starts the threads with `spawn` (a Worker per thread: Node's or
 * the browser's), waits for them, frees what they left in the mailbox, and checks the heap.
 *
 *   0 ... data, default stack (main's instance) ... __heap_base | stack 0 | stack 1 | heap ... → maximum
 */
import { createHeap } from 'hakmem';
import { lateImports, readStats, STATS_BYTES } from './imports.mjs';

/** Each thread's stack (C's locals, here a table of 256 pointers and sizes). */
export const STACK_BYTES = 64 << 10;
/** The memory's maximum: build.sh's --max-memory, in 64 KiB pages (the heap grows the memory up to it). */
export const PAGES = 512;
/** The memory at the start: the module's own minimum (its data and main stack); the heap grows it. */
export const INITIAL_PAGES = 2;

const align = (n, a) => Math.ceil(n / a) * a;

/**
 * @param {{ bytes: BufferSource, threads?: number, iters?: number,
 *   spawn: (data: object) => Promise<object> }} o
 */
export async function runExample({ bytes, threads = 2, iters = 20_000, spawn }) {
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: PAGES, shared: true });
  const reports = [];
  let heap = null;
  // this thread's instance: it initialises the data segments (once for the memory), tells where
  // the module's own memory ends, and runs drain() at the end on the module's default stack
  const { exports } = await WebAssembly.instantiate(module, {
    env: { memory, ...lateImports(() => heap, reports) },
  });
  const heapBase = exports.__heap_base.value;
  const stacksAt = align(heapBase, 16);
  // everything below the stacks' end is the module's or the threads': the heap refuses to go there
  const reservedBelow = stacksAt + threads * STACK_BYTES;
  const heapAt = align(reservedBelow, 4096);
  // the heap grows the memory at once to hold its metadata (and so the stacks below it), then as needed
  heap = createHeap({ memory, byteOffset: heapAt, reservedBelow });
  const startBytes = memory.buffer.byteLength;

  const results = await Promise.all(Array.from({ length: threads }, (_, i) => spawn({
    module, memory, handle: heap.handle, stackTop: stacksAt + (i + 1) * STACK_BYTES, seed: 0x9e3779b9 * (i + 1), iters,
  })));

  const st = heap.calloc(STATS_BYTES);
  exports.drain(st);
  const drained = readStats(memory, st).crossFreed;
  heap.free(st);
  const validate = heap.validate();
  const inUse = heap.stats().bytes.inUse;
  await heap.close();
  return {
    heapBase, heapAt, startBytes, memoryBytes: memory.buffer.byteLength, maxBytes: PAGES * 65536, threads: results, drained, reports,
    blocksLive: validate.blocksLive, inUse,
  };
}
