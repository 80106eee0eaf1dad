/**
 * C's allocation functions served by a heap, as a WebAssembly module imports them (`env`):
 * `malloc`, `free`, `calloc`, `realloc`, `aligned_alloc`, `posix_memalign`, `malloc_usable_size`,
 * with C's semantics rather than the heap's: wasm's i32 arguments arrive signed and are read as
 * unsigned (`>>> 0`), a request that cannot be met returns NULL (0) instead of throwing, and
 * `free(NULL)` does nothing. Misuse (a double free, a pointer the heap never gave) still throws
 * the HeapError, which traps the calling wasm code, as a debug C allocator aborts.
 */
import { HeapError, HeapErrorCode } from '@hakmem/arena';
import { defaultClassSizes } from '@hakmem/pool-tls';
import { MAX_ALIGN } from './api/c-calls.js';
import { CountingHeap, HeaderlessHeap, Heap, LowWaterHeap } from './heap.js';
import { instantiateFastPath } from './wasm-fast-path.js';

/** WASI's errno values that `posix_memalign` returns (wasi-libc's `EINVAL` and `ENOMEM`). */
export const EINVAL = 28;
/** WASI's `ENOMEM`: no block of that size and alignment could be had. */
export const ENOMEM = 48;

/** What `mallocImports` returns: C's allocation functions, to pass in a module's `env` imports. */
export interface MallocImports {
  /** `void *malloc(size_t size)`: a 16-byte aligned block (the heap's `align`), NULL when none. */
  malloc(size: number): number;
  /** `void free(void *p)`: NULL does nothing; misuse throws a HeapError. */
  free(p: number): void;
  /** `void *calloc(size_t count, size_t size)`: zeroed; NULL when none, or when count * size overflows size_t. */
  calloc(count: number, size: number): number;
  /** `void *realloc(void *p, size_t size)`: glibc's: `realloc(NULL, n)` is `malloc(n)`, `realloc(p, 0)` frees p and returns NULL, NULL (p untouched) when no block. */
  realloc(p: number, size: number): number;
  /** `void *aligned_alloc(size_t align, size_t size)`: NULL for an alignment that is not a power of two (or above 2^30), or when no block. */
  aligned_alloc(align: number, size: number): number;
  /** `int posix_memalign(void **pp, size_t align, size_t size)`: 0 and the block at `*pp`; EINVAL (28) for an alignment that is not a power of two multiple of 4; ENOMEM (48), `*pp` untouched, when no block. */
  posix_memalign(pp: number, align: number, size: number): number;
  /** `size_t malloc_usable_size(void *p)`: the block's usable bytes; 0 for NULL. */
  malloc_usable_size(p: number): number;
}

/** Options of `mallocImports`. */
export interface MallocImportsOptions {
  /**
   * `malloc` and `free` as WebAssembly functions running the cache's fast path (src/wasm-fast-path.ts),
   * where the heap allows it: a default heap (headers, default size classes, no counters) in a
   * shared `WebAssembly.Memory`. Default true; false gives the JavaScript functions.
   */
  fastPath?: boolean;
}

/**
 * C's allocation functions over `heap`, ready to pass as a WebAssembly module's imports:
 * `WebAssembly.instantiate(module, { env: { memory, ...mallocImports(heap) } })`, the heap living
 * in the module's memory (`createHeap({ buffer: memory.buffer, byteOffset })` above the module's
 * data and stacks). Every thread makes its own: in a Worker, `attachHeap(handle)` and then
 * `mallocImports` of that heap (a heap object is its thread's own).
 *
 * C's rules: sizes and pointers are unsigned 32-bit; NULL (0) when a block cannot be had (too
 * large, heap exhausted, `calloc`'s product overflowing), never an exception; `free(0)` is a no-op;
 * `realloc(p, 0)` frees `p` and returns NULL (glibc's choice); `aligned_alloc` takes any size
 * (C17). Misuse throws the heap's HeapError (a double free, a pointer not from the heap), which
 * traps the wasm caller. A headerless heap works too, its `free` finding each block's size
 * (slower than a heap with headers).
 */
