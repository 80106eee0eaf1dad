import { checkClassSizes, HeapError, HeapErrorCode, MAX_HEAP_END } from '@hakmem/arena';
import { DEFAULT_CAPACITY } from '@hakmem/ace-learning';
import { defaultClassSizes } from '@hakmem/pool-tls';

/** `createHeap`'s options. */
export interface HeapOptions {
  /** bytes of the heap now (default 64 MiB); untouched shared memory costs no RAM */
  size?: number;
  /** grow up to this many bytes (a growable SharedArrayBuffer); default: no growth */
  maxSize?: number;
  /**
   * place the heap in this buffer instead of a new one (a shared WebAssembly memory's, say: all
   * of a 4 GiB one can hold the heap; pointers are unsigned 32-bit, so a heap ends by 2^32)
   */
  buffer?: SharedArrayBuffer;
  /**
   * where the heap starts in `buffer` (an integer multiple of 8, default 0). A heap still in use
   * at that offset is refused (HAKMEM_BAD_OPTION). To reuse the buffer on purpose, `close()` the
   * old heap first and let its workers detach; or, when you know no thread uses it any more,
   * zero its first word: `new Int32Array(buffer, byteOffset, 1)[0] = 0`.
   */
  byteOffset?: number;
  /** how many bytes of `buffer` the heap takes from byteOffset (default: to the end, or to 4 GiB) */
  byteLength?: number;
  /** workers that may attach besides the creator (default 64, at most 254) */
  maxWorkers?: number;
  /** no block headers: `free(ptr, size)` needs the size and misuse goes undetected (a few % faster) */
  headerless?: boolean;
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
   * The learner (Box 3) that tunes refill counts from refill events, in a Worker of its own
   * (default: on). `false`: fixed counts, no event ring in the heap. An object: { mode, ringCapacity }.
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
  /** 'auto' (default): a Worker where one can start, else inline on this thread's event loop */
  mode?: 'auto' | 'worker' | 'inline';
  /** events the ring holds (a power of two; default 4096) */
  ringCapacity?: number;
}

export interface ResolvedOptions {
  buffer: SharedArrayBuffer;
  base: number;
  bytes: number;
  maxBytes: number;
  slots: number;
  headerless: boolean;
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
  if (typeof v !== 'boolean') throw bad(`counters must be true, false or 'low-water', got ${String(v)}`);
  return v ? 'hits' : false;
}

export const DEFAULT_SIZE = 64 << 20;
export const DEFAULT_MAX_WORKERS = 64;

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

function int(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw bad(`${name} must be true or false, got ${String(v)}`);
  return v === true;
}

function object(name: string, v: unknown): void {
  if (v !== undefined && (v === null || typeof v !== 'object')) throw bad(`${name} must be an object, got ${String(v)}`);
}

export function resolveOptions(o: HeapOptions = {}): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw bad('options must be an object');
  // null is no option's value (undefined takes the default)
  for (const [k, v] of Object.entries(o)) if (v === null) throw bad(`option ${k} is null`);
  if (o.buffer === undefined && (o.byteOffset !== undefined || o.byteLength !== undefined)) {
    throw bad('byteOffset and byteLength place the heap in a buffer you give: pass buffer too');
  }
  const maxWorkers = int('maxWorkers', o.maxWorkers ?? DEFAULT_MAX_WORKERS, 0, 254);
  const classSizes = o.classSizes ?? defaultClassSizes();
  checkClassSizes(classSizes);
  const headerless = bool('headerless', o.headerless);
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
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 2 || c > 1 << 20 || (c & (c - 1)) !== 0) {
      throw bad(`learning.ringCapacity ${String(c)} must be a power of two in [2, 2^20]`);
    }
  }
  if (o.buffer !== undefined) {
    if (!(o.buffer instanceof SharedArrayBuffer)) throw bad('buffer must be a SharedArrayBuffer');
    // a heap ends by MAX_HEAP_END (2^32: pointers are unsigned 32-bit): the rest of a bigger buffer is not its
    const usable = Math.min(o.buffer.byteLength, MAX_HEAP_END);
    const base = int('byteOffset', o.byteOffset ?? 0, 0, usable - 1);
    if (base % 8 !== 0) throw bad(`byteOffset ${base} must be a multiple of 8`);
    const bytes = int('byteLength', o.byteLength ?? usable - base, 1, usable - base);
    const limit = Math.min(o.buffer.growable ? o.buffer.maxByteLength : o.buffer.byteLength, MAX_HEAP_END) - base;
    const maxBytes = o.byteLength !== undefined && !o.buffer.growable ? bytes : limit;
    return { buffer: o.buffer, base, bytes, maxBytes, slots: maxWorkers + 1, headerless, classSizes, refillCounts: o.refillCounts, learning, counters, debug };
  }
  const size = int('size', o.size ?? DEFAULT_SIZE, 1, MAX_HEAP_END);
  const maxSize = int('maxSize', o.maxSize ?? size, size, MAX_HEAP_END);
  const buffer = maxSize > size ? new SharedArrayBuffer(size, { maxByteLength: maxSize }) : new SharedArrayBuffer(size);
  return { buffer, base: 0, bytes: size, maxBytes: maxSize, slots: maxWorkers + 1, headerless, classSizes, refillCounts: o.refillCounts, learning, counters, debug };
}
