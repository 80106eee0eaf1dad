/**
 * `createHeap`'s options: their types, and the one place they are checked and given their
 * defaults (every option that cannot work is a HeapError HAKMEM_BAD_OPTION before anything is
 * created).
 */
import { BLOCK_ALIGNS, checkClassSizes, DEFAULT_BLOCK_ALIGN, HeapError, HeapErrorCode, isSharedMemory, MAX_HEAP_END, memoryMaxBytes, type WasmMemory, shown } from '@hakmem/arena';
import { DEFAULT_CAPACITY, isRingCapacity } from '@hakmem/ace-learning';
import { defaultClassSizes } from '@hakmem/pool-tls';

/** `createHeap`'s options. */
export interface HeapOptions {
  /** bytes of the heap now (default 64 MiB); untouched shared memory costs no RAM. Not with `memory`. */
  size?: number;
  /**
   * The most bytes the heap may ever take. In a new buffer: grow up to this many bytes (a
   * growable SharedArrayBuffer; default: `size`, no growth). With `buffer` or `memory`: bytes from
   * `byteOffset` (default: all the buffer, or up to the memory's maximum); a buffer's heap never
   * grows past its buffer, a memory's grows the memory up to this.
   */
  maxSize?: number;
  /**
   * place the heap in this buffer instead of a new one (all of one of 4 GiB can hold the heap:
   * pointers are unsigned 32-bit, so a heap ends by 2^32). For a shared WebAssembly.Memory, pass
   * `memory` instead: the heap can then grow it.
   */
  buffer?: SharedArrayBuffer;
  /**
   * Place the heap in this shared WebAssembly.Memory (`shared: true`), from `byteOffset`, which
   * must not be below `reservedBelow` (required with `memory`). The heap starts with the bytes the
   * memory has above `byteOffset` (the memory is grown at once if they cannot hold the heap's
   * metadata and a page) and grows it with `memory.grow` when it needs pages, up to the memory's
   * maximum or `maxSize`; every worker follows the memory's new buffer at its next cold path.
   * `heap.handle` carries the memory to `attachHeap`. Not with `buffer`, `size` or `byteLength`.
   * See "In a WebAssembly module" in the README.
   */
  memory?: WasmMemory;
  /**
   * Bytes at the start of the buffer or memory that are not the heap's: a module's data and
   * stacks (its `__heap_base` and the stacks you placed above it). A `byteOffset` below it is
   * refused (HAKMEM_BAD_PLACEMENT); `byteOffset` defaults to it (rounded up to a multiple of 8).
   * Required with `memory`, so that a default `byteOffset` of 0 never writes over a module's data.
   */
  reservedBelow?: number;
  /**
   * where the heap starts in `buffer` or `memory` (an integer multiple of 8; default
   * `reservedBelow` rounded up to 8, else 0). A heap still in use at that offset is refused
   * (HAKMEM_BAD_OPTION). To reuse the buffer on purpose, `close()` the old heap first and let its
   * workers detach; or, when you know no thread uses it any more, zero its first word:
   * `new Int32Array(buffer, byteOffset, 1)[0] = 0`.
   */
  byteOffset?: number;
  /** how many bytes of `buffer` the heap takes from byteOffset (default: to the end, or to 4 GiB, or `maxSize`) */
  byteLength?: number;
  /** workers that may attach besides the creator (default 64, at most 254) */
  maxWorkers?: number;
  /** no block headers: `free(ptr, size)` needs the size and misuse goes undetected; saves 8 bytes a block (not faster) */
  headerless?: boolean;
  /**
   * Every block's alignment: 16 (the default; C's `max_align_t` on wasm32, what `malloc` must
   * give) or 8 (smaller strides for classes that are not multiples of 16: less memory for small
   * blocks). `alignedAlloc` gives more where asked.
   */
  align?: 8 | 16;
  /** usable bytes per size class (advanced; default 16 B .. 64 KiB, see @hakmem/pool-tls) */
  classSizes?: number[];
  /**
   * The most bytes one worker's cache may hold idle, over all classes (default: a sixteenth of the
   * heap's maximum size, at least 4 MiB). A heap-wide collect (before `alloc` returns 0) takes back
   * everything else idle workers hold; caches it cannot take from outside, so this bounds them.
   */
  maxCachedBytes?: number;
  /** blocks per refill, per class, while the learner has chosen none (advanced; default: ~32 KiB a refill, 4..64 blocks) */
  refillCounts?: number[];
  /**
   * The learner (Box 3) that tunes refill counts from refill events (default: on; it starts once
   * refills are worth learning from, inline on this thread's event loop, a Worker if it cannot keep
   * up). `false`: fixed counts, no event ring in the heap. An object: { mode, ringCapacity }.
   */
  learning?: boolean | LearningOptions;
  /**
   * Hot-path counters for diagnostics, per class and worker: a counting flavour of the cache,
   * chosen at creation for every worker; off by default (free). `true`: allocations, hits and
   * frees (one increment per alloc, ~2% on random-mixed). `'low-water'`: also each list's exact
   * low-water mark (a compare and store more per alloc, ~5-6% on random-mixed).
   * The environment: HAKMEM_COUNTERS=1 or HAKMEM_COUNTERS=low-water.
   */
  counters?: boolean | 'low-water';
  /**
   * Debug flags, off by default and free when off (checked on cold paths only): `contracts`
   * counts contract violations (a push that found the ring full, a policy read outside a refill,
   * a refill that waited); `logDrops` logs dropped refill events. HAKMEM_DEBUG=contracts,drops.
   */
  debug?: { contracts?: boolean; logDrops?: boolean };
}

