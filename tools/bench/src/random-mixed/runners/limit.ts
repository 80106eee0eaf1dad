/**
 * The limit: a bare segregated freelist doing the same pattern, everything inlined in one loop,
 * over an Int32Array on a fixed SharedArrayBuffer. Classes of 16 bytes (class c holds c * 16
 * bytes), a 4-byte class word before each block (so free knows the class; pointers are therefore
 * 4-aligned), bump allocation when a class list is empty, list heads in the buffer's first words.
 * No validation, no refill, no sharing: what a JS allocator costs at the very least.
 */
import type { MixedParams } from '../params.js';
import type { MixedRunner } from '../runner.js';
import { fingerprintOffsets, HEAP_BYTES, liveOffsets } from './common.js';

interface Limit {
  i32: Int32Array;
  u8: Uint8Array;
  slots: Int32Array;
  /** word index of head[0] */
  heads: number;
  /** bump pointer (byte offset of the next class word) */
  top: number;
  end: number;
  ws: number;
  min: number;
  max: number;
}

function create(p: MixedParams): Limit {
  const sab = new SharedArrayBuffer(HEAP_BYTES);
  const classes = ((p.max + 15) >> 4) + 1;
  return {
    i32: new Int32Array(sab),
    u8: new Uint8Array(sab),
    slots: new Int32Array(p.ws),
    heads: 2,
    top: (2 + classes) * 4,
    end: HEAP_BYTES,
    ws: p.ws,
    min: p.min,
    max: p.max,
  };
}

function loop(s: Limit, seed: number, n: number): number {
  const i32 = s.i32;
  const u8 = s.u8;
  const slots = s.slots;
  const heads = s.heads;
  const end = s.end;
  const ws = s.ws;
  const min = s.min;
  const max = s.max;
  // idx = r % ws. In V8 `%` on a uint32 (r = x >>> 0) is a float modulo, which halves this loop's
  // speed; when ws is a power of two, r & (ws - 1) is the same value (and x & mask the same bits).
  const mask = ws - 1;
  const pow2 = (ws & mask) === 0;
  let top = s.top;
  let failed = 0;
  let x = seed | 0; // xorshift32 on int32: the same bits as on a uint32 state
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const idx = pow2 ? x & mask : (x >>> 0) % ws;
    const p = slots[idx];
    if (p !== 0) {
      const w = p >> 2;
      const h = heads + i32[w - 1];
      i32[w] = i32[h];
      i32[h] = p;
      slots[idx] = 0;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      const cls = (size + 15) >> 4;
      let q = i32[heads + cls];
      if (q !== 0) {
        i32[heads + cls] = i32[q >> 2];
      } else {
        const next = top + 4 + (cls << 4);
        if (next > end) {
          failed++;
          continue;
        }
        i32[top >> 2] = cls;
        q = top + 4;
        top = next;
      }
      u8[q] = x & 0xff;
      slots[idx] = q;
    }
  }
  s.top = top;
  return failed;
}

function drain(s: Limit): number {
  const i32 = s.i32;
  const slots = s.slots;
  const heads = s.heads;
  let freed = 0;
  for (let i = 0; i < slots.length; i++) {
    const p = slots[i];
    if (p !== 0) {
      const w = p >> 2;
      const h = heads + i32[w - 1];
      i32[w] = i32[h];
      i32[h] = p;
      slots[i] = 0;
      freed++;
    }
  }
  return freed;
}

export const runner: MixedRunner<Limit> = {
  create,
  loop,
  drain,
  live: (s) => liveOffsets(s.slots),
  fingerprint: (s) => fingerprintOffsets(s.slots, s.u8),
  // the bump pointer only grows: its value after a loop is its peak
  memory: (s) => ({ kind: 'bump', main: 'bump', read: () => ({ bump: s.top }) }),
};
