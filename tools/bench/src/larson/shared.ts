/**
 * The memory larson's threads share besides the heap: one SharedArrayBuffer holding the control
 * words, one block of state per range (its RNG, its generation count, its totals; 512 bytes apart
 * so no two ranges share a cache line), and the two slot arrays of larson.cpp (pointers, sizes).
 * The main thread and every worker build the same views over it; the loops use one of them,
 * `words` (the whole buffer), with word indices: one typed array instead of four keeps V8's checks
 * (map, bounds base) per iteration to one set, and the range's lran2 table is used in place, as
 * larson.cpp's threads use their `thread_data`.
 */
import { LRAN2_WORDS } from './lran2.js';
import { type LarsonParams, slotCount } from './params.js';

/** control words (Int32, used with Atomics) */
export const C_STOP = 0;
/** workers spawned that have not finished yet */
export const C_RUNNING = 1;
/** respawn: the next worker id (tags in verify mode); the main thread is 0 */
export const C_NEXT_ID = 2;
/** set when the first generation may start (all its workers are up) */
export const C_GO = 3;

const RANGE0 = 16;
const RANGE_WORDS = 128;
/** generations of the range completed (handoff: the next worker waits for it) */
const R_GEN = 0;
/** the range's lran2 state: v[97], x, y */
const R_RNG = 4;
/** Float64 totals from word 104 of a range */
const R_F64 = 104;
export const F_ITERS = 0;
export const F_FAILED = 1;
export const F_GENERATIONS = 2;
/** verify mode: tag counts */
export const F_V_ALLOCS = 3;
export const F_V_FREES = 4;
export const F_V_OLDER = 5;
export const F_V_CROSS = 6;
export const F_V_BAD = 7;

export class LarsonShared {
  /** every word of the buffer (the loops index it: stop flag, lran2 state, slot arrays) */
  readonly words: Int32Array;
  /** word index of blkp[0] and of blksize[0] in `words` */
  readonly arrayAt: number;
  readonly sizesAt: number;
  readonly ctrl: Int32Array;
  readonly f64: Float64Array;
  /** larson.cpp's blkp[]: the block of every slot (byte offsets into the heap; 0 = none) */
  readonly array: Int32Array;
  /** larson.cpp's blksize[]: the size asked for each slot's block */
  readonly blksize: Int32Array;
  readonly threads: number;

  constructor(readonly sab: SharedArrayBuffer, p: LarsonParams) {
    this.threads = p.threads;
    const words = LarsonShared.words(p);
    if (sab.byteLength < words * 4) throw new Error('larson: shared buffer too small');
    const n = slotCount(p);
    const arrayAt = RANGE0 + p.threads * RANGE_WORDS;
    this.words = new Int32Array(sab, 0, words);
    this.arrayAt = arrayAt;
    this.sizesAt = arrayAt + n;
    this.ctrl = new Int32Array(sab, 0, arrayAt);
    this.f64 = new Float64Array(sab, 0, arrayAt >> 1);
    this.array = new Int32Array(sab, arrayAt * 4, n);
    this.blksize = new Int32Array(sab, (arrayAt + n) * 4, n);
  }

  static words(p: LarsonParams): number {
    return RANGE0 + p.threads * RANGE_WORDS + 2 * slotCount(p);
  }

  static create(p: LarsonParams): LarsonShared {
    const s = new LarsonShared(new SharedArrayBuffer(LarsonShared.words(p) * 4), p);
    s.ctrl[C_NEXT_ID] = 1;
    return s;
  }

  /** index in ctrl of range r's generation counter */
  genIndex(r: number): number {
    return RANGE0 + r * RANGE_WORDS + R_GEN;
  }

  /** index in ctrl (and words) of range r's lran2 state (LRAN2_WORDS words) */
  rngIndex(r: number): number {
    return RANGE0 + r * RANGE_WORDS + R_RNG;
  }

  /** index in f64 of range r's total `f` (F_*) */
  f(r: number, f: number): number {
    return ((RANGE0 + r * RANGE_WORDS + R_F64) >> 1) + f;
  }

  /** sum of a total over the ranges */
  sum(f: number): number {
    let s = 0;
    for (let r = 0; r < this.threads; r++) s += this.f64[this.f(r, f)];
    return s;
  }

  stopped(): boolean {
    return Atomics.load(this.ctrl, C_STOP) !== 0;
  }
}

export { LRAN2_WORDS };