export function mallocImports(heap: Heap | HeaderlessHeap, o: MallocImportsOptions = {}): MallocImports {
  const flavours = [Heap, CountingHeap, LowWaterHeap, HeaderlessHeap];
  if (!flavours.some((F) => heap instanceof F)) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, 'mallocImports(heap) needs a heap (createHeap or attachHeap)');
  }
  if (o === null || typeof o !== 'object' || (o.fastPath !== undefined && typeof o.fastPath !== 'boolean')) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, 'mallocImports(heap, options): options.fastPath must be true or false');
  }
  const small = heap.maxSmall;
  const malloc = (size: number): number => {
    const n = size >>> 0;
    return n <= small || n <= heap.maxAllocSize ? heap.alloc(n) : 0;
  };
  const free =
    heap instanceof HeaderlessHeap
      ? (p: number): void => {
          const q = p >>> 0;
          if (q !== 0) heap.free(q, heap.usableSize(q));
        }
      : (p: number): void => heap.free(p >>> 0);
  const alignedAlloc = (align: number, size: number): number => {
    const a = align >>> 0;
    const n = size >>> 0;
    if (a === 0 || (a & (a - 1)) !== 0 || a > MAX_ALIGN || n > heap.maxAllocSize) return 0;
    return heap.alignedAlloc(a, n);
  };
  const fast = o.fastPath === false ? null : fastPath(heap, malloc, free);
  return {
    malloc: fast?.malloc ?? malloc,
    free: fast?.free ?? free,
    calloc(count: number, size: number): number {
      const bytes = (count >>> 0) * (size >>> 0);
      // a product past size_t (2^32 - 1) is C's overflow: NULL, as glibc
      return bytes <= heap.maxAllocSize ? heap.calloc(bytes) : 0;
    },
    realloc(p: number, size: number): number {
      const q = p >>> 0;
      const n = size >>> 0;
      if (q === 0) return malloc(n);
      if (n === 0) {
        free(q);
        return 0;
      }
      return n <= heap.maxAllocSize ? heap.realloc(q, n) : 0;
    },
    aligned_alloc: alignedAlloc,
    posix_memalign(pp: number, align: number, size: number): number {
      const at = pp >>> 0;
      const a = align >>> 0;
      if (a < 4 || (a & (a - 1)) !== 0 || a > MAX_ALIGN) return EINVAL;
      const q = alignedAlloc(a, size);
      if (q === 0) return ENOMEM;
      const u8 = heap.u8;
      if (at + 4 > u8.length) {
        free(q);
        throw new HeapError(HeapErrorCode.OUT_OF_RANGE, `posix_memalign: the pointer's address ${at} is outside the memory`, at);
      }
      new DataView(u8.buffer).setUint32(at, q, true);
      return 0;
    },
    malloc_usable_size(p: number): number {
      const q = p >>> 0;
      return q === 0 ? 0 : heap.usableSize(q);
    },
  };
}

/**
 * The wasm fast path over `heap`, or null where it does not apply: another flavour than the
 * default heap, class sizes other than the default ones (the module computes the default classes),
 * a heap in a plain buffer (the module needs the memory), a closed heap, no WebAssembly.
 */
function fastPath(heap: Heap | HeaderlessHeap, malloc: (n: number) => number, free: (p: number) => void) {
  if (Object.getPrototypeOf(heap) !== Heap.prototype || heap.core.closed) return null;
  const h = heap as Heap;
  const memory = h.core.r.memory;
  const sizes = Array.from(h.sizes);
  const defaults = defaultClassSizes(Math.max(64, h.maxSmall));
  if (memory === null || sizes.length !== defaults.length || sizes.some((s, i) => s !== defaults[i])) return null;
  const fast = instantiateFastPath(
    { headsAt: h.heads * 4, allocTag: h.allocTag, freeTag: h.freeTag, maxSmall: h.maxSmall },
    { alloc: malloc, free, drain: (cls: number) => h.refiller.drain(cls), memory },
  );
  if (fast !== null) h.core.onRelease.push(fast.close);
  return fast;
}
