/**
 * What the C program imports from JavaScript: C's allocation functions from hakmem's
 * `mallocImports(heap)` (malloc, free, calloc, realloc, aligned_alloc, posix_memalign,
 * malloc_usable_size, with C's semantics: unsigned sizes, NULL on failure), and report() for
 * damage the program finds. Also its `struct stats`, read from memory.
 */
import { mallocImports } from 'hakmem';

const WHAT = ['', 'pattern damaged', 'calloc not zeroed', 'realloc lost bytes', 'NULL', 'not aligned as asked', 'usable size short'];

/** report(kind, p, size): the first 20 go into `reports`. */
function reportImport(reports) {
  return {
    report: (kind, p, size) => {
      if (reports.length < 20) reports.push(`${WHAT[kind] ?? kind} at ${p >>> 0} (${size >>> 0} bytes)`);
    },
  };
}

/**
 * The module's `env` imports over this thread's heap.
 * @param {import('hakmem').Heap} heap
 * @param {string[]} reports where report() writes
 */
export function cImports(heap, reports) {
  return { ...mallocImports(heap), ...reportImport(reports) };
}

/**
 * The same for an instance made before its heap exists (the main thread's: the heap's place comes
 * from the instance's `__heap_base`): each function forwards to `mallocImports(heapOf())`, made at
 * the first call, once the heap is there.
 * @param {() => import('hakmem').Heap} heapOf
 * @param {string[]} reports
 */
export function lateImports(heapOf, reports) {
  let c = null;
  const late = (name) => (...args) => (c ??= mallocImports(heapOf()))[name](...args);
  const names = ['malloc', 'free', 'calloc', 'realloc', 'aligned_alloc', 'posix_memalign', 'malloc_usable_size'];
  return { ...Object.fromEntries(names.map((n) => [n, late(n)])), ...reportImport(reports) };
}

/** struct stats { u32 ops, errors, nulls, not16, crossFreed, checksum, aligned, misaligned; } */
export const STATS_BYTES = 8 * 4;

export function readStats(memory, at) {
  const [ops, errors, nulls, not16, crossFreed, checksum, aligned, misaligned] = new Uint32Array(memory.buffer, at, 8);
  return { ops, errors, nulls, not16, crossFreed, checksum, aligned, misaligned };
}