export interface LearningOptions {
  /**
   * 'auto' (default): started once refills are worth learning from, inline on this thread's event
   * loop, moved to a Worker when it falls behind; 'worker': a Worker at once; 'inline': inline at once
   */
  mode?: 'auto' | 'worker' | 'inline';
  /** events the ring holds (a power of two; default 4096) */
  ringCapacity?: number;
}

export interface ResolvedOptions {
  /** the buffer, or undefined with a memory */
  buffer: SharedArrayBuffer | undefined;
  memory: WasmMemory | undefined;
  base: number;
  /** undefined with a memory: what it holds above base (Region.create grows it to fit) */
  bytes: number | undefined;
  maxBytes: number;
  slots: number;
  headerless: boolean;
  align: number;
  classSizes: number[];
  refillCounts: number[] | undefined;
  learning: Required<LearningOptions> | null;
  counters: false | 'hits' | 'low-water';
  debug: { contracts: boolean; logDrops: boolean };
}

const env = (k: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[k];

function debugFrom(o: HeapOptions): { contracts: boolean; logDrops: boolean } {
  const e = (env('HAKMEM_DEBUG') ?? '').split(',').map((x) => x.trim());
  return {
    contracts: o.debug?.contracts ?? e.includes('contracts'),
    logDrops: o.debug?.logDrops ?? e.includes('drops'),
  };
}

function countersFrom(v: HeapOptions['counters']): ResolvedOptions['counters'] {
  if (v === undefined) {
    const e = (env('HAKMEM_COUNTERS') ?? '').trim();
    return e === 'low-water' ? 'low-water' : e === '1' || e === 'true' ? 'hits' : false;
  }
  if (v === 'low-water') return 'low-water';
  if (typeof v !== 'boolean') throw bad(`counters must be true, false or 'low-water', got ${shown(v)}`);
  return v ? 'hits' : false;
}

export const DEFAULT_SIZE = 64 << 20;
export const DEFAULT_MAX_WORKERS = 64;

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

function int(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`${name} must be an integer in [${min}, ${max}], got ${shown(v)}`);
  }
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw bad(`${name} must be true or false, got ${shown(v)}`);
  return v === true;
}

function object(name: string, v: unknown): void {
  if (v !== undefined && (v === null || typeof v !== 'object')) throw bad(`${name} must be an object, got ${shown(v)}`);
}

