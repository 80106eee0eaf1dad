/**
 * What the C program imports from JavaScript: malloc, free, calloc and realloc served by a hakmem
 * heap (sizes arrive from wasm as signed i32: `>>> 0` reads them as C's unsigned size_t), and
 * report() for damage the program finds. Also its `struct stats`, read from memory.
 */

/**
 * @param {() => { alloc(n: number): number, free(p: number): void, calloc(n: number, s: number): number,
 *   realloc(p: number, n: number): number }} heapOf the heap of the calling thread
 * @param {string[]} reports where report() writes (the first 20)
 */
export function cImports(heapOf, reports) {
  const what = ['', 'pattern damaged', 'calloc not zeroed', 'realloc lost bytes', 'NULL'];
  return {
    malloc: (size) => heapOf().alloc(size >>> 0),
    free: (p) => heapOf().free(p >>> 0),
    calloc: (count, size) => heapOf().calloc(count >>> 0, size >>> 0),
    realloc: (p, size) => heapOf().realloc(p >>> 0, size >>> 0),
    report: (kind, p, size) => {
      if (reports.length < 20) reports.push(`${what[kind] ?? kind} at ${p >>> 0} (${size >>> 0} bytes)`);
    },
  };
}

/** struct stats { u32 ops, errors, nulls, not16, crossFreed, checksum; } */
export const STATS_BYTES = 6 * 4;

export function readStats(memory, at) {
  const [ops, errors, nulls, not16, crossFreed, checksum] = new Uint32Array(memory.buffer, at, 6);
  return { ops, errors, nulls, not16, crossFreed, checksum };
}
