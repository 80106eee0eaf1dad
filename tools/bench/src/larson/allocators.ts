/** Everything larson measures, in the order the table prints it (per parameter set). */
import type { Variant } from './child.js';

export type LarsonReference = 'limit' | 'glibc' | 'mimalloc';

export interface LarsonJsAllocator {
  kind: 'js';
  reference?: LarsonReference;
  /** the --only key */
  name: string;
  label: string;
  variant: Variant;
  /** chunks per thread divided by this (O(n) free: a smaller live set), said in the parameters column */
  chunksDivisor?: number;
  about: string;
}

export interface LarsonNativeAllocator {
  kind: 'native';
  name: string;
  label: string;
  reference?: LarsonReference;
  preload?: { lib: 'mimalloc' | 'jemalloc'; debPackage: string };
  about: string;
}

export type LarsonAllocator = LarsonJsAllocator | LarsonNativeAllocator;

/** smo's free walks every live block under one lock: it runs with chunks / 10 */
export const SMO_CHUNKS_DIVISOR = 10;

export const LARSON_ALLOCATORS: readonly LarsonAllocator[] = [
  {
    kind: 'js', name: 'limit', variant: 'handoff', reference: 'limit', label: 'limit: bare JS freelist',
    about: 'segregated freelists inlined in the loop, one set of heads per range (no locks), 16 B / 1 KiB classes, shared bump on a miss',
  },
  {
    kind: 'js', name: 'hakmem', variant: 'handoff', label: 'hakmem',
    about: 'createHeap({ size, maxWorkers }) on the main thread (the learner on, the default), attachHeap(handle) per worker; workers live on, ranges rotate at every generation boundary',
  },
  {
    kind: 'js', name: 'hakmem-fixed', variant: 'handoff', label: 'hakmem fixed counts',
    about: 'the same, createHeap({ ..., learning: false }): the learner off, fixed default refill counts',
  },
  {
    kind: 'js', name: 'hakmem', variant: 'respawn', label: 'hakmem',
    about: 'the same heap; a new Worker (attachHeap ... detach) per generation, as larson starts a new thread',
  },
  {
    kind: 'js', name: 'smo', variant: 'handoff', label: '@daneren2005/shared-memory-objects', chunksDivisor: SMO_CHUNKS_DIVISOR,
    about: 'its MemoryBuffer over one SharedArrayBuffer (main initializes; each worker builds one with skipInitialization)',
  },
  {
    kind: 'js', name: 'smo', variant: 'respawn', label: '@daneren2005/shared-memory-objects', chunksDivisor: SMO_CHUNKS_DIVISOR,
    about: 'the same, a new Worker per generation',
  },
  {
    kind: 'native', name: 'glibc', reference: 'glibc', label: 'native glibc malloc',
    about: 'C port (native/larson.c, gcc -O2 -pthread), a new pthread per generation',
  },
  {
    kind: 'native', name: 'mimalloc', reference: 'mimalloc', label: 'native mimalloc',
    about: 'C port with mimalloc through LD_PRELOAD', preload: { lib: 'mimalloc', debPackage: 'libmimalloc-dev' },
  },
  {
    kind: 'native', name: 'jemalloc', label: 'native jemalloc',
    about: 'C port with jemalloc through LD_PRELOAD', preload: { lib: 'jemalloc', debPackage: 'libjemalloc-dev' },
  },
];

export const LARSON_NAMES = [...new Set(LARSON_ALLOCATORS.map((a) => a.name))];