export function resolveOptions(o: HeapOptions = {}): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw bad('options must be an object');
  // null is no option's value (undefined takes the default)
  for (const [k, v] of Object.entries(o)) if (v === null) throw bad(`option ${k} is null`);
  if (o.buffer !== undefined && o.memory !== undefined) throw bad('give buffer or memory, not both');
  if (o.buffer === undefined && o.memory === undefined && (o.byteOffset !== undefined || o.byteLength !== undefined || o.reservedBelow !== undefined)) {
    throw bad('byteOffset, byteLength and reservedBelow place the heap in a buffer or memory you give: pass buffer or memory too');
  }
  const maxWorkers = int('maxWorkers', o.maxWorkers ?? DEFAULT_MAX_WORKERS, 0, 254);
  const classSizes = o.classSizes ?? defaultClassSizes();
  checkClassSizes(classSizes);
  const headerless = bool('headerless', o.headerless);
  const align = o.align ?? DEFAULT_BLOCK_ALIGN;
  if (!BLOCK_ALIGNS.includes(align)) throw bad(`align must be 8 or 16, got ${shown(align)}`);
  if (o.maxCachedBytes !== undefined) int('maxCachedBytes', o.maxCachedBytes, 4096, 2 ** 31); // before anything is written
  if (o.refillCounts !== undefined && (!Array.isArray(o.refillCounts) || o.refillCounts.length !== classSizes.length)) {
    throw bad(`refillCounts must be an array of ${classSizes.length} counts (one per class)`);
  }
  o.refillCounts?.forEach((n, i) => int(`refillCounts[${i}]`, n, 1, 1 << 16));
  if (o.learning !== undefined && typeof o.learning !== 'boolean') object('learning', o.learning);
  object('debug', o.debug);
  if (o.debug) {
    bool('debug.contracts', o.debug.contracts);
    bool('debug.logDrops', o.debug.logDrops);
  }
  const l = o.learning ?? true;
  const lo: LearningOptions = l === true ? {} : l || {};
  const learning = l === false ? null : {
    mode: lo.mode === undefined ? ('auto' as const) : lo.mode,
    ringCapacity: lo.ringCapacity === undefined ? DEFAULT_CAPACITY : lo.ringCapacity,
  };
  const counters = countersFrom(o.counters);
  if (counters && headerless) throw bad('counters need block headers (headerless: false)');
  const debug = debugFrom(o);
  if (learning) {
    if (!['auto', 'worker', 'inline'].includes(learning.mode)) throw bad(`learning.mode must be auto, worker or inline`);
    const c = learning.ringCapacity;
    if (!isRingCapacity(c)) throw bad(`learning.ringCapacity ${shown(c)} must be a power of two in [2, 2^20]`);
  }
  const rest = { slots: maxWorkers + 1, headerless, align, classSizes, refillCounts: o.refillCounts, learning, counters, debug };
  if (o.memory !== undefined) {
    const memory = o.memory;
    if (!isSharedMemory(memory)) throw bad('memory must be a shared WebAssembly.Memory (shared: true)');
    if (o.reservedBelow === undefined) {
      throw bad("reservedBelow is required with memory: the bytes at the memory's start that are the module's (its data up to __heap_base, its stacks), 0 if none");
    }
    if (o.size !== undefined || o.byteLength !== undefined) {
      throw bad('size and byteLength do not apply with memory: the heap takes what the memory has above byteOffset and grows it (maxSize bounds it)');
    }
    const base = placement(o, MAX_HEAP_END - 1);
    const limit = Math.min(memoryMaxBytes(memory), MAX_HEAP_END) - base;
    if (limit < 4096) throw bad(`byteOffset ${base} leaves no room for a heap below the memory's maximum (${memoryMaxBytes(memory)} bytes)`);
    const maxBytes = o.maxSize === undefined ? limit : Math.min(int('maxSize', o.maxSize, 4096, 2 ** 32), limit);
    return { buffer: undefined, memory, base, bytes: undefined, maxBytes, ...rest };
  }
  if (o.buffer !== undefined) {
    if (!(o.buffer instanceof SharedArrayBuffer)) throw bad('buffer must be a SharedArrayBuffer');
    // a heap ends by MAX_HEAP_END (2^32: pointers are unsigned 32-bit): the rest of a bigger buffer is not its
    const usable = Math.min(o.buffer.byteLength, MAX_HEAP_END);
    const base = placement(o, usable - 1);
    const maxSize = o.maxSize === undefined ? undefined : int('maxSize', o.maxSize, 1, 2 ** 32);
    const bytes = int('byteLength', o.byteLength ?? Math.min(usable - base, maxSize ?? Infinity), 1, usable - base);
    if (maxSize !== undefined && bytes > maxSize) throw bad(`byteLength ${bytes} is above maxSize ${maxSize}`);
    const limit = Math.min(o.buffer.growable ? o.buffer.maxByteLength : o.buffer.byteLength, MAX_HEAP_END) - base;
    const maxBytes = o.byteLength !== undefined && !o.buffer.growable ? bytes : Math.min(limit, maxSize ?? Infinity);
    return { buffer: o.buffer, memory: undefined, base, bytes, maxBytes, ...rest };
  }
  const size = int('size', o.size ?? DEFAULT_SIZE, 1, MAX_HEAP_END);
  const maxSize = int('maxSize', o.maxSize ?? size, size, MAX_HEAP_END);
  const buffer = maxSize > size ? new SharedArrayBuffer(size, { maxByteLength: maxSize }) : new SharedArrayBuffer(size);
  return { buffer, memory: undefined, base: 0, bytes: size, maxBytes: maxSize, ...rest };
}

/**
 * Where the heap starts in a buffer or memory you give: `byteOffset`, by default `reservedBelow`
 * rounded up to 8; refused below `reservedBelow` (HAKMEM_BAD_PLACEMENT), before anything is written.
 */
function placement(o: HeapOptions, maxOffset: number): number {
  const reserved = o.reservedBelow === undefined ? 0 : int('reservedBelow', o.reservedBelow, 0, 2 ** 32);
  const base = o.byteOffset ?? Math.ceil(reserved / 8) * 8;
  int('byteOffset', base, 0, 2 ** 32); // not an offset at all: BAD_OPTION, before where it points
  if (base < reserved) {
    throw new HeapError(
      HeapErrorCode.BAD_PLACEMENT,
      `byteOffset ${base} is below reservedBelow ${reserved}: the heap would write over memory that is not its own (a module's data or stacks)`,
    );
  }
  int('byteOffset', base, 0, maxOffset);
  if (base % 8 !== 0) throw bad(`byteOffset ${base} must be a multiple of 8`);
  return base;
}
