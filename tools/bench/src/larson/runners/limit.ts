/**
 * The limit for larson: a bare segregated freelist inlined in the loop, over an Int32Array on one
 * fixed SharedArrayBuffer shared by every worker. What a JS allocator that works across workers
 * costs at the very least, with larson's own harness around it (lran2, the slot arrays, the stop
 * flag): the ceiling for hakmem in this benchmark.
 *
 * - One set of list heads per range (and one for the main thread): a generation pushes and pops
 *   only on its range's lists, and only one worker runs a range at a time, so no list needs a
 *   lock or an atomic. A block freed by a range goes to that range's lists, whoever allocated it.
 * - Classes: 16-byte steps up to 1 KiB, 1 KiB steps above; a 4-byte class word before each block.
 * - A miss bumps a shared top with Atomics.add (the only atomic, off the hot path).
 * No validation, no sharing of free blocks between ranges, no return of memory.
 */
import type { LarsonParams } from '../params.js';
import { type LarsonShared } from '../shared.js';
import { LRAN2_X, LRAN2_Y } from '../lran2.js';
import { type LarsonRunner, type LoopState, loopState, type MainOps } from '../runner.js';
import { MAX_HEAP_BYTES } from './hakmem.js';

/** class of a size: 16-byte steps to 1024, 1 KiB steps above */
export const limitClass = (size: number): number => (size <= 1024 ? (size + 15) >> 4 : 63 + ((size + 1023) >> 10));
/** data bytes of a class */
export const limitClassBytes = (cls: number): number => (cls <= 64 ? cls << 4 : (cls - 63) << 10);

/** word 0: the bump top (byte offset); word 1: blocks carved; list heads from word 16 */
const W_TOP = 0;
const W_CARVED = 1;
const HEADS0 = 16;

interface Layout {
  classes: number;
  /** sets of heads: one per range, then the main thread's */
  sets: number;
  /** words per set of heads (classes rounded up to 16 words: a cache line) */
  stride: number;
  /** byte offset of the first block */
  start: number;
}

function layout(p: LarsonParams): Layout {
  const classes = limitClass(p.max) + 1;
  const stride = (classes + 15) & ~15;
  const headsEnd = HEADS0 + (p.threads + 1) * stride;
  // the first block's data 64-aligned, after its 4-byte class word
  return { classes, sets: p.threads + 1, stride, start: ((headsEnd * 4 + 63) & ~63) + 64 };
}

/** Worst case (every slot the largest class, per range and its lists) is far above what runs; the hakmem heap's size is. */
export function limitBytes(p: LarsonParams): number {
  const want = (64 << 20) + 2 * p.threads * p.chunks * (limitClassBytes(limitClass(p.max)) + 4);
  return Math.min(MAX_HEAP_BYTES, Math.ceil(want / 65536) * 65536);
}

interface LimitMain {
  sab: SharedArrayBuffer;
  i32: Int32Array;
  u8: Uint8Array;
  lay: Layout;
  end: number;
}

interface LimitState extends LoopState {
  i32: Int32Array;
  /** word index of range 0's heads; range r's are r * stride further */
  heads: number;
  stride: number;
  end: number;
}

function generation(s: LimitState, r: number, n: number): number {
  const i32 = s.i32;
  const u8 = s.u8;
  const w = s.w;
  const stop = s.stop;
  const asize = s.asize;
  const min = s.min;
  const span = s.span;
  const end = s.end;
  const rng = s.rng0 + r * s.rngStride;
  const slots = s.slots + r * asize;
  const sizes = s.sizes + r * asize;
  const h0 = s.heads + r * s.stride;
  let x = w[rng + LRAN2_X];
  let y = w[rng + LRAN2_Y];
  let failed = 0;
  let i = 0;
  while (i < n) {
    let j = y % 97;
    y = w[rng + j];
    x = (1366 * x + 150889) % 714025;
    w[rng + j] = x;
    const victim = y % asize;
    const old = w[slots + victim];
    if (old !== 0) {
      const q = old >> 2;
      const h = h0 + i32[q - 1];
      i32[q] = i32[h];
      i32[h] = old;
    }
    let size = min;
    if (span !== 0) {
      j = y % 97;
      y = w[rng + j];
      x = (1366 * x + 150889) % 714025;
      w[rng + j] = x;
      size = min + (y % span);
    }
    const cls = size <= 1024 ? (size + 15) >> 4 : 63 + ((size + 1023) >> 10);
    let p = i32[h0 + cls];
    if (p !== 0) {
      i32[h0 + cls] = i32[p >> 2];
    } else {
      const bytes = 4 + (cls <= 64 ? cls << 4 : (cls - 63) << 10);
      const at = Atomics.add(i32, W_TOP, bytes);
      if (at + bytes > end) {
        Atomics.sub(i32, W_TOP, bytes);
        p = 0;
      } else {
        Atomics.add(i32, W_CARVED, 1);
        i32[at >> 2] = cls;
        p = at + 4;
      }
    }
    w[slots + victim] = p;
    w[sizes + victim] = size;
    i++;
    if (p === 0) failed++;
    else {
      u8[p] = 97;
      u8[p + 1] = 98;
    }
    if (w[stop] !== 0) break; // the stop flag: a plain read, see runner.ts
  }
  w[rng + LRAN2_X] = x;
  w[rng + LRAN2_Y] = y;
  s.failed = failed;
  return i;
}

