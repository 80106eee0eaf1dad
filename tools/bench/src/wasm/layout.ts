/**
 * The clang build's memory and what its exports hand back, shared by the main side (./child.ts)
 * and the Workers (./worker.ts). One shared WebAssembly.Memory:
 *
 *   0 ... data (slots, results, start line), default stack ... __heap_base | stacks | hakmem heap
 *
 * the heap placed above the module's data and every thread's stack (below it, it would wipe them).
 */
import { type MixedCounts, phaseCounts } from '../random-mixed/params.js';
import { HEAP_BYTES } from '../random-mixed/runners/common.js';

/**
 * Node flags of every wasm measurement: V8 compiles wasm with its baseline compiler (Liftoff) first
 * and swaps in optimized code in the background, for a function's next call; on a loaded machine
 * that race decided whether a timed loop ran baseline code (5x spread between runs). --no-liftoff
 * compiles every function optimized before it first runs: steady state, in every wasm row alike.
 */
export const WASM_NODE_FLAGS: readonly string[] = ['--no-liftoff'];

/** a thread's stack: worker_run needs a few hundred bytes */
export const STACK_BYTES = 64 << 10;
/** threads the C source has slots for (MAX_THREADS in wasm/random_mixed.c) */
export const MAX_THREADS = 4;
/** MAX_WS in wasm/random_mixed.c */
export const MAX_WS = 65536;
export const PAGE = 65536;

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export interface Placement {
  heapBase: number;
  stacksAt: number;
  heapAt: number;
  heapBytes: number;
  /** the memory's size, in 64 KiB pages */
  pages: number;
}

export function placement(heapBase: number, heapBytes = HEAP_BYTES): Placement {
  const stacksAt = align(heapBase, 16);
  const heapAt = align(stacksAt + MAX_THREADS * STACK_BYTES, 4096);
  return { heapBase, stacksAt, heapAt, heapBytes, pages: Math.ceil((heapAt + heapBytes) / PAGE) };
}

/** thread i's stack pointer (stacks grow down from their top) */
export const stackTop = (pl: Placement, i: number) => pl.stacksAt + (i + 1) * STACK_BYTES;

/** struct result in wasm/random_mixed.c: two doubles, then eight u32 */
export interface CResult {
  t0: number;
  t1: number;
  pcycles: number;
  pfailed: number;
  live0: number;
  fp0: number;
  mfailed: number;
  live1: number;
  fp1: number;
  drained: number;
}

export function readResult(buffer: ArrayBufferLike, at: number): CResult {
  const v = new DataView(buffer, at, 48);
  const u = (k: number) => v.getUint32(16 + 4 * k, true);
  return { t0: v.getFloat64(0, true), t1: v.getFloat64(8, true), pcycles: u(0), pfailed: u(1), live0: u(2), fp0: u(3), mfailed: u(4), live1: u(5), fp1: u(6), drained: u(7) };
}

/** the module's exports (clang build) */
export interface RmExports {
  __heap_base: WebAssembly.Global;
  __stack_pointer: WebAssembly.Global;
  worker_run(i: number, cycles: number, ws: number, seed: number, min: number, max: number, verify: number): void;
  coordinate(n: number): number;
  result_at(i: number): number;
  ctl_at(): number;
}

/** word indexes of the start line (struct ctl) from ctl_at() */
export const CTL_BEGIN = 0;
export const CTL_READY = 1;

/** What a thread did, as the other runners report it (the same arithmetic as the C port's). */
export function countsOf(r: CResult, cycles: number): MixedCounts {
  return {
    prefault: phaseCounts(r.pcycles, r.pfailed, 0, r.live0, r.fp0),
    main: phaseCounts(cycles, r.mfailed, r.live0, r.live1, r.fp1),
    drain: { frees: r.drained },
  };
}
