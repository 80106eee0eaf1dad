/**
 * @thi.ng/malloc's MemPool over a fixed SharedArrayBuffer, its defaults (align 8, compact and split
 * on). Single-thread only, and free walks the used list (O(live blocks)): the bench gives it far
 * fewer cycles (see ../allocators.ts).
 */
import { MemPool } from '@thi.ng/malloc';
import type { MixedParams } from '../params.js';
import type { CallCounts, MixedRunner } from '../runner.js';
import { fingerprintOffsets, HEAP_BYTES, liveOffsets, poolTopProbe } from './common.js';

type PoolOps = Pick<MemPool, 'malloc' | 'free'>;

interface ThingInst {
  pool: PoolOps;
  u8: Uint8Array;
  slots: Int32Array;
  ws: number;
  min: number;
  max: number;
}

function create(p: MixedParams): ThingInst {
  const buf = new SharedArrayBuffer(HEAP_BYTES);
  return { pool: new MemPool({ buf }), u8: new Uint8Array(buf), slots: new Int32Array(p.ws), ws: p.ws, min: p.min, max: p.max };
}

function loop(s: ThingInst, seed: number, n: number): number {
  const pool = s.pool;
  const u8 = s.u8;
  const slots = s.slots;
  const ws = s.ws;
  const min = s.min;
  const max = s.max;
  // idx = r % ws: `%` on a uint32 is a float modulo in V8; when ws is a power of two,
  // r & (ws - 1) is the same value.
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
      pool.free(p);
      slots[idx] = 0;
    } else {
      let size = 16 + (x & 0x3ff);
      if (size < min) size = min;
      if (size > max) size = max;
      const q = pool.malloc(size);
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

function drain(s: ThingInst): number {
  const pool = s.pool;
  const slots = s.slots;
  let freed = 0;
  for (let i = 0; i < slots.length; i++) {
    const p = slots[i];
    if (p !== 0) {
      pool.free(p);
      slots[i] = 0;
      freed++;
    }
  }
  return freed;
}

export const runner: MixedRunner<ThingInst> = {
  create,
  loop,
  drain,
  live: (s) => liveOffsets(s.slots),
  fingerprint: (s) => fingerprintOffsets(s.slots, s.u8),
  memory: (s) => poolTopProbe(s.u8.buffer as SharedArrayBuffer),
  instrument(s) {
    const calls: CallCounts = { allocs: 0, frees: 0 };
    const pool = s.pool;
    s.pool = {
      malloc: (bytes: number) => (calls.allocs++, pool.malloc(bytes)),
      free: (p: number) => (calls.frees++, pool.free(p)),
    } as PoolOps;
    return calls;
  },
};
