/**
 * malloc and free for a C module compiled to wasm32, served by a hakmem heap, with C's semantics:
 * a size_t arrives from wasm as a signed i32 and is read as unsigned (`>>> 0`); a request the heap
 * can never hold returns 0 (NULL) instead of throwing; free(0) is a no-op (hakmem's own). Misuse
 * (a bad pointer, a double free) still throws a HeapError, as a debug C allocator aborts.
 * To be replaced by hakmem's own `mallocImports(heap)` once it exists: the same shape.
 */
export interface CHeap {
  alloc(size: number): number;
  free(p: number): void;
  readonly maxAllocSize: number;
}

export function cMallocImports(heap: CHeap): { malloc: (size: number) => number; free: (p: number) => void } {
  const max = heap.maxAllocSize;
  return {
    malloc: (size: number) => {
      const n = size >>> 0;
      return n <= max ? heap.alloc(n) : 0;
    },
    free: (p: number) => heap.free(p >>> 0),
  };
}