export const runner: LarsonRunner<LimitMain, LimitState> = {
  createMain(p) {
    const heapBytes = limitBytes(p);
    const sab = new SharedArrayBuffer(heapBytes);
    const i32 = new Int32Array(sab);
    const lay = layout(p);
    i32[W_TOP] = lay.start - 4;
    return { main: { sab, i32, u8: new Uint8Array(sab), lay, end: heapBytes }, share: sab, heapBytes };
  },
  mainOps(m): MainOps {
    // the main thread's lists are the last set of heads
    const { i32 } = m;
    const mainHeads = HEADS0 + (m.lay.sets - 1) * m.lay.stride;
    return {
      alloc(size) {
        const cls = limitClass(size);
        let p = i32[mainHeads + cls];
        if (p !== 0) {
          i32[mainHeads + cls] = i32[p >> 2];
          return p;
        }
        const bytes = 4 + limitClassBytes(cls);
        const at = Atomics.add(i32, W_TOP, bytes);
        if (at + bytes > m.end) {
          Atomics.sub(i32, W_TOP, bytes);
          return 0;
        }
        Atomics.add(i32, W_CARVED, 1);
        i32[at >> 2] = cls;
        p = at + 4;
        return p;
      },
      free(p) {
        if (p === 0) return;
        const w = p >> 2;
        const h = mainHeads + i32[w - 1];
        i32[w] = i32[h];
        i32[h] = p;
      },
      i32,
      u8: m.u8,
    };
  },
  attach(share: unknown, shared: LarsonShared, p: LarsonParams): LimitState {
    const sab = share as SharedArrayBuffer;
    const lay = layout(p);
    return { ...loopState(shared, p, new Uint8Array(sab)), i32: new Int32Array(sab), heads: HEADS0, stride: lay.stride, end: sab.byteLength };
  },
  generation,
  instrument() {
    throw new Error('the limit has no tagging wrapper: its alloc and free are inline code');
  },
  detach() {},
  // the shared bump pointer only grows: its value at the end is its peak
  memory: (m) => ({ kind: 'bump', main: 'bump', read: () => ({ bump: Atomics.load(m.i32, W_TOP) }) }),
  finish(m) {
    // every block carved must be on exactly one list now, and the lists must cover [start, top)
    const { i32, lay } = m;
    let blocks = 0;
    let bytes = 0;
    for (let set = 0; set < lay.sets; set++) {
      for (let c = 1; c < lay.classes; c++) {
        for (let q = i32[HEADS0 + set * lay.stride + c]; q !== 0; q = i32[q >> 2]) {
          if (i32[(q >> 2) - 1] !== c) return { check: `a block of class ${i32[(q >> 2) - 1]} on list ${c}` };
          blocks++;
          bytes += 4 + limitClassBytes(c);
          if (blocks > i32[W_CARVED]) return { check: 'a list has a cycle' };
        }
      }
    }
    const carved = i32[W_CARVED];
    const span = i32[W_TOP] - (lay.start - 4);
    const ok = blocks === carved && bytes === span;
    return { check: ok ? 'ok' : `${blocks} blocks (${bytes} bytes) on the lists, ${carved} carved (${span} bytes)`, facts: { blocks, bytes } };
  },
};
