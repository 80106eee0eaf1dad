/**
 * Everything random-mixed measures, in the order the table prints it. JavaScript runners are
 * loaded lazily by name, in a child process of their own (./child.ts); native ones run the C port.
 */
import type { MixedRunner } from './runner.js';

export type Reference = 'limit' | 'glibc' | 'mimalloc';

interface Base {
  /** the --only key */
  name: string;
  /** the table's label */
  label: string;
  /** what the row is, in a few words (README and JSON) */
  about: string;
  /** a reference the ratios are taken against */
  reference?: Reference;
}

export interface JsAllocator extends Base {
  kind: 'js';
  /** the allocator runs cycles / slowDivisor iterations (O(n) free: the full count would take minutes) */
  slow?: boolean;
  /** how it is configured, when that needs saying (printed in the notes) */
  config?: string;
  load(): Promise<{ runner: MixedRunner<unknown> }>;
}

export interface NativeAllocator extends Base {
  kind: 'native';
  /** LD_PRELOAD this library (by its Debian name); none for glibc */
  preload?: { lib: 'mimalloc' | 'jemalloc'; debPackage: string };
}

export type MixedAllocator = JsAllocator | NativeAllocator;

type Loaded = { runner: MixedRunner<unknown> };
const load = (p: Promise<unknown>) => p as Promise<Loaded>;

export const MIXED_ALLOCATORS: readonly MixedAllocator[] = [
  {
    name: 'limit', kind: 'js', reference: 'limit', label: 'limit: bare JS freelist',
    about: 'segregated freelist inlined in the loop, 16-byte classes, 4-byte class word, bump on a miss, Int32Array over a SharedArrayBuffer',
    load: () => load(import('./runners/limit.js')),
  },
  {
    name: 'hakmem', kind: 'js', label: 'hakmem',
    about: 'createHeap({ size: 64 MiB }): alloc(size), free(p); the learner on (the default)',
    load: () => load(import('./runners/hakmem.js')),
  },
  {
    name: 'hakmem-fixed', kind: 'js', label: 'hakmem fixed counts',
    about: 'createHeap({ size: 64 MiB, learning: false }): the learner off, fixed default refill counts',
    load: () => load(import('./runners/hakmem-fixed.js')),
  },
  {
    name: 'hakmem-counters', kind: 'js', label: 'hakmem counters on',
    about: 'createHeap({ size: 64 MiB, counters: true }): the counting flavour (allocs, hits, frees) for diagnostics',
    load: () => load(import('./runners/hakmem-counters.js')),
  },
  {
    name: 'hakmem-low-water', kind: 'js', label: 'hakmem counters + low-water',
    about: "createHeap({ size: 64 MiB, counters: 'low-water' }): counting plus each list's exact low-water mark",
    load: () => load(import('./runners/hakmem-low-water.js')),
  },
  {
    name: 'hakmem-align8', kind: 'js', label: 'hakmem align 8',
    about: 'createHeap({ size: 64 MiB, align: 8 }): blocks 8-aligned (the default is 16), strides of size + 8',
    load: () => load(import('./runners/hakmem-align8.js')),
  },
  {
    name: 'hakmem-headerless', kind: 'js', label: 'hakmem headerless',
    about: 'createHeap({ size: 64 MiB, headerless: true }): free(p, size), sizes kept in a parallel Int32Array',
    load: () => load(import('./runners/hakmem-headerless.js')),
  },
  {
    name: 'thi.ng', kind: 'js', slow: true, label: '@thi.ng/malloc MemPool',
    about: 'MemPool over a 64 MiB SharedArrayBuffer, defaults (compact, split); single thread, O(n) free',
    load: () => load(import('./runners/thing.js')),
  },
  {
    name: 'smo', kind: 'js', slow: true, label: '@daneren2005/shared-memory-objects',
    about: 'its MemoryBuffer (locked MemPool fork) over a 64 MiB SharedArrayBuffer, compact/split off as its MemoryHeap sets them; O(n) free',
    config:
      'the allocator is its MemoryBuffer (a locked fork of thi.ng\'s MemPool) over one 64 MiB SharedArrayBuffer, with ' +
      'compact and split off as its MemoryHeap configures them (MemoryHeap itself reads Vite\'s import.meta.env and ' +
      'cannot run in plain Node)',
    load: () => load(import('./runners/smo.js')),
  },
  {
    name: 'uint8array', kind: 'js', label: 'new Uint8Array(size)',
    about: 'the GC as allocator: alloc = new Uint8Array(size), free = drop the reference',
    load: () => load(import('./runners/uint8array.js')),
  },
  {
    name: 'glibc', kind: 'native', reference: 'glibc', label: 'native glibc malloc',
    about: 'C port (native/random_mixed.c, gcc -O2) with glibc malloc/free',
  },
  {
    name: 'mimalloc', kind: 'native', reference: 'mimalloc', label: 'native mimalloc',
    about: 'C port with mimalloc through LD_PRELOAD',
    preload: { lib: 'mimalloc', debPackage: 'libmimalloc-dev' },
  },
  {
    name: 'jemalloc', kind: 'native', label: 'native jemalloc',
    about: 'C port with jemalloc through LD_PRELOAD',
    preload: { lib: 'jemalloc', debPackage: 'libjemalloc-dev' },
  },
];

export const mixedAllocator = (name: string): MixedAllocator | undefined => MIXED_ALLOCATORS.find((a) => a.name === name);
