/**
 * The handle: what a worker needs to attach to a heap (`heap.handle`, passed to `attachHeap`),
 * structured-clonable so that it can travel as `workerData` or in a `postMessage`.
 */
import type { Region, WasmMemory } from '@hakmem/arena';

/**
 * What a worker needs to attach (`heap.handle`): structured-clonable. `H` is the heap's flavour,
 * so that `attachHeap` returns the matching heap type: `false` (the default, and what
 * `HeapHandle` alone means) for a heap with headers, `true` for a headerless one, `boolean` when
 * the code does not know.
 */
export interface HeapHandle<H extends boolean = false> {
  kind: 'hakmem-heap';
  version: 1;
  buffer: SharedArrayBuffer;
  byteOffset: number;
  /** the heap's flavour; attachHeap refuses a handle whose flag does not match the heap (HAKMEM_BAD_HANDLE) */
  headerless: H;
  /**
   * the shared WebAssembly.Memory of a heap created with `memory` (a shared memory can be posted
   * to a Worker): attachHeap takes the memory's current buffer, `buffer` may be an older one
   */
  memory?: WasmMemory;
}

/** The handle of the heap in `r`, with the buffer as this worker last saw it. */
export function handleOf(r: Region): HeapHandle<boolean> {
  const h: HeapHandle<boolean> = { kind: 'hakmem-heap', version: 1, buffer: r.buffer, byteOffset: r.layout.base, headerless: r.hdr === 0 };
  if (r.memory !== null) h.memory = r.memory;
  return h;
}
