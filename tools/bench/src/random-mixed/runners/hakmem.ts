/** hakmem, the default (headered) heap: alloc(size), free(p). */
import { createHeap, type Heap } from 'hakmem';
import type { MixedParams } from '../params.js';
import type { CallCounts, MixedRunner } from '../runner.js';
import { fingerprintOffsets, HEAP_BYTES, hakmemProbe, heapCheck, liveOffsets } from './common.js';

type HeapOps = Pick<Heap, 'alloc' | 'free'>;

export interface HakmemInst {
  /** the heap itself */
  heap: Heap;
  /** what the loop calls: the heap, or a counting wrapper in test mode */
  ops: HeapOps;
  u8: Uint8Array;
  slots: Int32Array;
  ws: number;
  min: number;
  max: number;
}

/** The learner on (the default), or off (fixed refill counts): the hakmem-fixed row. */
export const LEARNING = { on: true };
/** The counting flavours: hits counted (the hakmem-counters row), or low-water marks too (hakmem-low-water). */
export const COUNTERS: { on: boolean | 'low-water' } = { on: false };
/** Every block's alignment: 16 (the default), or 8 (the hakmem-align8 row). */
export const ALIGN: { to: 8 | 16 } = { to: 16 };

function create(p: MixedParams): HakmemInst {
  const heap = createHeap({ size: HEAP_BYTES, learning: LEARNING.on, counters: COUNTERS.on, align: ALIGN.to });
  return { heap, ops: heap, u8: heap.u8, slots: new Int32Array(p.ws), ws: p.ws, min: p.min, max: p.max };
}

function loop(s: HakmemInst, seed: number, n: number): number {
  const heap = s.ops;
  const u8 = s.u8;
  const slots = s.slots;
  const ws = s.ws;
  const min = s.min;
  const max = s.max;
  // idx = r % ws: `%` on a uint32 is a float modulo in V8 (halves the bare loop); when ws is a
  // power of two, r & (ws - 1) is the same value.
  const mask = ws - 1;
  const pow2 = (ws & mask) === 0;
  let failed = 0;
  let x = seed | 0; // xorshift32 on int32: the same bits as on a uint32 state
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = pow2 ? x & mask : (x >>> 0) % ws;
    const p = slots[idx];
    if (p !== 0) {
      heap.free(p);
      slots[idx] = 0;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      const q = heap.alloc(size);
      if (q === 0) {
        failed++;
        continue;
      }
      u8[q] = x & 0xff;
      slots[idx] = q;
    }
  }
  return failed;
}

function drain(s: HakmemInst): number {
  const heap = s.ops;
  const slots = s.slots;
  let freed = 0;
  for (let i = 0; i < slots.length; i++) {
    const p = slots[i];
    if (p !== 0) {
      heap.free(p);
      slots[i] = 0;
      freed++;
    }
  }
  return freed;
}

export const runner: MixedRunner<HakmemInst> = {
  create,
  loop,
  drain,
  live: (s) => liveOffsets(s.slots),
  fingerprint: (s) => fingerprintOffsets(s.slots, s.u8),
  instrument(s) {
    const calls: CallCounts = { allocs: 0, frees: 0 };
    const heap = s.heap;
    s.ops = {
      alloc: (size: number) => (calls.allocs++, heap.alloc(size)),
      free: (p: number) => (calls.frees++, heap.free(p)),
    };
    return calls;
  },
  check: (s) => heapCheck(s.heap),
  memory: (s) => hakmemProbe(s.heap),
};
